"""Objective records for every submitted graded attempt under scorm-again, read from cmi.objectives
as the LMS holds them and as its last HTTP commit carried them: an assessment submitted blank (Submit,
then Submit again past the unanswered-questions prompt) fails every objective its questions assess,
a drawn one only those of the questions drawn; a partly answered one counts the unanswered as wrong;
the last of the allowed attempts, a retake after a reload mid-attempt and a later session each leave
the records saying what the latest submission earned. CHECKLIST S04-D table, S12-D4."""
from __future__ import annotations

import pytest

from .e2e_support import Server, calls
from .test_objectives_lms import (ASSESSMENT, EDITIONS, committed, expected, leave, objectives, served, start,
                                  summary)
from .test_quiz_scorm12 import go_to, submit


@pytest.fixture(params=list(EDITIONS))
def standard(request) -> str:
    return request.param


def submit_anyway(sco) -> str:
    """Submit with questions unanswered: the first Submit asks, the second submits."""
    sco.click("#lesson-final .quiz-submit")
    sco.wait_for_function("() => /not answered/.test(document.querySelector('#lesson-final .quiz-status').textContent)")
    return submit(sco, "final")


def held(page, standard: str) -> list[tuple]:
    return [summary(r, standard) for r in objectives(page.evaluate("cfLMS.cmi()"))]


def objective_sets(page) -> list[str]:
    return [c["args"][0] for c in calls(page) if c["fn"] in ("SetValue", "LMSSetValue")
            and c["args"][0].startswith("cmi.objectives.")]


def assert_no_errors(page) -> None:
    errors = [c for c in calls(page) if c["error"] != "0" and c["fn"] not in ("GetValue", "LMSGetValue")]
    assert not errors, errors


def test_a_blank_submission_fails_each_objective_assessed(lms_context, server, make_course, tmp_path, standard):
    package = served(make_course, tmp_path, server, standard)
    context, watch = lms_context
    one, two = EDITIONS[standard]["ids"]
    page, sco = start(context, server, package, standard, EDITIONS[standard]["preload"])
    go_to(sco, "final")
    before = len(Server.commits)
    assert "Your score is 0%" in submit_anyway(sco)
    want = [expected(standard, one, 0), expected(standard, two, 0)]
    assert held(page, standard) == want
    assert [summary(r, standard) for r in objectives(committed(page, before))] == want, "committed with the save"
    assert_no_errors(page)
    leave(page)
    watch.assert_clean()


def test_a_partly_answered_attempt_counts_the_unanswered_as_wrong(lms_context, server, make_course, tmp_path,
                                                                   standard):
    package = served(make_course, tmp_path, server, standard)
    context, watch = lms_context
    one, two = EDITIONS[standard]["ids"]
    page, sco = start(context, server, package, standard, EDITIONS[standard]["preload"])
    go_to(sco, "final")
    sco.check("#q-first-q-0")
    assert "Your score is 50%" in submit_anyway(sco)
    assert held(page, standard) == [expected(standard, one, 100), expected(standard, two, 0)]
    assert_no_errors(page)
    leave(page)
    watch.assert_clean()


def test_a_blank_drawn_attempt_fails_only_the_drawn_question_objective(lms_context, server, make_course, tmp_path,
                                                                       standard):
    drawn = ASSESSMENT.replace("attempts: 3\n", "attempts: 3\ndraw: 1\n")
    package = served(make_course, tmp_path, server, standard, drawn)
    context, watch = lms_context
    page, sco = start(context, server, package, standard, EDITIONS[standard]["preload"])
    go_to(sco, "final")
    [shown] = sco.evaluate("[...document.querySelectorAll('#lesson-final fieldset.question:not([hidden])')]"
                           ".map(f => f.dataset.questionId)")
    assert "Your score is 0%" in submit_anyway(sco)
    ident = dict(zip(("first-q", "second-q"), EDITIONS[standard]["ids"]))[shown]
    assert held(page, standard) == [expected(standard, ident, 0)]
    leave(page)
    watch.assert_clean()


def test_the_last_attempt_allowed_submitted_blank_is_what_the_records_say(lms_context, server, make_course,
                                                                          tmp_path, standard):
    """`attempts: 2`: 50 % (one right), then a blank retake; no retry after it, the records say 0 %,
    and the next session (a new attempt of the course) writes none until the learner submits again."""
    package = served(make_course, tmp_path, server, standard, ASSESSMENT.replace("attempts: 3", "attempts: 2"))
    context, watch = lms_context
    one, two = EDITIONS[standard]["ids"]
    page, sco = start(context, server, package, standard, EDITIONS[standard]["preload"])
    go_to(sco, "final")
    sco.check("#q-first-q-0")
    sco.check("#q-second-q-1")
    submit(sco, "final")
    assert held(page, standard) == [expected(standard, one, 100), expected(standard, two, 0)]
    sco.click("#lesson-final .quiz-retry")
    assert "no attempts left" in submit_anyway(sco)
    assert sco.is_hidden("#lesson-final .quiz-retry")
    assert held(page, standard) == [expected(standard, one, 0), expected(standard, two, 0)]
    before = len(Server.commits)
    leave(page)
    assert [summary(r, standard) for r in objectives(committed(page, before))] == [
        expected(standard, one, 0), expected(standard, two, 0)]
    saved = page.evaluate("lms => cfLMS.nextLaunch(lms)", EDITIONS[standard]["preload"])
    page.close()

    page, sco = start(context, server, package, standard, saved)
    carried = held(page, standard)
    assert carried == ([] if standard == "scorm2004" else [expected(standard, one, 0), expected(standard, two, 0)]), \
        "a 1.2 LMS keeps the records; a 2004 one starts the new attempt without them"
    go_to(sco, "final")
    leave(page)
    assert objective_sets(page) == [], "nothing submitted in this session"
    assert held(page, standard) == carried
    watch.assert_clean()


def test_a_retake_resumed_after_a_reload_reports_its_own_result(lms_context, server, make_course, tmp_path,
                                                                standard):
    """Attempt 1 gets the second question right; attempt 2, the first right, is left mid-way; the next
    session resumes it (the first answer restored) and submits it with the second unanswered."""
    package = served(make_course, tmp_path, server, standard)
    context, watch = lms_context
    one, two = EDITIONS[standard]["ids"]
    page, sco = start(context, server, package, standard, EDITIONS[standard]["preload"])
    go_to(sco, "final")
    sco.check("#q-first-q-1")
    sco.check("#q-second-q-0")
    submit(sco, "final")
    sco.click("#lesson-final .quiz-retry")
    sco.check("#q-first-q-0")
    leave(page)
    saved = page.evaluate("lms => cfLMS.nextLaunch(lms)", EDITIONS[standard]["preload"])
    page.close()

    page, sco = start(context, server, package, standard, saved)
    go_to(sco, "final")
    assert sco.is_checked("#q-first-q-0"), "the attempt resumed with its answer"
    assert objective_sets(page) == [], "the first attempt was reported in its own session"
    assert held(page, standard) == [expected(standard, one, 0), expected(standard, two, 100)]
    assert "Your score is 50%" in submit_anyway(sco)
    assert held(page, standard) == [expected(standard, one, 100), expected(standard, two, 0)]
    assert not [name for name in objective_sets(page) if name.endswith(".id")], "found by id, never added again"
    assert_no_errors(page)
    leave(page)
    watch.assert_clean()
