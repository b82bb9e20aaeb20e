"""Errors a course author can act on: `path:line: problem — how to fix it`."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class Location:
    path: Path
    line: int | None = None

    def __str__(self) -> str:
        shown = _relative(self.path)
        return f"{shown}:{self.line}" if self.line else shown


def _relative(path: Path) -> str:
    # Authors click on paths relative to where they ran the command; elsewhere, a full path.
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


@dataclass(frozen=True)
class ContentError:
    location: Location
    problem: str
    hint: str

    def __str__(self) -> str:
        return f"{self.location}: {self.problem} — {self.hint}"


class ContentErrors(click.ClickException):
    """Every problem one run found; the CLI prints them all and exits 1."""

    exit_code = 1

    def __init__(self, errors: list[ContentError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    def show(self, file=None) -> None:
        for error in self.errors:
            click.echo(str(error), file=file, err=True)
        count = len(self.errors)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)


# A message quotes what the author wrote; a hostile or runaway value must not become megabytes of text.
MAX_PROBLEM = 300


def cut(text: str, limit: int = MAX_PROBLEM) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


class Problems:
    """Collects content errors so one run reports all of them, not only the first."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []
        self.warnings: list[ContentError] = []

    def error(self, path: Path, line: int | None, problem: str, hint: str) -> None:
        self.errors.append(ContentError(Location(path, line), cut(problem), cut(hint)))

    def warn(self, path: Path, line: int | None, problem: str, hint: str) -> None:
        self.warnings.append(ContentError(Location(path, line), cut(problem), cut(hint)))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContentErrors(self.errors)
