"""TinCan packages launched the way Moodle's tincanlaunch and Rustici's launch document describe, run in
headless Chromium, statements stored by Ralph and read back from it (CHECKLIST T-L, T-S, X1-X10)."""
from __future__ import annotations

import json
import re
import uuid

from lxml import etree

from .conftest_xapi import (ACTIVITY, VERB, adapter_name, close_page, ends_with_terminated, lesson_ids, open_au,
                            pages, settle, stored, strictly_valid, verbs, visible_lesson, walk)
from .lrs import CMI5_CATEGORY, TINCAN_NS
from .test_cmi5_lrs import ANSWERS, RESPONSES, TIMESTAMP, answer_all, expected_failures, score

DURATION = re.compile(r"^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?$")
VIDEO_TYPE = "https://w3id.org/xapi/video/activity-type/video"
VIDEO_VERB = "https://w3id.org/xapi/video/verbs/"
LEGACY_ACTOR = {"name": ["Jo Learner"], "mbox": ["mailto:jo.learner@example.org"]}  # Rustici's launch example form
ACTOR = {"name": "Jo Learner", "mbox": "mailto:jo.learner@example.org", "objectType": "Agent"}


def descriptor(folder) -> dict[str, etree._Element]:
    root = etree.fromstring((folder / "tincan.xml").read_bytes())
    return {a.get("id"): a for a in root.iterfind("t:activities/t:activity", TINCAN_NS)}


def check_tincan(found: list[dict], session, actor: dict, grouping: str | None = None) -> None:
    assert found and ends_with_terminated(found)
    names = verbs(found)
    assert names[0] == "initialized" and names.count("terminated") == names.count("initialized"), names
    for statement in found:
        verb = statement["verb"]["id"].rsplit("/", 1)[1]
        video = statement["object"]["definition"].get("type") == VIDEO_TYPE  # tests/e2e/test_video_xapi.py
        strictly_valid(statement)
        assert statement["verb"] == {"id": (VIDEO_VERB if video and verb != "completed" else VERB) + verb,
                                     "display": {"en-US": verb}}
        assert str(uuid.UUID(statement["id"])) == statement["id"]
        assert statement["actor"] == actor, "T-S2: the launch actor, the same identifier on every statement"
        assert TIMESTAMP.match(statement["timestamp"])
        context = statement.get("context", {})
        assert context.get("registration") == session.registration  # T-L4
        activities = context.get("contextActivities", {})
        assert CMI5_CATEGORY not in {a["id"] for a in activities.get("category", [])}
        if grouping:
            assert grouping in {a["id"] for a in activities.get("grouping", [])}, statement["id"]
        result = statement.get("result", {})
        if video:
            continue
        if verb in ("initialized", "completed", "passed", "failed", "terminated"):
            assert statement["object"]["id"] == session.activity_id, "T-M4: completion on the exact root id"
            assert statement["object"]["definition"]["type"] == ACTIVITY + "course"
        if verb in ("completed", "passed", "failed", "terminated"):
            assert DURATION.match(result["duration"]), statement["id"]
        if verb == "completed":
            assert result["completion"] is True
        if verb in ("passed", "failed"):
            assert result["success"] is (verb == "passed") and 0 <= result["score"]["scaled"] <= 1


def test_shipped_course_with_a_legacy_actor_then_resume(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    folder = xapi_packages["shipped-tincan"]
    ids = lesson_ids(folder)
    group = "https://lms.example.com/programmes/service-skills"
    session = lms.launch_tincan("shipped-tincan", folder, actor=LEGACY_ACTOR, grouping=group)
    assert "auth=Basic%20" in session.url  # T-L2: the whole header value, sent back verbatim
    open_au(page, session.url)
    assert adapter_name(page) == "tincan" and visible_lesson(page) == ids[0]
    walk(page, ids)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_tincan(found, session, ACTOR, group)
    names = verbs(found)
    assert names.count("experienced") == len(ids) and names[-2:] == ["completed", "terminated"], names
    known = descriptor(folder)
    for statement in (s for s in found if s["verb"]["id"] == VERB + "experienced"):
        assert statement["object"]["id"] in known, "page ids are the ones tincan.xml lists (T-M5)"
        assert statement["context"]["contextActivities"]["parent"] == [{"objectType": "Activity", "id": session.activity_id}]
    assert [s["object"]["id"].rsplit("/", 2)[1:] for s in found if s["verb"]["id"] == VERB + "experienced"] == \
        [[kind, ident] for ident, kind in pages(folder)]
    saved = lms.state(session, "courseforge.resume")
    assert saved["location"] == ids[-1] and saved["completed"] is True  # T-S3
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []

    again = lms.launch_tincan("shipped-tincan", folder, actor=LEGACY_ACTOR, registration=session.registration)
    open_au(page, again.url)
    assert adapter_name(page) == "tincan" and visible_lesson(page) == ids[-1]  # resumed through the State API
    settle(page)
    close_page(page)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=session.registration)
    assert verbs(found).count("completed") == 1 and verbs(found)[-3:] == ["initialized", "experienced", "terminated"]
    assert lms.violations == []


def test_assessment_answers_carry_the_definitions_of_tincan_xml(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    folder = xapi_packages["scored-tincan"]
    session = lms.launch_tincan("scored-tincan", folder)
    open_au(page, session.url)
    walk(page, lesson_ids(folder))
    answer_all(page)
    score(page, 9)
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_tincan(found, session, session.actor)
    assert verbs(found).count("completed") == 1 and verbs(found)[-2:] == ["passed", "terminated"]
    passed = next(s for s in found if s["verb"]["id"] == VERB + "passed")
    assert passed["result"]["score"] == {"scaled": 0.9, "raw": 9, "min": 0, "max": 10}
    known = descriptor(folder)
    answered = [s for s in found if s["verb"]["id"] == VERB + "answered"]
    assert len(answered) == len(ANSWERS)
    for statement in answered:
        activity = known[statement["object"]["id"]]  # the question tincan.xml lists, by the same id
        definition = statement["object"]["definition"]
        assert definition["interactionType"] == activity.findtext("t:interactionType", None, TINCAN_NS)
        patterns = [p.text for p in activity.iterfind("t:correctResponsePatterns/t:correctResponsePattern", TINCAN_NS)]
        assert definition.get("correctResponsesPattern", []) == patterns
        for kind in ("choices", "scale", "source", "target"):
            listed = [(c.findtext("t:id", None, TINCAN_NS), c.findtext("t:description", None, TINCAN_NS))
                      for c in activity.iterfind(f"t:{kind}/t:component", TINCAN_NS)]
            assert [(c["id"], c["description"]["en"]) for c in definition.get(kind, [])] == listed
        assert statement["result"]["response"] == RESPONSES[statement["object"]["id"].rsplit("/", 1)[1]]
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []


def test_without_activity_id_or_registration_the_package_id_is_used(lms, ralph, xapi_packages, xapi_page):
    page, watch = xapi_page
    folder = xapi_packages["shipped-tincan"]
    session = lms.launch_tincan("shipped-tincan", folder, registration=None, activity_id=False)
    assert "activity_id=" not in session.url and "registration=" not in session.url
    open_au(page, session.url)
    assert adapter_name(page) == "tincan"
    page.click("#cf-next")
    settle(page)
    close_page(page)
    found = stored(ralph, ends_with_terminated, agent=json.dumps(session.actor))
    check_tincan(found, session, session.actor)
    assert all("registration" not in s.get("context", {}) for s in found)
    assert found[0]["object"]["id"] == "https://courseforge.invalid/courses/empathy-in-service"
    assert lms.violations == []


def test_without_launch_parameters_it_runs_untracked(lms, xapi_packages, xapi_page):
    page, watch = xapi_page
    base = lms.mount("bare-tincan", xapi_packages["shipped-tincan"])
    open_au(page, base + "index.html")
    assert adapter_name(page) == "standalone" and page.is_visible("#cf-notice")  # T-L5
    page.click("#cf-next")
    close_page(page)
    assert not [r for r in lms.requests], "an unlaunched package talked to the LMS"
    assert watch.unexpected() == []
