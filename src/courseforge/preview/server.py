"""The preview's web server (127.0.0.1 unless told otherwise): the stand-in page, the course for each
standard as the last good build has it, live events, and the in-memory LRS for xAPI launches.

    /                          the stand-in LMS page (standin/index.html)
    /preview/<file>            its script and style; /preview/state, /preview/events, /preview/launch
    /course/<standard>/<path>  the player's files for that standard; its launch page redirects to
    /course/<standard>/@<version>/<path>, where the files the launch page names are cached for good
    /lrs/...                   cmi5 fetch URL and xAPI resources (lrs.py)
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import mimetypes
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import click

from courseforge.preview.credentials import CHALLENGE
from courseforge.preview.lrs import ENDING
from courseforge.render import LAUNCH

STANDIN = Path(__file__).resolve().parent / "standin"
TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".vtt": "text/vtt",
         ".mp4": "video/mp4", ".svg": "image/svg+xml", ".json": "application/json", ".xml": "application/xml"}
RANGE = re.compile(r"bytes=(\d+)-(\d*)")
KEPT = "max-age=31536000, immutable"  # a versioned file: its URL changes with its bytes


class AddressError(click.ClickException):
    """The preview cannot listen where it was asked to: one line for the user, exit status 1."""

    exit_code = 1


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, session, broker, lrs):
        # The browser keeps its HTTP/1.1 connections open, and shutdown() stops accepting new ones
        # only: a closed preview went on answering on them from its threads, so a page reconnecting
        # to a preview started again on the same port was served the old run's build and LRS.
        # Set before binding, whose failure calls server_close().
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        try:
            super().__init__(address, Handler)
        except OSError as error:
            raise _unusable(address, error) from None
        self.session, self.broker, self.lrs = session, broker, lrs
        self.asked = address[0]  # --host as typed: a name the browser will send as Host

    def process_request(self, request, client_address) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        with self.connections_lock:
            open_ = list(self.connections)
        for request in open_:
            with contextlib.suppress(OSError):  # closed by its thread meanwhile
                request.shutdown(socket.SHUT_RDWR)

    def names(self) -> frozenset[str] | None:
        """The Host values this server answers to: its address, --host as typed and, on a loopback
        address, localhost; None (any) when it listens on every address, as --host 0.0.0.0 asks.
        Another name is a page of another site whose DNS name was pointed here (DNS rebinding)."""
        host, port = self.server_address[:2]
        if host in ("0.0.0.0", "::"):
            return None
        hosts = {host, f"[{host}]", self.asked}
        if host in ("127.0.0.1", "::1"):
            hosts |= {"localhost", "127.0.0.1", "[::1]"}
        return frozenset(f"{name}:{port}" for name in hosts)

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed mid-download is normal
            super().handle_error(request, client_address)


def _object(body: bytes) -> dict | None:
    """A request's JSON object, or None: any web page open in the browser can post here (a plain-text
    POST needs no permission), and a body that was not ours printed a traceback in the terminal."""
    try:
        asked = json.loads(body or b"{}")
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        return None
    return asked if isinstance(asked, dict) else None


def _unusable(address, error: OSError) -> AddressError:
    host, port = address[:2]
    where = f"{host}:{port}" if port else host
    if isinstance(error, socket.gaierror):
        return AddressError(f"cannot serve the preview on {host}: no such host — pass --host an address "
                            "of this machine, such as 127.0.0.1 (the default)")
    if error.errno == errno.EADDRINUSE:
        return AddressError(f"cannot serve the preview on {where}: the port is in use (another preview?) — "
                            "stop what uses it, or leave out --port to take a free one")
    if error.errno == errno.EADDRNOTAVAIL:
        return AddressError(f"cannot serve the preview on {host}: not an address of this machine — "
                            "pass --host one of its addresses, such as 127.0.0.1 (the default)")
    if error.errno == errno.EACCES:
        return AddressError(f"cannot serve the preview on {where}: permission denied — "
                            "pick a port above 1023, or leave out --port to take a free one")
    return AddressError(f"cannot serve the preview on {where}: {error.strerror or error} — "
                        "try another --port or --host")


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the terminal shows builds, not hits
        pass

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PUT(self) -> None:
        self._route("PUT")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def _route(self, method: str) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self._ours(method):
            return self._send(403, b'{"error": "not a request of the preview page"}', "application/json")
        if path.startswith("/lrs/"):
            status, data = self.server.lrs.handle(method, path[len("/lrs/"):], url.query, body,
                                                  self.headers.get("Authorization") or "")
            headers = {"X-Experience-API-Version": "1.0.3"}
            if status == 401 and not self._fetched():
                headers["WWW-Authenticate"] = CHALLENGE
            return self._send(status, data, "application/json", headers)
        if path == "/preview/events" and method == "GET":
            return self._events()
        if path == "/preview/state":
            return self._send(200, json.dumps(self.server.session.state()).encode(), "application/json")
        if path == "/preview/launch" and method == "POST":
            return self._launch(_object(body))
        if path.startswith("/course/") and method == "GET":
            return self._course(path[len("/course/"):], url.query)
        if method == "GET":
            return self._standin("index.html" if path == "/" else path[len("/preview/"):]
                                 if path.startswith("/preview/") else "")
        self._send(405, b"", "text/plain")

    def _fetched(self) -> bool:
        """Whether a request is a web page's fetch (Fetch Metadata, or an Origin, says so). Answered 401
        with a Basic challenge on the page's own origin, a browser holds the request and asks for a
        password (Chromium's login dialog, over the preview), where a course on another origin than
        its LMS's LRS, as usual, just sees the 401 (Fetch: no prompt for a CORS request). The page's
        fetch gets the 401 and its JSON error without the challenge, as the course would in the LMS."""
        return self.headers.get("Sec-Fetch-Mode", "navigate") != "navigate" or "Origin" in self.headers

    def _ours(self, method: str) -> bool:
        """A request the preview's own pages made: to one of its host names (another site's page, its
        name pointed at 127.0.0.1, could otherwise read the course and the learner's data), and for a
        change (reset, launch, statements) from one of its origins, when the browser says one: any page
        open in the browser can post to 127.0.0.1 without asking."""
        names, origin = self.server.names(), self.headers.get("Origin")
        if names is None:
            return True
        if self.headers.get("Host") not in names:
            return False
        return method == "GET" or origin is None or origin in {f"http://{name}" for name in names}

    def _launch(self, asked: dict | None) -> None:
        if asked is None:
            return self._send(400, b'{"error": "the body must be a JSON object"}', "application/json")
        standard, state = asked.get("standard"), self.server.session.state()
        if state["course"] is None or standard not in [s["name"] for s in state["standards"]]:
            return self._send(409, b'{"error": "no build to launch"}', "application/json")
        # The page unloaded the AU before asking: the LMS ends its session (terminated, or abandoned
        # after ENDING) before the next launch, of whatever standard.
        params, launched, ended = {}, None, self.server.lrs.end_sessions(ENDING)
        if standard in ("cmi5", "tincan"):
            origin = f"http://{self.headers.get('Host')}"
            au = None
            if standard == "cmi5":
                # The AU of the page on show (a course of one AU per page has one for each), at the URL
                # the frame loads it from: in the build's versioned folder (the page asks for it there,
                # or for the launch page outside it, which redirects there: see _course).
                page = asked.get("page") if isinstance(asked.get("page"), str) else None
                au = self.server.session.launched_au(page)
                version = self.server.session.served(standard)[1]
                au["url"] = urljoin(f"{origin}/course/{standard}/@{version}/", au["url"])
            params, launched = self.server.lrs.launch(standard, state["course"], origin, bool(asked.get("fresh")), au)
        self._send(200, json.dumps({"params": params, "launched": launched, "ended": ended}).encode(),
                   "application/json")

    def _course(self, rest: str, query: str) -> None:
        standard, _, name = rest.partition("/")
        asked, _, inner = name.partition("/")
        if asked.startswith("@"):
            name = inner
        served = self.server.session.served(standard, launching=name in ("", LAUNCH))
        if served is None:
            return self._send(404, b"not in this build", "text/plain")
        site, version = served
        name, current = name or site.launch, asked == f"@{version}"
        if name == site.launch and not current:
            # Relative to the versioned folder, every file the launch page names is fetched once per version.
            where = f"/course/{standard}/@{version}/{site.launch}" + (f"?{query}" if query else "")
            return self._send(302, b"", "text/plain", {"Location": where})
        data = site.data(name)
        if data is None:
            return self._send(404, b"not in this build", "text/plain")
        # An older version's page may still ask for its files: it gets today's, revalidated.
        kind = TYPES.get(Path(name).suffix, mimetypes.guess_type(name)[0] or "application/octet-stream")
        self._send_file(data, kind, kept=current and name != site.launch)

    def _standin(self, name: str) -> None:
        target = (STANDIN / name).resolve()
        if not name or target.parent != STANDIN or not target.is_file():
            return self._send(404, b"", "text/plain")
        self._send(200, target.read_bytes(), TYPES.get(target.suffix, "application/octet-stream"))

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()

        def write(chunk: bytes) -> None:
            self.wfile.write(chunk)
            self.wfile.flush()
        self.close_connection = True
        self.server.broker.stream(write)

    def _send_file(self, data: bytes, kind: str, kept: bool = False) -> None:
        """A versioned file is `kept` by the browser without asking again; any other is revalidated,
        so a relaunch refetches only what a rebuild changed (and the browser keeps its compiled
        scripts). Both with validators and byte ranges: Chromium seeks in a <video> only with
        ranges, and caches a range only with a validator."""
        tag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
        cached = {"ETag": tag, "Cache-Control": KEPT if kept else "no-cache"}
        if self.headers.get("If-None-Match") == tag:
            return self._send(304, b"", kind, cached)
        wanted = RANGE.fullmatch(self.headers.get("Range", ""))
        if not wanted:
            return self._send(200, data, kind, {"Accept-Ranges": "bytes", **cached})
        start, end = int(wanted[1]), min(int(wanted[2] or len(data) - 1), len(data) - 1)
        if start > end:
            return self._send(416, b"", kind, {"Content-Range": f"bytes */{len(data)}"})
        self._send(206, data[start:end + 1], kind, {"Content-Range": f"bytes {start}-{end}/{len(data)}", **cached})

    def _send(self, status: int, data: bytes, kind: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        headers = {"Cache-Control": "no-store", **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
