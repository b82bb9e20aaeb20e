"""The course as the preview serves it: the last good build, its sites per standard, and the errors
of the last failed build. Rebuilding goes through build.prepare, so only what changed is redone:
unchanged pages come from the page cache and unchanged scenes from the clip cache."""
from __future__ import annotations

import threading
import time
import traceback
from pathlib import Path

from courseforge.build import Prepared, prepare, site
from courseforge.errors import ContentErrors
from courseforge.model import Site

# How the stand-in page launches each standard; a standard the exporters gain shows up in the
# preview's switch once it has an entry here (and the stand-in knows its kind).
LAUNCH_KINDS = {"scorm12": "scorm12", "scorm2004": "scorm2004", "cmi5": "cmi5", "tincan": "tincan"}


def standards() -> list[str]:
    from courseforge.exporters import EXPORTERS

    return [name for name in EXPORTERS if name in LAUNCH_KINDS]


class Session:
    def __init__(self, source: Path, report=print):
        self.source = Path(source)
        self.report = report  # (text, is_error) → the terminal
        self.prepared: Prepared | None = None
        self.sites: dict[str, Site] = {}
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.number = 0  # of the last good build
        self.lock = threading.Lock()

    def rebuild(self) -> bool:
        """Build again; True when it worked. On failure the last good build stays served."""
        started, warnings = time.perf_counter(), []
        try:
            prepared = prepare(self.source, lambda warning: warnings.append(str(warning)))
        except ContentErrors as exc:
            return self._failed([str(error) for error in exc.errors])
        except Exception as exc:  # a bug, not the author's mistake: say so, keep serving
            self.report(traceback.format_exc(), True)
            return self._failed([f"courseforge failed: {exc!r} — please report it; the last good build is shown"])
        # The standards in use are rendered now, not on the page's first request after the reload.
        sites = {name: site(prepared, name) for name in self.sites}
        with self.lock:
            self.prepared, self.sites, self.errors, self.warnings = prepared, sites, [], warnings
            self.number += 1
        for warning in warnings:
            self.report(f"warning: {warning}", True)
        self.report(f"built in {time.perf_counter() - started:.2f} s", False)
        return True

    def _failed(self, errors: list[str]) -> bool:
        with self.lock:
            self.errors = errors
        for error in errors:
            self.report(error, True)
        self.report(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found; still showing the last good build",
                    True)
        return False

    def site(self, standard: str) -> Site | None:
        """The player for `standard`, rendered on first use after each build."""
        with self.lock:
            prepared = self.prepared
            if prepared is None or standard not in standards():
                return None
            if standard not in self.sites:
                self.sites[standard] = site(prepared, standard)
            return self.sites[standard]

    def state(self) -> dict:
        with self.lock:
            course = self.prepared.course if self.prepared else None
            return {
                "build": self.number, "errors": self.errors, "warnings": self.warnings,
                "standards": [{"name": name, "kind": LAUNCH_KINDS[name]} for name in standards()],
                "course": {"id": course.id, "title": course.title, "iri": course.iri,
                           "masteryScore": course.config.mastery_score} if course else None,
            }
