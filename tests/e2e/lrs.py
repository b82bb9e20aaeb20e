"""The LMS side of the cmi5/TinCan end-to-end tests, all on 127.0.0.1 (CHECKLIST Q11).

`Ralph` runs a real LRS: ralph-malph's API (`ralph.api:app`, what `ralph runserver` serves) under
uvicorn, with the file-system backend in a temporary folder and Basic credentials in its auth file.
It stores and validates statements, and that is all it does.

`StandIn` is the rest of an LMS, on two origins so that the AU talks to it cross-origin as it would
in a real LMS: one serves the unzipped packages, the other is the xAPI endpoint the AU is given. It
imports the package's descriptor, writes `LMS.LaunchData`, sends `launched` to Ralph, serves the
one-time fetch URL, keeps State documents, answers 404 for agent profiles, and passes `statements`
through to Ralph with its own credentials (the AU only knows its session token). It records every
request, and every rule an AU broke on the way (`violations`).
"""
from __future__ import annotations

import base64
import http.server
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from lxml import etree

from .e2e_support import StaticFiles

HOST = "127.0.0.1"
CMI5 = "https://w3id.org/xapi/cmi5/"
SESSION_ID = CMI5 + "context/extensions/sessionid"
CMI5_CATEGORY = CMI5 + "context/categories/cmi5"
VERBS = "http://adlnet.gov/expapi/verbs/"
CMI5_NS = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
TINCAN_NS = {"t": "http://projecttincan.com/tincan.xsd"}
XAPI_HEADERS = ("Authorization", "Content-Type", "X-Experience-API-Version")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class RalphError(RuntimeError):
    """Ralph did not start or answer as the tests need."""


# `ralph runserver` minus its development reloader (and minus the `cli` extra, whose click pin would
# downgrade ours): the same ASGI app under uvicorn. One fix: Ralph 5.1's file-system LRS backend writes
# with the data backend's default operation, CREATE, so every POST after the first fails with 500
# ("fs_lrs.jsonl already exists and overwrite is not allowed"); APPEND is what a file store needs.
# And one cut: the file backends' download history (for `ralph fetch`, which no LRS uses) took an entry
# for every read and write and rewrote the whole list to history.json each time, so every request of a
# session cost more than the one before it.
RALPH_SERVER = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
FSDataBackend.append_to_history = lambda self, event: None
uvicorn.run("ralph.api:app", host=sys.argv[1], port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


class Ralph:
    """ralph-malph with its file-system backend, started and stopped as a subprocess."""

    USER = "courseforge-lms"

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.password = secrets.token_urlsafe(16)
        self.auth = basic(self.USER, self.password)
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = root / "ralph.log"
        self.starts = 0
        self.set_aside = 0
        self._write_auth_file()

    def _write_auth_file(self) -> None:
        try:
            import bcrypt
        except ImportError as exc:  # the `lrs` extra brings bcrypt
            raise RalphError("ralph-malph's LRS extra is missing: pip install -e '.[test]'") from exc
        digest = bcrypt.hashpw(self.password.encode(), bcrypt.gensalt(rounds=4)).decode()
        users = [{"username": self.USER, "hash": digest, "scopes": ["all"],
                  "agent": {"account": {"homePage": f"http://{HOST}", "name": self.USER}}}]
        (self.root / "auth.json").write_text(json.dumps(users), encoding="utf-8")

    def start(self, timeout: float = 30) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RALPH_")}
        env.update({
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data),
            "RALPH_AUTH_FILE": str(self.root / "auth.json"),
            "RALPH_APP_DIR": str(self.root / "app"),
        })
        command = [sys.executable, "-c", RALPH_SERVER, HOST, str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/__heartbeat__", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        self.stop()
        raise RalphError(f"ralph did not start on {self.url}:\n{self.log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def fresh_store(self) -> None:
        """Set aside what Ralph stored so far (a file it no longer reads, kept for a failure's post-mortem):
        its file-system store reads every statement it holds for each POST (the id check) and each GET,
        so a POST's cost grew over a whole e2e run (1 386 statements), and on a busy machine a whole walk's
        statements no longer reached it within the tests' waits."""
        store = self.data / "fs_lrs.jsonl"  # the backend's DEFAULT_LRS_FILE, the only file it reads
        if store.exists():
            self.set_aside += 1
            store.rename(self.data / f"earlier-{self.set_aside:04d}.jsonl")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """(status, body bytes) of a request to Ralph; raises OSError when Ralph is down."""
        request = urllib.request.Request(self.url + path, data=body, method=method, headers={
            "Authorization": self.auth, "X-Experience-API-Version": "1.0.3", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=15) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def statements(self, **query) -> list[dict]:
        """Every statement matching `query`, following `more` links, in timestamp order."""
        found, path = [], "/xAPI/statements?" + urlencode(query)
        while path:
            status, body = self.request("GET", path)
            if status != 200:
                raise RalphError(f"GET {path}: {status} {body[:500]!r}")
            page = json.loads(body)
            found += page["statements"]
            more = page.get("more")
            path = urlsplit(more)._replace(scheme="", netloc="").geturl() if more else ""
        return sorted(found, key=lambda s: s["timestamp"])

    def post(self, statement: dict) -> None:
        status, body = self.request("POST", "/xAPI/statements", json.dumps(statement).encode(),
                                    {"Content-Type": "application/json"})
        if status != 200:
            raise RalphError(f"ralph refused the LMS's own statement: {status} {body[:500]!r}")


# ---------------------------------------------------------------------------------------------
# The LMS stand-in

@dataclass
class Session:
    """One launch: what the LMS told the AU and what it expects back."""

    standard: str
    registration: str | None
    actor: dict
    activity_id: str
    url: str
    auth: str  # the Authorization value the AU must send
    session_id: str | None = None
    au_id: str | None = None
    launch_data: dict | None = None
    fetch_url: str | None = None
    fetches: list[str] = field(default_factory=list)  # methods used on the fetch URL
    launched_id: str | None = None
    terminating: bool = False  # a `terminated` was sent: a State write now may arrive after it
    terminated: bool = False  # its `terminated` is stored: every later request is refused
    posted: list[list[str]] = field(default_factory=list)  # statement ids per POST with its credentials


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a page closed mid-request
        super().handle_error(request, client_address)


class _ContentHandler(StaticFiles):
    """Static files of the unzipped packages, under /pkg/<name>/."""

    stand_in: StandIn

    def translate_path(self, path: str) -> str:
        parts = unquote(urlsplit(path).path).split("/", 3)
        folder = self.stand_in.packages.get(parts[2]) if len(parts) > 3 and parts[1] == "pkg" else None
        if folder is None:
            return str(Path(os.devnull) / "none")
        target = (folder / parts[3]).resolve()
        return str(target) if folder.resolve() in target.parents else str(Path(os.devnull) / "none")


class _LMSHandler(http.server.BaseHTTPRequestHandler):
    stand_in: StandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        """Quiet: the stand-in records what the tests check in `violations`."""

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
        self.send_header("Vary", "Origin")
        # As LRSs and the LMS proxies in front of them answer: Chromium then counts an unread keepalive
        # response against its 64 KiB keepalive budget until the page reads or cancels its body.
        self.send_header("Cache-Control", "no-store")

    def reply(self, status: int, body: bytes | dict | None = None, content_type: str = "application/json") -> None:
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else (body or b"")
        self.send_response(status)
        self._cors()
        if data or status not in (204, 304):
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.stand_in.record(self.command, self.path, status, self.headers)

    def do_OPTIONS(self) -> None:  # noqa: N802 - CORS preflight for the xAPI requests
        self.send_response(204)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
        self.send_header("Access-Control-Allow-Headers", ", ".join(XAPI_HEADERS))
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:  # noqa: N802
        self.stand_in.dispatch(self, "GET")

    def do_POST(self) -> None:  # noqa: N802
        self.stand_in.dispatch(self, "POST")

    def do_PUT(self) -> None:  # noqa: N802
        self.stand_in.dispatch(self, "PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self.stand_in.dispatch(self, "DELETE")


def _start(handler: type, owner: StandIn) -> tuple[_Server, str]:
    server = _Server((HOST, 0), type(handler.__name__, (handler,), {"stand_in": owner}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{HOST}:{server.server_address[1]}"


def _agent_key(agent) -> str:
    """An agent's inverse functional identifier (XAPI D§2.4.2.3), the legacy array form read too."""
    agent = agent if isinstance(agent, dict) else json.loads(agent)
    for name in ("mbox", "mbox_sha1sum", "openid", "account"):
        value = agent.get(name)
        value = value[0] if isinstance(value, list) else value
        if value:
            return json.dumps({name: value}, sort_keys=True)
    return json.dumps(agent, sort_keys=True)


class StandIn:
    def __init__(self, ralph: Ralph):
        self.ralph = ralph
        self.packages: dict[str, Path] = {}
        self.sessions: dict[str, Session] = {}  # by the Authorization value
        self.fetch_tokens: dict[str, Session] = {}
        self.states: dict[tuple, bytes] = {}
        self.requests: list[tuple[str, str, int]] = []
        self.posted: list[tuple[list[str], int]] = []  # statement ids per POST, and the answer
        self.violations: list[str] = []
        self.lock = threading.Lock()
        self.content, self.content_origin = _start(_ContentHandler, self)
        self.server, self.origin = _start(_LMSHandler, self)
        self.endpoint = self.origin + "/xAPI/"

    def close(self) -> None:
        for server in (self.server, self.content):
            server.shutdown()
            server.server_close()

    def mount(self, name: str, folder: Path) -> str:
        self.packages[name] = folder
        return f"{self.content_origin}/pkg/{name}/"

    def record(self, method: str, path: str, status: int, headers) -> None:
        with self.lock:
            self.requests.append((method, path, status))

    def violation(self, text: str) -> None:
        with self.lock:
            self.violations.append(text)

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.posted.clear()
            self.violations.clear()

    # Launching ---------------------------------------------------------------------------------

    def learner(self, name: str | None = None) -> dict:
        return {"objectType": "Agent", "account": {"homePage": self.origin, "name": name or f"learner-{uuid.uuid4().hex[:8]}"}}

    def launch_cmi5(self, name: str, folder: Path, mode: str = "Normal", au: int = 0, actor: dict | None = None,
                    registration: str | None = None, return_url: bool = True) -> Session:
        """What an LMS does before it opens an AU (cmi5 §8, §10): read cmi5.xml, write LMS.LaunchData,
        record `launched`, make a one-time fetch URL; returns the session with the AU's launch URL."""
        base = self.mount(name, folder)
        element = etree.fromstring((folder / "cmi5.xml").read_bytes()).findall("c:au", CMI5_NS)[au]
        au_id, au_url = element.get("id"), element.findtext("c:url", None, CMI5_NS).strip()
        actor = actor or self.learner()
        registration = registration or str(uuid.uuid4())
        activity_id = f"{self.origin}/activities/{uuid.uuid5(uuid.NAMESPACE_URL, au_id)}"  # not the au id (§8.1.5)
        token = secrets.token_urlsafe(24)
        fetch_id = secrets.token_urlsafe(12)
        session = Session("cmi5", registration, actor, activity_id, "", "Basic " + token, str(uuid.uuid4()), au_id,
                          fetch_url=f"{self.origin}/fetch/{fetch_id}")
        launch_data = {
            "contextTemplate": {"contextActivities": {"grouping": [{"objectType": "Activity", "id": au_id}]},
                                "extensions": {SESSION_ID: session.session_id}},
            "launchMode": mode,
            "moveOn": element.get("moveOn", "NotApplicable"),
            "launchMethod": element.get("launchMethod", "AnyWindow"),
        }
        if element.get("masteryScore") is not None:
            launch_data["masteryScore"] = float(element.get("masteryScore"))
        if return_url:
            launch_data["returnURL"] = f"{self.origin}/return?registration={registration}"
        session.launch_data = launch_data
        with self.lock:
            self.states[(activity_id, _agent_key(actor), registration, "LMS.LaunchData")] = json.dumps(launch_data).encode()
            self.sessions[session.auth] = session
            self.fetch_tokens[fetch_id] = session
        session.launched_id = self._launched(session, base + au_url.split("?")[0])
        own = parse_qs(urlsplit(au_url).query)
        query = {k: v[0] for k, v in own.items()}
        query.update({"endpoint": self.endpoint, "fetch": session.fetch_url, "actor": json.dumps(actor),
                      "registration": registration, "activityId": activity_id})
        session.url = base + au_url.split("?")[0] + "?" + urlencode(query, quote_via=quote)
        return session

    def _launched(self, session: Session, launch_url: str) -> str:
        data = session.launch_data
        extensions = {SESSION_ID: session.session_id, CMI5 + "context/extensions/launchmode": data["launchMode"],
                      CMI5 + "context/extensions/launchurl": launch_url,
                      CMI5 + "context/extensions/moveon": data["moveOn"]}
        if "masteryScore" in data:
            extensions[CMI5 + "context/extensions/masteryscore"] = data["masteryScore"]
        statement = {
            "id": str(uuid.uuid4()), "actor": session.actor, "timestamp": now(),
            "verb": {"id": VERBS + "launched", "display": {"en-US": "launched"}},
            "object": {"objectType": "Activity", "id": session.activity_id},
            "context": {"registration": session.registration, "extensions": extensions,
                        "contextActivities": {"grouping": [{"objectType": "Activity", "id": session.au_id}],
                                              "category": [{"objectType": "Activity", "id": CMI5_CATEGORY}]}},
        }
        self.ralph.post(statement)
        return statement["id"]

    def launch_tincan(self, name: str, folder: Path, actor=None, registration: str | None = "new",
                      activity_id: bool = True, grouping: str | None = None) -> Session:
        """A TinCan launch (TCL "Launch"): endpoint, auth, actor, registration, activity_id."""
        base = self.mount(name, folder)
        activity = next(a for a in etree.fromstring((folder / "tincan.xml").read_bytes())
                        .iterfind("t:activities/t:activity", TINCAN_NS) if a.find("t:launch", TINCAN_NS) is not None)
        root_id, launch = activity.get("id"), activity.findtext("t:launch", None, TINCAN_NS)
        actor = actor or self.learner()
        registration = str(uuid.uuid4()) if registration == "new" else registration
        auth = basic("tincan-" + secrets.token_hex(4), secrets.token_urlsafe(18))
        session = Session("tincan", registration, actor, root_id, "", auth)
        with self.lock:
            self.sessions[auth] = session
        query = {"endpoint": self.endpoint.rstrip("/"), "auth": auth, "actor": json.dumps(actor)}
        if registration:
            query["registration"] = registration
        if activity_id:
            query["activity_id"] = root_id
        if grouping:
            query["grouping"] = grouping
        session.url = base + launch + "?" + urlencode(query, quote_via=quote)
        return session

    # Serving -----------------------------------------------------------------------------------

    def dispatch(self, handler: _LMSHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        path = parts.path
        if path.startswith("/fetch/"):
            return self._fetch(handler, method, path[len("/fetch/"):])
        if path == "/return":
            return handler.reply(200, b"<!DOCTYPE html><title>Back in the LMS</title><h1>Back in the LMS</h1>",
                                 "text/html; charset=utf-8")
        if not path.startswith("/xAPI/"):
            return handler.reply(404, {"error": "not found"})
        session = self._check(handler, method, path)
        if session is None:
            return None
        resource = path[len("/xAPI/"):]
        if session.terminated:
            # cmi5 §9.3.8 / ADL's CATAPULT player: nothing after `terminated` (it answers 403
            # "8.1.2.0-2 (Session terminated)"); the same for a TinCan launch's credentials.
            self.violation(f"{method} {resource} after the session's terminated statement")
            handler.body()
            return handler.reply(403, {"error": "session terminated"})
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if resource == "statements":
            return self._statements(handler, method, session, parts.query)
        if resource == "activities/state":
            return self._state(handler, method, session, query)
        if resource == "agents/profile":
            return handler.reply(404, {"error": "no profile"}) if method == "GET" else handler.reply(403, {})
        return handler.reply(404, {"error": f"no resource {resource}"})

    def _check(self, handler: _LMSHandler, method: str, path: str) -> Session | None:
        """X1, C5-L3, T-L2: the version header and exactly the Authorization value of a live session."""
        version = handler.headers.get("X-Experience-API-Version") or ""
        if not version.startswith("1.0"):
            self.violation(f"{method} {path}: X-Experience-API-Version is {version!r}")
            handler.reply(400, {"error": "X-Experience-API-Version missing"})
            return None
        session = self.sessions.get(handler.headers.get("Authorization") or "")
        if session is None:
            self.violation(f"{method} {path}: unknown Authorization {handler.headers.get('Authorization')!r}")
            handler.reply(401, {"error": "unauthorized"})
            return None
        if "//" in path:
            self.violation(f"{method} {path}: doubled slash in the resource URL (X2)")
        return session

    def _fetch(self, handler: _LMSHandler, method: str, fetch_id: str) -> None:
        session = self.fetch_tokens.get(fetch_id)
        if session is None:
            return handler.reply(404, {"error": "unknown fetch URL"})
        handler.body()
        with self.lock:
            session.fetches.append(method)
            count = len(session.fetches)
        if method != "POST":
            self.violation(f"{method} on the fetch URL; cmi5 §8.2.1 wants POST")
            return handler.reply(200, {"error-code": "3", "error-text": "use POST"})
        if count > 1:
            self.violation("the fetch URL was used twice (C5-L2, C5-L4)")
            return handler.reply(200, {"error-code": "1", "error-text": "The authorization token has already been returned."})
        return handler.reply(200, {"auth-token": session.auth[len("Basic "):]})

    def _state(self, handler: _LMSHandler, method: str, session: Session, query: dict) -> None:
        needed = {"activityId", "agent", "stateId"}
        if not needed <= set(query):
            self.violation(f"{method} state without {sorted(needed - set(query))}")
            return handler.reply(400, {"error": "missing parameters"})
        if query["activityId"] != session.activity_id or _agent_key(query["agent"]) != _agent_key(session.actor) \
                or query.get("registration") != session.registration:
            self.violation(f"{method} state {query['stateId']} for another activity, agent or registration: {query}")
        key = (query["activityId"], _agent_key(query["agent"]), query.get("registration"), query["stateId"])
        if method == "GET":
            with self.lock:
                document = self.states.get(key)
            return handler.reply(200, document) if document is not None else handler.reply(404, {"error": "none"})
        if session.terminating:
            self.violation(f"{method} state {query['stateId']} while or after terminated was sent")
        if query["stateId"] == "LMS.LaunchData":
            self.violation(f"the AU tried to {method} LMS.LaunchData (C5-D1)")
            return handler.reply(403, {"error": "read only"})
        body = handler.body()
        with self.lock:
            if method == "DELETE":
                self.states.pop(key, None)
            else:
                self.states[key] = body
        return handler.reply(204)

    def _statements(self, handler: _LMSHandler, method: str, session: Session, query: str) -> None:
        body = handler.body() if method in ("POST", "PUT") else None
        ids, verbs = [], []
        if body:
            try:
                sent = json.loads(body)
                sent = sent if isinstance(sent, list) else [sent]
                ids = [s.get("id") for s in sent]
                verbs = [s.get("verb", {}).get("id") for s in sent]
            except (ValueError, AttributeError):
                self.violation("statements body is not JSON")
        if method in ("POST", "PUT") and VERBS + "terminated" in verbs:
            session.terminating = True
        try:
            status, answer = self.ralph.request(method, "/xAPI/statements" + ("?" + query if query else ""), body,
                                                {"Content-Type": "application/json"} if body else None)
        except OSError:
            status, answer = 503, json.dumps({"error": "the LRS is down"}).encode()
        with self.lock:
            if method == "POST":
                self.posted.append((ids, status))
                session.posted.append(ids)
            if method in ("POST", "PUT") and 200 <= status < 300 and VERBS + "terminated" in verbs:
                session.terminated = True
        # A statement the AU sends refused. (A GET of one the LRS does not hold answers 404 by the xAPI:
        # that is how the AU learns a batch it sent from a page that went away never arrived.)
        if 400 <= status < 500 and status != 409 and method != "GET":
            self.violation(f"{method} statements {ids}: the LRS answered {status} {answer[:300]!r} (C5-S12)")
        return handler.reply(status, answer)

    # Reading back ------------------------------------------------------------------------------

    def state(self, session: Session, state_id: str) -> dict | None:
        key = (session.activity_id, _agent_key(session.actor), session.registration, state_id)
        with self.lock:
            data = self.states.get(key)
        return json.loads(data) if data else None

    def attempted_ids(self, session: Session | None = None) -> set[str]:
        """Every statement id POSTed since reset(), or ever with `session`'s credentials: a page the test
        before closed may still be sending its last batch after this test's reset()."""
        with self.lock:
            if session is not None:
                return {i for ids in session.posted for i in ids}
            return {i for ids, _ in self.posted for i in ids}
