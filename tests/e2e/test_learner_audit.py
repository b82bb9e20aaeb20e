"""What a demanding learner met in the shipped course (the learner audit), each kept fixed here: focus
that must not fall to the page when the control holding it goes away; an LMS that refuses a
commit, which the learner must hear of while nothing is lost; a reload, which ends the LMS's
session, after which the player must not claim that no LMS is there; the menu's and summary's
marks, which must agree with the progress figure; and a knowledge check's right answer, which a
reload must not give away after a first wrong try."""
from __future__ import annotations

from .conftest_xapi import open_au
from .e2e_support import READY, axe_violations, format_violations, launch, open_lms, visible_lesson

FOCUSED = """() => { const a = document.activeElement;
  return a && a !== document.body && a.getClientRects().length > 0 ? a.className || a.id : null; }"""


def test_skip_to_the_end_keeps_focus_in_the_scene(lms_context, server, shipped_package):
    """Keyboard only: "Skip to the end" hides itself; focus goes to the scene's heading, not to the page."""
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, shipped_package)
    kinds = sco.evaluate("Courseforge.player.lessons.map(l => l.kind)")
    sco.evaluate("i => Courseforge.player.show(i)", kinds.index("scenario"))
    section = f"#lesson-{visible_lesson(sco)}"
    scene = f"{section} .scene:not([hidden])"
    for _ in range(6):  # decisions until an ending scene with a clip offers "Skip to the end"
        if sco.is_visible(f"{scene} .scene-end"):
            break
        if sco.is_visible(f"{scene} .scene-skip"):
            sco.focus(f"{scene} .scene-skip")
            page.keyboard.press("Enter")
        sco.focus(f"{scene} .scene-option >> nth=0")
        page.keyboard.press("Enter")
    sco.focus(f"{scene} .scene-end")
    page.keyboard.press("Enter")
    sco.wait_for_function("s => document.querySelector(s).textContent", arg=f"{section} .scenario-status")
    assert sco.evaluate(FOCUSED) == "scene-title", "focus fell to the page with the button"
    assert sco.evaluate("s => document.activeElement === document.querySelector(s)", f"{scene} .scene-title")
    page.keyboard.press("Tab")
    assert sco.evaluate(FOCUSED), "Tab goes on from the scene"
    watch.assert_clean()


def test_a_refused_commit_is_said_and_nothing_is_lost(lms_context, server, shipped_package):
    """scorm-again's commit URL answers 500 once: LMSCommit fails. The learner reads (and hears: an
    alert) that the progress was not saved; the next save goes through, the notice goes, and the LMS
    holds every page viewed."""
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, shipped_package)
    ids = shipped_package.lesson_ids
    refused = []

    def once(route):
        if refused:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.fulfill(status=500, body="down for a moment")

    page.route("**/lms/commit", once)
    assert not sco.is_visible("#cf-unsaved")
    sco.click("#cf-next")
    sco.wait_for_selector("#cf-unsaved", state="visible")
    assert refused and page.evaluate("cfLMS.calls.filter(c => c.fn === 'LMSCommit').pop().result") == "false"
    assert sco.get_attribute("#cf-unsaved", "role") == "alert"
    assert "could not be saved" in sco.inner_text("#cf-unsaved")
    box = sco.evaluate("JSON.stringify(document.getElementById('cf-unsaved').getBoundingClientRect().top)")
    assert float(box) < sco.evaluate("innerHeight"), "the notice is in view"
    violations = axe_violations(sco)
    assert not violations, format_violations(violations)
    sco.click("#cf-next")
    sco.wait_for_selector("#cf-unsaved", state="hidden")
    assert visible_lesson(sco) == ids[2]
    cmi = page.evaluate("cfLMS.cmi()")
    assert cmi["core"]["lesson_location"] == ids[2]
    saved = server.commits[-1]
    assert saved["cmi"]["core"]["lesson_location"] == ids[2] and saved["cmi"]["suspend_data"] == cmi["suspend_data"]
    assert watch.failed == [f"500 {refused[0]}"]
    assert all("500" in m for m in watch.console_errors) and not watch.page_errors


ENDED = "open the course again from the learning management system"
NO_LMS = "Not connected to a learning management system"


def test_a_reload_in_a_scorm_lms_says_the_session_ended(lms_context, server, shipped_package):
    """The SCO's frame reloads: pagehide ended the session (LMSFinish), the LMS refuses a second
    LMSInitialize. The notice sends the learner back to the LMS; it never says there is none."""
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, shipped_package)
    sco.click("#cf-next")
    sco.evaluate("location.reload()")
    page.wait_for_function("cfLMS.calls.filter(c => c.fn === 'LMSInitialize').length === 2")
    sco = page.wait_for_selector("#sco").content_frame()
    sco.wait_for_function(READY)
    assert page.evaluate("cfLMS.calls.filter(c => c.fn === 'LMSInitialize').pop().result") == "false"
    notice = sco.inner_text("#cf-notice")
    assert sco.is_visible("#cf-notice") and ENDED in notice and NO_LMS not in notice
    # SCORM has no later session to carry the browser's progress on to (xAPI's noticeCarried): not sent.
    assert "not sent" in notice and "is kept in this browser" not in notice, notice
    violations = axe_violations(sco)
    assert not violations, format_violations(violations)
    watch.assert_clean()


def test_a_reload_of_a_cmi5_au_says_the_session_ended(lms, xapi_packages, xapi_page):
    page, watch = xapi_page
    session = lms.launch_cmi5("audit-reload", xapi_packages["shipped-cmi5"])
    open_au(page, session.url)
    page.reload()  # pagehide sent terminated: this launch is over (cmi5 §9.3.8)
    page.wait_for_function(READY)
    notice = page.inner_text("#cf-notice")
    assert page.is_visible("#cf-notice") and ENDED in notice and NO_LMS not in notice
    assert session.fetches == ["POST"]


def test_the_marks_agree_with_the_progress_figure(lms_context, server, shipped_package):
    """Every page opened, nothing finished but the lessons: the header says how many pages are done,
    and exactly those carry a tick in the menu and read "completed" in the summary; the scenarios and
    assessments opened but not finished read "viewed", without a tick."""
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, shipped_package)
    ids = shipped_package.lesson_ids
    for _ in ids[1:]:
        sco.click("#cf-next")
    done = int(sco.inner_text("#cf-progress-text").split()[0])
    kinds = sco.evaluate("Courseforge.player.lessons.map(l => l.kind)")
    assert done == kinds.count("lesson") < len(ids)
    ticks = sco.evaluate("""[...document.querySelectorAll('#cf-nav .cf-mark')]
        .map(m => getComputedStyle(m, '::before').content).filter(c => c.includes('\u2713')).length""")
    assert ticks == done, f"{ticks} pages ticked in the menu, {done} done in the header"
    sco.click("#cf-next")
    labels = sco.evaluate("[...document.querySelectorAll('#cf-complete-list .cf-complete-state')].map(s => s.textContent)")
    assert labels == ["completed"] * done + ["viewed"] * (len(ids) - done)
    assert sco.inner_text("#cf-complete-done") == f"{done} of {len(ids)} pages done."
    violations = axe_violations(sco)
    assert not violations, format_violations(violations)
    watch.assert_clean()


def test_a_reload_does_not_give_away_a_knowledge_check(lms_context, server, shipped_package):
    """A first wrong answer gets "try again"; after a relaunch the check shows the same answer, says
    it is incorrect and still hides the right one, and the learner's next try is judged as usual."""
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, shipped_package)
    sco.click("#cf-next")
    check = sco.locator("section.lesson:not([hidden]) fieldset.question[data-type=single]").first
    qid = check.get_attribute("id")
    right = sco.evaluate("id => Courseforge.player.course.questions[id].correct", qid[len("q-"):])
    wrong = next(v for v in check.locator("input").evaluate_all("l => l.map(i => i.value)") if v not in right)
    check.locator(f'input[value="{wrong}"]').check(force=True)
    check.locator(".question-check").click()
    assert sco.inner_text(f"#{qid} .question-result") == "Not quite — try again."
    page.evaluate("cfLMS.unload()")
    page.wait_for_function("cfLMS.calls.some(c => c.fn === 'LMSFinish')")
    again = open_lms(context, server)
    sco = launch(again, shipped_package, preload=page.evaluate("cfLMS.nextLaunch()"))
    check = sco.locator(f"#{qid}")
    assert check.locator(f'input[value="{wrong}"]').is_checked()
    assert sco.inner_text(f"#{qid} .question-result") == "Incorrect."
    assert check.locator(".question-mark.is-right, .question-feedback .question-explanation").count() == 0
    check.locator(f'input[value="{right[0]}"]').check(force=True)
    check.locator(".question-check").click()
    assert sco.inner_text(f"#{qid} .question-result") == "Correct."
    watch.assert_clean()
