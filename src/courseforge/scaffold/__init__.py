"""`courseforge new`: a starter project that builds on the first try, or a copy of a shipped example.

The starter lives beside this module in `course/` (package data); the examples are the courses
this repository ships (`content/` at its root), carried by the wheel under `courseforge/examples/`.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from courseforge.errors import ContentError, ContentErrors, Location

STARTER = Path(__file__).resolve().parent / "course"
# Files named without their dot: a dotted name would act on this repository (or be left out of the wheel).
RENAMED = {"gitignore": ".gitignore"}
EXAMPLES = ("empathy",)


def example_dir(name: str) -> Path:
    """The shipped course `name`: inside the wheel, or at the repository root in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "examples" / name, package.parent.parent / "content"):
        if (candidate / "course.yml").is_file():
            return candidate
    raise RuntimeError(f"courseforge is installed without its {name!r} example; reinstall the package")


def create(target: Path, example: str | None = None) -> list[Path]:
    """Write a new project into `target` (absent or empty); returns the files written."""
    target = Path(target)
    _refuse_used(target)
    made = not target.exists()
    try:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copytree(STARTER, target, dirs_exist_ok=True)
        for old, new in RENAMED.items():
            (target / old).rename(target / new)
        if example is not None:
            shutil.rmtree(target / "content")
            shutil.copytree(example_dir(example), target / "content")
    except OSError as error:
        _take_back(target, made)  # a half-made project would be refused by the next `new` as not empty
        reason = error.strerror or "some files could not be copied"
        raise ContentErrors([ContentError(Location(target), f"cannot write the project here: {reason}",
                                          "choose a folder you can write to")]) from None
    return sorted(path for path in target.rglob("*") if path.is_file())


def _refuse_used(target: Path) -> None:
    if target.is_symlink() and not target.exists():
        raise ContentErrors([ContentError(Location(target), "this is a link to nothing",
                                          "choose a new folder name, or delete the link first")])
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        what = "this is a file" if not target.is_dir() else "this folder is not empty"
        raise ContentErrors([ContentError(Location(target), what,
                                          "choose a new folder name (courseforge new makes it), or empty it first")])


def _take_back(target: Path, made: bool) -> None:
    """Leave `target` as it was: absent, or the empty folder it was."""
    if made:
        shutil.rmtree(target, ignore_errors=True)
        return
    for path in target.iterdir() if target.is_dir() else ():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
