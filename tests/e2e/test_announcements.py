"""What a screen-reader user hears, in the shipped SCORM 1.2 package under scorm-again: every message
the player shows in answer to the learner (feedback, a score, a notice, an error) reaches them once,
through a live region or a move of focus, never through both; and an error says where it is
(WCAG 2.1 4.1.3 status messages, 3.3.1 error identification).

A recorder in the SCO stands in for the screen reader: it logs the text a live region (aria-live
other than "off", role status or alert) holds after each change while it is shown, and the text of
each element that receives focus."""
from __future__ import annotations

from .e2e_support import launch, open_lms
from .test_assessment_views import open_page, serve_rendered
from .test_quiz_scorm12 import FINAL
from .test_scenario_scorm12 import PAGE, open_scenario, scenario_package  # noqa: F401 - a fixture

RECORD = """() => {
  const said = window.cfSaid = [], text = n => n.textContent.replace(/\\s+/g, ' ').trim();
  const region = n => {
    const r = (n.nodeType === 1 ? n : n.parentElement).closest('[aria-live], [role=status], [role=alert]');
    return r && r.getAttribute('aria-live') !== 'off' ? r : null;
  };
  new MutationObserver(changes => {
    new Set(changes.map(c => region(c.target)).filter(Boolean)).forEach(r => {
      if (r.getClientRects().length && text(r)) said.push('live: ' + text(r));
    });
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
  // A field is heard with its group's legend (as a screen reader enters the group) and its label.
  document.addEventListener('focusin', e => {
    const n = e.target, group = n.closest('fieldset'), legend = group && n !== group && group.querySelector('legend');
    said.push('focus: ' + [legend, ...(n.labels || []), n].map(x => x ? text(x) : '').join(' ').trim());
  });
}"""


def record(sco) -> None:
    sco.evaluate(RECORD)


def said(sco, words: str) -> list[str]:
    """What the recorder heard since record() that holds `words` (case ignored)."""
    return [s for s in sco.evaluate("window.cfSaid") if words.lower() in s.lower()]


def go_to(sco, page_id: str) -> None:
    sco.click(f'a[href="#lesson-{page_id}"]')
    sco.wait_for_function("id => !document.getElementById('lesson-' + id).hidden", arg=page_id)


def test_a_scenario_choice_s_feedback_is_heard_once(lms_context, server, shipped_package):
    """The feedback takes the focus; it was also a live region, so it was read a second time."""
    context, watch = lms_context
    sco = launch(open_lms(context, server), shipped_package)
    go_to(sco, "wedding-shoes")
    section = "#lesson-wedding-shoes"
    sco.click(f"{section} .scene:not([hidden]) .scene-skip")
    record(sco)
    sco.click(f"{section} .scene:not([hidden]) .scene-option >> nth=0")
    feedback = f"{section} .scenario-feedback"
    sco.wait_for_function("s => document.activeElement === document.querySelector(s)", arg=feedback)
    verdict = sco.inner_text(f"{feedback} .scene-verdict")
    assert len(said(sco, verdict)) == 1, sco.evaluate("window.cfSaid")
    watch.assert_clean()


def test_an_assessment_s_result_is_heard_once(lms_context, server, shipped_package):
    """Submit moves the focus to the result card; the status line under the questions, a live region,
    said the score and pass mark again."""
    context, watch = lms_context
    sco = launch(open_lms(context, server), shipped_package)
    go_to(sco, "final-assessment")
    section = "#lesson-final-assessment"
    sco.click(f"{section} .quiz-submit")  # nothing answered: asked to confirm
    record(sco)
    sco.click(f"{section} .quiz-submit")
    card = f"{section} .quiz-result"
    sco.wait_for_function("s => document.activeElement === document.querySelector(s)", arg=card)
    assert len(said(sco, "pass mark")) == 1, sco.evaluate("window.cfSaid")
    # Retry opens the next attempt: the status line is live again and says so.
    record(sco)
    sco.click(f"{card} .quiz-retry")
    sco.wait_for_function("() => window.cfSaid.some(s => s.includes('Attempt 2 of 3.'))")
    watch.assert_clean()


def test_the_questions_left_unanswered_at_submit_are_marked(lms_context, server, shipped_package):
    """"Questions not answered yet: 23" said how many, not which: each question left says so, in the
    question, until it is answered."""
    context, watch = lms_context
    sco = launch(open_lms(context, server), shipped_package)
    go_to(sco, "final-assessment")
    section = "#lesson-final-assessment"
    shown = f"{section} fieldset.question:not([hidden])"
    choices = f"{shown}[data-type=single]"
    sco.check(f"{choices} >> nth=0 >> input >> nth=0")
    sco.click(f"{section} .quiz-submit")
    assert "Questions not answered yet: 23." in sco.inner_text(f"{section} .quiz-status")
    marks = sco.evaluate(f"""() => [...document.querySelectorAll('{shown}')]
        .filter(q => q.classList.contains('is-unanswered'))
        .map(q => q.querySelector('.question-feedback').textContent)""")
    assert marks == ["Not answered."] * 23, marks
    assert sco.inner_text(f"{choices} >> nth=0 >> .question-feedback") == ""
    sco.check(f"{choices} >> nth=1 >> input >> nth=0")
    assert sco.inner_text(f"{choices} >> nth=1 >> .question-feedback") == ""
    assert "is-unanswered" not in sco.get_attribute(f"{choices} >> nth=1", "class")
    watch.assert_clean()


def test_a_wrong_fill_in_keeps_its_hint_when_the_learner_clicks_check_again(lms_context, server, shipped_package):
    """Enter checked a wrong answer ("try again"); leaving the field for the Check button cleared the hint
    (its `change`), the button moved up under the pointer and the click missed it: nothing was checked."""
    context, watch = lms_context
    sco = launch(open_lms(context, server), shipped_package)
    go_to(sco, "interaction-checklist")
    field, question = "#q-kc-checklist-skipped-text", "#q-kc-checklist-skipped"
    sco.fill(field, "Listen")
    sco.press(field, "Enter")
    assert sco.inner_text(f"{question} .question-feedback") == "Not quite — try again."
    sco.click(f"{question} .question-check")
    assert "Accepted answer: Prepare" in sco.inner_text(f"{question} .question-feedback")
    watch.assert_clean()


def test_answers_too_long_for_the_lms_are_announced_once(lms_context, server, shipped_package):
    """The notice that a typed answer stays in this browser (it does not fit SCORM 1.2's suspend_data)
    appears while the learner types: it is announced, and not again at each save."""
    context, watch = lms_context
    sco = launch(open_lms(context, server), shipped_package)
    go_to(sco, "final-assessment")
    record(sco)
    field = "#q-fa-rushed-stage-text"
    sco.fill(field, "x" * 5000)
    sco.dispatch_event(field, "change")
    sco.wait_for_selector("#cf-notice", state="visible")
    sco.fill(field, "y" * 5000)
    sco.dispatch_event(field, "change")  # saved again: the same notice stands
    assert len(said(sco, "too long to be saved")) == 1, sco.evaluate("window.cfSaid")
    watch.assert_clean()


def test_one_question_per_screen_says_the_question_s_number_once(lms_context, server, tmp_path_factory):
    """Next question moves the focus into the next question, whose legend starts "Question 2 of 25";
    the stepper's line, aria-live, said it again, and the status line "Attempt 1 of 3." at each step."""
    context, watch = lms_context
    url, _ = serve_rendered(tmp_path_factory, server, "stepped-speech", one_per_screen=True)
    page = open_page(context, url)
    go_to(page, FINAL)
    section = f"#lesson-{FINAL}"
    record(page)
    page.click(f"{section} [data-step='1']")
    page.wait_for_function("() => document.activeElement.closest('fieldset.question')")
    assert len(said(page, "Question 2 of")) == 1, page.evaluate("window.cfSaid")
    page.click(f"{section} [data-step='-1']")
    assert len(said(page, "Question 1 of")) == 1, page.evaluate("window.cfSaid")
    assert not said(page, "Attempt 1 of 3."), page.evaluate("window.cfSaid")
    watch.assert_clean()


def test_a_finished_scenario_says_it_is_complete_once(lms_context, server, scenario_package):
    """"Scenario complete." (role status) was set again at every scene shown after the ending, "Try
    again" included, and a screen reader announced it again each time."""
    context, watch = lms_context
    sco = launch(open_lms(context, server), scenario_package)
    open_scenario(sco)
    sco.click(f"{PAGE} .scene:not([hidden]) .scene-skip")
    record(sco)
    sco.click(f"{PAGE} [data-choice=c]")  # "Please hold.": the scenario ends at once
    sco.wait_for_function("s => document.activeElement === document.querySelector(s)", arg=f"{PAGE} .scenario-feedback")
    assert len(said(sco, "Scenario complete.")) == 1, sco.evaluate("window.cfSaid")
    sco.click(f"{PAGE} .scenario-retry")
    sco.click(f"{PAGE} .scene:not([hidden]) .scene-skip")
    sco.click(f"{PAGE} [data-choice=a]")
    assert sco.inner_text(f"{PAGE} .scenario-status") == "Scenario complete."
    assert len(said(sco, "Scenario complete.")) == 1, sco.evaluate("window.cfSaid")
    watch.assert_clean()
