"""A Learning Record Store in memory, enough for the preview's cmi5 and TinCan launches: the cmi5
fetch URL, statements, and State documents. Every statement stored is passed to `on_statement`
(the side panel shows it), the `launched` statement the preview's LMS records before each cmi5
launch too. It checks nothing but what fails a launch in any cmi5 LMS (a fetch URL used twice):
conformance is tested against a real LRS (ralph)."""
from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

TOKEN = "cHJldmlldzpwcmV2aWV3"  # base64 "preview:preview": what the package sends back as Basic auth
# The preview LMS's own IRIs, the same whatever host name the page was opened at: the learner's
# State documents are keyed by the actor and the activity id.
HOME = "https://preview.invalid"
# cmi5 launches an Agent identified by an `account` (cmi5 §9.2, CHECKLIST C5-L1); TinCan takes it too.
LEARNER = {"objectType": "Agent", "name": "Preview learner", "account": {"homePage": HOME, "name": "preview-learner"}}
CMI5 = "https://w3id.org/xapi/cmi5/"
SESSION_ID = CMI5 + "context/extensions/sessionid"
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"


class MemoryLRS:
    def __init__(self, on_statement=lambda statement: None):
        self.on_statement = on_statement
        self.statements: list[dict] = []
        self.documents: dict[tuple, bytes] = {}
        self.registrations: dict[str, str] = {}  # standard → the current learner's registration
        self.launches = 0
        self.unfetched: set[str] = set()  # the cmi5 fetch URLs not used yet: each answers once (cmi5 §8.2)
        self.lock = threading.Lock()

    def launch(self, standard: str, course: dict, origin: str, fresh: bool,
               au: dict | None = None) -> tuple[dict, dict | None]:
        """Query parameters for launching `standard` (cmi5 or tincan) as the preview learner, and for
        cmi5 the `launched` statement recorded before it (else None). `au`: what cmi5.xml declares for
        the AU launched (session.Session.launched_au), its url made absolute."""
        with self.lock:
            if fresh or standard not in self.registrations:
                self.registrations[standard] = str(uuid.uuid4())
            registration = self.registrations[standard]
            self.launches += 1
            number = self.launches
        endpoint, actor = f"{origin}/lrs/xapi/", json.dumps(LEARNER)
        if standard == "tincan":
            return {"endpoint": endpoint, "auth": f"Basic {TOKEN}", "actor": actor, "registration": registration,
                    "activity_id": course["iri"]}, None
        activity = activity_id(au["id"])
        data = _launch_data(au)
        key = _document_key({"activityId": activity, "agent": actor, "registration": registration,
                             "stateId": "LMS.LaunchData"})
        with self.lock:
            self.documents[key] = json.dumps(data).encode()
            self.unfetched.add(str(number))
        # cmi5 §9.3.1: recorded before the AU is launched, in the session LMS.LaunchData names.
        launched = self._keep(_launched(au, activity, registration, data))
        # cmi5 §8.1: the AU's own query (a per-page AU's `page`) is kept, the launch parameters added.
        own = {name: values[0] for name, values in parse_qs(urlsplit(au["url"]).query).items()}
        return {**own, "endpoint": endpoint, "fetch": f"{origin}/lrs/fetch/{number}", "actor": actor,
                "registration": registration, "activityId": activity}, launched

    def handle(self, method: str, path: str, query: str, body: bytes) -> tuple[int, bytes]:
        """Answer one request under /lrs/: (status, JSON body or b"")."""
        params = {key: values[0] for key, values in parse_qs(query).items()}
        if path.startswith("fetch/") and method == "POST":
            with self.lock:
                unused = path[len("fetch/"):] in self.unfetched
                self.unfetched.discard(path[len("fetch/"):])
            if not unused:  # as an LMS answers (cmi5 §8.2.3): a course that fetches twice fails there too
                return 200, json.dumps({"error-code": "1", "error-text": "This fetch URL was used already: "
                                        "keep the token for the session (cmi5 §8.2)."}).encode()
            return 200, json.dumps({"auth-token": TOKEN}).encode()
        if path == "xapi/statements" and method in ("POST", "PUT"):
            try:
                given = json.loads(body or b"null")
            except ValueError:  # not from a package of ours (any open page may post here)
                return 400, b""
            return self._store(given, params.get("statementId"))
        if path == "xapi/statements" and method == "GET":
            with self.lock:
                return 200, json.dumps({"statements": self.statements[::-1], "more": ""}).encode()
        if path == "xapi/activities/state":
            return self._document(method, params, body)
        if path == "xapi/about":
            return 200, b'{"version": ["1.0.3"]}'
        return 404, b""

    def _store(self, given, statement_id: str | None) -> tuple[int, bytes]:
        batch = given if isinstance(given, list) else [given]
        ids = []
        for statement in batch:
            if not isinstance(statement, dict):
                return 400, b""
            statement.setdefault("id", statement_id or str(uuid.uuid4()))
            ids.append(statement["id"])
            self._keep(statement)
        return (204, b"") if statement_id else (200, json.dumps(ids).encode())

    def _keep(self, statement: dict) -> dict:
        with self.lock:
            if any(kept.get("id") == statement["id"] for kept in self.statements):
                return statement  # a retry that got through before: stored once
            self.statements.append(statement)
        self.on_statement(statement)
        return statement

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


def _document_key(params: dict) -> tuple:
    agent = params.get("agent") or "{}"
    try:
        agent = json.dumps(json.loads(agent), sort_keys=True)
    except ValueError:
        pass
    return params.get("activityId"), agent, params.get("registration"), params.get("stateId")
