"""A Learning Record Store in memory, enough for the preview's cmi5 and TinCan launches: the cmi5
fetch URL, statements, and State documents. Every statement stored is passed to `on_statement`
(the side panel shows it). It checks nothing: conformance is tested against a real LRS (ralph)."""
from __future__ import annotations

import json
import threading
import uuid
from urllib.parse import parse_qs

TOKEN = "cHJldmlldzpwcmV2aWV3"  # base64 "preview:preview": what the package sends back as Basic auth
LEARNER = {"objectType": "Agent", "name": "Preview learner", "mbox": "mailto:learner@preview.invalid"}
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


class MemoryLRS:
    def __init__(self, on_statement=lambda statement: None):
        self.on_statement = on_statement
        self.statements: list[dict] = []
        self.documents: dict[tuple, bytes] = {}
        self.registrations: dict[str, str] = {}  # standard → the current learner's registration
        self.launches = 0
        self.lock = threading.Lock()

    def launch(self, standard: str, course: dict, origin: str, fresh: bool) -> dict:
        """Query parameters for launching `standard` (cmi5 or tincan) as the preview learner."""
        with self.lock:
            if fresh or standard not in self.registrations:
                self.registrations[standard] = str(uuid.uuid4())
            registration = self.registrations[standard]
            self.launches += 1
            number = self.launches
        endpoint, actor = f"{origin}/lrs/xapi/", json.dumps(LEARNER)
        if standard == "tincan":
            return {"endpoint": endpoint, "auth": f"Basic {TOKEN}", "actor": actor, "registration": registration,
                    "activity_id": course["iri"]}
        activity = course["iri"] + "/au"
        key = _document_key({"activityId": activity, "agent": actor, "registration": registration,
                             "stateId": "LMS.LaunchData"})
        with self.lock:
            self.documents[key] = json.dumps(_launch_data(course)).encode()
        return {"endpoint": endpoint, "fetch": f"{origin}/lrs/fetch/{number}", "actor": actor,
                "registration": registration, "activityId": activity}

    def handle(self, method: str, path: str, query: str, body: bytes) -> tuple[int, bytes]:
        """Answer one request under /lrs/: (status, JSON body or b"")."""
        params = {key: values[0] for key, values in parse_qs(query).items()}
        if path.startswith("fetch/") and method == "POST":
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
            with self.lock:
                if any(kept.get("id") == statement["id"] for kept in self.statements):
                    continue  # a retry that got through before: stored once
                self.statements.append(statement)
            self.on_statement(statement)
        return (204, b"") if statement_id else (200, json.dumps(ids).encode())

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


def _launch_data(course: dict) -> dict:
    """The LMS.LaunchData document a cmi5 LMS writes before each launch (a new session id each time)."""
    data = {"contextTemplate": {"contextActivities": {"grouping": [{"id": course["iri"]}]},
                                "extensions": {SESSION_ID: str(uuid.uuid4())}},
            "launchMode": "Normal",
            "moveOn": "CompletedAndPassed" if course.get("masteryScore") is not None else "Completed"}
    if course.get("masteryScore") is not None:
        data["masteryScore"] = course["masteryScore"] / 100
    return data


def _document_key(params: dict) -> tuple:
    agent = params.get("agent") or "{}"
    try:
        agent = json.dumps(json.loads(agent), sort_keys=True)
    except ValueError:
        pass
    return params.get("activityId"), agent, params.get("registration"), params.get("stateId")
