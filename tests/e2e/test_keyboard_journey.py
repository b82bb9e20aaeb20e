"""Keyboard only, the whole way (issue 9): cover → every lesson → a scenario decision → the final
assessment submitted → the survey → the course summary → Exit course, in the shipped SCORM 1.2 package under
scorm-again, pressing only Tab, Shift+Tab, Enter and Space. Focus always lands somewhere visible."""
from __future__ import annotations

from .e2e_support import last_set, launch, open_lms, visible_lesson, wait_for_call
from .test_quiz_scorm12 import tab_to
from .test_scorm12_lms import assert_api_clean

FOCUSED = """() => { const a = document.activeElement;
  return a && a !== document.body && a.getClientRects().length > 0 ? (a.id || a.className) : null; }"""


def next_page(sco, keyboard) -> None:
    tab_to(sco, keyboard, "#cf-next")
    keyboard.press("Enter")


def test_keyboard_only_from_cover_to_exit(lms_context, server, shipped_package):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, shipped_package, cover=True)
    keyboard = page.keyboard
    ids = shipped_package.lesson_ids
    kinds = sco.evaluate("Courseforge.player.lessons.map(l => l.kind)")

    tab_to(sco, keyboard, "#cf-start")
    keyboard.press("Enter")
    assert visible_lesson(sco) == ids[0]
    assert sco.evaluate("document.activeElement.id") == f"lesson-{ids[0]}-title"
    decided = submitted = False
    for index, page_id in enumerate(ids):
        assert visible_lesson(sco) == page_id and sco.evaluate(FOCUSED), page_id
        section = f"#lesson-{page_id}"
        if kinds[index] == "scenario" and not decided:
            tab_to(sco, keyboard, f"{section} .scene:not([hidden]) .scene-skip")
            keyboard.press("Enter")
            assert sco.evaluate("document.activeElement.classList.contains('scene-option')")
            keyboard.press("Tab")
            keyboard.press("Enter")
            feedback = f"{section} .scenario-feedback"
            sco.wait_for_function("s => document.activeElement === document.querySelector(s)", arg=feedback)
            assert sco.inner_text(feedback)
            assert sco.locator(f"{section} .scenario-path li").count() == 1
            decided = True
        if kinds[index] == "quiz" and not submitted:
            tab_to(sco, keyboard, f"{section} .quiz-submit")
            keyboard.press("Enter")  # nothing answered: asked to confirm
            assert "Questions not answered yet" in sco.inner_text(f"{section} .quiz-status")
            keyboard.press("Enter")
            card = f"{section} .quiz-result"
            sco.wait_for_function("s => document.activeElement === document.querySelector(s)", arg=card)
            assert sco.inner_text(f"{card} .quiz-result-verdict") == "Not passed"
            tab_to(sco, keyboard, f"{card} .quiz-retry")  # Retry is the next stop after the card
            submitted = True
        next_page(sco, keyboard)
    assert decided and submitted
    assert sco.is_visible("#cf-complete") and sco.evaluate("document.activeElement.id") == "cf-complete-title"
    assert sco.inner_text("#cf-complete-text") == "Pass the assessment to complete the course."
    # From the summary, every page by its link, and then "Exit course".
    tab_to(sco, keyboard, f'#cf-complete-list a[href="#lesson-{ids[0]}"]')
    tab_to(sco, keyboard, "#cf-exit-end")
    keyboard.press("Enter")
    sco.wait_for_function("() => !document.getElementById('cf-closed').hidden")
    assert sco.evaluate("document.activeElement.textContent") == "You can close this window"
    wait_for_call(page, "LMSFinish")
    assert last_set(page, "cmi.core.exit") == "suspend", "not passed yet: the attempt is kept"
    assert_api_clean(page)
    watch.assert_clean()


def test_enter_in_a_knowledge_check_s_text_field_checks_it_and_never_submits_an_assessment(lms_context, server,
                                                                                          shipped_package):
    """A typed answer is checked with Enter, as a form's field is, where Tab to "Check answer" was the only
    way; in the graded assessment Enter submits nothing (it is submitted as a whole, by its button)."""
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, shipped_package)
    keyboard = page.keyboard

    sco.click('a[href="#lesson-interaction-checklist"]')
    field = "#q-kc-checklist-skipped-text"
    sco.focus(field)
    keyboard.type("Prepare")
    keyboard.press("Enter")
    feedback = "fieldset[data-question-id='kc-checklist-skipped'] .question-feedback"
    sco.wait_for_function("s => document.querySelector(s).textContent.trim() !== ''", arg=feedback)
    assert sco.evaluate("document.activeElement.id") == field[1:], "the focus stays where the learner typed"
    assert "kc-checklist-skipped" in last_set(page, "cmi.interactions.0.id")

    sco.click('a[href="#lesson-final-assessment"]')
    status = sco.inner_text("#lesson-final-assessment .quiz-status")
    sco.focus("#q-fa-rushed-stage-text")
    keyboard.type("Connect")
    keyboard.press("Enter")
    state = "Object.values(Courseforge.player.state.quizzes).find(r => r && r.graded)"
    assert sco.evaluate(f"!({state} || {{}}).submitted"), "Enter submitted the assessment"
    assert sco.inner_text("#lesson-final-assessment .quiz-status") == status
    watch.assert_clean()
