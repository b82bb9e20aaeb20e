"""What a learner does while the LMS has no session (the fallback: cmi5 reloaded once its session ended,
TinCan with the LRS out of reach) reaches the LMS at the launch's next session in that browser, under
Ralph and the strict LMS stand-in (lrs.py), in Chromium: the session resumes from the fallback's record
when it continues the very State document the LRS returns, saves it as its State document and reports
it the normal way (`experienced` for the pages viewed only in the fallback, `progressed`/`completed`,
the answers given there as `answered` and the clips played there as video statements, the assessment's
`passed` once, after its answers, with its score). A document written since from another device wins:
the fallback's record never overwrites it. These tests failed before: the next session deleted the
record and resumed from the LRS's document, and the learner's work in the fallback was gone.
"""
from __future__ import annotations

import json
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from .conftest_xapi import (QUIZ_COURSE, READY, VERB, _build, adapter_name, close_page, lesson_ids, open_au, settle,
                            stored, tincan_launch_with_the_lrs_out_of_reach, verbs, visible_lesson,
                            walk, xapi_context)
from .lrs import SESSION_ID, TINCAN_NS
from .quiz_support import XapiQuiz, answered, build_quiz_packages
from .test_cmi5_lrs import MASTERY, au_statements, check_cmi5, expected_failures
from .test_large_course import course_json, large_course, show  # noqa: F401 (large_course: a fixture)
from .test_large_course import ids as part_ids
from .test_quiz_scorm12 import FINAL as SHIPPED_FINAL
from .test_quiz_scorm12 import FINAL_QUESTIONS, FIRST_CHECK_PAGE, QuizPackage, answer_page, apply, go_to, plan, submit
from .test_quiz_xapi import CHECK, RIGHT, TRY_AGAIN, check_answers, check_in_turn, expect
from .test_tincan_lrs import check_tincan, descriptor
from .test_video_xapi import check_decision, check_video, decide, watch_clip

FINAL = "final"  # QUIZ_COURSE's graded assessment, after its three lessons
OTHER_CHECK = "kc-why-back-office"  # the shipped course's knowledge check after CHECK, on FIRST_CHECK_PAGE


@pytest.fixture(scope="module")
def carry(tmp_path_factory) -> tuple[dict[str, Path], QuizPackage]:
    """QUIZ_COURSE (three lessons, a graded assessment, mastery 80) as cmi5 and TinCan packages, and as a
    cmi5 package of one AU per page ("per-page"), and its answer key for test_quiz_scorm12's helpers."""
    from courseforge.build import build
    root = tmp_path_factory.mktemp("carry")
    folders = {}
    for kind, more, standards in (("", "", ["cmi5", "tincan"]), ("per-page", "cmi5_au_per_lesson: true\n", ["cmi5"])):
        source = root / (kind or "src")
        for name, text in QUIZ_COURSE.items():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_text(text + (more if name == "course.yml" else ""), encoding="utf-8")
        for path in build(source, root / f"out-{kind}", standards, answer_key=True):
            if path.suffix == ".zip":
                folder = root / f"{kind}-{path.stem}"
                folders[kind or path.stem.rsplit("-", 1)[1]] = folder
                with zipfile.ZipFile(path) as archive:
                    archive.extractall(folder)
    answers = json.loads((root / "out-" / "answers.json").read_text(encoding="utf-8"))
    html = (folders["cmi5"] / "index.html").read_text(encoding="utf-8")
    course = json.loads(re.search(r'<script type="application/json" id="cf-course">(.*?)</script>', html, re.S)[1])
    return folders, QuizPackage(None, answers, course)


def fallen_back(page) -> None:
    """The page once the player runs on the standalone adapter, saying the progress made now reaches the LMS later."""
    page.wait_for_function(READY)
    assert adapter_name(page) == "standalone" and page.is_visible("#cf-notice")
    notice = page.inner_text("#cf-notice")
    assert "is kept in this browser" in notice and "not sent" not in notice, notice


def pass_final_in_fallback(page, quiz: QuizPackage, ids: list[str]) -> dict:
    """From the fallback's cover (Continue at the second lesson): the third lesson, then the assessment, passed;
    the answers given (test_quiz_scorm12.answer_page)."""
    page.click("#cf-start")
    assert visible_lesson(page) == ids[1]
    page.click("#cf-next")
    assert visible_lesson(page) == ids[2]
    go_to(page, FINAL)
    given = answer_page(page, quiz, FINAL, right=True)
    assert "you passed" in submit(page, FINAL)
    page.evaluate("Courseforge.player.queue")
    return given


def answered_in_order(statements: list[dict], given: dict) -> None:
    """One `answered` per question of `given` (QUIZ_COURSE's assessment, all right), in the order answered:
    right (the likert question neutral: no success), then passed."""
    names = verbs(statements)
    answers = [s for s in statements if s["verb"]["id"] == VERB + "answered"]
    assert [s["object"]["id"].rsplit("/question/", 1)[1] for s in answers] == list(given)
    assert all(s["object"]["id"].endswith(f"/test/{FINAL}/question/{qid}") for s, qid in zip(answers, given))
    assert [s["result"].get("success") for s in answers] == [None if qid == "q-like" else True for qid in given]
    assert names.index("passed") == max(i for i, n in enumerate(names) if n == "answered") + 1, names


def session_of(found: list[dict], session) -> list[dict]:
    return [s for s in au_statements(found) if s["context"]["extensions"][SESSION_ID] == session.session_id]


def test_a_cmi5_fallback_reaches_the_lms_at_the_next_launch(lms, ralph, carry, xapi_page):
    page, watch = xapi_page
    folders, quiz = carry
    folder = folders["cmi5"]
    ids = lesson_ids(folder)
    assert ids[-1] == FINAL and len(ids) == 4, ids
    first = lms.launch_cmi5("carry-cmi5", folder)
    open_au(page, first.url)
    walk(page, ids, stop=2)
    page.reload()  # pagehide ends the session: the reloaded launch cannot start, the fallback runs
    fallen_back(page)
    given = pass_final_in_fallback(page, quiz, ids)
    close_page(page)
    stored(ralph, lambda f: "terminated" in verbs(f), registration=first.registration)

    second = lms.launch_cmi5("carry-cmi5", folder, actor=first.actor, registration=first.registration)
    open_au(page, second.url)
    assert adapter_name(page) == "cmi5"
    assert visible_lesson(page) == FINAL, "the session resumes on the fallback's last page"
    settle(page)
    assert page.evaluate("Courseforge.keep(Courseforge.localKey(Courseforge.player.course))") is None
    saved = lms.state(second, "courseforge.resume")
    assert saved["location"] == FINAL and saved["completed"] is True and saved["passed"] is True, saved
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=first.registration)
    check_cmi5(found, [first, second], mastery=0.8)
    assert verbs(session_of(found, first)) == ["initialized", "experienced", "progressed", "experienced",
                                               "progressed", "terminated"]
    # The pages viewed only in the fallback, then what the player's save() makes of the pages viewed:
    # all viewed, so completed (no progressed at 100); the assessment taken in the fallback: its answers,
    # then passed, with its score.
    mine = session_of(found, second)
    assert verbs(mine) == ["initialized", "experienced", "experienced", "completed", *["answered"] * len(given),
                           "passed", "terminated"]
    assert [s["object"]["id"].rsplit("/", 1)[1] for s in mine[1:3]] == [ids[2], FINAL]
    answered_in_order(mine, given)
    passed = mine[-2]
    assert passed["result"]["score"] == {"scaled": 1, "raw": 100, "min": 0, "max": 100}
    assert passed["context"]["extensions"][MASTERY] == 0.8
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []

    # The launch after that: nothing more of the fallback (completed and passed went once).
    third = lms.launch_cmi5("carry-cmi5", folder, actor=first.actor, registration=first.registration)
    open_au(page, third.url)
    assert visible_lesson(page) == FINAL
    settle(page)
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 3, registration=first.registration)
    check_cmi5(found, [first, second, third], mastery=0.8)
    assert verbs(session_of(found, third)) == ["initialized", "experienced", "terminated"]
    assert lms.violations == [], lms.violations


def test_a_cmi5_fallback_never_overwrites_a_later_session_from_another_device(lms, ralph, carry, browser,
                                                                              xapi_page):
    page, watch = xapi_page
    folders, quiz = carry
    folder = folders["cmi5"]
    ids = lesson_ids(folder)
    first = lms.launch_cmi5("carry-cmi5", folder)
    open_au(page, first.url)
    walk(page, ids, stop=2)
    page.reload()
    fallen_back(page)
    pass_final_in_fallback(page, quiz, ids)
    close_page(page)
    stored(ralph, lambda f: "terminated" in verbs(f), registration=first.registration)

    # Another device (a browser context of its own: its own storage) launches the registration, goes back
    # to the first lesson and leaves: its session saved the State document.
    context, other, _ = xapi_context(browser, lms)
    try:
        between = lms.launch_cmi5("carry-cmi5", folder, actor=first.actor, registration=first.registration)
        open_au(other, between.url)
        assert visible_lesson(other) == ids[1]
        go_to(other, ids[0])
        settle(other)
        close_page(other)
        # The closed page's `terminated` leaves as a keepalive request, which closing the context may
        # cancel before a loaded machine has sent it: the device stays open until it is stored.
        found = stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=first.registration)
        assert verbs(found).count("terminated") == 2, verbs(found)
    finally:
        context.close()
    written = lms.state(between, "courseforge.resume")
    assert written["location"] == ids[0] and not written.get("completed")

    # Back on the first browser: the other device's session wins; the fallback's record is dropped.
    third = lms.launch_cmi5("carry-cmi5", folder, actor=first.actor, registration=first.registration)
    open_au(page, third.url)
    assert visible_lesson(page) == ids[0]
    settle(page)
    assert page.evaluate("Courseforge.keep(Courseforge.localKey(Courseforge.player.course))") is None
    saved = lms.state(third, "courseforge.resume")
    assert saved["location"] == ids[0] and not saved.get("completed") and not saved.get("passed"), saved
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 3, registration=first.registration)
    check_cmi5(found, [first, between, third], mastery=0.8)
    assert verbs(session_of(found, third)) == ["initialized", "experienced", "terminated"]
    assert "completed" not in verbs(found) and "passed" not in verbs(found)
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def test_a_tincan_fallback_reaches_the_lrs_at_the_next_launch(lms, ralph, carry, xapi_page):
    page, watch = xapi_page
    folders, quiz = carry
    folder = folders["tincan"]
    ids = lesson_ids(folder)
    # The LRS out of reach at the second launch: no State document, no session; the fallback in the launch's room.
    alice, again = tincan_launch_with_the_lrs_out_of_reach(lms, ralph, page, "carry-tincan", folder, stop=2)
    fallen_back(page)
    given = pass_final_in_fallback(page, quiz, ids)
    close_page(page)
    page.unroute("**/xAPI/activities/state**")

    back = lms.launch_tincan("carry-tincan", folder, actor=alice.actor, registration=alice.registration)
    open_au(page, back.url)
    assert adapter_name(page) == "tincan" and visible_lesson(page) == FINAL
    settle(page)
    saved = lms.state(back, "courseforge.resume")
    assert saved["location"] == FINAL and saved["completed"] is True and saved["passed"] is True, saved
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=alice.registration)
    check_tincan(found, back, alice.actor)
    names = verbs(found)
    assert names.count("completed") == 1 and names.count("passed") == 1 and "failed" not in names, names
    assert names[names.index("terminated") + 1:] == ["initialized", "experienced", "experienced", "completed",
                                                     *["answered"] * len(given), "passed", "terminated"], names
    answered_in_order(found[names.index("terminated") + 1:], given)
    assert [s for s in found if s["verb"]["id"] == VERB + "passed"][0]["result"]["score"]["raw"] == 100
    assert lms.violations == [], lms.violations
    # The fallback's launch: its State GETs aborted by the test (no response, so no failed one to allow).
    assert watch.unexpected(expected_failures) == []


def test_an_assessment_au_passed_in_its_fallback_passes_at_its_next_launch(lms, ralph, carry, xapi_page):
    """One AU per page: the assessment's AU, reloaded once its session ended, shows that page alone in the
    fallback, where the learner passes it; the AU's next launch sends passed, then, showing the page (its
    summary now says done), its experienced and completed."""
    page, watch = xapi_page
    folders, quiz = carry
    folder = folders["per-page"]
    first = lms.launch_cmi5("carry-per-page", folder, au=3)
    assert first.au_id.endswith("/au/final") and first.launch_data["moveOn"] == "CompletedAndPassed"
    open_au(page, first.url)
    assert visible_lesson(page) == FINAL
    settle(page)
    page.reload()
    fallen_back(page)
    assert visible_lesson(page) == FINAL
    given = answer_page(page, quiz, FINAL, right=True)
    assert "you passed" in submit(page, FINAL)
    page.evaluate("Courseforge.player.queue")
    close_page(page)
    stored(ralph, lambda f: "terminated" in verbs(f), registration=first.registration)

    second = lms.launch_cmi5("carry-per-page", folder, au=3, actor=first.actor, registration=first.registration)
    open_au(page, second.url)
    assert adapter_name(page) == "cmi5" and visible_lesson(page) == FINAL
    settle(page)
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=first.registration)
    check_cmi5(found, [first, second], mastery=0.8)
    assert verbs(session_of(found, first)) == ["initialized", "experienced", "terminated"]
    mine = session_of(found, second)
    assert verbs(mine) == ["initialized", *["answered"] * len(given), "passed", "experienced", "completed", "terminated"]
    answered_in_order(mine, given)
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def normal_then_browse(lms, ralph, page, folder: Path, name: str):
    """A Normal launch of `name` that views two pages and is closed, then the registration's Browse launch,
    open on the second page: (the first session, the Browse one, the State document the first left)."""
    ids = lesson_ids(folder)
    first = lms.launch_cmi5(name, folder)
    open_au(page, first.url)
    walk(page, ids, stop=2)
    close_page(page)
    stored(ralph, lambda f: "terminated" in verbs(f), registration=first.registration)
    left = lms.state(first, "courseforge.resume")
    browse = lms.launch_cmi5(name, folder, mode="Browse", actor=first.actor, registration=first.registration)
    open_au(page, browse.url)
    assert adapter_name(page) == "cmi5" and visible_lesson(page) == ids[1]
    return first, browse, left


def test_a_browse_launch_reloaded_carries_nothing_to_a_later_normal_launch(lms, ralph, carry, xapi_page):
    """A Browse launch reports nothing but initialized and terminated (cmi5 §10.2.2, C5-D3): reloaded once its
    session ended, its fallback says that nothing of it is sent, and what the learner does there (the last
    lesson, the assessment passed) is not reported by the registration's next Normal launch either."""
    page, watch = xapi_page
    folders, quiz = carry
    folder = folders["cmi5"]
    ids = lesson_ids(folder)
    first, browse, _ = normal_then_browse(lms, ralph, page, folder, "carry-browse")
    settle(page)
    page.reload()
    page.wait_for_function(READY)
    assert adapter_name(page) == "standalone" and page.is_visible("#cf-notice")
    assert "not sent" in page.inner_text("#cf-notice")
    pass_final_in_fallback(page, quiz, ids)
    close_page(page)
    stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=first.registration)

    normal = lms.launch_cmi5("carry-browse", folder, actor=first.actor, registration=first.registration)
    open_au(page, normal.url)
    assert visible_lesson(page) == ids[1], "the Normal launch resumes where the Browse session left the LMS"
    settle(page)
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 3, registration=first.registration)
    check_cmi5(found, [first, browse, normal], mastery=0.8)
    assert verbs(session_of(found, browse)) == ["initialized", "terminated"]
    assert verbs(session_of(found, normal)) == ["initialized", "experienced", "terminated"]
    assert "passed" not in verbs(found) and "completed" not in verbs(found)
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def test_pages_of_a_large_course_viewed_in_the_fallback_are_experienced_at_the_next_launch(lms, ralph, xapi_page,
                                                                                           large_course, tmp_path):
    """A course too large for one launch page (pageparts.py): its lessons come in parts, whose pages have no id
    before the part arrives. The next session still sends `experienced` for each page viewed only in the
    fallback (it asks for their parts), not only for the page it resumes on."""
    page, watch = xapi_page
    folder = _build(large_course, tmp_path / "out", "cmi5")
    names = part_ids(folder)
    assert all("part" in entry for entry in course_json(folder)["lessons"][:2])  # no lesson id on the launch page
    first = lms.launch_cmi5("carry-large", folder)
    open_au(page, first.url)
    show(page, names[0])
    page.click("#cf-next")
    show(page, names[1])
    settle(page)
    page.reload()
    fallen_back(page)
    page.click("#cf-start")
    show(page, names[1])
    for name in names[2:30]:  # across parts
        page.click("#cf-next")
        show(page, name)
    page.evaluate("Courseforge.player.queue")
    close_page(page)
    stored(ralph, lambda f: "terminated" in verbs(f), registration=first.registration)

    second = lms.launch_cmi5("carry-large", folder, actor=first.actor, registration=first.registration)
    open_au(page, second.url)
    show(page, names[29])
    # Their parts come a moment later: up to 10 s for their pages to be experienced (seen), then on.
    deadline = time.monotonic() + 10
    while page.evaluate("Object.keys(Courseforge.player.adapter.seen).length") < 28 and time.monotonic() < deadline:
        time.sleep(0.1)
    settle(page)
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=first.registration)
    check_cmi5(found, [first, second])
    mine = session_of(found, second)
    experienced = [s["object"]["id"].rsplit("/", 1)[1] for s in mine if s["verb"]["id"] == VERB + "experienced"]
    assert sorted(experienced, key=names.index) == names[2:30], experienced
    assert len(set(experienced)) == len(experienced)
    assert all(s["object"]["definition"]["name"]["en"].startswith("Lesson number") for s in mine
               if s["verb"]["id"] == VERB + "experienced")
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def test_a_cmi5_fallback_judges_the_assessment_by_the_lms_mastery_score(lms, ralph, carry, xapi_page, tmp_path):
    """The LMS's masteryScore (0.9 here, the course's own pass mark 80) decides what the next session reports
    of an assessment taken in the fallback (C5-D4, C5-S8): the fallback's page judges by it too, so that it
    never says "you passed" where the LMS records failed, and offers the retry the LMS's pass mark leaves."""
    page, watch = xapi_page
    folders, quiz = carry
    folder = tmp_path / "stricter"
    shutil.copytree(folders["cmi5"], folder)
    xml = (folder / "cmi5.xml").read_text(encoding="utf-8")
    assert 'masteryScore="0.8"' in xml
    (folder / "cmi5.xml").write_text(xml.replace('masteryScore="0.8"', 'masteryScore="0.9"'), encoding="utf-8")
    ids = lesson_ids(folder)
    first = lms.launch_cmi5("carry-stricter", folder)
    assert first.launch_data["masteryScore"] == 0.9
    open_au(page, first.url)
    walk(page, ids, stop=2)
    page.reload()
    fallen_back(page)
    page.click("#cf-start")
    go_to(page, FINAL)
    answer_page(page, quiz, FINAL, right=True)
    apply(page, "q-pick", plan(page, "q-pick", quiz.answers.get("q-pick"), right=False))  # 4 of 5: 80
    status = submit(page, FINAL)
    assert "80%" in status and "you passed" not in status and "90%" in status, status
    page.evaluate("Courseforge.player.queue")
    close_page(page)
    stored(ralph, lambda f: "terminated" in verbs(f), registration=first.registration)

    second = lms.launch_cmi5("carry-stricter", folder, actor=first.actor, registration=first.registration)
    open_au(page, second.url)
    settle(page)
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=first.registration)
    check_cmi5(found, [first, second], mastery=0.9)
    mine = session_of(found, second)
    assert "passed" not in verbs(mine) and verbs(mine)[-2:] == ["failed", "terminated"], verbs(mine)
    assert mine[-2]["result"]["score"]["raw"] == 80
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def test_a_browse_session_leaves_the_registration_s_state_as_it_found_it(lms, ralph, carry, xapi_page):
    """Browse and Review give no credit (cmi5 §10.2.2, C5-D3), yet a connected Browse session wrote the State
    document: an assessment passed there showed passed (no retry) at the registration's next Normal launch,
    whose LMS had never heard `passed`. A Browse session now reads the document and writes nothing."""
    page, watch = xapi_page
    folders, quiz = carry
    folder = folders["cmi5"]
    ids = lesson_ids(folder)
    first, browse, before = normal_then_browse(lms, ralph, page, folder, "browse-state")
    go_to(page, FINAL)
    answer_page(page, quiz, FINAL, right=True)
    assert "you passed" in submit(page, FINAL)
    settle(page)
    close_page(page)
    stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=first.registration)
    assert lms.state(browse, "courseforge.resume") == before

    normal = lms.launch_cmi5("browse-state", folder, actor=first.actor, registration=first.registration)
    open_au(page, normal.url)
    assert visible_lesson(page) == ids[1]
    go_to(page, FINAL)
    assert page.is_visible(f"#lesson-{FINAL} .quiz-submit"), "the assessment is still to take"
    answer_page(page, quiz, FINAL, right=True)
    assert "you passed" in submit(page, FINAL)
    settle(page)
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 3, registration=first.registration)
    check_cmi5(found, [first, browse, normal], mastery=0.8)
    assert verbs(session_of(found, browse)) == ["initialized", "terminated"]
    assert verbs(session_of(found, normal)).count("passed") == 1
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> XapiQuiz:
    """The shipped course (knowledge checks, scenarios, a 25-question assessment) as cmi5 and TinCan packages,
    with its answer key (quiz_support.py)."""
    return build_quiz_packages(tmp_path_factory.mktemp("carry-shipped"))


def one_session(page, ralph, launch, registration: str, sessions: int, adapter: str | None = None) -> list[dict]:
    """Open `launch` (its session started by `adapter`, if named), let it settle and close it: the
    registration's statements once `sessions` sessions have ended."""
    open_au(page, launch.url)
    if adapter is not None:
        assert adapter_name(page) == adapter
    settle(page)
    close_page(page)
    return stored(ralph, lambda f: verbs(f).count("terminated") == sessions, registration=registration)


def check_twice(page, xq: XapiQuiz, qid: str) -> list[tuple[str, str, bool]]:
    """Knowledge check `qid` (on FIRST_CHECK_PAGE, shown) checked wrong, then right: each check is an answer."""
    return check_in_turn(page, xq, qid, (TRY_AGAIN, RIGHT))


def test_answers_and_clips_of_a_cmi5_fallback_reach_the_lms_as_a_session_sends_them(lms, ralph, shipped, xapi_page):
    """A knowledge check answered live, then (the AU reloaded once its session ended) another checked twice, a
    clip watched, a scenario's decision made and the graded assessment passed in the fallback: the next session
    sends an `answered` for each answer given in the fallback, the statement a live session sends (object,
    definition, response, success, parent), in the order given and before `passed`, and the clip's video
    statements; none for the check answered live (sent then), none twice, and a third launch sends none."""
    page, watch = xapi_page
    folder = shipped.folders["cmi5"]
    first = lms.launch_cmi5("carry-answers", folder)
    open_au(page, first.url)
    go_to(page, FIRST_CHECK_PAGE)
    live = check_in_turn(page, shipped, CHECK, (RIGHT,))
    settle(page)
    page.reload()
    fallen_back(page)
    page.click("#cf-start")
    assert visible_lesson(page) == FIRST_CHECK_PAGE
    expected = check_twice(page, shipped, OTHER_CHECK)
    scenario, _ = watch_clip(page, folder)
    decision, choice = decide(page, folder)
    go_to(page, SHIPPED_FINAL)
    given = answer_page(page, shipped.quiz, SHIPPED_FINAL, right=True)
    assert len(given) == FINAL_QUESTIONS and "you passed" in submit(page, SHIPPED_FINAL)
    expected += expect(page, shipped, given, True)
    page.evaluate("Courseforge.player.queue")
    close_page(page)
    stored(ralph, lambda f: "terminated" in verbs(f), registration=first.registration)

    second = lms.launch_cmi5("carry-answers", folder, actor=first.actor, registration=first.registration)
    found = one_session(page, ralph, second, first.registration, 2, adapter="cmi5")
    check_cmi5(found, [first, second], mastery=0.8)
    check_answers(session_of(found, first), shipped, first.activity_id, live)
    mine = session_of(found, second)
    questions = [s for s in mine if "/question/" in s["object"]["id"] and not s["object"]["id"].endswith(decision)]
    check_answers(questions, shipped, second.activity_id, expected)
    check_decision([s for s in mine if s["object"]["id"].endswith("/question/" + decision)], second.activity_id,
                   scenario, decision, choice)
    check_video(mine, folder, second.activity_id)
    names = verbs(mine)
    assert names.count("answered") == len(expected) + 1 and names.count("passed") == 1, names
    assert names.index("passed") > max(i for i, n in enumerate(names) if n == "answered"), names
    assert len({s["id"] for s in found}) == len(found), "no statement twice"
    assert lms.violations == [], lms.violations  # not one statement refused (C5-S12)
    assert watch.unexpected(expected_failures) == []

    third = lms.launch_cmi5("carry-answers", folder, actor=first.actor, registration=first.registration)
    found = one_session(page, ralph, third, first.registration, 3)
    check_cmi5(found, [first, second, third], mastery=0.8)
    assert verbs(session_of(found, third)) == ["initialized", "experienced", "terminated"]
    assert lms.violations == [], lms.violations


def test_answers_of_a_tincan_fallback_reach_the_lrs(lms, ralph, shipped, xapi_page):
    """TinCan, the LRS out of reach at launch: a knowledge check checked twice in the fallback is answered twice
    at the next launch, with the definitions tincan.xml lists for it."""
    page, watch = xapi_page
    folder = shipped.folders["tincan"]
    ids = lesson_ids(folder)
    alice, again = tincan_launch_with_the_lrs_out_of_reach(lms, ralph, page, "carry-answers-tincan", folder,
                                                           stop=ids.index(FIRST_CHECK_PAGE) + 1)
    fallen_back(page)
    page.click("#cf-start")
    assert visible_lesson(page) == FIRST_CHECK_PAGE
    expected = check_twice(page, shipped, OTHER_CHECK)
    page.evaluate("Courseforge.player.queue")
    close_page(page)
    page.unroute("**/xAPI/activities/state**")

    back = lms.launch_tincan("carry-answers-tincan", folder, actor=alice.actor, registration=alice.registration)
    found = one_session(page, ralph, back, alice.registration, 2, adapter="tincan")
    check_tincan(found, back, alice.actor)
    names = verbs(found)
    # The answers, then the page the session resumes on, shown.
    assert names[names.index("terminated") + 1:] == ["initialized", "answered", "answered", "experienced",
                                                     "terminated"], names
    check_answers(found, shipped, back.activity_id, expected)
    known = descriptor(folder)
    for statement in answered(found):
        listed = known[statement["object"]["id"]]
        assert statement["object"]["definition"]["interactionType"] == listed.findtext("t:interactionType", None, TINCAN_NS)
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []
