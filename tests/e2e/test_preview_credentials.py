"""The preview's LRS in Chromium, as a real LRS answers: a course whose xAPI requests lose their
credentials is refused (401), the panel lists the refused requests, and the course keeps the statement
to send it again; the `launched` the LMS records names the AU at the URL the frame loads."""
from __future__ import annotations

from .test_preview import listed, start

LAUNCHURL = "https://w3id.org/xapi/cmi5/context/extensions/launchurl"
# The frame's URL without the launch parameters the LMS added (cmi5 §9.6.3.4).
FRAME_URL = """() => { const url = new URL(document.getElementById('pv-frame').contentWindow.location.href);
  ['endpoint', 'fetch', 'actor', 'registration', 'activityId'].forEach(name => url.searchParams.delete(name));
  return url.href; }"""
CLIENT = "document.getElementById('pv-frame').contentWindow.Courseforge.player.adapter.client"
IDLE = f"() => {{ const c = {CLIENT}; return !c.queue.length && !c.inflight; }}"
# Its answer read, the course waits before it tries again (not in a loop).
BACKING_OFF = f"() => {{ const c = {CLIENT}; return !!c.timer && !c.inflight && c.delay >= 1000; }}"
# A course that lost its token (a bug in its xAPI adapter, a stale token): made-up credentials.
LOSE = f"() => {{ const c = {CLIENT}; window.pvToken = c.auth; c.auth = 'Basic ' + btoa('preview:lost'); }}"
WAITING = f"""() => {{ const c = {CLIENT}; return {{ verbs: c.queue.map(item => item.s.verb.id.split('/').pop()),
  kept: Object.keys(localStorage).filter(key => key.startsWith('courseforge:xapi:'))
    .map(key => JSON.parse(localStorage.getItem(key))).filter(Array.isArray).flat().length }}; }}"""
FOUND = f"() => {{ const c = {CLIENT}; c.auth = window.pvToken; c.retry(); }}"


def cmi5(page, running) -> None:
    page.goto(running.url)
    page.get_by_role("group", name="Standard").get_by_role("button", name="cmi5", exact=True).click()
    listed(page, "initialized", 1)


def test_launched_names_the_au_at_the_url_the_frame_loads(preview, page):
    running, _ = preview
    cmi5(page, running)
    [launched] = [s for s in running.lrs.statements if s["verb"]["id"].endswith("/launched")]
    loaded = page.evaluate(FRAME_URL)
    assert "/course/cmi5/@" in loaded and launched["context"]["extensions"][LAUNCHURL] == loaded


def test_a_course_that_loses_its_credentials_is_refused_and_keeps_its_statement(preview, page):
    running, _ = preview
    cmi5(page, running)
    course = page.frame_locator("#pv-frame")
    start(course)
    page.wait_for_function(IDLE)
    page.evaluate(LOSE)
    course.locator("#cf-next").click()
    course.get_by_role("heading", name="Listening first", level=1).wait_for()
    refused = page.locator("#pv-log > li", has_text="POST statements experienced")
    refused.first.wait_for()
    assert refused.first.inner_text().startswith(
        "POST statements experienced — refused: 401 credentials this LMS never issued")
    experienced = [s for s in running.lrs.statements if s["verb"]["id"].endswith("/experienced")]
    assert [s["object"]["definition"]["name"]["en"] for s in experienced] == ["Welcome"]
    # Not dropped: first in the course's queue, kept in localStorage, tried again after a backoff.
    page.wait_for_function(BACKING_OFF)
    waiting = page.evaluate(WAITING)
    assert waiting["verbs"][0] == "experienced" and waiting["kept"] >= 1

    page.evaluate(FOUND)  # the same statement, sent with the credentials the launch issued
    page.locator("#pv-log > li", has_text="experienced Listening first").wait_for()
    page.wait_for_function(IDLE)
    experienced = [s for s in running.lrs.statements if s["verb"]["id"].endswith("/experienced")]
    assert [s["object"]["definition"]["name"]["en"] for s in experienced] == ["Welcome", "Listening first"]
