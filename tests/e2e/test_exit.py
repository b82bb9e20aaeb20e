"""The "Exit course" control (`#cf-exit` in the header, `#cf-exit-end` on the course summary after the last page) under SCORM 1.2
(scorm-again committing over HTTP, tests/e2e/lms.html) and with no LMS at all (file://): the session
ends as the standard wants, then the "You can close this window" screen, or a popup closes itself.
cmi5 and TinCan: test_xapi_session_end.py."""
from __future__ import annotations

import pytest

from .e2e_support import (READY, axe_violations, begin, calls, format_violations, last_set, launch, open_lms,
                          visible_lesson, wait_for_call)
from .test_scorm12_lms import assert_api_clean


def tab_to(sco, keyboard, selector: str) -> None:
    """Press Tab from the top of the page until `selector` has the focus, as a keyboard user would."""
    sco.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(50):
        keyboard.press("Tab")
        if sco.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_exit_course_finishes_suspended_and_says_so(lms_context, server, shipped_package):
    """"Exit course" mid-course: LMSFinish with exit `suspend`, a commit right before it (the page
    stays, Q1), then the closed screen, reached and read by keyboard, axe-clean, also at 320 px."""
    context, watch = lms_context
    ids = shipped_package.lesson_ids
    page = open_lms(context, server)
    sco = launch(page, shipped_package)
    sco.click("#cf-next")
    tab_to(sco, page.keyboard, "#cf-exit")
    page.keyboard.press("Enter")
    sco.wait_for_selector("#cf-closed", state="visible")
    wait_for_call(page, "LMSFinish")
    names = [c["fn"] for c in assert_api_clean(page)]
    assert names[-2:] == ["LMSCommit", "LMSFinish"], names[-6:]
    assert last_set(page, "cmi.core.exit") == "suspend"
    assert page.evaluate("cfLMS.cmi()")["core"]["lesson_location"] == ids[1]
    assert not sco.is_visible("#cf-app") and not sco.is_visible("#cf-exit")
    assert sco.evaluate("document.activeElement.textContent") == "You can close this window"
    page.set_viewport_size({"width": 320, "height": 640})
    assert sco.evaluate("document.documentElement.scrollWidth") <= 320
    violations = axe_violations(sco)
    assert not violations, format_violations(violations)
    page.evaluate("cfLMS.unload()")  # leaving the closed screen ends nothing twice
    page.wait_for_timeout(300)
    assert [c["fn"] for c in calls(page)].count("LMSFinish") == 1
    watch.assert_clean()


def test_exit_course_from_a_completed_popup_closes_it(lms_context, server, make_course, package_factory):
    """On the summary of a completed course: exit '' (S12-R5), and the popup closes itself."""
    context, watch = lms_context
    package = package_factory(make_course(lessons=1))
    page = open_lms(context, server)
    sco = launch(page, package, mode="popup")
    assert sco.is_visible("#cf-exit") and not sco.is_visible("#cf-exit-end")
    sco.click("#cf-next")  # "Next: Course summary"
    assert sco.is_visible("#cf-exit-end") and sco.is_visible("#cf-exit")
    with sco.expect_event("close"):
        sco.click("#cf-exit-end")
    wait_for_call(page, "LMSFinish")
    assert_api_clean(page)
    assert page.evaluate("cfLMS.cmi()")["core"]["lesson_status"] == "completed"
    assert last_set(page, "cmi.core.exit") == ""
    watch.assert_clean()


def test_exit_course_ends_the_course_summary(lms_context, server, shipped_package):
    context, watch = lms_context
    ids = shipped_package.lesson_ids
    page = open_lms(context, server)
    sco = launch(page, shipped_package)
    assert sco.is_visible("#cf-exit") and not sco.is_visible("#cf-exit-end")
    sco.evaluate("id => document.querySelector(`a[href='#lesson-${id}']`).click()", ids[-1])
    assert not sco.is_visible("#cf-exit-end")
    sco.click("#cf-next")  # the last page's Next leads to the course summary
    assert sco.is_visible("#cf-exit-end")
    # At 320 px nothing scrolls sideways, and both controls are tap targets of at least 44 x 44 px.
    page.set_viewport_size({"width": 320, "height": 640})
    assert sco.evaluate("document.documentElement.scrollWidth") <= 320
    for selector in ("#cf-exit", "#cf-exit-end"):
        box = sco.locator(selector).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (selector, box)
    sco.click("#cf-prev")
    assert not sco.is_visible("#cf-exit-end")
    page.evaluate("cfLMS.unload()")
    wait_for_call(page, "LMSFinish")
    assert_api_clean(page)
    watch.assert_clean()


def test_exit_course_without_an_lms_keeps_progress(file_context, shipped_package):
    """Opened from disk: the closed screen, and the next visit resumes where the learner left."""
    context, watch = file_context
    ids = shipped_package.lesson_ids
    page = context.new_page()
    page.goto((shipped_package.folder / "index.html").as_uri())
    page.wait_for_function(READY)
    begin(page)
    page.click("#cf-next")
    page.click("#cf-exit")
    page.wait_for_selector("#cf-closed", state="visible")
    assert not page.is_visible("#cf-app")
    assert page.evaluate("document.activeElement.textContent") == "You can close this window"
    page.reload()
    page.wait_for_function(READY)
    assert page.inner_text("#cf-start") == "Continue"  # the cover offers the saved page
    begin(page)
    assert visible_lesson(page) == ids[1]
    watch.assert_clean()


def test_a_link_out_of_a_lesson_opens_beside_the_player_and_the_session_goes_on(lms_context, server, make_course,
                                                                                 package_factory):
    """A web page or a file linked from a lesson opens in a new tab: followed in the SCO's own frame it
    ended the LMS session (pagehide, LMSFinish) and Back found the course closed. Screen readers hear
    that it opens a new tab (aria-describedby), in the course's language."""
    from conftest import lesson

    context, watch = lms_context
    body = "Read [the policy](https://example.com/policy) or [the handout](../files/handout.pdf)."
    package = package_factory(make_course({"lessons/01-part-1.md": lesson("part-1", "Part 1", body),
                                           "files/handout.pdf": b"%PDF-1.4\n%%EOF\n"}, lessons=2))
    page = open_lms(context, server)
    sco = launch(page, package)
    assert sco.evaluate("document.getElementById('cf-new-tab').textContent") == "opens in a new tab"
    for link, opened in (("the policy", "https://example.com/policy"), ("the handout", "files/handout.pdf")):
        with page.expect_popup() as popup:
            sco.click(f"text={link}")
        assert popup.value.url.endswith(opened) or opened in watch.foreign
        popup.value.close()
        assert sco.evaluate("l => document.querySelector(`a[href$='${l}']`).getAttribute('rel')", opened.split("/")[-1]) == "noopener"
    assert visible_lesson(sco) == "part-1" and "LMSFinish" not in [c["fn"] for c in calls(page)]
    sco.click("#cf-next")  # the session goes on: the next page reaches the LMS
    wait_for_call(page, "LMSCommit")
    assert page.evaluate("cfLMS.cmi()")["core"]["lesson_location"] == "part-2"
    page.evaluate("cfLMS.unload()")
    wait_for_call(page, "LMSFinish")
    assert_api_clean(page)
    assert watch.foreign == ["https://example.com/policy"]  # what the test's browser may not fetch
    watch.foreign.clear()
    watch.failed = [failure for failure in watch.failed if not failure.endswith(" https://example.com/policy")]
    watch.assert_clean()
