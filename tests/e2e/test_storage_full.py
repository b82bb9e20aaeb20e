"""A browser whose localStorage is full for the LMS's origin, in Chromium (its quota: some 5 million
characters an origin, shared by every course and launch an LMS serves from it).

The runtime keeps records per launch (the xAPI statement queue and State copy, quiz.js's backup of
graded texts, the standalone adapter's progress) and used to keep them for ever: once the origin was
full, every later write failed unseen, and a learner lost what the browser was to keep (statements
waiting for the LRS, the progress a reload falls back to, texts too long for the LMS). Now a write
that does not fit removes courseforge records of other launches until it fits: a delivered queue
first, then the least recently written (an older player's, which has no stamp, before any stamped
one); never another launch's queue that still holds statements, nor another application's key.

- cmi5 under Ralph: the learner advances, the LRS goes down, the learner advances again and reloads:
  the statements that waited are kept (and reach the LRS at the next launch), the reloaded page starts
  where the learner was.
- SCORM 1.2 under scorm-again: a text over the LMS's limit is kept in the browser and comes back at the
  learner's next launch.

Node, with every rule of the order: tests/test_runtime_keep.py."""
from __future__ import annotations

import json
import re
from pathlib import Path

from .conftest_xapi import adapter_name, close_page, lesson_ids, open_au, stored, verbs, visible_lesson, walk
from .e2e_support import launch
from .test_cmi5_lrs import launch_and_open
from .test_shared_browser import packages  # noqa: F401 - the fixture of its course's SCORM packages
from .test_shared_browser import EDITIONS, TEXTS, leave, learner, session, to_final, type_over_the_limit, typed
from .test_xapi_kept import IDLE, fallen_back, outage

# The records (stale() below), the index of when they were used (`courseforge:used`, {key: time}, as a
# player writes it; here so many milliseconds ago), then the rest of the origin's quota filled with
# another application's keys, bigger first, until not even 16 characters fit.
FILL = r"""([records, ago]) => {
  const ls = localStorage, now = Date.now(), used = {};
  for (const [key, [text, size]] of Object.entries(records)) ls.setItem(key, text.replace('PAD', 'x'.repeat(size)));
  for (const [key, ms] of Object.entries(ago)) used[key] = now - ms;
  ls.setItem('courseforge:used', JSON.stringify(used));
  let n = 0, size = 1 << 18;
  while (size >= 16) {
    try { ls.setItem('other-app:' + n, 'x'.repeat(size)); n++; } catch (e) { size >>= 1; }
  }
  return n;
}"""
PRESENT = "keys => keys.filter(k => localStorage.getItem(k) !== null)"
DAY = 864e5


def course_key(folder: Path) -> str:
    """`<course id>@<version>`, as the runtime's records of the package's course are named."""
    html = (folder / "index.html").read_text(encoding="utf-8")
    course = json.loads(re.search(r'<script type="application/json" id="cf-course">(.*?)</script>', html, re.S)[1])
    return f"{course['id']}@{course['version']}"


def stale(course: str, room: str) -> tuple[dict, dict, dict]:
    """Records other launches (` <room>-…`) left of `course`: {key: [text, pad]} ('PAD': the pad's
    characters), their stamps (ms ago), and the keys by what must happen to them: `gone` when the
    page made room, `kept` always."""
    queue = "courseforge:xapi:" + room
    answered = {"id": "6f1c3c1e-8c7a-4a8e-9d5b-3b0f1f7a2d10", "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                "result": {"response": "PAD"}}
    records = {
        queue + "-delivered": ["[]", 0],                                                     # garbage
        f"courseforge:{course} {room}-oldest": ['{"location":null,"data":"PAD"}', 1_000_000],  # no stamp
        queue + "-old:state": ['{"n":3,"data":"PAD"}', 1_000_000],                         # a month old
        f"courseforge-backup:{course} {room}-texts": ['{"1":{"a":1,"s":7,"t":{"0":"PAD"}}}', 100_000],
        queue + "-undelivered": [json.dumps([{"s": answered, "n": 1}]), 500_000],           # never dropped
        "lms-notes": ["PAD", 500_000],                                                      # not ours
    }
    ago = {queue + "-old:state": 30 * DAY}
    keys = list(records)
    return records, ago, {"gone": keys[:2], "kept": keys[2:]}


def test_a_cmi5_launch_on_a_full_origin_keeps_its_queue_and_progress(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    folder = xapi_packages["shipped-cmi5"]
    ids = lesson_ids(folder)
    records, ago, fate = stale(course_key(folder), "other-registration other-au")
    page.goto(lms.mount("shipped-cmi5", folder) + "css/courseforge.css")  # the content origin, no launch
    assert page.evaluate(FILL, [records, ago]) > 0

    session = launch_and_open(lms, page, xapi_packages, "shipped-cmi5")
    walk(page, ids, stop=2)
    page.wait_for_function(IDLE)
    ralph.stop()
    try:
        walk(page, ids, start=1, stop=4)
        # What waits for the LRS is in the browser, not in the page alone.
        waiting = page.evaluate("Courseforge.player.adapter.client.queue.map(i => i.s.id)")
        kept = page.evaluate("k => (JSON.parse(localStorage.getItem(k)) || []).map(i => i.s.id)",
                             page.evaluate("Courseforge.player.adapter.client.key"))
        assert len(waiting) >= 3 and kept == waiting, "the statements waiting for the LRS are not in the browser"
        page.reload()  # pagehide ends the session (its keepalive batch fails): the launch cannot start again
        got = fallen_back(page)
        assert got["start"] == "Continue" and got["viewed"] == [0, 1, 2, 3], got
        assert page.evaluate(PRESENT, fate["gone"] + fate["kept"]) == fate["kept"]
        close_page(page)
    finally:
        ralph.start()

    # The next launch of the registration sends what waited, same ids, each once.
    again = lms.launch_cmi5("shipped-cmi5", folder, actor=session.actor, registration=session.registration)
    open_au(page, again.url)
    assert adapter_name(page) == "cmi5" and visible_lesson(page) == ids[3]
    page.wait_for_function(IDLE)
    assert page.evaluate(PRESENT, fate["gone"] + fate["kept"]) == fate["kept"]
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 1, registration=session.registration)
    assert not set(waiting) - {s["id"] for s in found}, "statements kept while the origin was full never arrived"
    assert lms.violations == [], lms.violations
    assert watch.unexpected(outage) == []


def test_a_scorm_launch_on_a_full_origin_keeps_the_text_over_the_limit(lms_context, server, packages):  # noqa: F811
    context, watch = lms_context
    standard = "scorm12"
    edition, finish = EDITIONS[standard]
    name, text = "learner-a", TEXTS["learner-a"]
    records, ago, fate = stale(course_key(packages[standard].folder), "learner-b")
    first = learner(edition, name)
    # The LMS page fills its origin, which is the SCO's: in that page, as another page's writes may reach
    # the browser's store after the next page has read it.
    page = context.new_page()
    page.goto(f"{server.origin}/lms/lms.html?edition={edition}")
    assert page.evaluate(FILL, [records, ago]) > 0
    sco = launch(page, packages[standard], preload=first)
    to_final(sco)
    type_over_the_limit(sco, text)
    key = sco.evaluate("Courseforge.player.quiz.key()")
    kept = sco.evaluate("k => ((JSON.parse(localStorage.getItem(k)) || {})[1] || {}).t", key)
    assert kept == {"0": text}, "the text over the limit is not in the browser"
    assert sco.evaluate(PRESENT, fate["gone"] + fate["kept"]) == fate["kept"]
    saved = leave(page, finish, first)

    page, sco = session(context, server, packages, standard, saved)
    assert typed(sco) == text, "the text kept in the browser is not back"
    leave(page, finish, first)
    watch.assert_clean()
