"""The assessment as a learner meets it (issue 9): after a submission the result card at the top of
the page (score, pass mark, correct count, attempts left, Retry first after a fail), the missed
questions each linked to the lesson that teaches it (from the questions' `objective:` lines, shared
contract 4), and the course option that shows one question per screen with a progress indicator.
The shipped course, rendered with objective lines set on its final assessment's questions."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from courseforge.loader import load
from courseforge.render import render
from courseforge.theme import Theme

from .e2e_support import CONTENT, READY, axe_violations, begin, build_package, format_violations
from .test_quiz_scorm12 import FINAL, SURVEY, QuizPackage, answer_page, apply, go_to, plan, shown_questions


def serve_rendered(tmp_path_factory, server, name: str, one_per_screen: bool):
    """The shipped course rendered with its final assessment's questions mapped to lessons: the
    first by an objective's text, the others by `<lesson-id>#N`, round the lessons that state objectives
    (the welcome, summary and reference pages state none)."""
    course = load(CONTENT)
    lessons = [lesson for lesson in course.lessons if lesson.objectives]
    final = next(q for q in course.quizzes if q.id == FINAL)
    for n, question in enumerate(final.questions):
        lesson = lessons[n % len(lessons)]
        question.objectives = (lesson.objectives[0],) if n == 0 else (f"{lesson.id}#1",)
    course = replace(course, config=replace(course.config, one_question_per_screen=one_per_screen))
    folder = tmp_path_factory.mktemp(name)
    for path, data in render(course, Theme.for_course(course), "scorm12").files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    mapping = {q.id: lessons[n % len(lessons)].id for n, q in enumerate(final.questions)}
    return server.origin + server.mount(name, folder) + "index.html", mapping


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> QuizPackage:
    out = tmp_path_factory.mktemp("answers")
    build_package(CONTENT, out, answer_key=True)
    return QuizPackage(None, json.loads((out / "answers.json").read_text(encoding="utf-8")), {})


def open_page(context, url: str, viewport=(1366, 768)):
    page = context.new_page()
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.goto(url)
    page.wait_for_function(READY)
    begin(page)
    return page


def card(page) -> dict:
    return page.evaluate("""id => {
      const c = document.querySelector('#lesson-' + id + ' .quiz-result'), q = document.querySelector('#lesson-' + id + ' fieldset.question:not([hidden])');
      return {visible: !c.hidden, verdict: c.querySelector('.quiz-result-verdict').textContent,
        score: (c.querySelector('.quiz-result-score') || {}).textContent,
        facts: [...c.querySelectorAll('.quiz-result-facts li')].map(li => li.textContent),
        above: c.getBoundingClientRect().bottom <= q.getBoundingClientRect().top,
        focused: document.activeElement === c,
        retry: (b => b && !b.hidden && c.contains(b) && b.classList.contains('cf-button-primary'))(document.querySelector('#lesson-' + id + ' .quiz-retry')),
        missed: [...c.querySelectorAll('.quiz-result-missed li')].map(li => [li.querySelector('.quiz-result-prompt').textContent,
                 (li.querySelector('a') || {}).textContent || null, (li.querySelector('a') || {getAttribute: () => null}).getAttribute('href')])};
    }""", FINAL)


def test_result_card_after_a_fail_and_a_pass(lms_context, server, tmp_path_factory, answers):
    context, watch = lms_context
    url, mapping = serve_rendered(tmp_path_factory, server, "mapped", one_per_screen=False)
    page = open_page(context, url)
    go_to(page, FINAL)
    assert page.is_hidden(f"#lesson-{FINAL} .quiz-result")
    shown = shown_questions(page, FINAL)
    answer_page(page, answers, FINAL, right=False)
    page.click(f"#lesson-{FINAL} .quiz-submit")
    found = card(page)
    assert found["visible"] and found["above"] and found["focused"] and found["retry"], found
    assert (found["verdict"], found["score"]) == ("Not passed", "0%")
    assert found["facts"] == ["Pass mark 80%", f"0 of {len(shown)} correct", "Attempts left: 2"]
    titles = dict(page.evaluate("() => Courseforge.player.lessons.map(l => [l.id, l.title])"))
    assert [m[1:] for m in found["missed"]] == [[f"Review: {titles[mapping[q]]}", f"#lesson-{mapping[q]}"] for q in shown]
    assert all(m[0] for m in found["missed"])
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    # A review link opens the lesson that teaches the question.
    page.click(f"#lesson-{FINAL} .quiz-result-missed a >> nth=0")
    assert page.is_visible(f"#lesson-{mapping[shown[0]]}") and not page.is_visible(f"#lesson-{FINAL}")

    go_to(page, FINAL)
    page.click(f"#lesson-{FINAL} .quiz-retry")
    assert page.is_hidden(f"#lesson-{FINAL} .quiz-result")
    answer_page(page, answers, FINAL, right=True)
    page.click(f"#lesson-{FINAL} .quiz-submit")
    found = card(page)
    assert found["visible"] and found["above"] and found["focused"] and not found["retry"], found
    assert (found["verdict"], found["score"]) == ("Passed", "100%")
    assert found["facts"] == ["Pass mark 80%", f"{len(shown)} of {len(shown)} correct"]
    assert found["missed"] == []
    assert page.evaluate("() => document.querySelector('.cf-state-passed a').getAttribute('href')") == f"#lesson-{FINAL}"

    # Complete for the LMS (every page viewed, passed), the survey still open: the header does not
    # say "Course complete" above it, and the summary points to it.
    ids = page.evaluate("Courseforge.player.lessons.map(l => l.id)")
    for page_id in ids:
        go_to(page, page_id)
    assert ids[-1] == SURVEY and page.is_visible(f"#lesson-{SURVEY} .quiz-submit")
    assert "Course complete" not in page.inner_text("#cf-progress-text")
    assert "This course is complete" not in page.inner_text("#cf-main")
    page.click("#cf-next")
    survey = page.inner_text(f"#lesson-{SURVEY}-title")
    assert page.inner_text("#cf-complete-text") == \
        f"This course is complete. Your feedback is still welcome: “{survey}” is open."
    page.click("#cf-prev")
    page.click(f"#lesson-{SURVEY} .quiz-submit")
    page.click(f"#lesson-{SURVEY} .quiz-submit")  # nothing answered: submitted on the second press
    assert page.inner_text(f"#lesson-{SURVEY} .quiz-result-verdict") == "Thank you: your answers have been recorded."
    assert page.inner_text("#cf-progress-text").endswith("Course complete.")
    watch.assert_clean()


def test_one_question_per_screen(lms_context, server, tmp_path_factory, answers):
    context, watch = lms_context
    url, _ = serve_rendered(tmp_path_factory, server, "stepped", one_per_screen=True)
    page = open_page(context, url, (390, 844))
    page.click("#cf-menu-toggle")
    go_to(page, FINAL)
    shown = shown_questions(page, FINAL)
    section = f"#lesson-{FINAL}"
    for n, qid in enumerate(shown):
        visible = page.evaluate("s => [...document.querySelectorAll(s + ' fieldset.question')]"
                                ".filter(f => f.getClientRects().length).map(f => f.dataset.questionId)", section)
        assert visible == [qid]
        assert page.inner_text(f"{section} .quiz-steps-text") == f"Question {n + 1} of {len(shown)}"
        assert page.is_visible(f"{section} .quiz-submit") == (n == len(shown) - 1)
        assert page.is_disabled(f"{section} [data-step='-1']") == (n == 0)
        apply(page, qid, plan(page, qid, answers.answers.get(qid), True))
        if n < len(shown) - 1:
            page.click(f"{section} [data-step='1']")
            assert page.evaluate("() => document.activeElement.closest('fieldset').dataset.questionId") == shown[n + 1]
    page.click(f"{section} [data-step='-1']")
    assert page.inner_text(f"{section} .quiz-steps-text") == f"Question {len(shown) - 1} of {len(shown)}"
    page.click(f"{section} [data-step='1']")
    page.click(f"{section} .quiz-submit")
    found = card(page)
    assert (found["verdict"], found["score"]) == ("Passed", "100%")
    # Submitted: every question shows again for review, the stepper goes.
    assert not page.is_visible(f"{section} .quiz-steps")
    assert page.evaluate("s => [...document.querySelectorAll(s + ' fieldset.question:not([hidden])')]"
                         ".every(f => f.getClientRects().length)", section)
    watch.assert_clean()
