"""A Learning Record Store in memory, enough for the preview's cmi5 and TinCan launches: the cmi5
fetch URL, statements, and State documents. Every statement stored is passed to `on_statement`
(the side panel shows it), the `launched` statement the preview's LMS records before each cmi5
launch too. Under cmi5 it ends a session before it launches the next, as an LMS does (cmi5 §9.3.6):
it waits a moment for the old AU's `terminated`, else records `abandoned` for it, and refuses
anything of a session after its end. Like any LRS it takes only the credentials it issued (a cmi5
session's token, a TinCan launch's `auth`) and answers anything else 401. It checks nothing else but
what fails a launch in any cmi5 LMS (a fetch URL used twice): conformance is tested against a real
LRS (ralph)."""
from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

from courseforge.preview.credentials import issue, presented, unknown

# The preview LMS's own IRIs, the same whatever host name the page was opened at: the learner's
# State documents are keyed by the actor and the activity id.
HOME = "https://preview.invalid"
# cmi5 launches an Agent identified by an `account` (cmi5 §9.2, CHECKLIST C5-L1); TinCan takes it too.
LEARNER = {"objectType": "Agent", "name": "Preview learner", "account": {"homePage": HOME, "name": "preview-learner"}}
CMI5 = "https://w3id.org/xapi/cmi5/"
SESSION_ID = CMI5 + "context/extensions/sessionid"
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
# Seconds a relaunch waits for the old session's `terminated`: a closed AU sends it in a keepalive
# fetch, which may land a little after the page is gone.
ENDING = 2.0
SHOWN = 200  # the statements of a session the panel can list (standin.js, MAX_LOG)


@dataclass
class AUSession:
    """One cmi5 launch, from its `launched` to its `terminated` or `abandoned` (`end`)."""

    id: str
    token: str  # the Basic auth its fetch URL answers: the LRS knows the session of a request by it
    registration: str
    target: dict  # the activity launched, as `launched` names it
    grouping: list
    fetched: bool = False  # an AU that never had its token can send nothing, `terminated` neither
    initialized: float | None = None  # time.monotonic() at its initialized, and at its last statement
    last: float | None = None
    end: str | None = None
    statements: list[dict] = field(default_factory=list)


class MemoryLRS:
    def __init__(self, on_statement=lambda statement: None, on_refused=lambda refusal: None):
        self.on_statement = on_statement
        self.on_refused = on_refused  # each request answered 401, 403, or 400 with a reason: the panel lists them too
        self.statements: list[dict] = []
        self.documents: dict[tuple, bytes] = {}
        self.registrations: dict[str, str] = {}  # standard → the current learner's registration
        self.launches = 0
        self.unfetched: dict[str, AUSession] = {}  # by cmi5 fetch URL not used yet: each answers once (cmi5 §8.2)
        self.sessions: dict[str, AUSession] = {}  # by auth token
        # The Basic auth of each TinCan launch: random, so a page of an earlier preview run (on the same
        # --port) sends credentials this run never issued, as it would to an LMS that forgot them.
        self.tincan: set[str] = set()
        self.latest: AUSession | None = None  # the cmi5 session launched last
        self.lock = threading.Lock()
        self.ended = threading.Condition(self.lock)  # told when a session terminates

    def launch(self, standard: str, course: dict, origin: str, fresh: bool,
               au: dict | None = None, within: float = 0.0) -> tuple[dict, dict | None]:
        """Query parameters for launching `standard` (cmi5 or tincan) as the preview learner, and for
        cmi5 the `launched` statement recorded before it (else None). `au`: what cmi5.xml declares for
        the AU launched (session.Session.launched_au), its url made absolute. The cmi5 session still
        open is ended first (`end_sessions(within)`)."""
        self.end_sessions(within)
        with self.lock:
            if fresh or standard not in self.registrations:
                self.registrations[standard] = str(uuid.uuid4())
            registration = self.registrations[standard]
            self.launches += 1
            # Unique across runs too: the AU keeps its session in the tab's sessionStorage under its
            # fetch URL, and a preview started again on the same port would hand out the old run's.
            number = f"{self.launches}-{secrets.token_hex(6)}"
        endpoint, actor = f"{origin}/lrs/xapi/", json.dumps(LEARNER)
        if standard == "tincan":
            token = issue()
            with self.lock:
                self.tincan.add(token)
            return {"endpoint": endpoint, "auth": f"Basic {token}", "actor": actor, "registration": registration,
                    "activity_id": course["iri"]}, None
        activity = activity_id(au["id"])
        data = _launch_data(au)
        key = _document_key({"activityId": activity, "agent": actor, "registration": registration,
                             "stateId": "LMS.LaunchData"})
        launched = _launched(au, activity, registration, data)
        token = issue()
        session = AUSession(data["contextTemplate"]["extensions"][SESSION_ID], token, registration,
                            launched["object"], launched["context"]["contextActivities"]["grouping"])
        with self.lock:
            self.documents[key] = json.dumps(data).encode()
        # cmi5 §9.3.1: recorded before the AU is launched, in the session LMS.LaunchData names; and
        # before the session is open, so that a launch asked for meanwhile ends it after it.
        self._keep(launched, session, lms=True)
        with self.lock:
            self.unfetched[number] = session
            self.sessions[token] = self.latest = session
        # cmi5 §8.1: the AU's own query (a per-page AU's `page`) is kept, the launch parameters added.
        own = {name: values[0] for name, values in parse_qs(urlsplit(au["url"]).query).items()}
        return {**own, "endpoint": endpoint, "fetch": f"{origin}/lrs/fetch/{number}", "actor": actor,
                "registration": registration, "activityId": activity}, launched

    def end_sessions(self, within: float) -> list[dict]:
        """End the cmi5 session still open before another launch, as an LMS does (cmi5 §9.3.6): wait up
        to `within` seconds for its `terminated`, else record `abandoned` for it; from then on its
        requests are refused. The statements of the session launched last, the panel's to list
        before the next `launched` whichever of them and their events comes first."""
        deadline = time.monotonic() + within
        with self.ended:
            open_ = [one for one in self.sessions.values() if one.end is None]
            while any(one.fetched and one.end is None for one in open_) and self.ended.wait(
                    max(0.0, deadline - time.monotonic())):
                continue
            abandoned = [one for one in open_ if one.end is None]
            for one in abandoned:
                one.end = ABANDONED
        for one in abandoned:
            self._keep(_abandoned(one), one, lms=True)
        with self.lock:
            return self.latest.statements[-SHOWN:] if self.latest else []

    def handle(self, method: str, path: str, query: str, body: bytes, auth: str = "") -> tuple[int, bytes]:
        """Answer one request under /lrs/: (status, JSON body or b""). `auth`: its Authorization."""
        params = {key: values[0] for key, values in parse_qs(query).items()}
        if path.startswith("fetch/") and method == "POST":
            with self.lock:
                session = self.unfetched.pop(path[len("fetch/"):], None)
                if session is not None:
                    session.fetched = True
            if session is None:  # as an LMS answers (cmi5 §8.2.3): a course that fetches twice fails there too
                return 200, json.dumps({"error-code": "1", "error-text": "This fetch URL was used already: "
                                        "keep the token for the session (cmi5 §8.2)."}).encode()
            return 200, json.dumps({"auth-token": session.token}).encode()
        if path == "xapi/about":  # xAPI 1.0.3 Part 3 §2.8: SHOULD answer without credentials
            return 200, b'{"version": ["1.0.3"]}'
        if not path.startswith("xapi/"):
            return 404, b""
        token = presented(auth)
        with self.lock:
            session = self.sessions.get(token)
            known = session is not None or token in self.tincan
        if not known:  # xAPI Part 3 §3.2: 401, credentials missing or refused (server.py adds CHALLENGE)
            return self._refused(401, unknown(auth), method, path, params, body)
        if session is not None and session.end is not None:
            return self._refused(403, _ended(session), method, path, params, body, session)
        if path == "xapi/statements" and method in ("POST", "PUT"):
            try:
                given = json.loads(body or b"null")
            except ValueError:  # not from a package of ours (any open page may post here)
                return 400, b""
            status, answer = self._store(given, params.get("statementId"), session)
            if status == 403 or status == 400 and answer:
                return self._refused(status, answer, method, path, params, body, session)
            return status, answer
        if path == "xapi/statements" and method == "GET":
            with self.lock:
                return 200, json.dumps({"statements": self.statements[::-1], "more": ""}).encode()
        if path == "xapi/activities/state":
            return self._document(method, params, body)
        return 404, b""

    def _refused(self, status: int, answer: bytes, method: str, path: str, params: dict, body: bytes,
                 session: AUSession | None = None) -> tuple[int, bytes]:
        """`status` and `answer` for a request the LMS does not take, told to `on_refused`: the panel
        lists it as an LMS's log does, named by its method, resource and what it was about."""
        resource, about = path[len("xapi/"):], params.get("stateId", "")
        if resource == "statements":
            about = " ".join(_verbs(body))
        self.on_refused({"status": status, "request": f"{method} {resource} {about}".strip(),
                         "error": json.loads(answer)["error"],
                         "registration": session.registration if session else None})
        return status, answer

    def _store(self, given, statement_id: str | None, session: AUSession | None) -> tuple[int, bytes]:
        batch = given if isinstance(given, list) else [given]
        if not all(isinstance(statement, dict) for statement in batch):
            return 400, b""
        if session is not None:
            # cmi5 §9.6.3.1: each statement of an AU names the session its LMS.LaunchData gave. One naming
            # another (a stale copy, a theme's own statement) was taken, a `terminated` of it ending this one.
            stray = next((statement for statement in batch if _session_of(statement) != session.id), None)
            if stray is not None:
                return 400, json.dumps({"error": f"this statement names session {_session_of(stray)!r}, not the "
                                        f"launch's {session.id!r} (cmi5 §9.6.3.1): take the session id from "
                                        "LMS.LaunchData's contextTemplate"}).encode()
        ids = []
        for statement in batch:
            statement.setdefault("id", statement_id or str(uuid.uuid4()))
            ids.append(statement["id"])
            if not self._keep(statement, session):
                return 403, _ended(session)
        return (204, b"") if statement_id else (200, json.dumps(ids).encode())

    def _keep(self, statement: dict, session: AUSession | None = None, lms: bool = False) -> bool:
        """Store `statement` of `session` (None: of no cmi5 session); False: the AU's, after its session's
        end (abandoned while the request was on its way)."""
        verb = statement.get("verb")
        verb = verb.get("id") if isinstance(verb, dict) else None
        with self.lock:
            if session is not None and session.end is not None and not lms:
                return False
            if any(kept.get("id") == statement["id"] for kept in self.statements):
                return True  # a retry that got through before: stored once
            self.statements.append(statement)
            if session is not None:
                session.statements.append(statement)
                session.last = time.monotonic()
                if verb == INITIALIZED and session.initialized is None:
                    session.initialized = session.last
                if verb == TERMINATED and session.end is None:
                    session.end = TERMINATED
                    self.ended.notify_all()
            # Told in the order stored: told after the lock, a `terminated` whose thread was held up came
            # after the next launch's `launched`, and the panel listed the old session ending in the new one.
            self.on_statement(statement)
        return True

    def _document(self, method: str, params: dict, body: bytes) -> tuple[int, bytes]:
        key = _document_key(params)
        with self.lock:
            if method == "GET":
                found = self.documents.get(key)
                return (200, found) if found is not None else (404, b"")
            if method in ("PUT", "POST"):
                self.documents[key] = body
            elif method == "DELETE":
                self.documents.pop(key, None)
        return 204, b""


def activity_id(au_id: str) -> str:
    """The activity id the LMS launches an AU with: its own, never the AU's id in cmi5.xml (cmi5
    §8.1.5, CHECKLIST C5-L5), and the same at each launch of that AU."""
    return f"{HOME}/activities/{uuid.uuid5(uuid.NAMESPACE_URL, au_id)}"


def _launch_data(au: dict) -> dict:
    """The LMS.LaunchData document a cmi5 LMS writes before each launch (a new session id each time):
    the AU's publisher id as the grouping activity, and its moveOn, masteryScore and launchParameters
    as cmi5.xml declares them (cmi5 §10.2)."""
    data = {"contextTemplate": {"contextActivities": {"grouping": [{"objectType": "Activity", "id": au["id"]}]},
                                "extensions": {SESSION_ID: str(uuid.uuid4())}},
            "launchMode": "Normal", "moveOn": au["moveOn"], "launchMethod": au["launchMethod"]}
    if au.get("masteryScore") is not None:
        data["masteryScore"] = au["masteryScore"]
    if au.get("launchParameters") is not None:
        data["launchParameters"] = au["launchParameters"]
    return data


def _launched(au: dict, activity: str, registration: str, data: dict) -> dict:
    """The `launched` statement (cmi5 §9.3.1, §9.6): about the activity id the AU is launched with,
    in the registration and session of its LaunchData, with the launch mode, the URL without the
    launch parameters (§9.6.3.4), moveOn, and masteryScore and launchParameters when it has them."""
    extensions = {SESSION_ID: data["contextTemplate"]["extensions"][SESSION_ID],
                  CMI5 + "context/extensions/launchmode": data["launchMode"],
                  CMI5 + "context/extensions/launchurl": au["url"],
                  CMI5 + "context/extensions/moveon": data["moveOn"]}
    for name in ("masteryScore", "launchParameters"):
        if name in data:
            extensions[CMI5 + "context/extensions/" + name.lower()] = data[name]
    target = {"objectType": "Activity", "id": activity}
    if au.get("title"):
        target["definition"] = {"name": {au.get("language") or "und": au["title"]}}
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"id": str(uuid.uuid4()), "actor": LEARNER, "timestamp": stamp,
            "verb": {"id": LAUNCHED, "display": {"en-US": "launched"}}, "object": target,
            "context": {"registration": registration, "extensions": extensions,
                        "contextActivities": {"grouping": data["contextTemplate"]["contextActivities"]["grouping"],
                                              "category": [{"objectType": "Activity",
                                                            "id": CMI5 + "context/categories/cmi5"}]}}}


def _ended(session: AUSession) -> bytes:
    """The answer (403) to a request of a session after its end: cmi5 §9.3.6 and §9.3.8 record nothing
    of it (ADL's CATAPULT player answers 403 too); the AU that still writes has been closed."""
    return json.dumps({"error": f"this cmi5 session has ended ({session.end.rsplit('/', 1)[1]}): "
                       "a new launch has its own"}).encode()


def _session_of(statement: dict):
    """The cmi5 session id a statement's context names (None: none)."""
    context = statement.get("context")
    extensions = context.get("extensions") if isinstance(context, dict) else None
    return extensions.get(SESSION_ID) if isinstance(extensions, dict) else None


def _verbs(body: bytes) -> list[str]:
    """The last part of each verb id of the statements a request carries, as the panel names them."""
    try:
        given = json.loads(body or b"null")
    except ValueError:
        return []
    verbs = [one.get("verb") for one in (given if isinstance(given, list) else [given]) if isinstance(one, dict)]
    ids = [verb.get("id") for verb in verbs if isinstance(verb, dict)]
    return [one.rsplit("/", 1)[-1] for one in ids if isinstance(one, str)]


def _abandoned(session: AUSession) -> dict:
    """The `abandoned` statement the LMS records for a session that did not terminate (cmi5 §9.3.6):
    about the activity launched, in its registration and session, with the time from its initialized
    to its last statement as the duration when it initialized."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    statement = {"id": str(uuid.uuid4()), "actor": LEARNER, "timestamp": stamp,
                 "verb": {"id": ABANDONED, "display": {"en-US": "abandoned"}}, "object": session.target,
                 "context": {"registration": session.registration, "extensions": {SESSION_ID: session.id},
                             "contextActivities": {"grouping": session.grouping,
                                                   "category": [{"objectType": "Activity",
                                                                 "id": CMI5 + "context/categories/cmi5"}]}}}
    if session.initialized is not None:
        statement["result"] = {"duration": f"PT{session.last - session.initialized:.2f}S"}
    return statement


def _document_key(params: dict) -> tuple:
    agent = params.get("agent") or "{}"
    try:
        agent = json.dumps(json.loads(agent), sort_keys=True)
    except ValueError:
        pass
    return params.get("activityId"), agent, params.get("registration"), params.get("stateId")
