"""The preview's LRS takes only the credentials it issued, as a real LRS does (ralph, SCORM Cloud): a
request without them, or with credentials it never issued (made up, of an earlier preview run on the
same --port), is answered 401, and the panel lists it. It accepted anything, so a course that lost its
credentials worked in the preview and failed in the LMS."""
import base64
import json
import socket
import urllib.error
import urllib.parse
import urllib.request

from courseforge.preview import Preview
from courseforge.preview.credentials import CHALLENGE
from courseforge.preview.lrs import MemoryLRS
from test_preview import SESSION, issued, sent, session

COURSE = {"iri": "https://example.invalid/c"}
INITIALIZED = json.dumps({"verb": {"id": "http://adlnet.gov/expapi/verbs/initialized"}, "object": {"id": "x"}}).encode()


def test_a_request_without_credentials_the_lrs_issued_is_refused_401_and_stores_nothing():
    refused = []
    lrs = MemoryLRS(on_refused=refused.append)
    params, auth, first = session(lrs)
    where = urllib.parse.urlencode({"activityId": params["activityId"], "agent": params["actor"],
                                    "registration": params["registration"], "stateId": "LMS.LaunchData"})
    made_up = "Basic " + base64.b64encode(b"preview:0123456789abcdef01234567").decode()
    old_tincan = "Basic cHJldmlldzpwcmV2aWV3"  # the one TinCan auth every earlier preview handed out
    for given in ("", "Basic", "Basic ", made_up, old_tincan, auth.replace("Basic", "Bearer")):
        status, answer = lrs.handle("POST", "xapi/statements", "", INITIALIZED, given)
        assert status == 401 and "the launch" in json.loads(answer)["error"], given
        assert lrs.handle("GET", "xapi/activities/state", where, b"", given)[0] == 401
        assert lrs.handle("GET", "xapi/statements", "", b"", given)[0] == 401
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in lrs.statements] == ["launched"]
    assert "no Authorization header" in json.loads(lrs.handle("PUT", "xapi/statements", "", b"{}")[1])["error"]
    assert "never issued" in json.loads(lrs.handle("PUT", "xapi/statements", "", b"{}", made_up)[1])["error"]
    # xAPI 1.0.3 Part 3 §2.8: the About resource answers anyone.
    assert lrs.handle("GET", "xapi/about", "", b"") == (200, b'{"version": ["1.0.3"]}')
    assert refused[0] == {"status": 401, "request": "POST statements initialized", "registration": None,
                          "error": json.loads(lrs.handle("POST", "xapi/statements", "", b"")[1])["error"]}
    assert refused[1]["request"] == "GET activities/state LMS.LaunchData"
    assert sent(lrs, auth, first, "initialized") == 200
    assert sent(lrs, "basic  " + auth.split(" ", 1)[1], first, "experienced") == 200  # RFC 7617: any case
    assert len(refused) == 3 * 6 + 3


def test_a_session_s_token_after_its_end_is_refused_403_and_the_panel_is_told():
    refused = []
    lrs = MemoryLRS(on_refused=refused.append)
    params, auth, first = session(lrs)
    assert sent(lrs, auth, first, "initialized") == 200
    lrs.end_sessions(0.01)
    statements = [{"verb": {"id": "http://adlnet.gov/expapi/verbs/" + verb}, "object": {"id": "x"},
                   "context": {"extensions": {SESSION: first}}} for verb in ("failed", "terminated")]
    status, answer = lrs.handle("POST", "xapi/statements", "", json.dumps(statements).encode(), auth)
    assert status == 403 and json.loads(answer)["error"].startswith("this cmi5 session has ended (abandoned)")
    where = urllib.parse.urlencode({"activityId": params["activityId"], "stateId": "cf.state"})
    assert lrs.handle("PUT", "xapi/activities/state", where, b"{}", auth)[0] == 403
    error = json.loads(answer)["error"]
    assert refused == [{"status": 403, "request": request, "error": error, "registration": params["registration"]}
                       for request in ("POST statements failed terminated", "PUT activities/state cf.state")]


def test_each_tincan_launch_has_basic_auth_of_its_own_which_the_lrs_takes_and_no_other_run_does():
    lrs, other = MemoryLRS(), MemoryLRS()
    first = lrs.launch("tincan", COURSE, "http://127.0.0.1:1", False)[0]
    second = lrs.launch("tincan", COURSE, "http://127.0.0.1:1", False)[0]
    assert first["auth"].startswith("Basic ") and first["auth"] != second["auth"]
    # The first launch's page, closed by the second, may still send its last statements.
    for params in (first, second):
        assert lrs.handle("POST", "xapi/statements", "", INITIALIZED, issued(lrs, params))[0] == 200
    where = urllib.parse.urlencode({"activityId": COURSE["iri"], "agent": first["actor"], "stateId": "cf.state"})
    assert lrs.handle("PUT", "xapi/activities/state", where, b'{"n": 1}', first["auth"])[0] == 204
    assert lrs.handle("GET", "xapi/activities/state", where, b"", second["auth"]) == (200, b'{"n": 1}')
    assert other.handle("POST", "xapi/statements", "", INITIALIZED, first["auth"])[0] == 401
    assert len(lrs.statements) == 2 and other.statements == []


def free_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


def launch(running: Preview, standard: str) -> dict:
    """The launch parameters the preview's page is handed, its credentials fetched as the course does."""
    asked = urllib.request.Request(running.url + "preview/launch", data=json.dumps({"standard": standard}).encode(),
                                   headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(asked) as answer:
        params = json.loads(answer.read())["params"]
    if standard == "cmi5":
        with urllib.request.urlopen(urllib.request.Request(params["fetch"], data=b"", method="POST")) as answer:
            params["auth"] = "Basic " + json.loads(answer.read())["auth-token"]
    return params


def post(running: Preview, auth: str | None, more: dict | None = None,
         statement: dict | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a statement (INITIALIZED unless given) posted to the preview with `auth`
    (None: no Authorization)."""
    headers = {"Content-Type": "application/json", **({"Authorization": auth} if auth else {}), **(more or {})}
    body = INITIALIZED if statement is None else json.dumps(statement).encode()
    asked = urllib.request.Request(running.url + "lrs/xapi/statements", data=body, headers=headers)
    try:
        with urllib.request.urlopen(asked) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, dict(answer.headers), answer.read()


def test_a_preview_started_again_on_its_port_refuses_the_credentials_the_earlier_run_issued(make_course):
    """A page left open across a restart keeps the old run's AU in its frame: its requests fail as
    they would in an LMS that never issued those credentials, with a 401 that says how to authenticate."""
    folder, port = make_course(), free_port()
    first = Preview(folder, port=port).start()
    try:
        old = {}
        for standard in ("cmi5", "tincan"):  # each taken while it is the launch on show
            old[standard] = launch(first, standard)["auth"]
            own = {"context": {"extensions": {SESSION: first.lrs.latest.id}}} if standard == "cmi5" else {}
            assert post(first, old[standard], statement={**json.loads(INITIALIZED), **own})[0] == 200
    finally:
        first.close()
    again = Preview(folder, port=port).start()
    told = []
    again.broker.publish = lambda event, data: told.append((event, data))
    try:
        assert again.url == first.url
        for auth in (*old.values(), None):
            status, headers, body = post(again, auth)
            assert (status, headers["WWW-Authenticate"], headers["Content-Type"]) == (401, CHALLENGE, "application/json")
            assert headers["X-Experience-API-Version"] == "1.0.3" and "the launch" in json.loads(body)["error"]
        # A page's fetch (Chromium's fetch() sends these) is not challenged: a browser challenged on the
        # page's own origin holds the request and asks the learner for a password.
        for more in ({"Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "same-origin"},
                     {"Origin": again.url.rstrip("/")}):
            status, headers, body = post(again, old["cmi5"], more)
            assert (status, "WWW-Authenticate" in headers) == (401, False) and "the launch" in json.loads(body)["error"]
        assert [(event, data["status"], data["request"]) for event, data in told] == \
            [("refused", 401, "POST statements initialized")] * 5
        assert again.lrs.statements == []
        assert post(again, launch(again, "tincan")["auth"])[0] == 200
        auth = launch(again, "cmi5")["auth"]
        own = {"context": {"extensions": {SESSION: again.lrs.latest.id}}}
        assert post(again, auth, statement={**json.loads(INITIALIZED), **own})[0] == 200
    finally:
        again.close()
