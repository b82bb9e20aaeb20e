"""The shipped course as a SCORM 2004 4th Edition package under scorm-again's SCORM 2004 API, which
commits over HTTP to the test server (/lms/commit) in its default synchronous mode: a walk through
every page, the final assessment passed and failed, a suspended attempt resumed, the popup launch,
the learner's Exit through adl.nav.request, scenario decisions; every API call's error code checked,
the dismissal included, and axe-core on the way.
CHECKLIST S04-A1..A4, S04-D1..D4, S04-I1..I3, S04-R1..R5, S04-S5, Q1, Q2, Q8."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from .e2e_support import (CONTENT, READY, Package, Server, axe_violations, begin, calls, format_violations, last_set,
                          lesson_ids, unzip, visible_lesson, wait_for_commits)
from .test_quiz_scorm12 import (FINAL_QUESTIONS, STRUCTURE, QuizPackage, answer_page, apply, go_to, norm, plan,
                                shown_questions, submit)
from .test_scorm12_lms import walk

FINAL = "final-assessment"
TRACKED = {"Initialize", "Terminate", "GetValue", "SetValue", "Commit"}
DURATION = re.compile(r"^PT\d+H\d{1,2}M\d{1,2}\.\d{2}S$")
# S04-D3: at most 2 fractional digits, then the zone.
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{2}Z$")
KEY = r"[0-9a-z]"
# S04-I2 with the keys the player uses.
RESPONSE = {
    "true-false": r"true|false",
    "choice": rf"{KEY}(\[,\]{KEY})*",
    "likert": KEY,
    "matching": rf"{KEY}\[\.\]{KEY}(\[,\]{KEY}\[\.\]{KEY})*",
    "sequencing": rf"{KEY}(\[,\]{KEY})*",
    "fill-in": r"[^{\n][^\n]{0,249}",
    "long-fill-in": r"[^{\n][^\n]{0,3999}",
}
# What the LMS preloads for this package: learner, mode, and the manifest's minNormalizedMeasure.
PRELOAD = {"learner_id": "learner-1", "learner_name": "Learner, Test", "mode": "normal", "credit": "credit",
           "scaled_passing_score": "0.8"}


@dataclass
class Course2004:
    package: Package
    quiz: QuizPackage


@pytest.fixture(scope="module")
def course(tmp_path_factory, server) -> Course2004:
    from courseforge.build import build

    root = tmp_path_factory.mktemp("scorm2004")
    [zip_path] = [p for p in build(CONTENT, root / "out", ["scorm2004"], answer_key=True) if p.suffix == ".zip"]
    assert zip_path.name == "empathy-in-service-scorm2004.zip"
    folder = unzip(zip_path, root / "unzipped")
    prefix = server.mount("scorm2004", folder)
    answers = json.loads((root / "out" / "answers.json").read_text(encoding="utf-8"))
    html = (folder / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="cf-course">(.*?)</script>', html, re.S)[1])
    package = Package(zip_path, folder, prefix + "index.html", lesson_ids(folder))
    return Course2004(package, QuizPackage(package, answers, data))


# ---------------------------------------------------------------------------------------------
# Driving the SCORM 2004 test LMS


def open_lms(context, server):
    page = context.new_page()
    page.goto(server.origin + "/lms/lms.html?edition=2004")
    return page


def launch(page, package: Package, mode: str = "iframe", preload: dict | None = None, cover: bool = False):
    """Start the SCO as e2e_support.launch does (past the cover unless `cover`), under the 2004 API."""
    options = {"sco": package.url, "mode": mode, "preload": preload or PRELOAD}
    if mode == "popup":
        with page.expect_popup() as popup_info:
            page.evaluate("options => cfLMS.launch(options)", options)
        sco = popup_info.value
    else:
        page.evaluate("options => cfLMS.launch(options)", options)
        sco = page.wait_for_selector("#sco").content_frame()
    sco.wait_for_function(READY)
    assert sco.evaluate("Courseforge.player.adapter.name") == "scorm2004"
    if not cover:
        begin(sco)
    return sco


def sets(page, prefix: str) -> list[tuple[str, str]]:
    return [(c["args"][0], c["args"][1]) for c in calls(page)
            if c["fn"] == "SetValue" and c["args"][0].startswith(prefix)]


def finish(page) -> list[dict]:
    """The learner leaves (pagehide); the LMS page stays. Returns the checked call log."""
    page.evaluate("cfLMS.unload()")
    page.wait_for_function("cfLMS.calls.some(c => c.fn === 'Terminate')")
    return assert_api_clean(page)


def assert_api_clean(page, dismissed: bool = True) -> list[dict]:
    log = calls(page)
    names = [c["fn"] for c in log]
    assert names.count("Initialize") == 1 and names[0] == "Initialize", names
    assert names.count("Terminate") == 1 and names[-1] == "Terminate", names
    bad = [c for c in log if c["fn"] in TRACKED and c["error"] != "0"]
    assert not bad, f"API calls that set an error code: {bad}"
    failed = [c for c in log if c["fn"] in TRACKED - {"GetValue"} and c["result"] != "true"]
    assert not failed, f"API calls that returned false: {failed}"
    if dismissed:
        # Contract 2: the dismissal sets session_time and exit, then Terminate; no Commit after the last page's.
        assert [(c["fn"], c["args"][0]) for c in log[-3:]] == [
            ("SetValue", "cmi.session_time"), ("SetValue", "cmi.exit"), ("Terminate", "")], names[-6:]
        assert set(names[len(names) - names[::-1].index("Commit"):-1]) == {"SetValue"}, names[-6:]
    for c in log:
        if c["fn"] == "SetValue" and c["args"][0] == "cmi.session_time":
            assert DURATION.match(c["args"][1]), c
        if c["fn"] == "SetValue" and c["args"][0] == "cmi.location":
            assert len(c["args"][1]) <= 1000
    errors = [entry for entry in page.evaluate("cfLMS.logs") if entry["level"] in ("4", "5", "ERROR")]
    assert not errors, f"scorm-again logged errors: {errors}"
    return log


def commits_since(page, before: int, count: int) -> list[dict]:
    """What reached /lms/commit after the first `before`, once `count` arrived (the beacon is async)."""
    # a loaded CI machine; a test that passes waits only as long as it must
    return wait_for_commits(page, lambda commits: len(commits) >= before + count, 20)[before:]


# ---------------------------------------------------------------------------------------------
# Interactions


def interactions(page) -> list[dict]:
    """Every cmi.interactions.n record from the SetValue calls, each field in call order (S04-I1)."""
    records: dict[int, list] = {}
    for name, value in sets(page, "cmi.interactions."):
        index, field = re.fullmatch(r"cmi\.interactions\.(\d+)\.(.+)", name).groups()
        records.setdefault(int(index), []).append((field, value))
    assert sorted(records) == list(range(len(records))), "interactions written at n = _count, one after another"
    out = []
    for index in sorted(records):
        names = [name for name, _ in records[index]]
        assert names[:2] == ["id", "type"], f"S04-I1: .id first, then .type: {names}"
        assert len(set(names)) == len(names), names
        out.append(dict(records[index]))
    return out


def expected_response(course: Course2004, sco, qid: str, inputs: dict) -> str:
    """learner_response in the 2004 format for the inputs test_quiz_scorm12.plan() chose (S04-I2)."""
    q = course.quiz.course["questions"][qid]
    if q["type"] == "true-false":
        labels = {o["key"]: o["label"] for o in sco.evaluate(STRUCTURE, qid)["options"]}
        return labels[inputs["check"][0]].lower()
    if "check" in inputs:
        return "[,]".join(sorted(inputs["check"]))
    if q["type"] == "matching":
        return "[,]".join(f"{k}[.]{v}" for k, v in sorted(inputs["select"].items()))
    if q["type"] == "ordering":
        return "[,]".join(inputs["order"])
    return norm(inputs["fill"])


def check_records(page, sco, course: Course2004, given: dict, result: str) -> None:
    records = [r for r in interactions(page) if r["id"] in given]
    assert [r["id"] for r in records] == list(given), "one record per answered question, in page order"
    for record in records:
        q = course.quiz.course["questions"][record["id"]]
        kind = "long-fill-in" if q["type"] == "reflection" else q["scormType"]
        assert record["type"] == kind, record
        assert re.fullmatch(RESPONSE[kind], record["learner_response"]), record
        assert record["learner_response"] == expected_response(course, sco, record["id"], given[record["id"]])
        patterns = [v for k, v in record.items() if k.startswith("correct_responses.")]
        assert patterns and all(re.fullmatch(r"(\{case_matters=true\})?" + RESPONSE[kind], p) for p in patterns)
        assert record["result"] == result, record
        assert TIMESTAMP.match(record["timestamp"]) and DURATION.match(record["latency"]), record
        assert record["weighting"] == str(q["points"]), record
        assert record["description"] and "\n" not in record["description"] and len(record["description"]) <= 250


# ---------------------------------------------------------------------------------------------
# Tests


def test_package_validates(course):
    from courseforge.validate import validate_zip

    assert validate_zip(course.package.zip) == []
    names = {p.name for p in course.package.folder.iterdir()}
    assert {"imsmanifest.xml", "imscp_v1p1.xsd", "imsss_v1p0.xsd", "runtime"} <= names


def test_walk_completes_but_does_not_pass(lms_context, server, course):
    """S04-R1: every page viewed is `completed`; success waits for the assessment (`unknown`)."""
    context, watch = lms_context
    before = len(Server.commits)
    page = open_lms(context, server)
    sco = launch(page, course.package)
    assert sco.evaluate("window.parent !== window && !window.API_1484_11")
    ids = course.package.lesson_ids
    walk(sco, page, ids)
    found = axe_violations(sco)
    log = finish(page)
    first = next(i for i, c in enumerate(log) if c["fn"] == "SetValue" and c["args"][0] == "cmi.completion_status")
    assert log[first]["args"][1] == "incomplete" and log[first + 1]["fn"] == "Commit", "incomplete, committed at once"
    cmi = page.evaluate("cfLMS.cmi()")
    assert (cmi["completion_status"], cmi["success_status"]) == ("completed", "unknown")
    assert cmi["progress_measure"] == "1" and cmi["location"] == ids[-1]
    assert last_set(page, "cmi.exit") == "suspend", "the assessment is still to pass: suspend"
    assert not sets(page, "cmi.score"), "no score before the assessment is submitted"
    progress = [float(v) for _, v in sets(page, "cmi.progress_measure")]
    assert progress == sorted(progress) and progress[0] == pytest.approx(1 / len(ids), abs=1e-4)
    # The LMS side: every Commit and the Terminate beacon reached /lms/commit; the last one has the exit.
    expected = [c["fn"] for c in log].count("Commit") + 1
    posted = commits_since(page, before, expected)
    assert len(posted) == expected, len(posted)
    assert posted[-1]["cmi"]["exit"] == "suspend" and posted[-1]["cmi"]["completion_status"] == "completed"
    assert not found, "axe-core found WCAG violations:\n" + format_violations(found)
    watch.assert_clean()


def test_final_passed(lms_context, server, course):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, course.package)
    go_to(sco, FINAL)
    given = answer_page(sco, course.quiz, FINAL, right=True)
    status = submit(sco, FINAL)
    assert "100%" in status and "you passed" in status
    found = axe_violations(sco)
    check_records(page, sco, course, given, "correct")
    assert sets(page, "cmi.score")[-4:] == [("cmi.score.scaled", "1"), ("cmi.score.raw", "100"),
                                             ("cmi.score.min", "0"), ("cmi.score.max", "100")]
    assert last_set(page, "cmi.success_status") == "passed"
    finish(page)
    cmi = page.evaluate("cfLMS.cmi()")
    # Kept apart: passed, yet not every page was viewed.
    assert (cmi["success_status"], cmi["completion_status"]) == ("passed", "incomplete")
    # Not over either: an ended attempt would start the next launch blank (S04-R4; test_learner_walk.py).
    assert last_set(page, "cmi.exit") == "suspend", "passed, pages still to visit: suspend"
    assert page.evaluate("cfLMS.nextLaunch()").get("entry") == "resume"
    assert not found, "axe-core found WCAG violations:\n" + format_violations(found)
    watch.assert_clean()


def test_final_failed_until_out_of_attempts(lms_context, server, course):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, course.package)
    go_to(sco, FINAL)
    given = answer_page(sco, course.quiz, FINAL, right=False)
    assert "Your score is 0%" in submit(sco, FINAL)
    check_records(page, sco, course, given, "incorrect")
    assert last_set(page, "cmi.success_status") == "failed" and last_set(page, "cmi.score.scaled") == "0"
    assert last_set(page, "cmi.exit") == "suspend", "attempts left: suspend"
    for _ in (2, 3):
        sco.click(f"#lesson-{FINAL} .quiz-retry")
        answer_page(sco, course.quiz, FINAL, right=False)
        status = submit(sco, FINAL)
    assert "You have no attempts left." in status
    assert len(interactions(page)) == 3 * FINAL_QUESTIONS
    finish(page)
    cmi = page.evaluate("cfLMS.cmi()")
    assert (cmi["success_status"], cmi["score"]["scaled"]) == ("failed", "0")
    assert last_set(page, "cmi.exit") == "normal", "no attempts left: the attempt is over"
    watch.assert_clean()


def test_passing_score_comes_from_the_lms(lms_context, server, course):
    """S04-R2: success follows cmi.scaled_passing_score (the manifest's 0.8), not the player's own view."""
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, course.package, preload={**PRELOAD, "scaled_passing_score": "1"})
    go_to(sco, FINAL)
    order = shown_questions(sco, FINAL)
    # One question left open, wherever the shuffled draw put it; not an ordering list, which always
    # holds an answer (its order as shown).
    left = next(qid for qid in reversed(order) if course.quiz.course["questions"][qid]["type"] != "ordering")
    for qid in order:
        if qid != left:
            apply(sco, qid, plan(sco, qid, course.quiz.answers.get(qid), right=True))
    sco.click(f"#lesson-{FINAL} .quiz-submit")  # "Questions not answered yet": submit anyway
    assert "Questions not answered yet: 1." in sco.inner_text(f"#lesson-{FINAL} .quiz-status")
    status = submit(sco, FINAL)
    assert last_set(page, "cmi.success_status") == "failed", "below the LMS's passing score of 1"
    # The page judges by the LMS's mark too: it said "you passed" (the course's 80) while the LMS
    # recorded failed, locked the attempt and showed the answers.
    assert "you passed" not in status and "the pass mark is 100%" in status, status
    assert sco.is_visible(f"#lesson-{FINAL} .quiz-retry")
    finish(page)
    watch.assert_clean()


def test_suspend_and_resume(lms_context, server, course):
    context, watch = lms_context
    ids = course.package.lesson_ids
    page = open_lms(context, server)
    sco = launch(page, course.package)
    sco.click("#cf-next")
    sco.click("#cf-next")
    go_to(sco, FINAL)
    order = shown_questions(sco, FINAL)
    given = answer_page(sco, course.quiz, FINAL, right=True, limit=5)
    go_to(sco, ids[2])
    finish(page)
    assert last_set(page, "cmi.exit") == "suspend"
    saved = page.evaluate("lms => cfLMS.nextLaunch(lms)", PRELOAD)
    assert saved["entry"] == "resume" and saved["location"] == ids[2] and saved["suspend_data"]
    page.close()

    page = open_lms(context, server)
    sco = launch(page, course.package, preload=saved)
    assert visible_lesson(sco) == ids[2]
    gets = {c["args"][0]: c["result"] for c in calls(page) if c["fn"] == "GetValue"}
    assert gets["cmi.entry"] == "resume" and gets["cmi.location"] == ids[2]
    assert not sets(page, "cmi.completion_status"), "a resumed attempt keeps its status"
    go_to(sco, FINAL)
    assert shown_questions(sco, FINAL) == order, "same questions in the same order"
    checked = sco.evaluate(f"[...document.querySelectorAll('#lesson-{FINAL} input:checked')].length")
    assert checked >= sum(len(v.get("check", [])) for v in given.values())
    finish(page)
    assert last_set(page, "cmi.exit") == "suspend"
    watch.assert_clean()


def test_popup_walk(lms_context, server, course):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, course.package, mode="popup")
    # Q8: its own window, the API found through window.opener.
    assert sco.evaluate("window.parent === window && !!window.opener && !window.API_1484_11")
    walk(sco, page, course.package.lesson_ids)
    sco.goto("about:blank")
    page.wait_for_function("cfLMS.calls.some(c => c.fn === 'Terminate')")
    assert_api_clean(page)
    assert page.evaluate("cfLMS.cmi()")["completion_status"] == "completed"
    watch.assert_clean()


@pytest.mark.parametrize("mode", ["iframe", "popup"])
def test_exit_asks_the_lms_to_navigate(lms_context, server, course, mode):
    """Contract 1 / S04-S5: Exit sets adl.nav.request (suspendAll while unfinished), commits, terminates,
    and answers {navigating: true}; the LMS then takes the SCO away."""
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, course.package, mode=mode)
    sco.click("#cf-next")
    result = sco.evaluate("Courseforge.player.adapter.terminate({finished: false, exit: true})")
    assert result == {"navigating": True}
    log = assert_api_clean(page, dismissed=False)
    assert [(c["fn"], c["args"][:1]) for c in log[-5:]] == [
        ("SetValue", ["cmi.session_time"]), ("SetValue", ["cmi.exit"]), ("SetValue", ["adl.nav.request"]),
        ("Commit", [""]), ("Terminate", [""])]
    assert page.evaluate("cfLMS.navigation") == "suspendAll"
    assert last_set(page, "cmi.exit") == "suspend"
    if mode == "popup":
        sco.wait_for_url("about:blank")
    else:
        page.wait_for_function("document.getElementById('sco').src === 'about:blank'")
    assert [c["fn"] for c in calls(page)].count("Terminate") == 1, "pagehide after Exit adds nothing"
    watch.assert_clean()


def test_scenario_decision_is_a_choice_interaction(lms_context, server, course):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, course.package)
    scenario = next(iter(course.quiz.course["scenarios"]))
    start = course.quiz.course["scenarios"][scenario]["start"]
    go_to(sco, scenario)
    box = f"#lesson-{scenario} [data-scene='{start}']"
    sco.click(f"{box} .scene-skip")
    option = sco.locator(f"{box} [data-do=choose]").first
    choice, result = option.get_attribute("data-choice"), option.get_attribute("data-result")
    option.click()
    [record] = interactions(page)
    assert record["id"] == f"{scenario}-{start}" and record["type"] == "choice"
    assert record["learner_response"] == choice
    assert record["result"] == {"correct": "correct", "wrong": "incorrect", "neutral": "neutral"}[result]
    assert record["weighting"] == "0" and TIMESTAMP.match(record["timestamp"])
    finish(page)
    watch.assert_clean()
