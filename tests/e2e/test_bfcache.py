"""Back to a launch whose page the back/forward cache kept, in a Chromium that allows it (Playwright's
default switches keep it off) and with pages served "no-cache" (no-store keeps them out): the session
ended on pagehide (cmi5 terminated under Ralph, LMSFinish under scorm-again) and stays ended, nothing
is sent or called after it; the learner carries on with the standalone adapter in the launch's room, as
after a reload, and the notice says so. It used to show a course that looked live, with no notice,
and keep nothing of what the learner did next, neither in the LMS nor in the browser."""
from __future__ import annotations

import pytest

from .conftest_xapi import (READY, adapter_name, lesson_ids, open_au, settle, stored, verbs, visible_lesson, walk,
                            xapi_context)
from .e2e_support import CHROMIUM, CHROMIUM_ARGS, StaticFiles, calls, launch, watched_context
from .lrs import SESSION_ID
from .test_cmi5_lrs import au_statements, check_cmi5, expected_failures

# The SCO in the test LMS's frame (Playwright loses the frames of a page the cache gives back).
SCO = "document.getElementById('sco').contentWindow"


@pytest.fixture(scope="module")
def cached_browser(browser):
    """A Chromium of the same Playwright, with the back/forward cache allowed."""
    other = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                        ignore_default_args=["--disable-back-forward-cache"])
    yield other
    other.close()


@pytest.fixture(autouse=True)
def cacheable(monkeypatch):
    monkeypatch.setattr(StaticFiles, "cache_control", "no-cache")


def away_and_back(page, url: str) -> None:
    """To `url`, then Back: the page the cache kept (pageshow with `persisted`), never a new load."""
    page.evaluate("addEventListener('pageshow', e => { window.cfShown = e.persisted; })")
    page.goto(url)
    page.go_back(wait_until="commit")  # a page from the cache fires no load event
    page.wait_for_function("() => 'cfShown' in window")
    reasons = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0].notRestoredReasons)")
    assert page.evaluate("window.cfShown") is True, f"not from the back/forward cache: {reasons}"


def test_an_ended_cmi5_launch_back_from_the_cache_carries_on_in_the_browser(lms, ralph, xapi_packages,
                                                                            cached_browser):
    context, page, watch = xapi_context(cached_browser, lms)
    try:
        folder = xapi_packages["shipped-cmi5"]
        ids = lesson_ids(folder)
        session = lms.launch_cmi5("shipped-cmi5", folder)
        open_au(page, session.url)
        walk(page, ids, stop=3)
        away_and_back(page, f"{lms.origin}/return?registration={session.registration}")
        assert adapter_name(page) == "standalone" and page.is_visible("#cf-notice")
        assert "is kept in this browser" in page.inner_text("#cf-notice")  # and reaches the LMS later
        assert visible_lesson(page) == ids[2]
        page.click("#cf-next")
        assert visible_lesson(page) == ids[3]
        sent = len(lms.posted)
        page.reload()  # what the learner did since is kept, in the launch's room
        page.wait_for_function(READY)
        assert adapter_name(page) == "standalone"
        assert page.evaluate("Courseforge.player.state.viewed") == [0, 1, 2, 3]
        assert page.evaluate("Courseforge.player.adapter.key").endswith(f" {session.registration} {session.activity_id}")
        found = stored(ralph, lambda f: "terminated" in verbs(f), registration=session.registration)
        check_cmi5(found, [session])  # terminated last
        assert len(lms.posted) == sent and session.fetches == ["POST"]
        # The launch's next session in this browser carries on what the learner did since (test_xapi_carry.py):
        # on that page, its `experienced` and the progress made.
        again = lms.launch_cmi5("shipped-cmi5", folder, actor=session.actor, registration=session.registration)
        open_au(page, again.url)
        assert adapter_name(page) == "cmi5" and visible_lesson(page) == ids[3]
        settle(page)
        page.goto("about:blank")
        found = stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=session.registration)
        check_cmi5(found, [session, again])
        mine = [s for s in au_statements(found) if s["context"]["extensions"][SESSION_ID] == again.session_id]
        assert verbs(mine) == ["initialized", "experienced", "progressed", "terminated"]
        assert mine[1]["object"]["id"].endswith("/" + ids[3])
        assert lms.violations == [], lms.violations
        assert watch.unexpected(expected_failures) == []
    finally:
        context.close()


def test_an_ended_scorm_session_back_from_the_cache_carries_on_in_the_browser(server, shipped_package,
                                                                              cached_browser):
    context, watch = watched_context(cached_browser, server.origin)
    try:
        ids = shipped_package.lesson_ids
        page = context.new_page()
        page.goto(server.origin + "/lms/lms.html")
        sco = launch(page, shipped_package)
        sco.click("#cf-next")
        sco.click("#cf-next")
        away_and_back(page, server.origin + "/lms/lms.html?elsewhere")
        log = calls(page)
        assert log[-1]["fn"] == "LMSFinish" and log[-1]["result"] == "true"
        shown = page.evaluate(f"""(w => ({{adapter: w.Courseforge.player.adapter.name,
            notice: !w.document.getElementById('cf-notice').hidden}}))({SCO})""")
        assert shown == {"adapter": "standalone", "notice": True}
        # No later SCORM session carries it on (xAPI's noticeCarried): the notice says it is not sent.
        notice = page.evaluate(f"{SCO}.document.getElementById('cf-notice').textContent")
        assert "not sent" in notice and "is kept in this browser" not in notice, notice
        page.evaluate(f"{SCO}.document.getElementById('cf-next').click()")
        page.wait_for_function(f"id => !{SCO}.document.getElementById('lesson-' + id).hidden", arg=ids[3])
        assert calls(page) == log, "an API call after LMSFinish"
        # Kept in this browser under the course and the learner's id (the LMS's cmi.core.student_id).
        kept = page.evaluate(f"(w => w.localStorage.getItem(w.Courseforge.player.adapter.key))({SCO})")
        key = page.evaluate(f"{SCO}.Courseforge.player.adapter.key")
        assert key.endswith(" learner-1") and '"location":"' + ids[3] + '"' in kept, (key, kept)
        assert [e for e in page.evaluate("cfLMS.logs") if e["level"] in ("4", "5", "ERROR")] == []
        watch.assert_clean()
    finally:
        context.close()
