"""The course folder as someone else may hand it over: every file must really be in the project.

A link to /etc/passwd named like a lesson or an image, a `lessons/` folder linked to somewhere
else, or a named pipe that blocks the build forever are refused before any file is read. Links that
stay inside the folder are fine (authors share images between courses that way).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from courseforge.errors import Problems

# Folders of ours that may sit in the course folder when it is also the project (no content/).
OURS = frozenset({"build", ".courseforge-cache", ".git", "node_modules"})
MAX_ENTRIES = 100_000


def check_folder(folder: Path, project: Path, problems: Problems, skip: frozenset[str] = OURS) -> None:
    """Report every link in `folder` that leaves the project and every entry that is no file or folder."""
    root = project.resolve()
    if not folder.resolve().is_relative_to(root):
        problems.error(folder, None, "the course folder is a link to somewhere outside the project",
                       "move the course into the project instead of linking to it")
        return
    seen = 0
    for parent, dirs, files in os.walk(folder):
        here = Path(parent)
        if here == folder:
            dirs[:] = [d for d in dirs if d not in skip]
        seen += len(dirs) + len(files)
        if seen > MAX_ENTRIES:
            problems.error(folder, None, f"the folder holds more than {MAX_ENTRIES} files",
                           "keep only the course's sources and assets in it")
            return
        for name in [*dirs, *files]:
            _check_entry(here / name, root, problems)


def _check_entry(path: Path, root: Path, problems: Problems) -> None:
    try:
        mode = os.lstat(path).st_mode  # one call for the usual entry, no link: a large course has thousands
        if stat.S_ISLNK(mode):
            if not path.resolve().is_relative_to(root):
                problems.error(path, None, "this link points outside the project",
                               "copy the file or folder here instead of linking to it")
                return
            mode = os.stat(path).st_mode
    except OSError:
        problems.error(path, None, "this link points to nothing", "delete the link or restore its target")
        return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        problems.error(path, None, "this is not a regular file (a pipe, socket or device)",
                       "delete it; a course folder holds only files and folders")
