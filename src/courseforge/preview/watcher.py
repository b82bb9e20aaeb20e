"""Watch a course's sources (and the project's theme overrides) with watchfiles, and call back with
the paths that changed. The caches the build writes into the project are not sources, nor are the
files editors write beside a source (Emacs auto-saves every few hundred keystrokes). Any other file
may be one (a lesson's image has any name), so it is rebuilt for; a build that makes the same course
leaves the page as it is (session.py)."""
from __future__ import annotations

import threading
from pathlib import Path

from courseforge.loader import CACHE_DIR

DEBOUNCE_MS = 30  # an editor's save is often several writes: wait this long for the last one
# A burst is over once this long passes without a new write: every save waits one to two steps, and
# an editor's writes of one save come well within it.
STEP_MS = 5
# Beside watchfiles' own (vim's swap files, backups ending in ~, Emacs' locks, JetBrains' temporary
# files): Emacs' auto-saves (#name#), Kate's swap files, the save streams of GNOME's editors, and the
# file vim writes to test a folder before it saves there.
EDITOR_FILES = (r"^#.*#$", r"\.kate-swp$", r"^\.goutputstream-", r"^4913$")


def watched_paths(course_root: Path, project: Path) -> list[Path]:
    themes = project / "themes"
    return [course_root] + ([themes] if themes.is_dir() else [])


def watch(paths: list[Path], on_change, stop: threading.Event) -> None:
    """Block until `stop` is set, calling on_change(set of paths) after each burst of changes."""
    from watchfiles import DefaultFilter, watch as watch_files

    ignore = DefaultFilter(ignore_dirs=(*DefaultFilter.ignore_dirs, CACHE_DIR, "build"),
                           ignore_entity_patterns=(*DefaultFilter.ignore_entity_patterns, *EDITOR_FILES))
    for changes in watch_files(*paths, watch_filter=ignore, debounce=DEBOUNCE_MS, step=STEP_MS, stop_event=stop,
                               raise_interrupt=False):
        on_change({Path(path) for _, path in changes})
