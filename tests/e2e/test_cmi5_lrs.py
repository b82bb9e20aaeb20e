"""cmi5 packages launched by the LMS stand-in, run in headless Chromium, statements stored by Ralph and
read back from it: the cmi5 rules (CHECKLIST C5-L, C5-D, C5-S, X1-X10) checked on what the LRS holds.

Here a small scored course's assessment is answered through the player's adapter queue, the very
calls (`answer`, `score`) the quiz UI makes, so that every interaction type and score is exact; the
shipped course answered through the real quiz UI: test_quiz_xapi.py; scenario clips: test_video_xapi.py.
"""
from __future__ import annotations

import re
import uuid
from collections import Counter

import pytest

from courseforge.exporters.tincan import interaction
from courseforge.loader import load

from .conftest_xapi import (ACTIVITY, QUIZ_COURSE, VERB, adapter_name, close_page, ends_with_terminated, lesson_ids,
                            open_au, pages, queued, settle, stored, strictly_valid, verbs, visible_lesson,
                            walk)
from .lrs import CMI5, CMI5_CATEGORY, SESSION_ID

MOVEON = CMI5 + "context/categories/moveon"
PROGRESS = CMI5 + "result/extensions/progress"
MASTERY = CMI5 + "context/extensions/masteryscore"
DEFINED = {"initialized", "completed", "passed", "failed", "terminated"}
ALLOWED = {"experienced", "progressed", "answered"}
VIDEO_TYPE = "https://w3id.org/xapi/video/activity-type/video"
VIDEO_VERB = "https://w3id.org/xapi/video/verbs/"
DURATION = re.compile(r"^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def expected_failures(status: int, method: str, url: str) -> bool:
    """404s an AU meets on a first launch: no agent profile, no resume document yet."""
    return status == 404 and method == "GET" and ("/xAPI/agents/profile" in url or "/xAPI/activities/state" in url)


def au_statements(found: list[dict]) -> list[dict]:
    return [s for s in found if s["verb"]["id"] != VERB + "launched"]


def is_video(statement: dict) -> bool:
    return statement["object"].get("definition", {}).get("type") == VIDEO_TYPE


def categories(statement: dict) -> set[str]:
    return {a["id"] for a in statement["context"].get("contextActivities", {}).get("category", [])}


def check_cmi5(found: list[dict], sessions: list, mastery: float | None = None, tracking: bool = True) -> None:
    """Every cmi5 rule the stored statements of one registration must satisfy, session by session."""
    assert found, "no statements stored"
    registration = sessions[0].registration
    by_session: dict[str, list[dict]] = {}
    for statement in found:
        by_session.setdefault(statement["context"]["extensions"][SESSION_ID], []).append(statement)
    assert list(by_session) == [s.session_id for s in sessions], "statements of unknown or missing sessions"
    completed = passed = 0
    for session in sessions:
        mine = by_session[session.session_id]
        assert mine[0]["id"] == session.launched_id, "the LMS's launched statement comes first"
        au = au_statements(mine)
        names = verbs([s for s in au if not is_video(s)])  # a clip's `completed` is no AU verb (V7)
        assert names[0] == "initialized" and names.count("initialized") == 1, names  # C5-S4
        assert names[-1] == "terminated" and names.count("terminated") == 1, names
        for verb in DEFINED:
            assert names.count(verb) <= 1, f"{verb} twice in one session: {names}"
        assert names.count("passed") + names.count("failed") <= 1, names
        if not tracking:
            assert names == ["initialized", "terminated"], f"Browse/Review sent more: {names}"  # C5-D3
        for statement in au:
            check_statement(statement, session, mastery)
        progress = [s["result"]["extensions"][PROGRESS] for s in au if s["verb"]["id"] == VERB + "progressed"]
        assert progress == sorted(set(progress)) and all(0 < p < 100 for p in progress), progress  # C5-S10
        if completed:
            assert not progress, "progressed after completed (C5-S10)"
        if "completed" in names:
            assert not [n for n in names[names.index("completed"):] if n == "progressed"], names
        completed += names.count("completed")
        assert not (passed and "failed" in names), "failed after passed (C5-S5)"
        passed += names.count("passed")
    assert completed <= 1 and passed <= 1, "completed/passed more than once per registration (C5-S5)"
    assert all(s["context"]["registration"] == registration for s in found)


def check_statement(statement: dict, session, mastery: float | None) -> None:
    verb = statement["verb"]["id"].rsplit("/", 1)[1]
    where = f"{verb} {statement['id']}"
    strictly_valid(statement)
    video_verb = is_video(statement) and verb != "completed"  # played/paused/seeked are the profile's IRIs
    assert statement["verb"]["id"] == (VIDEO_VERB if video_verb else VERB) + verb, where
    assert statement["verb"]["display"] == {"en-US": verb}, where
    assert str(uuid.UUID(statement["id"])) == statement["id"], where  # C5-S1
    assert statement["actor"] == session.actor, where
    assert TIMESTAMP.match(statement["timestamp"]), statement["timestamp"]  # UTC, ms (X4, Q9)
    context = statement["context"]
    assert context["registration"] == session.registration, where
    assert context["extensions"][SESSION_ID] == session.session_id, where
    grouping = {a["id"] for a in context["contextActivities"]["grouping"]}
    assert session.au_id in grouping, f"{where}: the template's publisher id grouping is gone (C5-D2)"
    result = statement.get("result", {})
    if is_video(statement):  # cmi5-allowed (V7); the profile's own rules: tests/e2e/test_video_xapi.py
        assert not categories(statement) & {CMI5_CATEGORY, MOVEON}, where
        assert verb in ("played", "paused", "seeked", "completed"), where
        return
    if verb in DEFINED:
        assert statement["object"]["id"] == session.activity_id, where  # C5-L5
        assert CMI5_CATEGORY in categories(statement), where  # C5-S2
        assert (MOVEON in categories(statement)) == (verb in ("completed", "passed", "failed")), where  # C5-S7
    else:
        assert verb in ALLOWED, where
        assert not categories(statement) & {CMI5_CATEGORY, MOVEON}, where  # C5-S11
    assert ("score" in result) == (verb in ("passed", "failed")), where  # C5-S6
    assert ("success" in result) == (verb in ("passed", "failed", "answered") and "success" in result), where
    if verb in ("completed", "passed", "failed", "terminated"):
        assert DURATION.match(result["duration"]), where
    if verb == "completed":
        assert result["completion"] is True and "success" not in result, where
    elif "completion" in result:
        raise AssertionError(f"{where}: completion outside completed")
    if verb in ("passed", "failed"):
        score = result["score"]
        assert 0 <= score["scaled"] <= 1, where  # C5-S9
        if "raw" in score:
            assert all(isinstance(score[k], int) for k in ("raw", "min", "max")), where
            assert score["min"] <= score["raw"] <= score["max"], where
        assert result["success"] is (verb == "passed"), where
        if mastery is not None:  # C5-S8
            assert (score["scaled"] >= mastery) is (verb == "passed"), where
            assert context["extensions"][MASTERY] == mastery, where


def launch_and_open(lms, page, packages, name: str, **options):
    session = lms.launch_cmi5(name, packages[name], **options)
    open_au(page, session.url)
    assert adapter_name(page) == "cmi5"
    return session


# ---------------------------------------------------------------------------------------------


def test_shipped_course_normal_then_resume(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    ids = lesson_ids(xapi_packages["shipped-cmi5"])
    first = launch_and_open(lms, page, xapi_packages, "shipped-cmi5")
    assert visible_lesson(page) == ids[0]
    walk(page, ids)
    page.click("#cf-next")  # on to the course summary
    assert page.is_visible("#cf-complete")
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=first.registration)
    check_cmi5(found, [first])
    names = verbs(au_statements(found))
    assert names[:2] == ["initialized", "experienced"] and names[-2:] == ["completed", "terminated"], names
    assert names.count("experienced") == len(ids) and names.count("progressed") == len(ids) - 1, names
    lessons = [s["object"] for s in found if s["verb"]["id"] == VERB + "experienced"]
    kinds = pages(xapi_packages["shipped-cmi5"])
    assert [o["id"] for o in lessons] == [f"{first.activity_id}/{kind}/{i}" for i, kind in kinds]
    assert [o["definition"]["type"] for o in lessons] == [
        ACTIVITY + ("assessment" if kind == "test" else "lesson") for _, kind in kinds]
    assert first.fetches == ["POST"]  # C5-L2: once, with POST
    saved = lms.state(first, "courseforge.resume")
    assert saved["location"] == ids[-1] and saved["completed"] is True
    requested = [(m, p.split("?")[0]) for m, p, _ in lms.requests]
    assert ("GET", "/xAPI/agents/profile") in requested  # C5-D6
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []

    # A second session of the same registration resumes where the learner left and sends no second
    # `completed` (C5-S5); the bookmark came through the State API.
    second = lms.launch_cmi5("shipped-cmi5", xapi_packages["shipped-cmi5"], actor=first.actor,
                             registration=first.registration)
    open_au(page, second.url)
    assert adapter_name(page) == "cmi5" and visible_lesson(page) == ids[-1]
    settle(page)
    close_page(page)
    found = stored(ralph, lambda f: ends_with_terminated(f) and len({s["context"]["extensions"][SESSION_ID]
                                                                        for s in f}) == 2,
                   registration=first.registration)
    check_cmi5(found, [first, second])
    assert verbs([s for s in au_statements(found) if s["context"]["extensions"][SESSION_ID] == second.session_id]) \
        == ["initialized", "experienced", "terminated"]
    assert lms.violations == []


ANSWERS = [  # what the quiz UI passes to adapter.answer(): SCORM vocabulary, keys as in the package
    {"id": "q-pick", "type": "choice", "prompt": "Which cue matters most?", "result": "correct",
     "options": [{"key": "0", "text": "Narrow feet"}, {"key": "1", "text": "Colour"}], "correct": ["0"], "response": ["0"]},
    {"id": "q-true", "type": "true-false", "prompt": "Empathy can be learnt.", "result": "wrong",
     "options": [{"key": "0", "text": "True"}, {"key": "1", "text": "False"}], "correct": ["0"], "response": ["1"]},
    {"id": "q-match", "type": "matching", "prompt": "Match them.", "result": "wrong",
     "options": [{"key": "0", "text": "Cognitive"}, {"key": "1", "text": "Emotional"}],
     "targets": [{"key": "0", "text": "Understanding"}, {"key": "1", "text": "Feeling"}],
     "correct": ["0.0", "1.1"], "response": ["0.1", "1.0"]},
    {"id": "q-word", "type": "fill-in", "prompt": "The first step is to ____.", "result": "correct",
     "correct": ["listen"], "response": "Listen"},
    {"id": "q-order", "type": "sequencing", "prompt": "Put in order.", "result": "correct",
     "options": [{"key": "0", "text": "Notice"}, {"key": "1", "text": "Respond"}], "correct": ["0", "1"],
     "response": ["0", "1"]},
    {"id": "q-like", "type": "likert", "prompt": "Useful?", "result": "neutral",
     "options": [{"key": str(i), "text": t} for i, t in
                 enumerate(["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"])],
     "correct": [], "response": ["3"]},
]
RESPONSES = {"q-pick": "0", "q-true": "false", "q-match": "0[.]1[,]1[.]0", "q-word": "Listen", "q-order": "0[,]1",
             "q-like": "3"}


def answer_all(page) -> None:
    page.evaluate("""answers => Promise.all(answers.map(a => Courseforge.player.enqueue('answer',
        Object.assign({page: 'final', graded: a.type !== 'likert', weighting: 1, latencyMs: 4250,
                       timestamp: new Date()}, a))))""", ANSWERS)


def score(page, raw: int, maximum: int = 10) -> None:
    page.evaluate("""([raw, max]) => Courseforge.player.enqueue('score',
        {raw: raw, min: 0, max: max, scaled: raw / max, passed: raw / max >= 0.8})""", [raw, maximum])


def test_scored_course_fails_then_passes_by_the_mastery_score(lms, ralph, xapi_packages, xapi_page, tmp_path):
    page, watch = xapi_page
    ids = lesson_ids(xapi_packages["scored-cmi5"])
    first = launch_and_open(lms, page, xapi_packages, "scored-cmi5")
    assert first.launch_data["masteryScore"] == 0.8 and first.launch_data["moveOn"] == "CompletedAndPassed"
    assert page.evaluate("Courseforge.player.adapter.passMark") == 80  # what the quiz pages judge by (C5-D4)
    walk(page, ids)
    answer_all(page)
    score(page, 5)  # 0.5 < 0.8: failed, sent when the session ends (a pass could still come)
    settle(page)
    # The course's own "Exit course": terminated, then the LMS's returnURL (C5-D5).
    with page.expect_navigation(url=f"{lms.origin}/return?registration={first.registration}"):
        page.click("#cf-exit")
    assert page.inner_text("h1") == "Back in the LMS"
    found = stored(ralph, ends_with_terminated, registration=first.registration)
    check_cmi5(found, [first], mastery=0.8)
    names = verbs(au_statements(found))
    assert names[-2:] == ["failed", "terminated"] and names.count("answered") == len(ANSWERS), names
    failed = next(s for s in found if s["verb"]["id"] == VERB + "failed")
    assert failed["result"]["score"] == {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}

    # Every answered statement carries the full interaction definition of tincan.xml's question.
    course = load(tmp_path_factory_course(tmp_path))
    questions = {q.id: q for q in course.quizzes[0].questions}
    for statement in (s for s in found if s["verb"]["id"] == VERB + "answered"):
        qid = statement["object"]["id"].rsplit("/", 1)[1]
        assert statement["object"]["id"] == f"{first.activity_id}/test/final/question/{qid}"
        definition, expected = statement["object"]["definition"], interaction(questions[qid])
        assert definition["type"] == ACTIVITY + "cmi.interaction"
        assert definition["interactionType"] == expected.type
        assert tuple(definition.get("correctResponsesPattern", ())) == expected.patterns
        for kind, items in expected.components:
            assert [(c["id"], c["description"]["en"]) for c in definition[kind]] == list(items), qid
        assert statement["result"]["response"] == RESPONSES[qid]
        assert statement["result"]["duration"] == "PT4.25S"
        answer = next(a for a in ANSWERS if a["id"] == qid)
        assert statement["result"].get("success") == {"correct": True, "wrong": False}.get(answer["result"])
        parents = [a["id"] for a in statement["context"]["contextActivities"]["parent"]]
        assert parents == [f"{first.activity_id}/test/final"]

    # Next session: a pass is reported at once, and only once per registration.
    second = lms.launch_cmi5("scored-cmi5", xapi_packages["scored-cmi5"], actor=first.actor,
                             registration=first.registration)
    open_au(page, second.url)
    score(page, 9)
    score(page, 10)
    settle(page)
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=first.registration)
    check_cmi5(found, [first, second], mastery=0.8)
    names = verbs(au_statements([s for s in found if s["context"]["extensions"][SESSION_ID] == second.session_id]))
    assert names == ["initialized", "experienced", "passed", "terminated"], names
    passed = next(s for s in found if s["verb"]["id"] == VERB + "passed")
    assert passed["result"]["score"]["scaled"] == 0.9 and passed["result"]["success"] is True
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []


def tmp_path_factory_course(tmp_path):
    for name, text in QUIZ_COURSE.items():
        (tmp_path / "quiz" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "quiz" / name).write_text(text, encoding="utf-8")
    return tmp_path / "quiz"


def test_browse_mode_sends_no_completion_or_result(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    ids = lesson_ids(xapi_packages["scored-cmi5"])
    session = launch_and_open(lms, page, xapi_packages, "scored-cmi5", mode="Browse")
    walk(page, ids)
    answer_all(page)
    score(page, 10)
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session], mastery=0.8, tracking=False)
    assert verbs(au_statements(found)) == ["initialized", "terminated"]  # C5-D3
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []


def test_lrs_down_mid_course_loses_and_doubles_nothing(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    ids = lesson_ids(xapi_packages["shipped-cmi5"])
    session = launch_and_open(lms, page, xapi_packages, "shipped-cmi5")
    walk(page, ids, stop=3)
    ralph.stop()
    try:
        walk(page, ids, start=2, stop=6)
        assert queued(page) > 0, "statements were not kept while the LRS was down"
        assert any(status == 503 for _, status in lms.posted)
    finally:
        ralph.start()
    walk(page, ids, start=5)  # the next statement sends the waiting ones at once
    page.wait_for_function("() => Courseforge.player.adapter.client.queue.length === 0")
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])
    stored_ids = Counter(s["id"] for s in au_statements(found))
    missing = lms.attempted_ids() - set(stored_ids)
    # Each missing id with the stand-in's answers to the POSTs that carried it: a 2xx means the LRS
    # acknowledged and then lost it (a stopped ralph); only 503s mean the AU gave up on it.
    assert not missing, ("a statement the AU sent never reached the LRS: "
                         + str({i: [status for ids, status in lms.posted if i in ids] for i in missing}))
    assert set(stored_ids) == lms.attempted_ids()
    assert max(stored_ids.values()) == 1, "a statement was stored twice"
    assert verbs(au_statements(found)).count("experienced") == len(ids)
    assert lms.violations == []
    assert watch.unexpected(lambda status, method, url: expected_failures(status, method, url)
                            or (status == 503 and url.endswith("/xAPI/statements"))) == []


def test_reload_does_not_fetch_again_and_nothing_follows_terminated(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    ids = lesson_ids(xapi_packages["shipped-cmi5"])
    session = launch_and_open(lms, page, xapi_packages, "shipped-cmi5")
    walk(page, ids, stop=2)
    page.reload()  # pagehide ends the session; the reloaded page must neither fetch nor send (C5-L4, C5-S4)
    page.wait_for_function("() => !!(window.Courseforge && Courseforge.player && Courseforge.player.ready)")
    assert adapter_name(page) == "standalone" and page.is_visible("#cf-notice")
    page.click("#cf-start")
    page.click("#cf-next")
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])
    assert session.fetches == ["POST"]
    assert lms.violations == []


def test_one_au_per_page(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    folder = xapi_packages["per-page-cmi5"]
    session = lms.launch_cmi5("per-page-cmi5", folder, au=1)
    assert session.au_id.endswith("/au/part-2") and session.url.split("?")[1].startswith("page=part-2&")
    open_au(page, session.url)
    assert adapter_name(page) == "cmi5" and visible_lesson(page) == "part-2"
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])
    assert verbs(au_statements(found)) == ["initialized", "experienced", "completed", "terminated"]
    assert found[1]["object"]["definition"]["name"] == {"en": "Part 2"}
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []


def test_a_lesson_au_scores_nothing_even_in_the_assessment(lms, ralph, xapi_packages, xapi_page):
    """C5-S8: a lesson's AU (moveOn Completed, no masteryScore) shows its lesson alone (the learner
    cannot walk on into the assessment: test_cmi5_one_page_au.py); a pass its adapter hears all the
    same reported `passed` for the lesson's AU, never for the assessment's."""
    page, watch = xapi_page
    folder = xapi_packages["per-page-cmi5"]
    session = lms.launch_cmi5("per-page-cmi5", folder, au=0)
    assert session.au_id.endswith("/au/part-1") and "masteryScore" not in session.launch_data
    open_au(page, session.url)
    assert visible_lesson(page) == "part-1"
    score(page, 10)
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])
    names = verbs(au_statements(found))
    assert names[0] == "initialized" and names[-1] == "terminated" and "completed" in names, names
    assert "passed" not in names and "failed" not in names, names
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []


@pytest.fixture(autouse=True)
def _ralph_is_up(ralph):
    """The fault test stops Ralph; whatever happens there, later tests get it back."""
    yield
    if ralph.process is None:
        ralph.start()
