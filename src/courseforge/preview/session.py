"""The course as the preview serves it: the last good build, its sites per standard, and the errors
of the last failed build. Rebuilding goes through build.prepare, so only what changed is redone:
unchanged pages come from the page cache and unchanged scenes from the clip cache; the theme, its
templates compiled, is kept until one of its files changes; the standards on show are rendered
with the build, the others when asked for."""
from __future__ import annotations

import secrets
import threading
import time
import traceback
from dataclasses import replace
from pathlib import Path

import click
from lxml import etree

from courseforge.build import Prepared, prepare, site
from courseforge.errors import (LISTED_BY_CHECK, LISTED_BY_JSON, SHOWN_ERRORS, SHOWN_WARNINGS, ContentErrors,
                               WarningLines, hidden_warnings, more_problems, more_warnings)
from courseforge.model import Course, Quiz, Scenario, Site
from courseforge.theme import Theme

# How the stand-in page launches each standard; a standard the exporters gain shows up in the
# preview's switch once it has an entry here (and the stand-in knows its kind).
LAUNCH_KINDS = {"scorm12": "scorm12", "scorm2004": "scorm2004", "cmi5": "cmi5", "tincan": "tincan"}


def standards() -> list[str]:
    from courseforge.exporters import EXPORTERS

    return [name for name in EXPORTERS if name in LAUNCH_KINDS]


class Session:
    def __init__(self, source: Path, report=print, progress=None):
        self.source = Path(source)
        self.report = report  # (text, is_error) → the terminal
        # () → a video.Progress for one build: a first preview of a course with scenarios renders
        # its clips for a minute before the page is served, and said nothing meanwhile.
        self.progress = progress
        self.prepared: Prepared | None = None
        self.sites: dict[str, Site] = {}
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.hidden: dict[str, int] = {}  # how many warnings of each rule the page is not shown
        self.number = 0  # of the last good build
        self.lock = threading.Lock()
        # standard → (version, the site's files but its launch page): the version names those files
        # in the URLs the player is served at, so the browser keeps them for good and a relaunch
        # after a lesson's edit fetches the launch page alone. Unique to this process: a browser's
        # cache outlives a preview, and a restarted one counts from 1 again.
        self.versions: dict[str, tuple[str, dict[str, bytes]]] = {}
        self.made = 0
        self.nonce = secrets.token_hex(4)
        self.theme: Theme | None = None  # kept between builds: its templates are compiled once
        # The standards whose launch page was asked for since the last build (the ones on show), and
        # those rendered with it: a rebuild renders these before it says so, any other on request.
        self.launched: set[str] = set()
        self.shown: set[str] = set()
        # Whether the last good build made the very files of the one before it, for every standard on
        # show (a save without an edit, a file no page uses): the page need not reload.
        self.same_as_before = False

    def rebuild(self, changed: set[Path] | None = None) -> bool:
        """Build again after `changed` (None: anything may have); True when it worked. On failure
        the last good build stays served."""
        started, warnings = time.perf_counter(), []  # as heard, each a ContentError or a check finding
        if changed is None or self.theme is not None and _touches(changed, self.theme.dirs):
            # Jinja notices a compiled template's edits, not a template added in front of it.
            self.theme = None
        with self.lock:
            self.shown, self.launched = self.launched or self.shown, set()
            # The standards on show are rendered now, not on the page's first request after the
            # reload; before any is shown, one is, so that a theme's template error shows too.
            eager = sorted(self.shown) or standards()[:1]
        try:
            prepared = prepare(self.source, warnings.append, self.progress() if self.progress else None,
                               theme_for=self._theme)
            sites = {name: site(prepared, name) for name in eager}
        except ContentErrors as exc:  # the warnings met before it stopped often explain it (a page left out)
            # Those the loader raised with, and those heard before a later step stopped (a page left
            # out, then a `check: ignore` comment naming no rule).
            met = list({str(warning): warning for warning in [*warnings, *exc.warnings]}.values())
            return self._failed([str(error) for error in exc.errors], met)
        except click.ClickException as exc:  # a clip ffmpeg cut short, an unwritable cache…: said as build says it
            return self._failed([exc.format_message()], warnings)
        except Exception as exc:  # a bug, not the author's mistake: say so, keep serving
            self.report(traceback.format_exc(), True)
            return self._failed([f"courseforge failed: {exc!r} — please report it with the terminal's traceback"],
                                warnings)
        with self.lock:
            # After a failed build the page shows its problems: it reloads to show the course again. The
            # course's settings count beside its files: some are the LMS's alone (the activity IRI, an AU
            # a page), which a launch takes from course.yml as an LMS takes them from the package.
            self.same_as_before = not self.errors and self.prepared is not None and \
                prepared.course.config == self.prepared.course.config and all(
                    name in self.sites and self.sites[name].files == made.files for name, made in sites.items())
            self.prepared, self.sites, self.errors = prepared, sites, []
            self.warnings, self.hidden = [str(warning) for warning in warnings], hidden_warnings(warnings)
            self.number += 1
            for name, made in sites.items():
                self._version(name, made)
        said = WarningLines(lambda line: self.report(line, True))
        for warning in warnings:
            said.show(warning)
        said.close()
        same = ", the same course as before" if self.same_as_before else ""
        self.report(f"built in {time.perf_counter() - started:.2f} s{same}", False)
        return True

    def _theme(self, course: Course) -> Theme:
        """The last build's Theme while the course uses the same theme folders."""
        fresh = Theme.for_course(course)
        if self.theme is None or self.theme.dirs != fresh.dirs:
            self.theme = fresh
        return self.theme

    def _failed(self, errors: list[str], warnings: list = ()) -> bool:
        with self.lock:
            # The page shows the last save's warnings beside its errors, as the terminal does.
            self.errors, self.warnings = errors, [str(warning) for warning in warnings]
            self.hidden = hidden_warnings(list(warnings))
            built = self.prepared is not None
        said = WarningLines(lambda line: self.report(line, True), LISTED_BY_JSON)
        for warning in warnings:
            said.show(warning)
        said.close()
        for error in errors[:SHOWN_ERRORS]:
            self.report(error, True)
        if len(errors) > SHOWN_ERRORS:
            self.report(more_problems(len(errors) - SHOWN_ERRORS, "save again"), True)
        shown = "still showing the last good build" if built else "nothing to show until the course builds"
        self.report(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found; {shown}", True)
        return False

    def site(self, standard: str) -> Site | None:
        """The player for `standard`, rendered on first use after each build."""
        served = self.served(standard)
        return served[0] if served else None

    def served(self, standard: str, launching: bool = False) -> tuple[Site, str] | None:
        """The player for `standard` and the version of its files other than the launch page;
        `launching`: its launch page is asked for."""
        with self.lock:
            prepared = self.prepared
            if prepared is None or standard not in standards():
                return None
            if launching:
                self.launched.add(standard)
            if standard not in self.sites:
                self.sites[standard] = site(prepared, standard)
                self._version(standard, self.sites[standard])
            return self.sites[standard], self.versions[standard][0]

    def _version(self, standard: str, made: Site) -> None:
        files = {path: data for path, data in made.files.items() if path != made.launch}
        kept = self.versions.get(standard)
        if kept is None or kept[1] != files:
            self.made += 1
            kept = (f"{self.nonce}-{self.made}", files)
        self.versions[standard] = (kept[0], files)

    def launched_au(self, page: str | None = None) -> dict | None:
        """What cmi5.xml declares for the AU an LMS launches to show `page`: id, url, title, language,
        moveOn, launchMethod, masteryScore (0..1 or None) and launchParameters (or None), read from the
        descriptor a build writes, so the LMS's launch data says what a real LMS would take from it.
        A course of one AU per page launches the AU of `page` (the first page's for a page it has no
        AU of, or none given); any other course, its one AU."""
        from courseforge.exporters import cmi5

        with self.lock:
            course = self.prepared.course if self.prepared else None
        if course is None:
            return None
        if course.config.cmi5_au_per_lesson:
            # A page's AU is made of that page alone (exporters/cmi5.py), so the cmi5.xml of a course of
            # that one page declares it as the whole course's does: that took 0.14 s of CPU at each
            # launch of a course of 5000 pages (tests/test_preview.py holds the two the same).
            shown = next((one for one in course.sequence if one.id == page), course.sequence[0])
            kind = "quizzes" if isinstance(shown, Quiz) else "scenarios" if isinstance(shown, Scenario) else "lessons"
            course = replace(course, **{"lessons": [], "scenarios": [], "quizzes": [], kind: [shown]})
        au = etree.fromstring(cmi5.structure(course)).find(f"{{{cmi5.CMI5_NS}}}au")
        mastery, title = au.get("masteryScore"), au.find(f"{{{cmi5.CMI5_NS}}}title/{{{cmi5.CMI5_NS}}}langstring")
        return {"id": au.get("id"), "url": au.findtext(f"{{{cmi5.CMI5_NS}}}url").strip(),
                "title": title.text, "language": title.get("lang"),
                "moveOn": au.get("moveOn"), "launchMethod": au.get("launchMethod"),
                "masteryScore": None if mastery is None else float(mastery),
                "launchParameters": au.findtext(f"{{{cmi5.CMI5_NS}}}launchParameters")}

    def state(self) -> dict:
        with self.lock:
            course = self.prepared.course if self.prepared else None
            return {
                # `run`, this process's own: a page that reconnects to a preview started again relaunches,
                # its course's LMS data (the LRS's sessions above all) being the old process's.
                "run": self.nonce, "build": self.number,
                # The first of the errors and warnings, as the terminal shows them (errors.SHOWN_…),
                # each list then counted whole and its rest said in one line: a course of 5 000 bad
                # pages sent 5 000 lines to each open page at every save, to make a list of them.
                "errors": self.errors[:SHOWN_ERRORS], "errorCount": len(self.errors),
                "moreErrors": more_problems(len(self.errors) - SHOWN_ERRORS, "save again")
                if len(self.errors) > SHOWN_ERRORS else None,
                "warnings": self.warnings[:SHOWN_WARNINGS], "warningCount": len(self.warnings),
                "moreWarnings": more_warnings(self.hidden, LISTED_BY_JSON if self.errors else LISTED_BY_CHECK)
                if self.hidden else None,
                "standards": [{"name": name, "kind": LAUNCH_KINDS[name], "version": self.versions.get(name, [None])[0]}
                              for name in standards()],
                "course": {"id": course.id, "title": course.title, "iri": course.iri,
                           "masteryScore": course.pass_mark,
                           # A course of one AU per page: the AUs an LMS lists, by page (id, title), for
                           # the stand-in's choice; a launch of one shows that page alone (player.js).
                           "aus": [[page.id, page.title] for page in course.sequence]
                           if course.config.cmi5_au_per_lesson else None} if course else None,
            }


def _touches(changed: set[Path], folders: list[Path]) -> bool:
    """Whether a change is in one of `folders`, or is a folder holding one (moved, say)."""
    roots = [folder.resolve() for folder in folders]
    for path in changed:
        path = path.resolve()
        if any(path.is_relative_to(root) or root.is_relative_to(path) for root in roots):
            return True
    return False
