"""How an xAPI session ends, under an LMS stand-in that answers `Cache-Control: no-store` (as LRSs
and the LMS proxies in front of them do) and refuses, as ADL's CATAPULT cmi5 player does, every
request of a session after its `terminated` (lrs.py). The shipped course, built with its answer key,
walked as a learner does: every page, every knowledge check, every scenario to an ending.

- A whole walk that passes the final gets passed, completed and terminated stored: Chromium counts
  unread keepalive answers marked no-store against a 64 KiB budget, so an AU that sends every
  statement as keepalive and never reads the answers stops after about 50 statements.
- A learner who closes the tab halfway through the final loses nothing: terminated stored once and
  last, every statement once, no request after terminated, the answers back at the next launch.
- "Exit course": cmi5 goes to the returnURL, TinCan shows the closed screen; the State document is
  written before terminated is sent.
"""
from __future__ import annotations

import json
from collections import Counter

import pytest

from .conftest_xapi import (adapter_name, close_page, ends_with_terminated, lesson_ids, open_au, scenario_ids,
                            stored, verbs)
from .e2e_support import axe_violations, format_violations
from .quiz_support import XapiQuiz, build_quiz_packages
from .test_cmi5_lrs import au_statements, check_cmi5, expected_failures
from .test_quiz_scorm12 import FINAL, SNAPSHOT, answer_page, apply, go_to, plan, submit, tab_to
from .test_tincan_lrs import check_tincan

BUDGET = 64 * 1024  # Chromium's keepalive budget, in bytes of request bodies in flight
STANDARDS = ["cmi5", "tincan"]


@pytest.fixture(scope="module")
def xq(tmp_path_factory) -> XapiQuiz:
    return build_quiz_packages(tmp_path_factory.mktemp("session-end"))


def launch(lms, xq: XapiQuiz, standard: str, **options):
    folder = xq.folders[standard]
    if standard == "cmi5":
        return lms.launch_cmi5(f"end-{standard}", folder, **options)
    return lms.launch_tincan(f"end-{standard}", folder, **options)


def play_to_an_ending(page, scenario: str) -> None:
    """Skip each clip to its decision and take the first option as written (the page shuffles them:
    the same path on every run) until the scenario ends; an ending's clip is skipped to its end."""
    section = f"#lesson-{scenario}"
    for _ in range(20):
        if page.inner_text(f"{section} .scenario-status"):
            return
        scene = f"{section} .scene:not([hidden])"
        skip = page.locator(f"{scene} .scene-skip")
        if skip.is_visible():
            skip.click()
        options = page.locator(f"{scene} .scene-option")
        if options.count() and options.first.is_visible():
            first = min(options.evaluate_all("buttons => buttons.map(b => b.dataset.choice)"))
            page.click(f"{scene} .scene-option[data-choice='{first}']")
        end = page.locator(f"{scene} .scene-end")
        if end.count() and end.is_visible():
            end.click()
    pytest.fail(f"scenario {scenario} never reached an ending")


def check_knowledge(page, xq: XapiQuiz, page_id: str) -> None:
    for qid in [q["id"] for q in page.evaluate(SNAPSHOT, page_id)]:
        apply(page, qid, plan(page, qid, xq.quiz.answers.get(qid), right=True))
        page.click(f"#q-{qid} .question-check")


def walk_the_course(page, xq: XapiQuiz, standard: str) -> None:
    """Every page before the final, as a learner goes through it."""
    folder = xq.folders[standard]
    scenarios = scenario_ids(folder)
    for page_id in lesson_ids(folder):
        if page_id == FINAL:
            return
        go_to(page, page_id)
        if page_id in scenarios:
            play_to_an_ending(page, page_id)
        elif page_id not in xq.assessments:
            check_knowledge(page, xq, page_id)


def check_session(found: list[dict], lms, session, standard: str) -> list[str]:
    """The standard's rules, terminated once and last, every statement the AU sent stored once, and
    not one request refused or made after terminated."""
    if standard == "cmi5":
        check_cmi5(found, [session], mastery=0.8)
    else:
        check_tincan(found, session, session.actor)
    assert lms.violations == [], lms.violations
    names = verbs(au_statements(found))
    assert names.count("terminated") == 1 and names[-1] == "terminated", names
    counted = Counter(s["id"] for s in au_statements(found))
    lost = lms.attempted_ids(session) - set(counted)
    assert not lost, f"statements the AU sent never reached the LRS: {lost} {lms.posted}"
    assert max(counted.values()) == 1, "a statement was stored twice"
    return names


def local_queue(page, session) -> list:
    """What the AU left waiting in localStorage, read from its own origin after the session."""
    page.goto(session.url.split("index.html")[0] + "css/courseforge.css")
    return page.evaluate("""() => Object.keys(localStorage).filter(k => /^courseforge:xapi:/.test(k) && !/:state$/.test(k))
        .flatMap(k => JSON.parse(localStorage.getItem(k)) || [])""")


def only_the_last_batch(page, session, found: list[dict]) -> set[str]:
    """Nothing waits unsent: what the browser keeps is the pagehide's keepalive batch alone, marked sent
    (`k`) until the next launch learns it arrived, and every statement of it is stored. Its ids."""
    kept = local_queue(page, session)
    assert kept and all(item.get("k") for item in kept), kept
    ids = {item["s"]["id"] for item in kept}
    assert ids <= {s["id"] for s in found}
    return ids


@pytest.mark.parametrize("standard", STANDARDS)
def test_a_whole_walk_that_passes_reaches_the_lrs(lms, ralph, xq, xapi_page, standard):
    page, watch = xapi_page
    session = launch(lms, xq, standard)
    open_au(page, session.url)
    assert adapter_name(page) == standard
    walk_the_course(page, xq, standard)
    go_to(page, FINAL)
    answer_page(page, xq.quiz, FINAL, right=True)
    assert "you passed" in submit(page, FINAL)
    go_to(page, lesson_ids(xq.folders[standard])[-1])  # the survey: every page viewed, so completed
    # Delivered while the learner is still in the course, not only by the last flush when it closes.
    page.wait_for_function("() => Courseforge.player.adapter.client.queue.length === 0")
    assert {"passed", "completed"} <= set(verbs(stored(ralph, registration=session.registration)))
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    names = check_session(found, lms, session, standard)
    assert names.count("passed") == names.count("completed") == 1, names
    sent = sum(len(json.dumps(s)) for s in au_statements(found))
    assert len(found) > 60 and sent > BUDGET, f"the walk must outgrow the keepalive budget: {len(found)}, {sent} bytes"
    only_the_last_batch(page, session, found)
    assert watch.unexpected(expected_failures) == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_closing_the_tab_halfway_through_the_final_loses_nothing(lms, ralph, xq, xapi_page, standard):
    page, watch = xapi_page
    session = launch(lms, xq, standard)
    open_au(page, session.url)
    walk_the_course(page, xq, standard)
    go_to(page, FINAL)
    shown = [q["id"] for q in page.evaluate(SNAPSHOT, FINAL)]
    typed = next((qid for qid in shown if page.locator(f"#q-{qid}-text").count()), None)
    assert typed, "the final should have a question answered in words"
    given = {qid: plan(page, qid, xq.quiz.answers.get(qid), right=True) for qid in shown if qid != typed}
    given = dict(list(given.items())[:6])
    for qid, inputs in given.items():
        apply(page, qid, inputs)
    page.fill(f"#q-{typed}-text", "typed a moment before closing")  # saved after a pause: still pending
    close_page(page)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    names = check_session(found, lms, session, standard)
    assert "passed" not in names and "failed" not in names, names
    kept = only_the_last_batch(page, session, found)

    # The next launch of the same registration is back on the final with every answer given, and sends
    # nothing of the batch the closed page kept: its terminated never, the rest found stored.
    posts = len(lms.posted)
    again = launch(lms, xq, standard, actor=session.actor, registration=session.registration)
    open_au(page, again.url)
    shown = {q["id"]: q for q in page.evaluate(SNAPSHOT, FINAL)}
    assert page.evaluate("document.querySelector('section.lesson:not([hidden])').dataset.lessonId") == FINAL
    for qid, inputs in given.items():
        assert sorted(shown[qid]["checked"]) == sorted(inputs.get("check", shown[qid]["checked"])), qid
        assert shown[qid]["text"] == inputs.get("fill", shown[qid]["text"]), qid
    assert shown[typed]["text"] == "typed a moment before closing"
    close_page(page)
    stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=session.registration)
    assert not kept & {i for ids, _ in lms.posted[posts:] for i in ids}, "a statement known stored was sent again"
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []


def test_cmi5_exit_writes_the_state_then_terminates_then_returns(lms, ralph, xq, xapi_page):
    page, watch = xapi_page
    session = launch(lms, xq, "cmi5")
    open_au(page, session.url)
    ids = lesson_ids(xq.folders["cmi5"])
    go_to(page, ids[2])
    page.evaluate("document.activeElement.blur()")  # from the top of the page, by keyboard
    tab_to(page, page.keyboard, "#cf-exit")
    with page.expect_navigation(url=session.launch_data["returnURL"]):
        page.keyboard.press("Enter")
    assert page.inner_text("h1") == "Back in the LMS"
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_session(found, lms, session, "cmi5")
    assert lms.state(session, "courseforge.resume")["location"] == ids[2]
    # On the wire: the last State write was answered before the statements that end the session left.
    requests = [(m, p.split("?")[0]) for m, p, _ in lms.requests]
    last_put = max(i for i, r in enumerate(requests) if r == ("PUT", "/xAPI/activities/state"))
    assert ("POST", "/xAPI/statements") in requests[last_put + 1:]
    assert watch.unexpected(expected_failures) == []


def test_tincan_exit_on_the_last_page_shows_the_closed_screen(lms, ralph, xq, xapi_page):
    page, watch = xapi_page
    session = launch(lms, xq, "tincan")
    open_au(page, session.url)
    ids = lesson_ids(xq.folders["tincan"])
    assert not page.is_visible("#cf-exit-end")
    go_to(page, ids[-1])
    assert not page.is_visible("#cf-exit-end")
    page.click("#cf-next")  # the last page's Next: the course summary, which holds "Exit course"
    page.click("#cf-exit-end")
    page.wait_for_selector("#cf-closed", state="visible")
    assert not page.is_visible("#cf-app")
    assert page.evaluate("document.activeElement.textContent") == "You can close this window"
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_session(found, lms, session, "tincan")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    close_page(page)
    assert lms.violations == [], lms.violations
    assert watch.unexpected(expected_failures) == []
