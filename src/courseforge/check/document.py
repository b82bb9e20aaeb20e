"""The text of a course as `check` reads it: each page parsed once more with the loader's own
Markdown parser, so every block, heading, image, link, table and callout keeps its source line."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from courseforge.markdown import LessonMarkdown, QuestionBlock
from courseforge.yamltext import Mapping, YamlSyntaxError, load_mapping

# Question lines: the markers around the words a learner reads.
QUESTION_MARKUP = re.compile(r"^(?:[-*] \[[ xX]\]\s*|[-*] |\d+[.)] +|> ?|= ?|(?:feedback|explanation):\s*)")
QUESTION_SETTING = re.compile(r"^(points|case|scale|objective):")
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


@dataclass(frozen=True)
class Block:
    line: int
    text: str
    kind: str  # heading, paragraph, cell, question, scenario

    def sentences(self) -> Iterator[tuple[int, str]]:
        """(line, sentence) pairs; a sentence's line is where it starts."""
        start = 0
        for match in [*SENTENCE_END.finditer(self.text), None]:
            end = match.start() if match else len(self.text)
            sentence = self.text[start:end].strip()
            if sentence:
                yield self.line + self.text.count("\n", 0, start), " ".join(sentence.split())
            if match:
                start = match.end()


@dataclass
class PageText:
    source: Path
    front: Mapping | None
    blocks: list[Block] = field(default_factory=list)  # prose of the page, questions excluded
    questions: list[Block] = field(default_factory=list)  # the words of its question blocks
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # line, level (as rendered), text
    images: list[tuple[int, str, str]] = field(default_factory=list)  # line, alt, src
    links: list[tuple[int, str, str]] = field(default_factory=list)  # line, text, href
    tables: list[tuple[int, list[str]]] = field(default_factory=list)  # line, header cells
    callouts: list[tuple[int, str, bool]] = field(default_factory=list)  # line, kind, empty


def words(text: str) -> list[str]:
    return WORD.findall(text)


def read_page(markdown: LessonMarkdown, path: Path) -> PageText:
    parsed = markdown.parse(path.read_text(encoding="utf-8"))
    page = PageText(path, _front(parsed.front_matter, parsed.front_matter_line))
    tokens = parsed.tokens
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else 1
        if token.type == "inline":
            _inline(page, token, tokens[index - 1] if index else None, line)
        elif token.type == "container_callout_open":
            empty = index + 1 < len(tokens) and tokens[index + 1].type == "container_callout_close"
            page.callouts.append((line, token.info.strip().split(" ")[0], empty))
        elif token.type == "table_open":
            page.tables.append((line, _header_cells(tokens, index)))
    for block in parsed.questions:
        page.questions += _question_blocks(block)
    return page


def _front(text: str | None, line: int) -> Mapping | None:
    try:
        return load_mapping(text, line_offset=line - 1) if text is not None else None
    except YamlSyntaxError:
        return None  # the loader has reported it already


def _inline(page: PageText, token, opener, line: int) -> None:
    text, link = [], None
    at = line
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            text.append(child.content)
            if link is not None:
                link[1].append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            text.append("\n")
            at += 1
        elif child.type == "image":
            page.images.append((at, child.content, str(child.attrGet("src") or "")))
        elif child.type == "link_open":
            link = (at, [], str(child.attrGet("href") or ""))
        elif child.type == "link_close" and link is not None:
            page.links.append((link[0], "".join(link[1]).strip(), link[2]))
            link = None
    kind = {"heading_open": "heading", "th_open": "cell", "td_open": "cell"}.get(opener.type if opener else "", "paragraph")
    if kind == "heading":
        markup = opener.markup
        level = len(markup) if markup.startswith("#") else (1 if markup.startswith("=") else 2)
        page.headings.append((line, max(level, 2), "".join(text)))  # a `#` renders as <h2>: the title is <h1>
    if "".join(text).strip():
        page.blocks.append(Block(line, "".join(text), kind))


def _header_cells(tokens: list, index: int) -> list[str]:
    cells = []
    for token in tokens[index:]:
        if token.type == "thead_close":
            break
        if token.type == "inline":
            cells.append(token.content.strip())
    return cells


def _question_blocks(block: QuestionBlock) -> list[Block]:
    found = []
    for number, raw in enumerate(block.lines, start=block.line + 1):
        text = raw.strip()
        if not text or QUESTION_SETTING.match(text):
            continue
        text = QUESTION_MARKUP.sub("", text)
        for part in text.split("->"):  # matching pairs: two answers on one line
            if part.strip():
                found.append(Block(number, part.strip(), "question"))
    return found
