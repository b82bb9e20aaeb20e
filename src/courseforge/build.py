"""The pipeline, read top to bottom: load → review → media → render → package → (validated) zips in out/.

Nothing in `out` changes until every package is complete: zips are written to a staging folder
and renamed into place all together (output.py), so a failed build leaves the last good one intact.
"""
from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from courseforge import cacheseal
from courseforge.answerkey import answer_key_markdown, answers_json
from courseforge.check import check_course
from courseforge.errors import ContentError, ContentErrors, Location, in_reading_order
from courseforge.exporters import EXPORTERS
from courseforge.gcpause import collector_paused
from courseforge.loader import CACHE_DIR, load, locate
from courseforge.model import Course, Site
from courseforge.output import Output, OutputError, default_output
from courseforge.render import Pages, render, render_pages, shared_files
from courseforge.theme import Theme
from courseforge.zipwriter import deflate_cache

FORMATS = tuple(EXPORTERS)
UNWRITABLE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
# Every standard-specific runtime file; a package carries only its own standard's.
ADAPTER_FILES = frozenset(path for exporter in EXPORTERS.values() for path in exporter.RUNTIME)


@dataclass
class Prepared:
    """What every package of one build shares: the course, its theme, the files and clips."""

    course: Course
    theme: Theme
    shared: dict[str, bytes]
    clips: dict
    pages: Pages  # every page's markup, the same in every package


def build(source: Path, out: Path | None, formats: Iterable[str] = FORMATS,
          on_warning: Callable[[ContentError], None] | None = None, answer_key: bool = False,
          progress=None, strict: bool = False, processes: int | None = None) -> list[Path]:
    """Build every package of `formats` into `out`; with `answer_key`, the reviewers' files too.
    `progress` (see video.Progress) hears about scenario clips while they render; `processes` read
    the pages (default: every core for a large course; unchanged pages come from the page cache).
    The findings of `courseforge check` are warnings; with `strict`, errors, and nothing is written.
    `out` None: build/ in `source`, refused when it is a link."""
    warn = on_warning or (lambda warning: None)
    out = default_output(Path(source)) if out is None else out
    _refuse_output_among_sources(Path(source), Path(out))
    with collector_paused():
        prepared = prepare(source, warn, progress, processes, strict)
        course = prepared.course
        with Output(Path(out)) as output:
            with deflate_cache(course.project / CACHE_DIR):  # a rebuild deflates only what changed
                made = [EXPORTERS[name].export(course, site(prepared, name), output.staging) for name in formats]
            for path in made:
                _check_budget(course, path, warn)
            if answer_key:
                made += _write_answer_key(course, output.staging)
            return output.publish(made)


def _refuse_output_among_sources(source: Path, out: Path) -> None:
    """An output inside the course folder or the project's themes is read back by the next build: an
    answer key in lessons/ became a page, and every file under themes/ (last build's zips and answer
    key included) went into the packages. The course folder's own build/ is never read."""
    found = locate(source)
    if found is None:
        return  # load() says what is missing
    course_dir, project = found
    target = out.resolve()
    for folder, what in ((course_dir, "the course folder"), (project / "themes", "the project's themes")):
        inside = folder.resolve()
        if target.is_relative_to(inside) and not (folder is course_dir and target.is_relative_to(inside / "build")):
            where = "is" if target == inside else "is inside"
            raise OutputError(f"{out} {where} {what}, so the next build would read what this one writes "
                              f"— choose an output folder outside it with --out, such as {project / 'build'}")


def prepare(source: Path, warn: Callable[[ContentError], None], progress=None,
            processes: int | None = None, strict: bool = False,
            theme_for: Callable[[Course], Theme] = Theme.for_course) -> Prepared:
    """Load and review the course (ContentErrors if the author must fix something), its theme and media.
    `theme_for` may hand back a Theme kept from an earlier build (the preview's: templates compiled once)."""
    with collector_paused():
        return _prepare(source, warn, progress, processes, strict, theme_for)


def _prepare(source: Path, warn, progress, processes: int | None, strict: bool, theme_for) -> Prepared:
    from courseforge import clipprune

    clipprune.size_cap()  # a cap that is not a number stops the build now, not once its clips are rendered
    course = load(Path(source), processes=processes)
    try:
        findings = check_course(course).findings
    except ContentErrors as stopped:  # a `check: ignore` naming no rule: the load's warnings (a page left out) first
        stopped.warnings = in_reading_order([*course.warnings, *stopped.warnings])
        raise
    if strict:  # a page left out or a scene never reached ships a course short of what was written
        refused = [warning for warning in course.warnings if not warning.notice]
        if refused or findings:
            raise ContentErrors(refused + [found.as_error() for found in findings],
                                [warning for warning in course.warnings if warning.notice])
    for warning in course.warnings:
        warn(warning)
    _warn_unkept_key(course, warn)  # the machine's, not the course's: never refused by --strict
    for found in findings:
        warn(found)
    theme = theme_for(course)
    shared = shared_files(course, theme)
    clips = _render_media(course, shared, warn, progress)
    return Prepared(course, theme, shared, clips, render_pages(course, theme, clips))


def site(prepared: Prepared, standard: str) -> Site:
    """The player's files for one standard (what `preview` serves and an exporter zips)."""
    runtime = EXPORTERS[standard].RUNTIME
    files = {path: data for path, data in prepared.shared.items() if path not in ADAPTER_FILES or path in runtime}
    return render(prepared.course, prepared.theme, standard, files, runtime, prepared.clips, prepared.pages)


def _render_media(course, shared: dict[str, bytes], warn, progress) -> dict:
    """Scenario clips, rendered (or taken from the cache) once for every package."""
    if not course.scenarios:
        _prune_clips(course.project / CACHE_DIR, progress)
        return {}
    from courseforge.cliptiming import VideoSettings
    from courseforge.video import render_media  # moviepy is heavy: only when needed

    width, height = course.config.video_size
    settings, cache = VideoSettings(width=width, height=height), course.project / CACHE_DIR
    try:
        media = render_media(course.scenarios, settings, cache, progress=progress)
    except OSError as error:
        if not _in_unwritable(cache, error):
            raise
        # A project on a read-only volume (a CI checkout mounted :ro) still builds, like its pages
        # do: its clips are rendered in a cache of this build's own, and nothing is kept.
        warn(ContentError(Location(cache), f"the clip cache cannot be written ({error.strerror})",
                          "every clip is rendered again at each build; make the project writable to keep them"))
        with tempfile.TemporaryDirectory(prefix="courseforge-clips-") as scratch:
            media = render_media(course.scenarios, settings, Path(scratch), progress=progress)
    for warning in media.warnings:
        warn(warning)
    shared.update(media)
    return media.clips


def _prune_clips(cache: Path, progress) -> None:
    """The clips of scenarios the course no longer has go too, once a week unused or when the cache is
    above its cap (clipprune.py); without importing the video modules a course without scenarios never needs."""
    from courseforge import clipprune

    store = cache / "video"
    if cache.is_symlink() or store.is_symlink() or not store.is_dir():
        return  # no clip cache, or one that is a link: nothing is removed through it
    pruned = clipprune.prune(store, set())
    if progress is not None:
        clipprune.tell(pruned, store, progress)


def _warn_unkept_key(course, warn) -> None:
    """A key that cannot be kept seals caches no later build can open: say so, or every build renders
    every clip and page again with no word why."""
    reason = cacheseal.key_unkept()
    if reason is not None:
        where = cacheseal.key_path() or course.project
        warn(ContentError(Location(where), f"courseforge cannot keep its cache key ({reason})",
                          "nothing is reused from one build to the next, so every page and clip is made again: "
                          "set XDG_CACHE_HOME to a folder of yours that can be written"))


def _in_unwritable(folder: Path, error: OSError) -> bool:
    """Whether `error` is a refusal to write under `folder` (not, say, a voice program that cannot run)."""
    if error.errno not in UNWRITABLE or not isinstance(error.filename, str):
        return False
    return Path(os.path.abspath(error.filename)).is_relative_to(os.path.abspath(folder))


def _check_budget(course, package: Path, warn) -> None:
    size_mb = package.stat().st_size / 1_000_000
    budget = course.config.package_budget_mb
    if size_mb > budget:
        warn(ContentError(Location(course.root / "course.yml"),
                          f"{package.name} is {size_mb:.1f} MB, over the {budget} MB package budget",
                          "many LMSs refuse large uploads: shorten or shrink the videos (video_size), "
                          "or raise package_budget_mb if your LMS accepts it"))


def _write_answer_key(course, folder: Path) -> list[Path]:
    key, answers = folder / "answer-key.md", folder / "answers.json"
    key.write_bytes(answer_key_markdown(course))
    answers.write_bytes(answers_json(course))
    return [key, answers]
