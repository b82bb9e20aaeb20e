"""Errors a course author can act on: `path:line: problem — how to fix it`."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class Location:
    path: Path
    line: int | None = None

    def __str__(self) -> str:
        shown = printable(_relative(self.path))
        return f"{shown}:{self.line}" if self.line else shown


# Control characters, as a file name or a quoted value may hold them: printed raw, `\x1b[2J` clears
# the terminal and `\x1b]0;…\x07` retitles it, so a course folder could forge what a build says.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with each control character written as its escape (\\x1b, \\n), as validate prints names."""
    return CONTROL.sub(lambda found: repr(found.group())[1:-1], text) if CONTROL.search(text) else text


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
    # A warning that states a choice the author made (every rule switched off) rather than a fault:
    # `build --strict` refuses every other warning (a page left out, a scene never reached).
    notice: bool = False

    def __str__(self) -> str:
        return f"{self.location}: {printable(self.problem)} — {printable(self.hint)}"


def in_reading_order(found: list[ContentError]) -> list[ContentError]:
    """`found` file by file, in the order the files were met, and by line within each: checks run in
    passes (front matter, text, links), so the order they were found in jumps back and forth."""
    first_met: dict[Path, int] = {}
    for item in found:
        first_met.setdefault(item.location.path, len(first_met))
    return sorted(found, key=lambda item: (first_met[item.location.path], item.location.line or 0))


class ContentErrors(click.ClickException):
    """Every problem one run found, and the warnings met before it stopped; the CLI prints them all
    and exits 1."""

    exit_code = 1

    def __init__(self, errors: list[ContentError], warnings: list[ContentError] = ()):
        self.errors = in_reading_order(list(errors))
        self.warnings = in_reading_order(list(warnings))
        self.outcome = "nothing was written"  # a command that writes nothing says what it did not do
        super().__init__("\n".join(str(e) for e in self.errors))

    def show(self, file=None) -> None:
        # A page left out (saved as `.MD`) often explains the errors that follow: it is said first.
        for warning in self.warnings:
            click.echo(f"warning: {warning}", file=file, err=True)
        for error in self.errors:
            click.echo(str(error), file=file, err=True)
        count = len(self.errors)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found; {self.outcome}.", err=True)


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

    def warn(self, path: Path, line: int | None, problem: str, hint: str, notice: bool = False) -> None:
        self.warnings.append(ContentError(Location(path, line), cut(problem), cut(hint), notice))

    def raise_if_any(self) -> None:
        """Stop with every error (and the warnings so far) when there is one; else put the warnings in
        file and line order, as the errors are."""
        if self.errors:
            raise ContentErrors(self.errors, self.warnings)
        self.warnings[:] = in_reading_order(self.warnings)
