"""What the browser keeps for the LRS, under Ralph and the strict LMS stand-in (lrs.py), in Chromium:

- The tab closed while the LRS is down: the last keepalive batch fails, unseen by the page. It stays
  in localStorage, and the next launch sends it (same ids, each once, nothing refused or made after a
  session's terminated). It used to leave the queue before it was sent: every statement of the outage
  was lost.
- Two learners of one browser profile, TinCan launches without a registration: the next learner gets
  nothing of the last one (their page and answers, their State document, their statements).
- A launch that cannot start again (cmi5: reloaded once its session ended; TinCan: the LRS out of
  reach) falls back to the standalone adapter in the launch's room (Courseforge.room): it starts from
  what the learner had when the launch ended, not from a fresh course; another registration's or
  learner's launch finds nothing of it. (What the learner does there reaches the LMS at the launch's next
  session: test_xapi_carry.py.)
"""
from __future__ import annotations

import json
import time
from collections import Counter

from .conftest_xapi import (READY, adapter_name, close_page, lesson_ids, open_au, settle, stored,
                            tincan_launch_with_the_lrs_out_of_reach, verbs, visible_lesson, walk)
from .lrs import SESSION_ID
from .test_cmi5_lrs import au_statements, check_cmi5, expected_failures, launch_and_open
from .test_tincan_lrs import check_tincan

IDLE = "() => { const c = Courseforge.player.adapter.client; return !c.queue.length && !c.inflight; }"


def outage(status: int, method: str, url: str) -> bool:
    """The LMS's 503 while Ralph is down, and the next launch's question after a batch that never arrived."""
    return expected_failures(status, method, url) or "/xAPI/statements" in url and (
        status == 503 and method == "POST" or status == 404 and method == "GET")


def keepalive_batch(lms, sent: int, waiting: list[str], timeout: float = 10) -> tuple[list[str], int]:
    """The first POST after the LMS's first `sent` that carries every statement of `waiting` and more
    (the session's terminated): a closed page's keepalive request may reach the LMS after goto()
    returns, and a retry of the queue alone may come before it."""
    deadline = time.monotonic() + timeout
    while True:
        for batch, answer in lms.posted[sent:]:
            if set(waiting) < set(batch):
                return batch, answer
        assert time.monotonic() < deadline, f"no batch with what waited came after the tab closed: {lms.posted[sent:]}"
        time.sleep(0.05)


def test_closing_the_tab_while_the_lrs_is_down_loses_no_statement(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    ids = lesson_ids(xapi_packages["shipped-cmi5"])
    session = launch_and_open(lms, page, xapi_packages, "shipped-cmi5")
    walk(page, ids, stop=2)
    page.wait_for_function(IDLE)
    ralph.stop()
    try:
        walk(page, ids, start=1, stop=5)
        waiting = page.evaluate("Courseforge.player.adapter.client.queue.map(i => i.s.id)")
        assert len(waiting) >= 4, "statements wait while the LRS is down"
        sent = len(lms.posted)
        close_page(page)  # the learner closes the tab before the LRS is back: the keepalive batch fails
        batch, answer = keepalive_batch(lms, sent, waiting)
        assert answer == 503 and batch[:-1] == waiting  # the keepalive batch: what waited, then terminated
    finally:
        ralph.start()
    first = stored(ralph, registration=session.registration)
    assert not set(waiting) & {s["id"] for s in first}

    again = lms.launch_cmi5("shipped-cmi5", xapi_packages["shipped-cmi5"], actor=session.actor,
                            registration=session.registration)
    open_au(page, again.url)
    assert adapter_name(page) == "cmi5" and visible_lesson(page) == ids[4]
    page.wait_for_function(IDLE)
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 1, registration=session.registration)
    counted = Counter(s["id"] for s in found)
    lost = [i for i in waiting if i not in counted]
    assert not lost, f"{len(lost)} of {len(waiting)} statements queued during the outage never reached the LRS"
    # Each stored once; the one statement sent and not stored: the first session's terminated.
    assert max(counted.values()) == 1 and lms.attempted_ids() - set(counted) == {batch[-1]}
    # The first session's statements (its terminated never arrived: the LMS closed that session) keep
    # their session; the second session is whole, and nothing was refused or came after a terminated.
    earlier = [s for s in au_statements(found) if s["context"]["extensions"][SESSION_ID] == session.session_id]
    assert verbs(earlier)[0] == "initialized" and "terminated" not in verbs(earlier)
    check_cmi5([s for s in found if s["context"]["extensions"][SESSION_ID] == again.session_id], [again])
    assert lms.violations == [], lms.violations
    assert watch.unexpected(outage) == []


def test_the_next_learner_on_a_shared_browser_starts_afresh(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    folder = xapi_packages["shipped-tincan"]
    ids = lesson_ids(folder)
    alice = lms.launch_tincan("shipped-tincan", folder, actor=lms.learner("alice"), registration=None)
    open_au(page, alice.url)
    assert adapter_name(page) == "tincan"
    walk(page, ids, stop=4)
    close_page(page)
    stored(ralph, lambda f: "terminated" in verbs(f), agent=json.dumps({"account": alice.actor["account"]}))

    bob = lms.launch_tincan("shipped-tincan", folder, actor=lms.learner("bob"), registration=None)
    open_au(page, bob.url)
    # Bob resumed on Alice's page, her answers and progress his, and `completed` never sent for him.
    assert visible_lesson(page) == ids[0]
    walk(page, ids)
    page.wait_for_function(IDLE)
    close_page(page)
    mine = stored(ralph, lambda f: "terminated" in verbs(f), agent=json.dumps({"account": bob.actor["account"]}))
    check_tincan(mine, bob, bob.actor)
    assert verbs(mine).count("completed") == 1
    assert lms.state(bob, "courseforge.resume")["location"] == ids[-1]

    # Alice's next launch on that browser: back where she left.
    back = lms.launch_tincan("shipped-tincan", folder, actor=alice.actor, registration=None)
    open_au(page, back.url)
    assert visible_lesson(page) == ids[3]
    settle(page)
    close_page(page)
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def fallen_back(page) -> dict:
    """The page (open or reloaded) once the player runs on the standalone adapter, saying the launch did not
    start: where its cover leads (Start or Continue), the pages it counts viewed, and its record's key."""
    page.wait_for_function(READY)
    assert adapter_name(page) == "standalone" and page.is_visible("#cf-notice")
    return page.evaluate("""() => { const p = Courseforge.player;
        return {start: document.getElementById('cf-start').textContent.trim(), viewed: p.state.viewed,
                key: p.adapter.key}; }""")


def test_an_ended_cmi5_launch_reloaded_starts_where_the_learner_was(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    folder = xapi_packages["shipped-cmi5"]
    ids = lesson_ids(folder)
    session = launch_and_open(lms, page, xapi_packages, "shipped-cmi5")
    walk(page, ids, stop=3)
    page.reload()  # pagehide ends the session (C5-L4): the reloaded launch cannot start again
    got = fallen_back(page)
    assert got["start"] == "Continue" and got["viewed"] == [0, 1, 2], got
    assert got["key"].endswith(f" {session.registration} {session.activity_id}")
    page.click("#cf-start")
    assert visible_lesson(page) == ids[2]
    page.click("#cf-next")
    assert visible_lesson(page) == ids[3]

    # The same AU under another registration (another learner, or the course taken again), ended and
    # reloaded: nothing of the first.
    other = launch_and_open(lms, page, xapi_packages, "shipped-cmi5")
    assert visible_lesson(page) == ids[0]
    settle(page)
    page.reload()
    got = fallen_back(page)
    assert got["viewed"] == [0], got  # its own cover page alone
    assert got["key"].endswith(f" {other.registration} {other.activity_id}")

    # The first launch's page again (the same tab knows it ended): where its fallback left it.
    page.goto(session.url)
    got = fallen_back(page)
    assert got["start"] == "Continue" and got["viewed"] == [0, 1, 2, 3], got
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 1, registration=session.registration)
    check_cmi5(found, [session])
    assert session.fetches == ["POST"] and other.fetches == ["POST"]
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def test_a_tincan_launch_with_the_lrs_out_of_reach_starts_where_the_learner_was(lms, ralph, xapi_packages,
                                                                                  xapi_page):
    page, watch = xapi_page
    folder = xapi_packages["shipped-tincan"]
    ids = lesson_ids(folder)
    # The LRS out of reach at the second launch: no State document, so no session; the fallback in the launch's room.
    alice, again = tincan_launch_with_the_lrs_out_of_reach(lms, ralph, page, "shipped-tincan", folder, stop=3)
    got = fallen_back(page)
    assert got["start"] == "Continue" and got["viewed"] == [0, 1, 2], got
    page.click("#cf-start")
    assert visible_lesson(page) == ids[2]
    # Another learner (or another registration) finds nothing of hers.
    bob = lms.launch_tincan("shipped-tincan", folder, actor=lms.learner("bob"))
    page.goto(bob.url)
    got = fallen_back(page)
    assert got["start"] == "Start" and got["viewed"] == [], got
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []
