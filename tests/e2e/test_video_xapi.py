"""Scenario clips as xAPI Video Profile statements (CHECKLIST V1-V7) from cmi5 and TinCan packages:
sent inside a launched AU, accepted by Ralph, read back from it and held to the profile's templates
as Ralph models them. First with exact values: the shipped course's AU gets the `media` calls
runtime/scenario.js makes (`player.enqueue('media', {...})`) and a decision's `choice` answer, in
Normal and Browse mode; then a real scenario page: the clip played, paused, sought, played to its
end, and a decision made.
"""
from __future__ import annotations

import json
import re
import uuid
import zipfile

import pytest
from lxml import etree

from .conftest_xapi import (VERB, VIDEO, adapter_name, close_page, ends_with_terminated, open_au, page_language, settle,
                            stored, strictly_valid, verbs, video_valid)
from .lrs import CMI5_CATEGORY, SESSION_ID
from .test_cmi5_lrs import au_statements, categories, check_cmi5, expected_failures, is_video
from .test_cmi5_one_page_au import PART_DONE, not_completed_when_shown
from .test_tincan_lrs import check_tincan

EXT = VIDEO + "/extensions/"
DURATION = re.compile(r"^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?$")
# What the scenario player reports while a learner watches a clip: play, pause, jump ahead, play to
# the end. It also passes through events the adapter must not turn into statements (V7).
EVENTS = [
    {"event": "played", "time": 0},
    {"event": "paused", "time": 8.2504, "progress": 0.2373, "playedSegments": "0[.]8.2504"},
    {"event": "seeked", "time": 20, "timeFrom": 8.25, "timeTo": 20},
    {"event": "played", "time": 20},
    {"event": "initialized", "time": 20},
    {"event": "completed", "time": 34.75, "progress": 0.6309, "playedSegments": "0[.]8.25[,]20[.]34.75"},
    {"event": "terminated", "time": 34.75},
]
SENT = ["played", "paused", "seeked", "played", "completed"]


def course_json(folder) -> dict:
    html = (folder / "index.html").read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="cf-course">(.*?)</script>', html, re.S)[1])


def first_clip(folder) -> tuple[str, str, dict]:
    """(scenario id, scene id, scene) of the shipped course's first scene with a clip."""
    for scenario_id, scenario in course_json(folder)["scenarios"].items():
        for scene_id, scene in scenario["scenes"].items():
            if scene["video"] and scene["decision"]:
                return scenario_id, scene_id, scene
    pytest.fail("the shipped course has no scenario scene with a clip and a decision")


def watch_clip(page, folder, events=EVENTS) -> tuple[str, str]:
    scenario, scene_id, scene = first_clip(folder)
    clip = {"scenario": scenario, "scene": scene_id, "video": scene["video"], "length": scene["duration"],
            "lang": page_language(folder)}  # runtime/scenario.js sends the caption track's srclang
    page.evaluate("events => Promise.all(events.map(e => Courseforge.player.enqueue('media', e)))",
                  [dict(clip, **event) for event in events])
    return scenario, scene_id


def decide(page, folder) -> tuple[str, str]:
    """The answer runtime/scenario.js records for a decision: an ungraded choice, `neutral` here."""
    scenario, scene_id, scene = first_clip(folder)
    options = scene["decision"]["options"]
    choice = next(o for o in options if o["result"] == "neutral")
    page.evaluate("a => Courseforge.player.enqueue('answer', Object.assign(a, {timestamp: new Date()}))", {
        "id": f"{scenario}-{scene_id}", "type": "choice", "prompt": scene["decision"]["prompt"],
        "options": [{"key": o["id"], "text": f"Option {o['id']}"} for o in options],
        "correct": [o["id"] for o in options if o["result"] == "correct"], "response": [choice["id"]],
        "result": "neutral", "weighting": 0, "latencyMs": 3200, "page": scenario, "graded": False})
    return f"{scenario}-{scene_id}", choice["id"]


def check_video(found: list[dict], folder, root: str) -> list[dict]:
    """The clip's statements, in order, each held to V1-V7 and to Ralph's Video Profile models."""
    scenario, scene, data = first_clip(folder)
    name, length = course_json(folder)["scenarios"][scenario]["title"] + ": " + data["title"], data["duration"]
    clips = [s for s in found if is_video(s)]
    assert verbs(clips) == SENT, verbs(clips)
    sessions = {s["context"]["extensions"][EXT + "session-id"] for s in clips}
    assert len(sessions) == 1 and str(uuid.UUID(sessions.pop()))  # V4: one session-id, a UUID
    for statement in clips:
        strictly_valid(statement)
        video_valid(statement)
        obj, context = statement["object"], statement["context"]
        assert obj["id"] == f"{root}/video/{scenario}/{scene}"  # V1: a stable IRI below the course/AU
        assert obj["definition"]["type"] == VIDEO + "/activity-type/video"
        assert obj["definition"]["name"] == {page_language(folder): name}
        assert context["contextActivities"]["parent"] == [{"objectType": "Activity", "id": root}]
        assert VIDEO in categories(statement) and CMI5_CATEGORY not in categories(statement)  # V2, V7
        assert context["extensions"][EXT + "length"] == length
        assert context["extensions"][EXT + "cc-subtitle-lang"] == page_language(folder)  # V5: the language, not the flag
        assert EXT + "cc-enabled" not in context["extensions"]
        for key, value in statement["result"]["extensions"].items():
            if key != EXT + "played-segments":
                assert isinstance(value, (int, float)) and value >= 0 and round(value, 3) == value, (key, value)  # V6
    played, paused, seeked, _, completed = clips
    assert played["result"] == {"extensions": {EXT + "time": 0}}
    assert paused["result"] == {"extensions": {EXT + "time": 8.25, EXT + "progress": 0.237,
                                               EXT + "played-segments": "0[.]8.25"}}
    assert seeked["result"] == {"extensions": {EXT + "time-from": 8.25, EXT + "time-to": 20}}
    assert completed["verb"]["id"] == VERB + "completed"
    assert completed["result"] == {"completion": True, "duration": "PT23S", "extensions": {
        EXT + "time": 34.75, EXT + "progress": 0.631, EXT + "played-segments": "0[.]8.25[,]20[.]34.75"}}
    return clips


def check_decision(found: list[dict], root: str, scenario: str, qid: str, choice: str) -> None:
    [statement] = [s for s in found if s["verb"]["id"] == VERB + "answered"]
    assert statement["object"]["id"] == f"{root}/lesson/{scenario}/question/{qid}"
    definition = statement["object"]["definition"]
    assert definition["interactionType"] == "choice"
    assert [c["id"] for c in definition["choices"]] == ["a", "b", "c"]
    assert statement["result"]["response"] == choice and "success" not in statement["result"]  # neutral
    assert DURATION.match(statement["result"]["duration"])
    assert statement["context"]["contextActivities"]["parent"] == [{"objectType": "Activity", "id": f"{root}/lesson/{scenario}"}]


def test_cmi5_clip_statements_and_a_decision(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    folder = xapi_packages["shipped-cmi5"]
    session = lms.launch_cmi5("shipped-cmi5", folder)
    open_au(page, session.url)
    assert adapter_name(page) == "cmi5"
    scenario, _ = watch_clip(page, folder)
    qid, choice = decide(page, folder)
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])  # the clip's statements are cmi5-allowed: initialized first, terminated last
    clips = check_video(found, folder, session.activity_id)
    for statement in clips:  # the launch data's context template, added to, never overwritten (C5-D2)
        assert statement["context"]["extensions"][SESSION_ID] == session.session_id
        assert statement["context"]["registration"] == session.registration
        assert {"objectType": "Activity", "id": session.au_id} in statement["context"]["contextActivities"]["grouping"]
    check_decision(found, session.activity_id, scenario, qid, choice)
    names = verbs(au_statements(found))
    assert names[0] == "initialized" and names[-1] == "terminated" and names.count("terminated") == 1, names
    assert lms.violations == [], lms.violations  # Ralph accepted every statement
    assert watch.unexpected(expected_failures) == []


def test_cmi5_browse_mode_still_sends_clip_statements(lms, ralph, xapi_packages, xapi_page):
    """Browse/Review forbid cmi5-defined statements but the AU's own (§10.2.2): clips still count."""
    page, watch = xapi_page
    folder = xapi_packages["shipped-cmi5"]
    session = lms.launch_cmi5("shipped-cmi5", folder, mode="Browse")
    open_au(page, session.url)
    watch_clip(page, folder)
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session], tracking=False)
    assert verbs(au_statements(found)) == ["initialized", *SENT, "terminated"]
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def test_tincan_clip_statements_and_a_decision(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    folder = xapi_packages["shipped-tincan"]
    session = lms.launch_tincan("shipped-tincan", folder)
    open_au(page, session.url)
    assert adapter_name(page) == "tincan"
    scenario, _ = watch_clip(page, folder)
    qid, choice = decide(page, folder)
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_tincan(found, session, session.actor)
    for statement in check_video(found, folder, session.activity_id):
        assert statement["context"]["registration"] == session.registration
        assert statement["context"]["contextActivities"]["category"] == [{"objectType": "Activity", "id": VIDEO}]
    check_decision(found, session.activity_id, scenario, qid, choice)
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


# ---------------------------------------------------------------------------------------------
# A real scenario page (runtime/scenario.js): the clip played, paused, sought, played to its end,
# then a decision; the scenario course of test_scenario_scorm12.py, as cmi5 and TinCan packages.


@pytest.fixture(scope="module")
def scenario_packages(tmp_path_factory) -> dict[str, object]:
    """The scenario course as cmi5 and TinCan packages, and as the cmi5 package of one AU a page
    ("cmi5-per-page"; "cmi5-per-page-optional" without require_scenarios), each build's clips from the
    first build's cache."""
    import shutil

    from conftest import COURSE_YML, default_files, write_course
    from courseforge.build import build

    from .test_scenario_scorm12 import SCENARIO
    root = tmp_path_factory.mktemp("scenario-xapi")
    files = default_files(1)
    files["course.yml"] = COURSE_YML + "video_size: 320x180\nrequire_scenarios: true\n"
    files["scenarios/01-short-call.yml"] = SCENARIO
    folders = {}
    course = write_course(root / "course", files)
    per_page = files["course.yml"] + "cmi5_au_per_lesson: true\n"
    for formats, suffix, settings in ((["cmi5", "tincan"], "", files["course.yml"]), (["cmi5"], "-per-page", per_page),
                                      (["cmi5"], "-per-page-optional", per_page.replace("require_scenarios: true\n", ""))):
        (course / "course.yml").write_text(settings)
        for path in build(course, root / "out", formats):
            standard = path.stem.rsplit("-", 1)[1] + suffix
            with zipfile.ZipFile(path) as archive:
                archive.extractall(root / standard)
            folders[standard] = root / standard
        shutil.rmtree(root / "out")
    return folders


def play_scenario(page, watch_ending: bool = False, opened: bool = False) -> dict:
    """Play the first clip, pause, seek near its end, play it out, then choose option a (correct), press
    play on the ending clip, and skip it or watch it to its end: what the clip was (its length) as the page
    knows it.
    `opened`: the scenario's page shows already (a launch of that page alone)."""
    from .test_scenario_scorm12 import ENDING, PAGE, START, press_play
    if not opened:
        page.click(f'a[href="{PAGE}"]')
    page.wait_for_function("s => !document.querySelector(s).hidden", arg=PAGE)
    video = f"{START} video"
    assert page.evaluate("s => { const v = document.querySelector(s); v.muted = true;"
                         " return v.play().then(() => true, e => String(e)); }", video) is True
    page.wait_for_function("s => document.querySelector(s).currentTime > 0.5", arg=video, timeout=15_000)
    page.evaluate("s => document.querySelector(s).pause()", video)
    page.evaluate("s => { const v = document.querySelector(s); v.currentTime = v.duration - 0.5; }", video)
    page.wait_for_function("s => !document.querySelector(s).seeking", arg=video)
    page.evaluate("s => document.querySelector(s).play()", video)
    page.wait_for_function("s => document.querySelector(s).ended", arg=video, timeout=15_000)
    page.wait_for_selector(f"{START} .scene-decision", state="visible")
    length = page.evaluate("s => document.querySelector(s).duration", video)
    order = page.evaluate("s => [...document.querySelectorAll(s + ' .scene-option')].map(b => b.dataset.choice)", START)
    page.click(f'{START} .scene-option[data-choice="a"]')
    assert page.inner_text(f"{PAGE} .scenario-status") == "", "complete once the ending clip is over"
    press_play(page, page.keyboard, f"{ENDING} video")  # the consequence clip waits for the learner
    if watch_ending:
        page.wait_for_function("s => document.querySelector(s).ended", arg=f"{ENDING} video", timeout=20_000)
    else:
        page.click(f"{ENDING} .scene-end")  # "Skip to the end": pauses the ending clip
    assert page.inner_text(f"{PAGE} .scenario-status") == "Scenario complete."
    return {"length": length, "order": order}


def check_real_clip(found: list[dict], root: str, length: float, order: list[str]) -> None:
    from .test_scenario_scorm12 import CHOICES, ID
    clips = [s for s in found if is_video(s)]
    start = [s for s in clips if s["object"]["id"] == f"{root}/video/{ID}/start"]
    # Skipped to its end, the clip was not watched: paused there, not completed (progress < threshold 1).
    assert verbs(start) == ["played", "paused", "seeked", "played", "paused"], verbs(clips)
    for statement in clips:
        strictly_valid(statement)
        video_valid(statement)
        assert statement["context"]["contextActivities"]["parent"] == [{"objectType": "Activity", "id": root}]
        assert categories(statement) & {VIDEO, CMI5_CATEGORY} == {VIDEO}
    assert start[0]["object"]["definition"]["name"] == {"en": "A short call: The late order"}
    paused, seeked, ended = (s["result"]["extensions"] for s in (start[1], start[2], start[4]))
    assert paused[EXT + "time"] > 0.5 and paused[EXT + "played-segments"].count("[.]") == 1
    assert seeked[EXT + "time-from"] == pytest.approx(paused[EXT + "time"], abs=0.3)
    assert seeked[EXT + "time-to"] == pytest.approx(length - 0.5, abs=0.05)
    assert ended[EXT + "time"] == pytest.approx(length, abs=0.01) and 0.1 < ended[EXT + "progress"] < 0.9
    assert ended[EXT + "played-segments"].count("[.]") == 2 and "completion" not in start[4]["result"]
    assert start[4]["context"]["extensions"][EXT + "length"] == pytest.approx(length, abs=0.01)
    # The consequence clip, once the learner played it.
    assert [s["object"]["id"].rsplit("/", 1)[1] for s in clips if s not in start][:1] == ["sorted"]
    # The decision: an ungraded choice with its options, the right one as the pattern, judged correct.
    [decision] = [s for s in found if s["verb"]["id"] == VERB + "answered"]
    assert decision["object"]["id"] == f"{root}/lesson/{ID}/question/{ID}-start"
    definition = decision["object"]["definition"]
    assert definition["interactionType"] == "choice" and definition["correctResponsesPattern"] == ["a"]
    # The choices in the order the learner saw them (shuffled per attempt).
    assert sorted(order) == sorted(CHOICES)
    assert [(c["id"], c["description"]["en"]) for c in definition["choices"]] == [
        (key, CHOICES[key][0]) for key in order]
    assert decision["result"]["response"] == "a" and decision["result"]["success"] is True


def test_cmi5_real_scenario_page(lms, ralph, scenario_packages, xapi_page):
    page, watch = xapi_page
    session = lms.launch_cmi5("scenario-cmi5", scenario_packages["cmi5"])
    open_au(page, session.url)
    assert adapter_name(page) == "cmi5"
    clip = play_scenario(page)
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])
    check_real_clip(found, session.activity_id, clip["length"], clip["order"])
    names = verbs([s for s in au_statements(found) if not is_video(s)])
    # require_scenarios: completed once the scenario reached its ending, after the decision.
    assert names.count("completed") == 1 and names.index("completed") > names.index("answered"), names
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def test_tincan_real_scenario_page(lms, ralph, scenario_packages, xapi_page):
    page, watch = xapi_page
    session = lms.launch_tincan("scenario-tincan", scenario_packages["tincan"])
    open_au(page, session.url)
    assert adapter_name(page) == "tincan"
    clip = play_scenario(page, watch_ending=True)
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_tincan(found, session, session.actor)
    check_real_clip(found, session.activity_id, clip["length"], clip["order"])
    from .test_scenario_scorm12 import ID
    ending = [s for s in found if is_video(s) and s["object"]["id"] == f"{session.activity_id}/video/{ID}/sorted"]
    assert verbs(ending) == ["played", "completed"], verbs(ending)  # watched through: all of it
    assert ending[1]["result"]["extensions"][EXT + "progress"] == 1 and ending[1]["result"]["completion"] is True
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def launch_scenario_au(lms, page, folder, name: str):
    from .test_scenario_scorm12 import ID
    urls = [au.findtext("{*}url").strip() for au in etree.fromstring((folder / "cmi5.xml").read_bytes()).iter("{*}au")]
    session = lms.launch_cmi5(name, folder, au=urls.index(f"index.html?page={ID}"))
    open_au(page, session.url)
    assert adapter_name(page) == "cmi5" and page.evaluate("Courseforge.player.only") >= 0
    return session


def closed_au_verbs(page, ralph, session) -> list[str]:
    """The page closed: the verbs of the AU's own statements (its clips' left out), once checked."""
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])
    return verbs([s for s in au_statements(found) if not is_video(s)])


def test_a_per_page_cmi5_au_of_a_scenario_completes_once_the_scenario_ends(lms, ralph, scenario_packages, xapi_page):
    """With require_scenarios, the AU of a scenario's page is completed when the scenario reaches an
    ending, as the whole course is; shown alone, it is not completed, and its summary says so."""
    page, watch = xapi_page
    session = launch_scenario_au(lms, page, scenario_packages["cmi5-per-page"], "scenario-cmi5-per-page")
    settle(page)
    not_completed_when_shown(ralph, session)
    page.click("#cf-next")
    assert page.inner_text("#cf-complete-text") == "This part of the course is not complete yet."
    page.click("#cf-prev")
    play_scenario(page, opened=True)
    page.click("#cf-next")
    assert page.inner_text("#cf-complete-text") == PART_DONE
    names = closed_au_verbs(page, ralph, session)
    assert names.count("completed") == 1 and names.index("completed") > names.index("answered"), names
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def test_a_per_page_cmi5_au_of_a_scenario_the_course_does_not_require_completes_when_shown(lms, ralph, scenario_packages,
                                                                                           xapi_page):
    """Without require_scenarios a course completes without its scenarios played, so a scenario's AU
    is completed once shown, and its summary says it is complete: not "not complete yet"."""
    page, watch = xapi_page
    session = launch_scenario_au(lms, page, scenario_packages["cmi5-per-page-optional"], "scenario-cmi5-optional")
    page.click("#cf-next")
    assert page.inner_text("#cf-complete-text") == PART_DONE
    assert closed_au_verbs(page, ralph, session) == ["initialized", "experienced", "completed", "terminated"]
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []
