"""The course folder as someone else may hand it over: every file must really be in the project.

A link to /etc/passwd named like a lesson or an image, a `lessons/` folder linked to somewhere
else, or a named pipe that blocks the build forever are refused before any file is read. Links that
stay inside the folder are fine (authors share images between courses that way).
"""
from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
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
    folders: list[tuple[Path, frozenset[str]]] = [(folder, skip)]
    while folders:  # scandir: an entry's kind comes with its name, so a plain file costs no system call
        here, skipped = folders.pop()
        with os.scandir(here) as listing:
            entries = sorted((entry for entry in listing if entry.name not in skipped), key=lambda entry: entry.name)
        seen += len(entries)
        if seen > MAX_ENTRIES:
            problems.error(folder, None, f"the folder holds more than {MAX_ENTRIES} files",
                           "keep only the course's sources and assets in it")
            return
        inner = [Path(entry.path) for entry in entries if _check_entry(entry, root, problems)]
        folders += [(path, frozenset()) for path in reversed(inner)]  # walked in name order


def _check_entry(entry: os.DirEntry, root: Path, problems: Problems) -> bool:
    """Whether `entry` is a folder to look into (a link to a folder inside the project is not walked)."""
    if not entry.name.isascii():
        try:  # a name whose bytes are not UTF-8 reaches Python with surrogates no encoder takes
            entry.name.encode("utf-8")
        except UnicodeEncodeError:
            problems.error(Path(entry.path), None, "this name is not UTF-8 text",
                           "rename it: a package's file names, links and cache keys are UTF-8")
            return False
    try:
        if entry.is_symlink():
            path = Path(entry.path)
            if not path.resolve().is_relative_to(root):
                problems.error(path, None, "this link points outside the project",
                               "copy the file or folder here instead of linking to it")
                return False
            mode = os.stat(path).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                _not_a_file(path, problems)
            return False
        if entry.is_dir(follow_symlinks=False):
            return True
        if not entry.is_file(follow_symlinks=False):
            _not_a_file(Path(entry.path), problems)
    except OSError:
        problems.error(Path(entry.path), None, "this link points to nothing", "delete the link or restore its target")
    return False


def _not_a_file(path: Path, problems: Problems) -> None:
    problems.error(path, None, "this is not a regular file (a pipe, socket or device)",
                   "delete it; a course folder holds only files and folders")


def walk_files(folder: Path, keep: Callable[[str], bool]) -> Iterator[os.DirEntry]:
    """Every entry of `folder` and of the folders in it whose name `keep` takes, but the folders walked
    into: in name order, each folder's entries before those of its folders, as os.walk() lists them.
    Walked with a list of folders to read, not recursively (os.walk() and Path.rglob() ended in a
    RecursionError at a thousand levels). A link is never walked into: it comes as an entry, a link to a
    folder too (for the caller to judge where it leads). A folder that cannot be listed holds nothing."""
    folders = [str(folder)]
    while folders:
        try:
            with os.scandir(folders.pop()) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        inner = []
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False):
                yield entry
            elif keep(entry.name):
                inner.append(entry.path)
        folders += reversed(inner)
