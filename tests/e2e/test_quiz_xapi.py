"""The shipped course's quizzes through the real quiz UI in cmi5 and TinCan packages, statements read
back from Ralph: one `answered` per answered question with the full cmi.interaction definition and
the response in xAPI delimiters (X6), `passed`/`failed` once, judged by the mastery score (C5-S8),
with moveOn and the mastery score (C5-S7), `completed` once, and no statement refused (C5-S12).
The answers come from answers.json (`build --answer-key`), as in test_quiz_scorm12.py.
"""
from __future__ import annotations

import pytest

from .conftest_xapi import (VERB, adapter_name, close_page, ends_with_terminated, lesson_ids, open_au, settle, stored,
                            verbs)
from .lrs import TINCAN_NS
from .quiz_support import XapiQuiz, answered, build_quiz_packages, check_answered, labels, xapi_response
from .test_cmi5_lrs import MASTERY, MOVEON, au_statements, categories, check_cmi5, expected_failures
from .test_quiz_scorm12 import FINAL, FINAL_QUESTIONS, FIRST_CHECK_PAGE, answer_page, apply, go_to, plan, submit
from .test_tincan_lrs import check_tincan, descriptor

CHECK = "kc-why-second-agent"  # a knowledge check on FIRST_CHECK_PAGE


@pytest.fixture(scope="module")
def xq(tmp_path_factory) -> XapiQuiz:
    return build_quiz_packages(tmp_path_factory.mktemp("quiz-xapi"))


def expect(page, xq: XapiQuiz, given: dict, right: bool) -> list[tuple[str, str, bool]]:
    """(question id, result.response, result.success) of each answer given, while the page is open."""
    return [(qid, xapi_response(xq, qid, inputs, labels(page, qid)), right) for qid, inputs in given.items()]


TRY_AGAIN, WRONG, RIGHT = (False, "Not quite — try again."), (False, "Incorrect."), (True, "Correct.")


def check_in_turn(page, xq: XapiQuiz, qid: str, tries) -> list[tuple[str, str, bool]]:
    """"Check answer" on knowledge check `qid` (its page shown) once a try of `tries`, each (right, what
    the check says then): each check is an answer."""
    expected = []
    for right, said in tries:
        inputs = plan(page, qid, xq.quiz.answers[qid], right=right)
        apply(page, qid, inputs)
        page.click(f"#q-{qid} .question-check")
        assert page.inner_text(f"#q-{qid} .question-result") == said
        expected += expect(page, xq, {qid: inputs}, right)
    return expected


def check_knowledge(page, xq: XapiQuiz) -> list[tuple[str, str, bool]]:
    """A knowledge check wrong (try again), wrong and then right."""
    go_to(page, FIRST_CHECK_PAGE)
    return check_in_turn(page, xq, CHECK, (TRY_AGAIN, WRONG, RIGHT))


def walk_every_page(page, folder) -> None:
    for page_id in lesson_ids(folder)[1:]:
        go_to(page, page_id)


def check_answers(found, xq: XapiQuiz, activity_id: str, expected: list[tuple[str, str, bool]]) -> None:
    """Every answered statement, one per answer given, in the order given."""
    statements = answered(found)
    assert [s["object"]["id"].rsplit("/", 1)[1] for s in statements] == [qid for qid, _, _ in expected]
    for statement, (qid, response, right) in zip(statements, expected):
        check_answered(statement, xq, activity_id, qid, response, right)


def only(found, verb: str) -> dict:
    [statement] = [s for s in found if s["verb"]["id"] == VERB + verb]
    return statement


def test_cmi5_all_right_passes_with_a_full_score(lms, ralph, xq, xapi_page):
    page, watch = xapi_page
    folder = xq.folders["cmi5"]
    session = lms.launch_cmi5("quiz-cmi5", folder)
    open_au(page, session.url)
    assert adapter_name(page) == "cmi5"
    checks = check_knowledge(page, xq)
    walk_every_page(page, folder)
    go_to(page, FINAL)
    given = answer_page(page, xq.quiz, FINAL, right=True)
    assert len(given) == FINAL_QUESTIONS
    assert "you passed" in submit(page, FINAL)
    expected = checks + expect(page, xq, given, True)
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session], mastery=0.8)
    names = verbs(au_statements(found))
    assert names.count("completed") == names.count("passed") == 1 and "failed" not in names, names
    assert names.index("passed") > max(i for i, n in enumerate(names) if n == "answered")
    check_answers(found, xq, session.activity_id, expected)
    passed = only(found, "passed")
    assert passed["result"]["score"] == {"scaled": 1, "raw": 100, "min": 0, "max": 100}
    assert passed["result"]["success"] is True and passed["context"]["extensions"][MASTERY] == 0.8
    assert MOVEON in categories(passed) and MOVEON in categories(only(found, "completed"))
    assert lms.violations == [], lms.violations  # not one statement refused (C5-S12)
    assert watch.unexpected(expected_failures) == []


def test_cmi5_all_wrong_fails_once_and_never_passes(lms, ralph, xq, xapi_page):
    page, watch = xapi_page
    session = lms.launch_cmi5("quiz-cmi5", xq.folders["cmi5"])
    open_au(page, session.url)
    go_to(page, FINAL)
    expected = []
    for attempt in (1, 2):
        if attempt > 1:
            page.click(f"#lesson-{FINAL} .quiz-retry")
        given = answer_page(page, xq.quiz, FINAL, right=False)
        assert "Your score is 0%" in submit(page, FINAL)
        expected += expect(page, xq, given, False)
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session], mastery=0.8)
    names = verbs(au_statements(found))
    assert "passed" not in names and names[-2:] == ["failed", "terminated"], (names, lms.posted[-5:])
    check_answers(found, xq, session.activity_id, expected)
    failed = only(found, "failed")
    assert failed["result"]["score"] == {"scaled": 0, "raw": 0, "min": 0, "max": 100}
    assert failed["result"]["success"] is False and failed["context"]["extensions"][MASTERY] == 0.8
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def test_tincan_all_right_with_the_definitions_of_tincan_xml(lms, ralph, xq, xapi_page):
    page, watch = xapi_page
    folder = xq.folders["tincan"]
    session = lms.launch_tincan("quiz-tincan", folder)
    open_au(page, session.url)
    assert adapter_name(page) == "tincan"
    checks = check_knowledge(page, xq)
    walk_every_page(page, folder)
    go_to(page, FINAL)
    given = answer_page(page, xq.quiz, FINAL, right=True)
    assert "you passed" in submit(page, FINAL)
    expected = checks + expect(page, xq, given, True)
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_tincan(found, session, session.actor)
    names = verbs(found)
    assert names.count("completed") == names.count("passed") == 1 and "failed" not in names, names
    check_answers(found, xq, session.activity_id, expected)
    # The same definitions tincan.xml lists for the same ids (T-M5).
    known = descriptor(folder)
    for statement in answered(found):
        listed = known[statement["object"]["id"]]
        assert statement["object"]["definition"]["interactionType"] == listed.findtext("t:interactionType", None, TINCAN_NS)
        assert statement["object"]["definition"].get("correctResponsesPattern", []) == [
            p.text for p in listed.iterfind("t:correctResponsePatterns/t:correctResponsePattern", TINCAN_NS)]
    passed = only(found, "passed")
    assert passed["result"]["score"] == {"scaled": 1, "raw": 100, "min": 0, "max": 100}
    assert passed["object"]["id"] == session.activity_id
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []
