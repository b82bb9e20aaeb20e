"""The words of a parsed page with their source lines: what `courseforge check` reads.

Taken from the loader's own token stream before rendering, so the review costs no second parse and
every block, heading, image, link, table and callout keeps the line the author wrote it on.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from courseforge.markdown import Parsed, QuestionBlock
from courseforge.model import Block, PageText

# Question lines: the markers around the words a learner reads.
QUESTION_MARKUP = re.compile(r"^(?:[-*] \[[ xX]\]\s*|[-*] |\d+[.)] +|> ?|= ?|(?:feedback|explanation):\s*)")
QUESTION_SETTING = re.compile(r"^(points|case|scale|objective):")
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
OPENERS = {"heading_open": "heading", "th_open": "cell", "td_open": "cell"}


def words(text: str) -> list[str]:
    return WORD.findall(text)


def sentences(block: Block) -> Iterator[tuple[int, str]]:
    """(line, sentence) pairs; a sentence's line is where it starts."""
    start, text = 0, block.text
    for match in [*SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        sentence = text[start:end].strip()
        if sentence:
            yield block.line + text.count("\n", 0, start), " ".join(sentence.split())
        if match:
            start = match.end()


def page_text(parsed: Parsed, front) -> PageText:
    """Call before rendering: rendering rewrites image and link addresses."""
    page = PageText(front)
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


def _inline(page: PageText, token, opener, line: int) -> None:
    text, link, at = [], None, line
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
    joined = "".join(text)
    kind = OPENERS.get(opener.type if opener else "", "paragraph")
    if kind == "heading":
        page.headings.append((line, _level(opener.markup), joined))
    if joined.strip():
        page.blocks.append(Block(line, joined, kind))


def _level(markup: str) -> int:
    level = len(markup) if markup.startswith("#") else (1 if markup.startswith("=") else 2)  # setext: === or ---
    return max(level, 2)  # a `#` renders as <h2>: the page title is the <h1>


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
        # `= answer` lines are the accepted variants of a fill-in, deliberately spelled many ways;
        # learners never read them.
        if not text or text.startswith("=") or QUESTION_SETTING.match(text):
            continue
        for part in QUESTION_MARKUP.sub("", text).split("->"):  # matching pairs: two answers on one line
            if part.strip():
                found.append(Block(number, part.strip(), "question"))
    return found
