"""What every rule reads: the loaded Course, its check settings, and its text parsed once.

A page's heavy parts (blocks, questions, headings, images, links, tables, callouts) are read only by
the rules about that page alone (PAGE_RULES); the rules about the whole course read of a page its
front matter, measures and marks, which a page served from the cache holds without decoding the rest.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate
from pathlib import Path

import yaml

from courseforge.model import Block, Course, PageText
from courseforge.sourcetext import SourceError, read_source, source_lines
from courseforge.textmarks import TextMarks, ignored_names, page_marks, scan

# A `check: ignore` comment as written: `<!-- check: ignore … -->` in Markdown, `# check: ignore …` in
# YAML. The names may be missing (`# check: ignore`): that comment switches nothing off.
COMMENT = re.compile(r"(?:<!--|#)\s*check:\s*ignore(?![A-Za-z0-9_])([A-Za-z0-9_, -]*)")


class Review:
    def __init__(self, course: Course, sources: Path | None = None):
        self.course, self.settings, self.sources = course, course.config.check, sources
        self.facts: dict = {}  # figures the report states: reading speed, estimated minutes
        self.resolved: list = []  # (question, objectives it names), see objectives.resolve
        self.memo: dict = {}  # what more than one rule computes from the same text
        self._ignored: dict[tuple[Path, int], frozenset[str]] = {}
        self._files: dict[Path, list[str]] = {}
        self._comments: dict[Path, Callable[[int, int], bool]] = {}
        # Every lesson and assessment page by its source file.
        self.pages: dict[Path, PageText] = {page.source: page.page_text for page in course.pages}

    def page(self, page) -> PageText:
        return page.page_text

    def texts(self) -> Iterator[tuple[Path, Block]]:
        """Every text a learner reads, with its file: page prose, questions, scenario lines and options."""
        for path, page in self.pages.items():
            for block in (*page.blocks, *page.questions):
                yield path, block
        yield from self.scenario_texts()

    def page_texts(self, page) -> tuple[Block, ...]:
        """The texts of one lesson or assessment page: its prose, then its questions."""
        text = self.page(page)
        return (*text.blocks, *text.questions)

    def scenario_texts(self) -> Iterator[tuple[Path, Block]]:
        for scenario in self.course.scenarios:
            yield from self._scenario_texts(scenario)

    @staticmethod
    def _scenario_texts(scenario) -> Iterator[tuple[Path, Block]]:
        for scene in scenario.scenes.values():
            for turn in scene.turns:
                yield scenario.source, Block(turn.line or scene.line or 1, turn.text, "scenario")
            if scene.decision is not None:
                for choice in scene.decision.options:
                    for text in (choice.say, choice.feedback, choice.felt):
                        yield scenario.source, Block(scene.line or 1, text, "scenario")

    def marks(self) -> Iterator[tuple[Path, TextMarks]]:
        """What the text-scanning rules look for, file by file in the order of texts()."""
        for path, page in self.pages.items():
            yield path, self._page_marks(path, page)
        yield from self.scenario_marks()

    def page_marks(self, page) -> TextMarks:
        return self._page_marks(page.source, self.page(page))

    def scenario_marks(self) -> Iterator[tuple[Path, TextMarks]]:
        for scenario in self.course.scenarios:
            key = ("marks", scenario.source)
            if key not in self.memo:
                self.memo[key] = scan(block for _, block in self._scenario_texts(scenario))
            yield scenario.source, self.memo[key]

    def _page_marks(self, path: Path, page: PageText) -> TextMarks:
        if page.marks is None:  # a page the reader did not scan
            page.marks = page_marks(page, "\n".join(self.lines(path)))
        return page.marks

    def ignored_at(self, path: Path, line: int | None) -> frozenset[str]:
        """Rules a `check: ignore` comment on this line or the line before switches off."""
        if line is None:
            return frozenset()
        page = self.pages.get(path)
        if page is not None:  # the page's comments were found when it was read (on most pages, none)
            ignores = self._page_marks(path, page).ignores
            if not ignores:
                return frozenset()
            return frozenset(rule for at, rules in ignores if line - 1 <= at <= line for rule in rules)
        if (path, line) not in self._ignored:  # a scenario script: YAML, where only a real comment counts
            found: set[str] = set()
            for number in range(max(1, line - 1), line + 1):
                text = self.lines(path)[number - 1] if number <= len(self.lines(path)) else ""
                if "check:" in text:  # the plain test first: the YAML is scanned only for a line saying it
                    for match in COMMENT.finditer(text):
                        if self.yaml_comments(path)(number, match.start()):
                            found |= ignored_names(match)
            self._ignored[(path, line)] = frozenset(found)
        return self._ignored[(path, line)]

    def yaml_comments(self, path: Path) -> Callable[[int, int], bool]:
        """Whether a COMMENT match at (line, column) of a YAML file starts a comment: a `#` outside every
        scalar. A quoted string or a block scalar saying `# check: ignore …` is the course's text (a line
        a character says), and a `<!--` starts none in YAML. The file is scanned once."""
        if path not in self._comments:
            self._comments[path] = _yaml_comments(path)
        return self._comments[path]

    def lines(self, path: Path) -> list[str]:
        """The source file's lines, read once, as its reader and an editor number them (sourcetext.py)."""
        if path not in self._files:
            self._files[path] = source_lines(path)
        return self._files[path]


def _yaml_comments(path: Path) -> Callable[[int, int], bool]:
    # The text the loader composed, as Review.lines() numbers it: scanned as saved, U+2028 and NEL
    # ended a line for PyYAML, and a form feed stopped its scan, so that every match counted.
    try:
        tokens = yaml.scan(read_source(path), Loader=yaml.SafeLoader)
        scalars = sorted((_text_starts(scalar), (scalar.end_mark.line + 1, scalar.end_mark.column))
                         for scalar in tokens if isinstance(scalar, yaml.ScalarToken))
    except (OSError, SourceError, yaml.YAMLError):
        return lambda line, column: True  # a file the loader refused was said already; every match counts
    # A place is in a scalar when one of those starting at or before it ends after it: the latest end
    # among them, found by bisection, not by trying every scalar (a script of 20 000 scalars and 50 000
    # comments took minutes). A block scalar's text may start after its end (an empty one).
    starts = [start for start, _ in scalars]
    ends = list(accumulate((end for _, end in scalars), max))

    def outside(line: int, column: int) -> bool:
        at = bisect_right(starts, (line, column)) - 1
        return at < 0 or not (line, column) < ends[at]

    return outside


def _text_starts(scalar: yaml.ScalarToken) -> tuple[int, int]:
    """(line, column) where a scalar's text starts. A block scalar's token starts at its `|` or `>`, but
    its text on the next line: `say: >-  # check: ignore x` is a comment on the header's line."""
    if scalar.style in ("|", ">"):
        return scalar.start_mark.line + 2, 0
    return scalar.start_mark.line + 1, scalar.start_mark.column
