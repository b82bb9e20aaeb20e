"""What every rule reads: the loaded Course, its check settings, and its text parsed once."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from courseforge.model import Block, Course, PageText

IGNORE_COMMENT = re.compile(r"check:\s*ignore\s+([A-Za-z0-9_, -]+)")


class Review:
    def __init__(self, course: Course, sources: Path | None = None):
        self.course, self.settings, self.sources = course, course.config.check, sources
        self.facts: dict = {}  # figures the report states: reading speed, estimated minutes
        self.resolved: list = []  # (question, objectives it names), see objectives.resolve
        self.memo: dict = {}  # what more than one rule computes from the same text
        self._ignored: dict[tuple[Path, int], frozenset[str]] = {}
        self._files: dict[Path, list[str]] = {}
        # Every lesson and assessment page by its source file.
        self.pages: dict[Path, PageText] = {page.source: page.page_text for page in course.pages}

    def page(self, page) -> PageText:
        return self.pages[page.source]

    def texts(self) -> Iterator[tuple[Path, Block]]:
        """Every text a learner reads, with its file: page prose, questions, scenario lines and options."""
        for path, page in self.pages.items():
            for block in (*page.blocks, *page.questions):
                yield path, block
        for scenario in self.course.scenarios:
            for scene in scenario.scenes.values():
                for turn in scene.turns:
                    yield scenario.source, Block(turn.line or scene.line or 1, turn.text, "scenario")
                if scene.decision is not None:
                    for choice in scene.decision.options:
                        for text in (choice.say, choice.feedback, choice.felt):
                            yield scenario.source, Block(scene.line or 1, text, "scenario")

    def ignored_at(self, path: Path, line: int | None) -> frozenset[str]:
        """Rules a `check: ignore` comment on this line or the line before switches off."""
        if line is None:
            return frozenset()
        if (path, line) not in self._ignored:
            found: set[str] = set()
            for text in self.lines(path)[max(0, line - 2):line]:
                for match in IGNORE_COMMENT.finditer(text):
                    found |= set(re.split(r"[\s,]+", match.group(1).strip()))
            self._ignored[(path, line)] = frozenset(found)
        return self._ignored[(path, line)]

    def lines(self, path: Path) -> list[str]:
        """The source file's lines, read once."""
        if path not in self._files:
            try:
                self._files[path] = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._files[path] = []
        return self._files[path]
