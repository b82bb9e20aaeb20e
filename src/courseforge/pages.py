"""One Markdown page (a lesson or an assessment) → Lesson or Quiz, problems recorded with lines."""
from __future__ import annotations

import re
import zlib
from pathlib import Path

from courseforge.assets import AssetCollector
from courseforge.errors import Problems
from courseforge.fields import (SLUG, FieldReader, check_indented_keys, check_keys, check_nested_keys,
                                indented_key_problem)
from courseforge.markdown import LessonMarkdown, Parsed
from courseforge.model import Lesson, Question, Quiz
from courseforge.pagetext import page_text
from courseforge.prosestats import measure
from courseforge.quiz import QuestionParser
from courseforge.sourcetext import SourceError, read_source, source_text
from courseforge.textmarks import page_marks
from courseforge.yamltext import Mapping, YamlSyntaxError, key_nodes, load_mapping

LESSON_KEYS = ("id", "title", "objectives", "minutes")
NO_PASSING_SCORE = "a graded assessment needs a passing score"
QUIZ_KEYS = ("id", "title", "graded", "draw", "attempts", "passing_score", "shuffle", "show_answers")


class PageReader:
    def __init__(self, markdown: LessonMarkdown, assets: AssetCollector, problems: Problems,
                 page_files: frozenset[Path], mastery_score: int | None):
        self.markdown, self.assets, self.problems = markdown, assets, problems
        self.page_files = page_files
        self.mastery_score = mastery_score
        self.id_line: int | None = None
        self.questions_left_out = 0  # the last page's question blocks that had a problem (reported)
        self.lost: set[str] = set()  # the last page's settings indented into another (reported)

    def lesson(self, path: Path, number: int, data: bytes | None = None) -> Lesson | None:
        """`data`: the file's bytes (to a byte past the size limit) if they were read already."""
        page = self._page(path, LESSON_KEYS, data)
        if page is None:
            return None
        text, front, read, html, questions = page
        return Lesson(
            id=self._id(read, path), title=read.text("title", required=True) or path.stem, number=number,
            source=path, html=html, objectives=read.text_list("objectives") or (),
            minutes=read.integer("minutes", 1, 600), questions=questions, page_text=text,
        )

    def quiz(self, path: Path, number: int, data: bytes | None = None) -> Quiz | None:
        page = self._page(path, QUIZ_KEYS, data)
        if page is None:
            return None
        text, front, read, html, questions = page
        graded = read.boolean("graded", True)
        scored = [q for q in questions if q.graded]
        draw = read.integer("draw", 1, 1000)
        # A question left out for a problem of its own would be blamed again as one missing.
        complete = not self.questions_left_out
        if draw is not None and draw > len(scored) and complete:
            self.problems.error(path, front.line("draw"), f"draw: {draw} is more than the {len(scored)} graded "
                                f"questions on this page", "lower `draw` or add questions")
        passing = read.integer("passing_score", 0, 100)
        if graded and passing is None and self.mastery_score is None and "passing_score" not in self.lost:
            self.problems.error(path, front.first_line, NO_PASSING_SCORE,
                                "add `passing_score: 80` here or `mastery_score: 80` to course.yml")
        if graded and not scored and complete:
            self.problems.error(path, front.first_line, "a graded assessment has no graded question",
                                "add questions, or set `graded: false` for a survey")
        return Quiz(
            id=self._id(read, path), title=read.text("title", required=True) or path.stem, number=number,
            source=path, intro_html=html, questions=questions, graded=graded, draw=draw,
            attempts=read.integer("attempts", 1, 100), passing_score=passing if passing is not None else self.mastery_score,
            shuffle=read.boolean("shuffle", False), show_answers=read.boolean("show_answers", True),
            page_text=text,
        )

    def _page(self, path: Path, keys: tuple[str, ...], data: bytes | None):
        try:
            source = read_source(path) if data is None else source_text(data)
        except SourceError as exc:
            self.problems.error(path, exc.line, exc.problem, exc.hint)
            return None
        parsed = self.markdown.parse(source)
        for line, problem, hint in parsed.problems:
            self.problems.error(path, line, problem, hint)
        if parsed.front_matter is None and source.split("\n", 1)[0].rstrip() == "---":
            self.problems.error(path, 1, "the front matter opened on this line has no closing `---`",
                                f"add a `---` line after its last line{_last_key_line(source)}")
            return None
        front = self._front_matter(path, parsed.front_matter, parsed.front_matter_line, keys)
        if front is None:
            return None
        text = page_text(parsed, front)  # before rendering rewrites link addresses
        text.stats = measure(text)  # here, so it runs in the reading workers and is cached with the page
        text.marks = page_marks(text, source)  # likewise
        resolve = self.assets.resolver(path, self.page_files)
        html = self.markdown.render(parsed, resolve)
        questions = self._questions(path, parsed, resolve)
        self.questions_left_out = len(parsed.questions) - len(questions)
        self.id_line = front.line("id")
        nodes = lambda: key_nodes(parsed.front_matter)  # noqa: E731 (made only for an item to quote)
        return text, front, FieldReader(front, path, self.problems, source, nodes), html, questions

    def _questions(self, path: Path, parsed: Parsed, resolve) -> list[Question]:
        questions = []
        for block in parsed.questions:
            parser = QuestionParser(lambda text, at: self.markdown.render_fragment(text, resolve, at),
                                    lambda text, at: self.markdown.render_inline(text, resolve, at))
            report = lambda line, problem, hint: self.problems.error(path, line, problem, hint)  # noqa: E731
            question = parser.parse(block.info, block.lines, block.line, path, report)
            if question is not None:
                questions.append(question)
        return questions

    def _front_matter(self, path: Path, text: str | None, line: int, keys: tuple[str, ...]) -> Mapping | None:
        if text is None:
            self.problems.error(path, 1, "the page has no front matter",
                                "start the file with `---`, a `title: ...` line and `---`")
            return None
        try:
            front = load_mapping(text, line_offset=line - 1)
        except YamlSyntaxError as exc:
            indented = None if exc.hint else indented_key_problem(text, exc.line, keys, line - 1)
            if indented is not None:
                self.problems.error(path, exc.line, *indented)
            else:
                self.problems.error(path, exc.line, f"YAML syntax error in the front matter: {exc.problem}",
                                    exc.hint or "check indentation and quote values that contain `:` or `#`")
            return None
        check_keys(front, keys, path, self.problems)
        self.lost = check_indented_keys(text, keys, path, self.problems, line - 1)
        self.lost |= check_nested_keys(front, text, keys, path, self.problems, line - 1)
        for at in _joined_items(front, text, line, "objectives"):
            self.problems.error(path, at[0], f"this line continues objective {at[1]}",
                                'line the "-" up with the one above to make it a separate objective')
        return front

    @staticmethod
    def _id(read: FieldReader, path: Path) -> str:
        # The file's name makes the id only when the front matter gives none (or a bad one): most give one.
        return read.slug("id") or default_id(path)


def _joined_items(front: Mapping, text: str, first: int, key: str) -> list[tuple[int, int]]:
    """(line, item number) of each line under the list `key` that starts with "- " yet YAML read as more
    of the item above, being indented further than its "-": the author meant another item, and the two
    would show as one. Read from the raw lines: an item's text cannot tell a joined "- " from a dash
    written in it. Only the lines between an item and the next item or key are looked at (mostly none)."""
    starts = front.item_lines.get(key)
    if not starts:
        return []
    after = [n for n in front.key_lines.values() if n > starts[-1]]
    ends = starts[1:] + [min(after) if after else first + text.count("\n") + 1]
    if all(end == start + 1 for start, end in zip(starts, ends)):
        return []  # each item on its one line: the front matter most pages write
    lines = text.split("\n")
    joined = []
    for number, (start, end) in enumerate(zip(starts, ends), start=1):
        if end == start + 1:
            continue
        item = lines[start - first]
        dash = len(item) - len(item.lstrip())
        if item[dash + 1:].lstrip()[:1] in ("|", ">"):  # a block scalar's text is the author's own
            continue
        for at in range(start + 1, min(end, first + len(lines))):
            written = lines[at - first]
            stripped = written.lstrip()
            if (stripped == "-" or stripped.startswith("- ")) and len(written) - len(stripped) > dash:
                joined.append((at, number))
    return joined


def _last_key_line(source: str) -> str:
    # The front matter most likely ends before the first blank line: the Markdown starts after one.
    lines = source.split("\n")
    end = next((number for number, line in enumerate(lines[1:], start=1) if not line.strip()), None)
    return f" (line {end}, before the text starts)" if end and end > 1 else ""


ORDER_NUMBER = re.compile(r"^\d+[-_ ]*")
NOT_SLUG = re.compile(r"[^a-z0-9]+")


def default_id(path: Path) -> str:
    # "03-Detecting cues.md" → "detecting-cues": the number orders files, it is not part of the id.
    stem = ORDER_NUMBER.sub("", path.stem).lower()
    slug = NOT_SLUG.sub("-", stem).strip("-")
    return slug if SLUG.match(slug) else f"page-{zlib.crc32(path.name.encode()):08x}"
