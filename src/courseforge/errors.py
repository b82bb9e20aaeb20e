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


# A run that stops shows its first SHOWN_ERRORS errors in reading order and counts the rest: a course of
# 5 000 lessons, each with a bad front matter, printed 5 000 lines, and the first ones (those an author
# fixes first, and the ones a later error often follows from) scrolled out of the terminal. Fifty is a
# screenful or two, and more fixes than one sitting makes before building again.
SHOWN_ERRORS = 50
# Warnings come before a build's own lines (before the errors, when it stops: a page left out often
# explains them), so fewer: a course that breaks one rule on every page (15 000 warnings) would bury
# those lines. `courseforge check` lists every one (`check --json`, when the course has errors too).
SHOWN_WARNINGS = 25


def more_problems(count: int, again: str) -> str:
    """The line that stands for the errors past SHOWN_ERRORS."""
    return f"… and {count} more problem{'s' if count != 1 else ''} — fix these and {again}"


LISTED_BY_CHECK = "run `courseforge check` to list them all"
LISTED_BY_JSON = "`courseforge check --json` lists them all"  # when the course has errors, check stops too


def more_warnings(hidden: dict[str, int], listed_by: str = LISTED_BY_CHECK) -> str:
    """The line that stands for the warnings past SHOWN_WARNINGS: `hidden`, how many of each rule."""
    count = sum(hidden.values())
    rules = sorted(hidden.items(), key=lambda item: (-item[1], item[0]))
    kinds = ", ".join(f"{number} {rule}" for rule, number in rules[:4]) + (", …" if len(rules) > 4 else "")
    return f"{count} more warning{'s' if count != 1 else ''} ({kinds}) — {listed_by}"


def rule_of(warning) -> str:
    return getattr(warning, "rule", "files")  # a loader warning (a page left out…) has no rule


def hidden_warnings(warnings: list) -> dict[str, int]:
    """How many of each rule `warnings` holds past the first SHOWN_WARNINGS."""
    hidden: dict[str, int] = {}
    for warning in warnings[SHOWN_WARNINGS:]:
        hidden[rule_of(warning)] = hidden.get(rule_of(warning), 0) + 1
    return hidden


class WarningLines:
    """A run's warnings as they come, the first SHOWN_WARNINGS of them in full; the rest counted by rule
    in one closing line. `echo`: (line) → wherever the run says things; `listed_by`: where to see all."""

    SHOWN = SHOWN_WARNINGS

    def __init__(self, echo=lambda line: click.echo(line, err=True), listed_by: str = LISTED_BY_CHECK) -> None:
        self.echo, self.listed_by = echo, listed_by
        self.shown, self.more = 0, {}

    def show(self, warning) -> None:
        if self.shown < self.SHOWN:
            self.echo(f"warning: {warning}")
            self.shown += 1
        else:
            rule = rule_of(warning)
            self.more[rule] = self.more.get(rule, 0) + 1

    def close(self) -> None:
        if self.more:
            self.echo(f"warning: {more_warnings(self.more, self.listed_by)}")


class ContentErrors(click.ClickException):
    """Every problem one run found, and the warnings met before it stopped; the CLI prints the first
    of them (SHOWN_ERRORS, SHOWN_WARNINGS), counts the rest and exits 1."""

    exit_code = 1

    def __init__(self, errors: list[ContentError], warnings: list[ContentError] = ()):
        self.errors = in_reading_order(list(errors))
        self.warnings = in_reading_order(list(warnings))
        self.outcome = "nothing was written"  # a command that writes nothing says what it did not do
        self.again = "build again"  # what to do once the errors shown are fixed
        super().__init__("\n".join(str(e) for e in self.errors))

    def show(self, file=None) -> None:
        # A page left out (saved as `.MD`) often explains the errors that follow: it is said first.
        # `check`, which lists every warning of a course that builds, stops on these errors too.
        warnings = WarningLines(lambda line: click.echo(line, file=file, err=True), LISTED_BY_JSON)
        for warning in self.warnings:
            warnings.show(warning)
        warnings.close()
        for error in self.errors[:SHOWN_ERRORS]:
            click.echo(str(error), file=file, err=True)
        if len(self.errors) > SHOWN_ERRORS:
            click.echo(more_problems(len(self.errors) - SHOWN_ERRORS, self.again), file=file, err=True)
        count = len(self.errors)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found; {self.outcome}.", file=file, err=True)


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
