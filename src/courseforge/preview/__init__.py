"""`courseforge preview`: build, serve in a stand-in LMS page, rebuild and reload on every save.

    source files ──watcher.py──▶ Session.rebuild (build.prepare: caches keep it incremental)
                                     │ ok: "reload" event          │ content error: "error" event,
                                     ▼                              ▼ the last good build stays served
    server.py ── /course/<standard>/@<version>/… (session.py) ── events.py (SSE) ──▶ standin/ page:
    player in a frame, the LMS's view beside it (lms.js: SCORM API; lrs.py: xAPI statements)
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

from courseforge.errors import ContentErrors
from courseforge.loader import locate, no_course
from courseforge.preview.events import Broker
from courseforge.preview.lrs import MemoryLRS
from courseforge.preview.server import PreviewServer
from courseforge.preview.session import Session
from courseforge.preview.watcher import watch, watched_paths


class Preview:
    def __init__(self, source: Path, host: str = "127.0.0.1", port: int = 0, report=None, progress=None):
        found = locate(Path(source))
        if found is None:
            stopped = ContentErrors([no_course(Path(source))])
            stopped.outcome = "the preview did not start"
            raise stopped
        self.course_root, self.project = found[0].resolve(), found[1].resolve()
        self.report = report or (lambda text, is_error: None)
        self.session = Session(Path(source), self.report, progress)
        self.broker = Broker()
        self.lrs = MemoryLRS(lambda statement: self.broker.publish("statement", statement),
                             lambda refusal: self.broker.publish("refused", refusal))
        self.server = PreviewServer((host, port), self.session, self.broker, self.lrs)
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> "Preview":
        """Build once, then serve and watch in background threads."""
        self.session.rebuild()
        paths = watched_paths(self.course_root, self.project)
        for target, args in ((self.server.serve_forever, ()), (watch, (paths, self.changed, self.stopping))):
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def changed(self, paths: set[Path]) -> None:
        started = time.perf_counter()
        names = ", ".join(sorted(_shown(path, self.project) for path in paths))
        self.report(f"changed: {names}", False)
        if self.session.rebuild(paths):
            # A build that changed nothing on show leaves the page as it is: a video playing, an
            # answer half given and the place in a long page stay.
            event = "unchanged" if self.session.same_as_before else "reload"
            self.broker.publish(event, {**self.session.state(), "seconds": time.perf_counter() - started})
        else:
            self.broker.publish("problems", self.session.state())

    def close(self) -> None:
        self.stopping.set()
        self.broker.close()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


def _shown(path: Path, project: Path) -> str:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)
