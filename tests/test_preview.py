"""The preview's parts without a browser: rebuilds that keep the last good build, the standards it
offers, the in-memory LRS and the command line. tests/e2e/test_preview.py drives it in Chromium."""
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from click.testing import CliRunner

from conftest import COURSE_YML, lesson, progress_recorder
from courseforge.cli import main
from courseforge.exporters import EXPORTERS
from courseforge.preview import Preview
from courseforge.preview.lrs import MemoryLRS, activity_id
from courseforge.preview.session import Session, standards


def test_a_failed_rebuild_keeps_the_last_good_site_and_says_where(make_course):
    folder = make_course()
    session = Session(folder, report=lambda text, is_error: None)
    assert session.rebuild() and session.number == 1
    assert b"Paragraph for part 2" in session.site("scorm12").files["index.html"]
    (folder / "lessons" / "02-part-2.md").write_text(lesson("part-2", "Two", "::: tipp\nx\n:::\n"))
    assert not session.rebuild()
    [error] = session.state()["errors"]
    assert "02-part-2.md:9: unknown callout" in error and "use one of" in error
    assert session.number == 1 and b"Paragraph for part 2" in session.site("scorm12").files["index.html"]
    (folder / "lessons" / "02-part-2.md").write_text(lesson("part-2", "Two", "New words.\n"))
    assert session.rebuild() and session.state()["errors"] == []
    assert b"New words." in session.site("cmi5").files["index.html"]


def test_a_failed_rebuild_says_the_warnings_met_before_its_errors(make_course):
    """A lesson saved as .MD is left out with a warning, and a question naming it fails: the terminal
    says both, the warning first, as `build` does."""
    folder = make_course()
    said: list[str] = []
    session = Session(folder, report=lambda text, is_error: said.append(text))
    assert session.rebuild()
    (folder / "lessons" / "02-part-2.md").rename(folder / "lessons" / "02-part-2.MD")
    (folder / "lessons" / "01-part-1.md").write_text(lesson("part-1", "One", "::: tipp\nx\n:::\n"))
    said.clear()
    assert not session.rebuild()
    warning = next(index for index, text in enumerate(said) if text.startswith("warning: ") and ".MD" in text)
    error = next(index for index, text in enumerate(said) if "unknown callout" in text)
    assert warning < error and said[-1] == "1 problem found; still showing the last good build"


def test_a_rebuild_the_review_stops_keeps_the_warnings_the_load_met_for_the_terminal_and_the_page(make_course):
    """A lesson saved as .MD is left out (a warning of the load), then a `check: ignore` comment
    naming no rule stops the review: the warning was heard before that error was raised, and dropped."""
    folder = make_course()
    said: list[str] = []
    session = Session(folder, report=lambda text, is_error: said.append(text))
    assert session.rebuild()
    (folder / "lessons" / "02-part-2.md").rename(folder / "lessons" / "02-part-2.MD")
    (folder / "lessons" / "01-part-1.md").write_text(lesson("part-1", "One", "Text. <!-- check: ignore link-txt -->\n"))
    said.clear()
    assert not session.rebuild()
    [warning] = session.state()["warnings"]
    assert "02-part-2.MD" in warning and said[0] == f"warning: {warning}"
    assert 'unknown rule "link-txt"' in session.state()["errors"][0]


def test_the_page_is_handed_the_last_build_s_warnings_good_or_failed(make_course):
    folder = make_course()
    session = Session(folder, report=lambda text, is_error: None)
    long = " ".join(["word"] * 40) + "."
    (folder / "lessons" / "01-part-1.md").write_text(lesson("part-1", "One", long + "\n"))
    assert session.rebuild()
    assert any("01-part-1.md:9: a sentence of 40 words" in warning for warning in session.state()["warnings"])
    (folder / "lessons" / "01-part-1.md").write_text(lesson("part-1", "One", "::: tipp\nx\n:::\n"))
    assert not session.rebuild()
    assert session.state()["warnings"] == []  # the failed save's, not those of the build still on show


def test_a_save_with_many_errors_shows_the_first_fifty_in_the_terminal_and_the_page(make_course):
    """60 lessons with a front matter YAML cannot read: the page's list and the terminal cut at 50, as
    `build` does, and count the rest; the page still hears the whole count for its status line."""
    folder = make_course()
    said: list[str] = []
    session = Session(folder, report=lambda text, is_error: said.append(text))
    assert session.rebuild()
    for number in range(4, 64):
        (folder / "lessons" / f"{number:02d}-more.md").write_text("---\ntitle: [x\n---\n\nText.\n")
    said.clear()
    assert not session.rebuild()
    state = session.state()
    assert len(state["errors"]) == 50 and state["errorCount"] == 60 and "04-more.md:" in state["errors"][0]
    assert state["moreErrors"] == "… and 10 more problems — fix these and save again"
    assert len(said) == 52 and said[-2:] == ["… and 10 more problems — fix these and save again",
                                             "60 problems found; still showing the last good build"]
    (folder / "lessons" / "04-more.md").unlink()
    for number in range(5, 54):
        (folder / "lessons" / f"{number:02d}-more.md").unlink()
    assert not session.rebuild()
    assert session.state()["errorCount"] == 10 and session.state()["moreErrors"] is None


def test_a_build_with_many_warnings_shows_the_first_25_and_counts_the_rest_by_rule(make_course):
    # 30 lessons whose objectives no question assesses, each claiming more minutes than its words take
    folder = make_course(lessons=30)
    said: list[str] = []
    session = Session(folder, report=lambda text, is_error: said.append(text))
    assert session.rebuild()
    state = session.state()
    assert len(state["warnings"]) == 25 and state["warningCount"] == 60
    more = "35 more warnings (30 time-claim, 5 objective-unassessed) — run `courseforge check` to list them all"
    assert state["moreWarnings"] == more
    assert len(said) == 27 and said[-2] == f"warning: {more}" and said[-1].startswith("built in ")


def test_the_standards_on_offer_follow_the_exporter_registry(monkeypatch):
    assert standards() == [name for name in EXPORTERS]
    monkeypatch.setitem(EXPORTERS, "scorm2004", object())
    monkeypatch.setitem(EXPORTERS, "pdf", object())
    assert "scorm2004" in standards() and "pdf" not in standards()


AU = {"id": "https://example.invalid/c/au", "url": "http://127.0.0.1:1/course/cmi5/index.html", "title": "C",
      "language": "en", "moveOn": "CompletedAndPassed", "launchMethod": "AnyWindow", "masteryScore": 0.8}


def issued(lrs: MemoryLRS, params: dict) -> str:
    """The Authorization a launch issued, as its course sends it: TinCan's `auth`; cmi5's token, from
    its fetch URL (which answers once: fetched at the first call, then kept in `params`)."""
    if "auth" not in params:
        answer = json.loads(lrs.handle("POST", params["fetch"].split("/lrs/")[1], "", b"")[1])
        params["auth"] = "Basic " + answer["auth-token"]
    return params["auth"]


def launch_data(lrs: MemoryLRS, params: dict) -> dict:
    where = {"activityId": params["activityId"], "agent": params["actor"], "registration": params["registration"],
             "stateId": "LMS.LaunchData"}
    status, document = lrs.handle("GET", "xapi/activities/state", urllib.parse.urlencode(where), b"",
                                  issued(lrs, params))
    assert status == 200
    return json.loads(document)


def test_the_memory_lrs_launches_cmi5_and_stores_each_statement_once():
    heard = []
    lrs = MemoryLRS(heard.append)
    course = {"iri": "https://example.invalid/c", "masteryScore": 80}
    params, launched = lrs.launch("cmi5", course, "http://127.0.0.1:1", fresh=False, au=AU)
    assert launch_data(lrs, params)["masteryScore"] == 0.8
    statement = {"id": "9d8e1c1e-0000-4000-8000-000000000001",
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/initialized"},
                 "context": {"extensions": {SESSION: launch_data(lrs, params)["contextTemplate"]["extensions"][SESSION]}}}
    for _ in range(2):
        assert lrs.handle("POST", "xapi/statements", "", json.dumps(statement).encode(), issued(lrs, params))[0] == 200
    assert lrs.statements == heard == [launched, statement]
    assert lrs.launch("cmi5", course, "x", fresh=False, au=AU)[0]["registration"] == params["registration"]
    assert lrs.launch("cmi5", course, "x", fresh=True, au=AU)[0]["registration"] != params["registration"]


def test_the_memory_lrs_launches_cmi5_as_a_cmi5_lms_does():
    """C5-L1: an `account` agent; C5-L5: an activity id of the LMS's own, not the AU's id in cmi5.xml,
    the same at each launch; §10.2: the AU's publisher id as the grouping activity."""
    lrs = MemoryLRS()
    params = lrs.launch("cmi5", {"iri": "https://example.invalid/c"}, "http://127.0.0.1:1", fresh=False, au=AU)[0]
    actor = json.loads(params["actor"])
    assert set(actor["account"]) == {"homePage", "name"} and "mbox" not in actor
    assert params["activityId"] != AU["id"] and params["activityId"].startswith("https://")
    data = launch_data(lrs, params)  # read by the AU before its session ends at the next launch
    again = lrs.launch("cmi5", {"iri": "https://example.invalid/c"}, "http://localhost:1", fresh=True, au=AU)[0]
    assert again["activityId"] == params["activityId"] and again["actor"] == params["actor"]
    assert data["contextTemplate"]["contextActivities"]["grouping"] == [{"objectType": "Activity", "id": AU["id"]}]
    assert (data["moveOn"], data["launchMethod"], data["launchMode"]) == ("CompletedAndPassed", "AnyWindow", "Normal")


def test_the_memory_lrs_fetch_url_answers_once_as_a_cmi5_lms_s_does():
    """A course that POSTs to the fetch URL again (after a reload, say) fails in every cmi5 LMS
    (cmi5 §8.2, C5-L2, C5-L4); the preview handed it the token each time, hiding the fault."""
    lrs = MemoryLRS()
    fetch = lrs.launch("cmi5", {"iri": "https://example.invalid/c"}, "http://127.0.0.1:1", False, AU)[0]["fetch"]
    where = fetch.split("/lrs/")[1]
    assert set(json.loads(lrs.handle("POST", where, "", b"")[1])) == {"auth-token"}
    for asked in (where, "fetch/99"):  # used already; never handed out
        status, answer = lrs.handle("POST", asked, "", b"")
        assert status == 200 and json.loads(answer)["error-code"] == "1" and "auth-token" not in json.loads(answer)



def test_a_preview_started_again_hands_out_fetch_urls_no_earlier_run_did():
    """The AU keeps its session (token, ended or not) in the tab's sessionStorage under its fetch URL
    (adapters/cmi5.js). A preview started again on the same `--port` numbered its launches from 1 again,
    so the page that reconnects relaunched the AU at the old run's first fetch URL: it found that
    session ended and refused to start ("this launch has ended"), or sent the old run's token."""
    runs = [MemoryLRS().launch("cmi5", {"iri": "https://example.invalid/c"}, "http://127.0.0.1:8000", False, AU)[0]
            for _ in range(2)]
    assert runs[0]["fetch"] != runs[1]["fetch"]
    assert all(params["fetch"].startswith("http://127.0.0.1:8000/lrs/fetch/") for params in runs)

GRADED = """---
id: {id}
title: Check {id}
passing_score: {score}
---

::: question {id}-pick single
Which cue matters?
- [x] Narrow feet
- [ ] Colour
:::
"""


def launched(folder) -> tuple[dict, dict]:
    """The cmi5 launch parameters the preview's page is handed, and the LaunchData they lead to."""
    running = Preview(folder, report=lambda text, is_error: None).start()
    try:
        asked = urllib.request.Request(running.url + "preview/launch", data=b'{"standard": "cmi5"}',
                                       headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(asked) as answer:
            params = json.loads(answer.read())["params"]
        return params, launch_data(running.lrs, params)
    finally:
        running.close()


def test_the_preview_s_launch_data_says_what_cmi5_xml_declares(make_course, tmp_path):
    """Two graded assessments: cmi5.xml says CompletedAndPassed and no masteryScore (Course.pass_mark);
    the preview said Completed, so the author saw a course move on that a real LMS would not pass."""
    folder = make_course({"assessments/01-one.md": GRADED.format(id="one", score=70),
                          "assessments/02-two.md": GRADED.format(id="two", score=90)})
    params, data = launched(folder)
    assert (data["moveOn"], "masteryScore" in data) == ("CompletedAndPassed", False)
    assert data["contextTemplate"]["contextActivities"]["grouping"][0]["id"] == \
        "https://courseforge.invalid/courses/tiny-course/au"
    assert params["activityId"] != "https://courseforge.invalid/courses/tiny-course/au"
    one = make_course({"assessments/01-one.md": GRADED.format(id="one", score=70)}, root=tmp_path / "one")
    data = launched(one)[1]
    assert (data["moveOn"], data["masteryScore"]) == ("CompletedAndPassed", 0.7)
    data = launched(make_course(root=tmp_path / "none"))[1]  # mastery_score: 80 in course.yml, yet nothing graded
    assert (data["moveOn"], "masteryScore" in data) == ("Completed", False)


def test_the_preview_s_lms_records_launched_before_each_cmi5_launch_in_its_session():
    """cmi5 §9.3.1 and §9.6: a cmi5 LMS records `launched` before it launches an AU, in the session
    LMS.LaunchData names, with the launch mode, URL, moveOn and masteryScore; the preview's sent none."""
    heard = []
    lrs = MemoryLRS(heard.append)
    params, launched = lrs.launch("cmi5", {"iri": "https://example.invalid/c"}, "http://127.0.0.1:1", False, AU)
    data = launch_data(lrs, params)
    assert lrs.statements == heard == [launched]
    assert launched["verb"]["id"] == "http://adlnet.gov/expapi/verbs/launched"
    assert launched["actor"] == json.loads(params["actor"]) and launched["object"]["id"] == params["activityId"]
    assert launched["object"]["definition"] == {"name": {"en": "C"}}
    context, cmi5 = launched["context"], "https://w3id.org/xapi/cmi5/context/"
    assert context["registration"] == params["registration"]
    assert context["extensions"] == {
        cmi5 + "extensions/sessionid": data["contextTemplate"]["extensions"][cmi5 + "extensions/sessionid"],
        cmi5 + "extensions/launchmode": "Normal", cmi5 + "extensions/launchurl": AU["url"],
        cmi5 + "extensions/moveon": "CompletedAndPassed", cmi5 + "extensions/masteryscore": 0.8}
    assert context["contextActivities"] == {"grouping": [{"objectType": "Activity", "id": AU["id"]}],
                                            "category": [{"objectType": "Activity", "id": cmi5 + "categories/cmi5"}]}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", launched["timestamp"])
    given = {**AU, "masteryScore": None, "launchParameters": "level=2"}
    params, again = lrs.launch("cmi5", {"iri": "https://example.invalid/c"}, "http://127.0.0.1:1", False, given)
    assert launch_data(lrs, params)["launchParameters"] == "level=2" and "masteryScore" not in launch_data(lrs, params)
    extensions = again["context"]["extensions"]
    assert extensions[cmi5 + "extensions/launchparameters"] == "level=2"
    assert cmi5 + "extensions/masteryscore" not in extensions
    assert extensions[cmi5 + "extensions/sessionid"] != context["extensions"][cmi5 + "extensions/sessionid"]
    # The first session, never terminated, was abandoned before the second launch.
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in lrs.statements] == ["launched", "abandoned", "launched"]
    assert len({statement["id"] for statement in lrs.statements}) == 3


def session(lrs: MemoryLRS, fresh: bool = False) -> tuple[dict, str, str]:
    """A cmi5 launch whose AU has fetched its token: (its parameters, its Authorization, its session id)."""
    params = lrs.launch("cmi5", {"iri": "https://example.invalid/c"}, "http://127.0.0.1:1", fresh, AU)[0]
    return params, issued(lrs, params), launch_data(lrs, params)["contextTemplate"]["extensions"][SESSION]


SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


def sent(lrs: MemoryLRS, auth: str, session_id: str, verb: str) -> int:
    """The status of the AU's statement of `verb` in its session."""
    statement = {"actor": {"account": {"homePage": "https://preview.invalid", "name": "preview-learner"}},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/" + verb}, "object": {"id": "x"},
                 "context": {"extensions": {SESSION: session_id}}}
    return lrs.handle("POST", "xapi/statements", "", json.dumps(statement).encode(), auth)[0]


def verbs(statements: list[dict]) -> list[tuple[str, str]]:
    return [(s["verb"]["id"].rsplit("/", 1)[1], s["context"]["extensions"][SESSION]) for s in statements]


def test_a_relaunch_waits_for_the_old_session_s_terminated_before_launched():
    """cmi5 §9.3.6: a new session starts after the old one has ended. The AU's `terminated` (a keepalive
    fetch of the page the relaunch closed) came after the next `launched`; the LMS waits for it."""
    lrs, waiting = MemoryLRS(), threading.Event()

    class Heard(threading.Condition):
        def wait(self, timeout=None):
            waiting.set()
            return super().wait(timeout)
    lrs.ended = Heard(lrs.lock)
    params, auth, first = session(lrs)
    assert sent(lrs, auth, first, "initialized") == 200
    closing = threading.Thread(target=lambda: lrs.launch("cmi5", {"iri": "https://example.invalid/c"},
                                                         "http://127.0.0.1:1", False, AU, within=60))
    closing.start()  # the next launch, asked for while the closed AU's last request is on its way
    assert waiting.wait(60)
    assert [verb for verb, _ in verbs(lrs.statements)] == ["launched", "initialized"]  # not launched yet
    assert sent(lrs, auth, first, "terminated") == 200
    closing.join(60)
    assert not closing.is_alive()
    second = verbs(lrs.statements)[-1][1]
    assert verbs(lrs.statements) == [("launched", first), ("initialized", first), ("terminated", first),
                                     ("launched", second)]
    assert sent(lrs, auth, first, "completed") == 403  # nothing of a session after its terminated


def test_statements_are_told_in_the_order_they_are_stored():
    """The panel lists statements as it is told of them: a `terminated` whose request thread was held up
    between storing and telling was told after the next launch's `launched` (seen in e2e on a busy machine)."""
    heard, release = [], threading.Event()

    def hear(statement):
        if statement["verb"]["id"].endswith("/terminated"):
            release.wait(5)  # the thread that stored it, held up before it tells
        heard.append(statement["id"])
    lrs = MemoryLRS(hear)
    params, auth, first = session(lrs)
    assert sent(lrs, auth, first, "initialized") == 200
    ending = threading.Thread(target=lambda: sent(lrs, auth, first, "terminated"))
    ending.start()
    while len(lrs.statements) < 3:  # stored; its telling held up
        time.sleep(0.01)
    closing = threading.Thread(target=lambda: lrs.launch("cmi5", {"iri": "https://example.invalid/c"},
                                                         "http://127.0.0.1:1", False, AU, within=60))
    closing.start()
    closing.join(0.5)  # time for the next launch to store and tell its `launched`, if it can
    release.set()
    ending.join(60)
    closing.join(60)
    assert [verb for verb, _ in verbs(lrs.statements)] == ["launched", "initialized", "terminated", "launched"]
    assert heard == [statement["id"] for statement in lrs.statements]


def test_a_statement_naming_another_session_is_refused_and_ends_nothing():
    """cmi5 §9.6.3.1: an AU's statements name its session. A `terminated` of another session (a copy
    of an old launch's page, a theme's statement) was stored and ended the session whose token sent it."""
    heard = []
    lrs = MemoryLRS(on_refused=heard.append)
    params, auth, first = session(lrs)
    assert sent(lrs, auth, first, "initialized") == 200
    status, answer = lrs.handle("POST", "xapi/statements", "", json.dumps([
        {"verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}, "object": {"id": "x"},
         "context": {"extensions": {SESSION: first}}},
        {"verb": {"id": "http://adlnet.gov/expapi/verbs/terminated"}, "object": {"id": "x"},
         "context": {"extensions": {SESSION: "another"}}}]).encode(), auth)
    assert status == 400 and "names session 'another'" in json.loads(answer)["error"]
    assert [one["request"] for one in heard] == ["POST statements experienced terminated"]
    assert heard[0]["status"] == 400 and heard[0]["registration"] == params["registration"]
    assert sent(lrs, auth, first, "experienced") == 200  # the batch stored nothing; the session goes on
    assert [verb for verb, _ in verbs(lrs.statements)] == ["launched", "initialized", "experienced"]
    statement = {"verb": {"id": "http://adlnet.gov/expapi/verbs/terminated"}, "object": {"id": "x"}}
    assert lrs.handle("POST", "xapi/statements", "", json.dumps(statement).encode(), auth)[0] == 400
    assert lrs.latest.end is None and sent(lrs, auth, first, "terminated") == 200 and lrs.latest.end


def test_a_session_that_did_not_terminate_is_abandoned_before_the_next_launch_and_hears_no_more():
    """cmi5 §9.3.6: the LMS records `abandoned` for a session without `terminated` before it launches
    another, with the session's duration, and records nothing of that session after it."""
    heard = []
    lrs = MemoryLRS(heard.append)
    params, auth, first = session(lrs)
    assert sent(lrs, auth, first, "initialized") == 200
    assert sent(lrs, auth, first, "experienced") == 200
    ended = lrs.end_sessions(0.01)  # a bound passed with no terminated: an AU closed abnormally
    launched, initialized, experienced, abandoned = lrs.statements
    assert ended == lrs.statements and heard == lrs.statements
    assert verbs([abandoned]) == [("abandoned", first)]
    assert abandoned["verb"]["id"] == "https://w3id.org/xapi/adl/verbs/abandoned"
    assert abandoned["actor"] == launched["actor"] and abandoned["object"] == launched["object"]
    assert abandoned["context"]["registration"] == params["registration"]
    assert abandoned["context"]["contextActivities"] == launched["context"]["contextActivities"]
    assert re.fullmatch(r"PT\d+\.\d\dS", abandoned["result"]["duration"])
    for verb in ("terminated", "completed"):  # a keepalive landing late, then anything
        assert sent(lrs, auth, first, verb) == 403
    where = {"activityId": params["activityId"], "agent": params["actor"], "registration": params["registration"],
             "stateId": "cf.state"}
    assert lrs.handle("PUT", "xapi/activities/state", urllib.parse.urlencode(where), b"{}", auth)[0] == 403
    assert lrs.end_sessions(0.01) == lrs.statements  # ended once: no second abandoned
    assert len(lrs.statements) == 4

    again, auth2, second = session(lrs)
    assert sent(lrs, auth2, second, "initialized") == 200  # the new session is its own
    assert verbs(lrs.statements)[-2:] == [("launched", second), ("initialized", second)]


def test_a_launch_never_fetched_is_abandoned_at_once_without_a_duration():
    """An AU closed before it had its token can send nothing: no wait for its terminated."""
    lrs = MemoryLRS()
    lrs.launch("cmi5", {"iri": "https://example.invalid/c"}, "http://127.0.0.1:1", False, AU)
    ending = threading.Thread(target=lrs.end_sessions, args=(3600,))
    ending.start()
    ending.join(60)  # a safety net: it does not wait at all
    assert not ending.is_alive()
    launched, abandoned = lrs.statements
    first = verbs([launched])[0][1]
    assert verbs([launched, abandoned]) == [("launched", first), ("abandoned", first)]
    assert "result" not in abandoned


def launched_pages(folder, *pages) -> list[tuple[dict, dict, dict]]:
    """For each of `pages` in turn, the cmi5 launch parameters, LaunchData and `launched` statement
    the preview's page is handed when it launches the course on that page (None: on none yet)."""
    running = Preview(folder, report=lambda text, is_error: None).start()
    found = []
    try:
        for page in pages:
            body = json.dumps({"standard": "cmi5", "page": page}).encode()
            asked = urllib.request.Request(running.url + "preview/launch", data=body,
                                           headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(asked) as answer:
                answered = json.loads(answer.read())
            assert answered["launched"] in running.lrs.statements
            found.append((answered["params"], launch_data(running.lrs, answered["params"]), answered["launched"]))
        return found
    finally:
        running.close()


def test_a_course_of_one_au_per_page_is_previewed_in_the_au_of_the_page_shown(make_course):
    """With `cmi5_au_per_lesson: true` cmi5.xml declares an AU for each page: an LMS launches the one
    of the page chosen, with its own activity id, launch data and session in the learner's
    registration. The preview launched the whole-course AU that cmi5.xml does not declare."""
    folder = make_course({"course.yml": COURSE_YML + "cmi5_au_per_lesson: true\n",
                          "assessments/01-one.md": GRADED.format(id="one", score=70)})
    iri, cmi5 = "https://courseforge.invalid/courses/tiny-course", "https://w3id.org/xapi/cmi5/context/extensions/"
    (first, first_data, _), (second, second_data, launched), (graded, graded_data, _), (unknown, *_) = \
        launched_pages(folder, None, "part-2", "one", "no-such-page")
    assert (first["page"], first_data["contextTemplate"]["contextActivities"]["grouping"][0]["id"]) == \
        ("part-1", iri + "/au/part-1")  # on no page yet: the first AU cmi5.xml declares
    assert second["page"] == "part-2" and second["activityId"] == activity_id(iri + "/au/part-2")
    assert second_data["contextTemplate"]["contextActivities"]["grouping"][0]["id"] == iri + "/au/part-2"
    assert (second_data["moveOn"], "masteryScore" in second_data) == ("Completed", False)
    assert launched["object"] == {"objectType": "Activity", "id": second["activityId"],
                                  "definition": {"name": {"en": "Part 2"}}}
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/course/cmi5/@[^/]+/index\.html\?page=part-2",
                        launched["context"]["extensions"][cmi5 + "launchurl"])
    assert launched["context"]["extensions"][cmi5 + "sessionid"] == \
        second_data["contextTemplate"]["extensions"][cmi5 + "sessionid"]
    assert (graded["page"], graded_data["moveOn"], graded_data["masteryScore"]) == ("one", "CompletedAndPassed", 0.7)
    assert unknown["page"] == "part-1"
    assert first["registration"] == second["registration"] == graded["registration"]  # the learner's, course-wide
    assert len({first["activityId"], second["activityId"], graded["activityId"]}) == 3


def test_launched_names_the_au_at_the_url_the_frame_loads(make_course):
    """cmi5 §9.6.3.4: `launchurl` is the URL the AU was launched at, without the launch parameters. It
    named /course/cmi5/index.html, while the frame loads the launch page in the build's versioned folder."""
    running = Preview(make_course(), report=lambda text, is_error: None).start()
    try:
        asked = urllib.request.Request(running.url + "preview/launch", data=b'{"standard": "cmi5"}',
                                       headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(asked) as answer:
            answered = json.loads(answer.read())
        [cmi5] = [one for one in running.session.state()["standards"] if one["name"] == "cmi5"]
        url = answered["launched"]["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/launchurl"]
        assert url == f"{running.url}course/cmi5/@{cmi5['version']}/index.html"
        # Where the frame goes (standin.js, launchPage()): there, and from the unversioned launch page too.
        query = urllib.parse.urlencode(answered["params"])
        for asked in (f"{url}?{query}", f"{running.url}course/cmi5/index.html?{query}"):
            with urllib.request.urlopen(asked) as page:
                assert page.status == 200 and page.url == f"{url}?{query}"
    finally:
        running.close()


def test_the_au_launched_for_a_page_is_the_one_the_course_s_cmi5_xml_declares_for_it(make_course):
    """The preview makes a page's AU from that page alone (a course of 5000 pages' cmi5.xml took 0.14 s
    of CPU at each launch): it must be the AU the whole course's cmi5.xml declares for that page."""
    from lxml import etree

    from courseforge.exporters import cmi5

    from check_support import SCENARIO

    folder = make_course({"course.yml": COURSE_YML + "cmi5_au_per_lesson: true\nvideo_size: 160x90\n",
                          "assessments/01-one.md": GRADED.format(id="one", score=70),
                          "assessments/02-two.md": GRADED.format(id="two", score=90),
                          "scenarios/01-call.yml": SCENARIO.replace("{second_result}", "neutral").replace(
                              "{second_next}", "fixed")})
    session = Session(folder, report=lambda text, is_error: None)
    assert session.rebuild()
    declared = etree.fromstring(cmi5.structure(session.prepared.course)).findall(f"{{{cmi5.CMI5_NS}}}au")
    assert len(declared) == 6 and declared[3].get("id").endswith("/au/call")  # a scenario, after the lessons
    for page, au in zip(session.prepared.course.sequence, declared, strict=True):
        launched = session.launched_au(page.id)
        assert launched["url"] == au.findtext(f"{{{cmi5.CMI5_NS}}}url") == f"index.html?page={page.id}"
        assert launched["title"] == page.title and launched["language"] == "en"
        for name in ("id", "moveOn", "launchMethod", "masteryScore"):
            assert str(launched[name]) == str(au.get(name)), (page.id, name)


def test_the_state_lists_a_per_page_course_s_aus_for_the_stand_in_s_choice(make_course, tmp_path):
    """A launch of one AU shows its page alone (runtime/player.js): the stand-in lists the AUs, as an
    LMS does, so that the author can go from one to another; a course of one AU lists none."""
    folder = make_course({"course.yml": COURSE_YML + "cmi5_au_per_lesson: true\n",
                          "assessments/01-one.md": GRADED.format(id="one", score=70)})
    session = Session(folder, report=lambda text, is_error: None)
    assert session.rebuild()
    pages = session.prepared.course.sequence
    assert session.state()["course"]["aus"] == [[page.id, page.title] for page in pages]
    assert [au[0] for au in session.state()["course"]["aus"]][-1] == "one"
    whole = Session(make_course(root=tmp_path / "whole"), report=lambda text, is_error: None)
    assert whole.rebuild() and whole.state()["course"]["aus"] is None


def test_a_course_of_one_au_is_launched_in_it_whatever_the_page_shown(make_course):
    session = Session(make_course(), report=lambda text, is_error: None)
    assert session.launched_au() is None  # nothing built yet
    assert session.rebuild()
    assert session.launched_au("part-2") == session.launched_au() == {
        "id": "https://courseforge.invalid/courses/tiny-course/au", "url": "index.html", "title": "Tiny course",
        "language": "en", "moveOn": "Completed", "launchMethod": "AnyWindow", "masteryScore": None,
        "launchParameters": None}


def test_preview_binds_the_loopback_address_unless_told(make_course):
    running = Preview(make_course())
    try:
        assert running.server.server_address[0] == "127.0.0.1" and running.url.startswith("http://127.0.0.1:")
    finally:
        running.server.server_close()


def test_preview_of_a_folder_without_a_course_exits_1(tmp_path):
    result = CliRunner().invoke(main, ["preview", str(tmp_path), "--no-open"])
    assert result.exit_code == 1 and "no course.yml" in result.output and "Traceback" not in result.output


def test_course_files_revalidate_so_a_relaunch_fetches_only_what_changed(make_course):
    folder = make_course()
    running = Preview(folder).start()
    try:
        url = running.url + "course/scorm12/runtime/courseforge.js"
        with urllib.request.urlopen(url) as first:
            tag = first.headers["ETag"]
            assert first.headers["Cache-Control"] == "no-cache" and tag
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers={"If-None-Match": tag}))
            raise AssertionError("an unchanged file was sent again")
        except urllib.error.HTTPError as answer:
            assert answer.code == 304
        index = running.url + "course/scorm12/index.html"
        with urllib.request.urlopen(index) as page:
            old = page.headers["ETag"]
        (folder / "lessons" / "01-part-1.md").write_text(lesson("part-1", "Changed"))
        assert running.session.rebuild()
        with urllib.request.urlopen(urllib.request.Request(index, headers={"If-None-Match": old})) as page:
            assert page.status == 200 and b"Changed" in page.read()
    finally:
        running.close()


def tincan_launch(running: Preview) -> dict:
    """The TinCan launch parameters the preview's page is handed: their `auth` is what its LRS takes."""
    asked = urllib.request.Request(running.url + "preview/launch", data=b'{"standard": "tincan"}',
                                   headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(asked) as answer:
        return json.loads(answer.read())["params"]


def test_a_launch_request_that_is_not_ours_is_refused_without_a_traceback(make_course, capsys):
    # Any web page open in the browser may post plain text here: it printed a traceback in the terminal.
    running = Preview(make_course(lessons=1)).start()
    try:
        auth = tincan_launch(running)["auth"]
        for where, body, credentials, status in [
                ("preview/launch", b"not json", None, 400), ("preview/launch", b"[1]", None, 400),
                ("preview/launch", b"\xff", None, 400), ("lrs/xapi/statements", b"not json", None, 401),
                ("lrs/xapi/statements", b"not json", auth, 400)]:
            headers = {"Content-Type": "text/plain", **({"Authorization": credentials} if credentials else {})}
            asked = urllib.request.Request(running.url + where, data=body, headers=headers)
            try:
                urllib.request.urlopen(asked)
                raise AssertionError(f"{body!r} was taken")
            except urllib.error.HTTPError as answer:
                assert answer.code == status
    finally:
        running.close()
    assert "Traceback" not in capsys.readouterr().err


def test_a_rebuild_keeps_the_compiled_theme_until_one_of_its_files_changes(make_course):
    folder = make_course({"themes/default/css/courseforge.css": "body { color: #222; }\n"})
    session = Session(folder, report=lambda text, is_error: None)
    assert session.rebuild()
    theme, edited = session.theme, folder / "lessons" / "01-part-1.md"
    edited.write_text(lesson("part-1", "Changed"))
    assert session.rebuild({edited}) and session.theme is theme
    assert b"Changed" in session.site("scorm12").files["index.html"]
    # A template added in front of the default one it compiled: only a new Theme sees it.
    added = folder / "themes" / "default" / "templates" / "index.html"
    added.parent.mkdir()
    added.write_text("<!doctype html><title>Own page {{ course.title }}</title>")
    assert session.rebuild({added}) and session.theme is not theme
    assert session.site("scorm12").files["index.html"] == b"<!doctype html><title>Own page Tiny course</title>"


def test_a_build_s_files_are_served_for_good_under_a_version_only_its_launch_page_is_not(make_course):
    folder = make_course({"themes/default/css/courseforge.css": "body { color: #222; }\n"})
    running = Preview(folder)
    assert running.session.rebuild()
    serving = threading.Thread(target=running.server.serve_forever, daemon=True)
    serving.start()
    try:
        with urllib.request.urlopen(running.url + "course/scorm12/index.html?launch=1") as page:
            launched = page.url  # redirected into the build's versioned folder, the query kept
        version = _version(running, "scorm12")
        assert launched == f"{running.url}course/scorm12/@{version}/index.html?launch=1"
        player = f"{running.url}course/scorm12/@{version}/runtime/courseforge.js"
        with urllib.request.urlopen(player) as script:
            assert script.headers["Cache-Control"] == "max-age=31536000, immutable"
        # Chromium keeps a range (what a <video> asks for) only when it comes with a validator.
        with urllib.request.urlopen(urllib.request.Request(player, headers={"Range": "bytes=0-9"})) as part:
            assert part.status == 206 and part.headers["ETag"] and "immutable" in part.headers["Cache-Control"]
        with urllib.request.urlopen(launched) as page:
            assert page.headers["Cache-Control"] == "no-cache" and page.url == launched

        (folder / "lessons" / "01-part-1.md").write_text(lesson("part-1", "Changed"))
        assert running.session.rebuild() and _version(running, "scorm12") == version  # the launch page alone changed
        (folder / "themes" / "default" / "css" / "courseforge.css").write_text("body { color: #333; }\n")
        assert running.session.rebuild() and _version(running, "scorm12") != version
        with urllib.request.urlopen(launched) as page:  # an older version's launch page: today's, in its folder
            assert page.url == f"{running.url}course/scorm12/@{_version(running, 'scorm12')}/index.html?launch=1"
            assert b"Changed" in page.read()
        with urllib.request.urlopen(f"{running.url}course/scorm12/@{version}/css/courseforge.css") as sheet:
            assert sheet.headers["Cache-Control"] == "no-cache" and sheet.read() == b"body{color:#333}"
    finally:
        running.close()


def _version(running: Preview, standard: str) -> str:
    [served] = [s for s in running.session.state()["standards"] if s["name"] == standard]
    return served["version"]


def test_a_rebuild_renders_the_standards_on_show_and_any_other_on_request(make_course):
    session = Session(make_course(), report=lambda text, is_error: None)
    assert session.rebuild() and set(session.sites) == {standards()[0]}  # one, before any is on show
    session.served("scorm12", launching=True)
    session.served("cmi5")  # a file, not the launch page: rendered, yet not on show
    assert session.rebuild() and set(session.sites) == {"scorm12"}
    session.served("cmi5", launching=True)
    assert session.rebuild() and set(session.sites) == {"cmi5"}
    assert session.rebuild() and set(session.sites) == {"cmi5"}  # nothing launched since: still the one on show
    assert b"Paragraph for part 1" in session.site("tincan").files["index.html"]


def test_a_template_error_is_a_failed_rebuild_that_keeps_the_last_good_site(make_course):
    folder = make_course({"themes/default/templates/summary.html": "<p>Summary</p>\n"})
    session = Session(folder, report=lambda text, is_error: None)
    assert session.rebuild()
    good = session.site("scorm12").files["index.html"]
    broken = folder / "themes" / "default" / "templates" / "summary.html"
    broken.write_text("<p>{% if %}</p>\n")
    assert not session.rebuild({broken})
    [error] = session.state()["errors"]
    assert "summary.html:1: theme template error" in error
    assert session.site("scorm12").files["index.html"] == good


def test_a_preview_says_how_its_clips_render(make_course):
    """A first preview of a course with scenarios rendered its clips for a minute and said nothing."""
    from test_build import SCENARIO
    folder = make_course({"scenarios/01-short-call.yml": SCENARIO, "course.yml": COURSE_YML + "video_size: 320x180\n"})
    heard: list[tuple] = []
    session = Session(folder, report=lambda text, is_error: None, progress=progress_recorder(heard))
    assert session.rebuild()
    assert heard[0] == ("start", 1, 0) and heard[1][0] == "advance" and heard[-1] == ("finish",)
    heard.clear()
    assert session.rebuild()  # the clip comes from the cache now
    assert heard[0] == ("start", 0, 1)


def test_a_clip_that_fails_to_encode_is_said_as_build_says_it_not_as_a_bug(make_course, monkeypatch):
    from courseforge import build, clipencoding
    folder = make_course()
    said: list[str] = []

    def cut_short(*args, **kwargs):
        raise clipencoding.EncodingStopped("clip short-call/start: ffmpeg stopped before the clip was whole")

    monkeypatch.setattr(build, "_render_media", cut_short)
    session = Session(folder, report=lambda text, is_error: said.append(text))
    assert not session.rebuild()
    assert session.state()["errors"] == ["clip short-call/start: ffmpeg stopped before the clip was whole"]
    assert not any("please report it" in line for line in said)


def test_the_preview_answers_only_its_own_pages(make_course):
    """Another site's page could read the course and the learner's data once its DNS name pointed at
    127.0.0.1 (DNS rebinding), and post a reset or statements from any tab: a foreign Host is refused,
    and so is a change whose Origin is not the preview's."""
    import http.client
    preview = Preview(make_course(), report=lambda text, is_error: None).start()
    try:
        host, port = preview.server.server_address[:2]

        def ask(method, path, headers, body=None):
            connection = http.client.HTTPConnection(host, port, timeout=10)
            connection.request(method, path, body=body, headers=headers)
            status = connection.getresponse().status
            connection.close()
            return status

        assert ask("GET", "/preview/state", {"Host": f"127.0.0.1:{port}"}) == 200
        assert ask("GET", "/preview/state", {"Host": f"localhost:{port}"}) == 200
        assert ask("GET", "/preview/state", {"Host": f"evil.example:{port}"}) == 403
        launch = json.dumps({"standard": "scorm12"})
        assert ask("POST", "/preview/launch", {"Host": f"127.0.0.1:{port}",
                                                "Origin": f"http://127.0.0.1:{port}"}, launch) == 200
        assert ask("POST", "/preview/launch", {"Host": f"127.0.0.1:{port}", "Origin": "http://evil.example"},
                   launch) == 403
        assert ask("POST", "/lrs/xapi/statements", {"Host": f"127.0.0.1:{port}", "Origin": "null"}, "[]") == 403
    finally:
        preview.close()


def test_a_rebuild_that_makes_the_same_files_is_said_to_be_the_same_course(make_course):
    # A save without an edit, or of a file no page uses, needs no reload (the page would lose a video's
    # place or an answer half given); an edit, and the first build after a failed one, do.
    folder = make_course()
    said = []
    session = Session(folder, report=lambda text, is_error: said.append(text))
    assert session.rebuild() and not session.same_as_before
    source = folder / "lessons" / "02-part-2.md"
    source.write_text(source.read_text())
    (folder / "notes.txt").write_text("an author's notes, which no page links to\n")
    assert session.rebuild() and session.same_as_before and session.number == 2
    assert said[-1].endswith(", the same course as before")
    source.write_text(lesson("part-2", "Two", "New words.\n"))
    assert session.rebuild() and not session.same_as_before
    good = source.read_text()
    source.write_text(lesson("part-2", "Two", "::: tipp\nx\n:::\n"))
    assert not session.rebuild()
    source.write_text(good)
    assert session.rebuild() and not session.same_as_before  # the page shows the problems until it reloads
    assert session.rebuild() and session.same_as_before
    # The activity IRI is in no file of the player; the LMS launches under it: a relaunch is due.
    settings = folder / "course.yml"
    settings.write_text(settings.read_text() + "iri: https://example.org/courses/part-course\n")
    assert session.rebuild() and not session.same_as_before
    assert session.state()["course"]["iri"] == "https://example.org/courses/part-course"


def test_the_watcher_passes_on_sources_not_the_files_editors_write_beside_them(tmp_path):
    # Real watchfiles on a folder: an Emacs auto-save, a Kate swap file, a GNOME save stream and vim's
    # write test never reach the callback; the lesson saved after them does.
    from courseforge.preview.watcher import watch

    heard: list[set] = []
    got = threading.Event()
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=([tmp_path], lambda paths: heard.append(paths) or got.set(), stop),
                               daemon=True)
    watcher.start()
    lesson_file = tmp_path / "01-welcome.md"
    scratch = [tmp_path / name for name in ("#01-welcome.md#", "01-welcome.md.kate-swp", ".goutputstream-X1Y2Z3", "4913")]
    try:
        for _ in range(100):  # until the watcher is set up: it hears this file's writes
            lesson_file.write_text("# Welcome\n")
            if got.wait(0.1):
                break
        heard.clear()
        for path in scratch:
            path.write_text("scratch\n")
        saved = tmp_path / "02-listening.md"  # a file of its own: heard after the scratch files, in order
        saved.write_text("# Listening\n")
        for _ in range(100):  # every burst up to the one with the lesson's save
            if any(saved in paths for paths in heard):
                break
            got.clear()
            got.wait(0.1)
    finally:
        stop.set()
        watcher.join(timeout=10)
    everything = set().union(*heard)
    assert saved in everything and everything.isdisjoint(scratch)


def test_a_closed_preview_answers_no_more_on_the_connections_the_browser_kept_open(make_course):
    """shutdown() stops the accepting alone: a page's kept-alive connections went on being answered by
    the closed preview's threads, so a page reconnecting to a preview started again on the same port
    was served the old run's state and launched into the old run's LRS."""
    import http.client
    preview = Preview(make_course(lessons=1), report=lambda text, is_error: None).start()
    host, port = preview.server.server_address[:2]
    kept = http.client.HTTPConnection(host, port, timeout=10)
    try:
        kept.request("GET", "/preview/state")
        answer = kept.getresponse()
        run = json.loads(answer.read())["run"]
        assert answer.status == 200 and run == preview.session.nonce
        preview.close()
        try:
            kept.request("GET", "/preview/state")
            status = kept.getresponse().status
        except (ConnectionError, http.client.HTTPException):
            status = None
        assert status is None
    finally:
        kept.close()
        preview.close()
