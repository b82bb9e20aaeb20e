"""Helpers for the end-to-end tests (imported by conftest.py and the test modules): the loopback
web server, the browser-context watch, package building and axe-core."""
from __future__ import annotations

import http.server
import io
import json
import os
import re
import shutil
import sys
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

E2E = Path(__file__).resolve().parent
REPO = E2E.parent.parent
CONTENT = REPO / "content"
NODE_MODULES = REPO / "node_modules"
STANDARDS = REPO / "src" / "courseforge" / "schemas"  # the published schemas, as shipped
SCORM_AGAIN = NODE_MODULES / "scorm-again" / "dist" / "scorm12.min.js"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("COURSEFORGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOST = "127.0.0.1"
SESSION_TIME = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
# API functions whose error code is checked after every call (the error readers themselves aside).
TRACKED = {"LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit"}


def require(condition: bool, message: str) -> None:
    if not condition:
        pytest.fail(message, pytrace=False)


# Web server (127.0.0.1 only, random free port)

class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A browser that closes a page mid-download resets the connection: not a test failure.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class StaticFiles(http.server.SimpleHTTPRequestHandler):
    """Files as a real web server serves them: never cached, byte ranges, quiet. Subclasses map paths."""

    # no-store also keeps every page out of the back/forward cache; tests/e2e/test_bfcache.py serves
    # them "no-cache" (revalidated, as many LMSs serve content) to let it in.
    cache_control = "no-store"

    def end_headers(self) -> None:
        self.send_header("Cache-Control", self.cache_control)
        super().end_headers()

    def send_head(self):
        # Byte ranges, as every real web server answers them: Chromium seeks in a <video> only then.
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not wanted or not path.is_file():
            return super().send_head()
        data = path.read_bytes()
        start, end = int(wanted[1]), min(int(wanted[2] or len(data) - 1), len(data) - 1)
        if start > end:
            self.send_error(416)
            return None
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return io.BytesIO(data[start:end + 1])

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet test output
        """Test output stays readable; failures show up in the tests' own checks."""


class _Handler(StaticFiles):
    mounts: dict[str, Path] = {}
    commits: list[dict] = []  # the same list as Server.commits

    def do_POST(self) -> None:  # noqa: N802 - scorm-again's lmsCommitUrl (lms.html)
        if urlsplit(self.path).path != "/lms/commit":
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.commits.append(json.loads(body))
        answer = json.dumps({"result": True, "errorCode": 0}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        for prefix in sorted(self.mounts, key=len, reverse=True):
            if path.startswith(prefix):
                base = self.mounts[prefix].resolve()
                target = (base / path[len(prefix):]).resolve()
                if target == base or base in target.parents:
                    return str(target)
        return str(Path(os.devnull) / "not-mounted")


class Server:
    # Every body scorm-again POSTed to /lms/commit (LMSCommit, and LMSFinish's beacon), in arrival order.
    commits: list[dict] = []

    def __init__(self) -> None:
        self.mounts: dict[str, Path] = {"/lms/": E2E, "/node_modules/": NODE_MODULES}
        handler = type("Handler", (_Handler,), {"mounts": self.mounts, "commits": Server.commits})
        self.httpd = _QuietServer((HOST, 0), handler)
        self.port = self.httpd.server_address[1]
        self.origin = f"http://{HOST}:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def mount(self, name: str, folder: Path) -> str:
        """Serve `folder` under /pkg/<name>/ and return its URL path."""
        prefix = f"/pkg/{name}/"
        self.mounts[prefix] = Path(folder)
        return prefix

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Watch:
    """Everything a browser context did that a test must not accept."""

    origin: str | None
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"console error: {m}" for m in self.console_errors]
                + [f"page error: {m}" for m in self.page_errors]
                + [f"failed request: {m}" for m in self.failed]
                + [f"request outside {self.origin or 'file://'}: {m}" for m in self.foreign])

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "\n".join(problems)


def _local(url: str, origin: str | None) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return True
    if origin is None:
        return url.startswith("file://")
    return url == origin or url.startswith(origin + "/")


def watched_context(browser, origin: str | None, **options):
    context = browser.new_context(**options)
    watch = Watch(origin)

    def on_console(message):
        if message.type == "error":
            watch.console_errors.append(message.text)

    def on_route(route):
        url = route.request.url
        watch.requests.append(url)
        if _local(url, origin):
            route.continue_()
        else:
            watch.foreign.append(url)
            route.abort()

    def on_response(response):
        if response.status >= 400:
            watch.failed.append(f"{response.status} {response.url}")

    context.on("console", on_console)
    context.on("weberror", lambda error: watch.page_errors.append(str(error.error)))
    def on_failed(request):
        # ERR_ABORTED is the browser cancelling a load because the test left the page (or our
        # route refused a foreign URL, which `foreign` records); a missing file shows as a 4xx.
        if request.failure != "net::ERR_ABORTED":
            watch.failed.append(f"{request.failure} {request.url}")

    context.on("requestfailed", on_failed)
    context.on("response", on_response)
    context.route("**/*", on_route)
    return context, watch


def build_package(source: Path, out: Path, answer_key: bool = False) -> Path:
    """The SCORM 1.2 zip; with `answer_key`, answers.json is written beside it (out/answers.json)."""
    try:
        from courseforge.build import build
    except ImportError as exc:  # pragma: no cover - environment problem
        pytest.fail(f"courseforge is not importable ({exc}): `pip install -e .[test]`", pytrace=False)
    zips = [p for p in build(source, out, formats=("scorm12",), answer_key=answer_key) if p.suffix == ".zip"]
    assert len(zips) == 1 and zips[0].name.endswith("-scorm12.zip"), zips
    return zips[0]


def unzip(zip_path: Path, folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    return folder


@dataclass
class Package:
    zip: Path
    folder: Path
    url: str  # launch URL path on the server, e.g. /pkg/shipped/index.html
    lesson_ids: list[str]


def lesson_ids(folder: Path) -> list[str]:
    html = (folder / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<section class="lesson[^"]*" id="lesson-[^"]+" data-lesson-id="([^"]+)"', html)


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(frame) -> list[dict]:
    """Run axe-core inside `frame` (a Playwright Page or Frame) with the WCAG 2.1 A/AA tags."""
    if not frame.evaluate("typeof window.axe !== 'undefined'"):
        frame.add_script_tag(path=str(AXE))
    return frame.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
            .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})))""",
        WCAG_TAGS,
    )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n}" for n in v["nodes"][:10]]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Driving the test LMS and the player

READY = "() => !!(window.Courseforge && Courseforge.player && Courseforge.player.ready)"


def open_lms(context, server):
    page = context.new_page()
    page.goto(server.origin + "/lms/lms.html")
    return page


def begin(sco) -> None:
    """Past the cover, as a learner: its main button (Start, or Continue at the saved page)."""
    sco.click("#cf-start")
    sco.wait_for_function("() => document.getElementById('cf-cover').hidden")


def launch(page, package: Package, mode: str = "iframe", preload: dict | None = None, cover: bool = False):
    """Start the SCO from the LMS page; returns the Frame (iframe) or Page (popup) it runs in, past
    the cover unless `cover`."""
    options = {"sco": package.url, "mode": mode, "preload": preload}
    if mode == "popup":
        with page.expect_popup() as popup_info:
            page.evaluate("options => cfLMS.launch(options)", options)
        sco = popup_info.value
    else:
        page.evaluate("options => cfLMS.launch(options)", options)
        sco = page.wait_for_selector("#sco").content_frame()
    sco.wait_for_function(READY)
    if not cover:
        begin(sco)
    return sco


def calls(page) -> list[dict]:
    return page.evaluate("cfLMS.calls")


def last_set(page, element: str):
    return page.evaluate("element => cfLMS.lastSet(element)", element)


def visible_lesson(sco) -> str:
    return sco.evaluate("document.querySelector('section.lesson:not([hidden])').dataset.lessonId")


def viewed_ids(sco) -> list[str]:
    return sco.evaluate(
        "[...document.querySelectorAll('.cf-menu-item.is-viewed a')]"
        ".map(a => a.getAttribute('href').slice('#lesson-'.length))")


def progress_text(sco) -> str:
    return sco.inner_text("#cf-progress-text").strip()


def wait_for_call(page, fn: str) -> None:
    page.wait_for_function("fn => cfLMS.calls.some(c => c.fn === fn)", arg=fn)


def wait_for_commits(page, until, timeout: float) -> list[dict]:
    """Server.commits once `until(commits)` is true, or as they are when `timeout` seconds ran out.

    Waits with page.wait_for_timeout, never time.sleep: watched_context routes every request through
    Python, and Playwright hands a request to its route only while the test is inside a Playwright
    call. A beacon the browser sends after the test's last call (scorm-again's LMSFinish or Terminate
    commit, late on a busy machine) would wait in its route for as long as the test slept."""
    deadline = time.monotonic() + timeout
    while not until(Server.commits) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    return list(Server.commits)
