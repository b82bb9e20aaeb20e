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
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(STARTER, target, dirs_exist_ok=True)
    for old, new in RENAMED.items():
        (target / old).rename(target / new)
    if example is not None:
        shutil.rmtree(target / "content")
        shutil.copytree(example_dir(example), target / "content")
    return sorted(path for path in target.rglob("*") if path.is_file())


def _refuse_used(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        what = "this is a file" if not target.is_dir() else "this folder is not empty"
        raise ContentErrors([ContentError(Location(target), what,
                                          "choose a new folder name (courseforge new makes it), or empty it first")])
