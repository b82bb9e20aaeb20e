"""The words of a parsed page with their source lines: what `courseforge check` reads.

Taken from the loader's own token stream before rendering, so the review costs no second parse and
every block, heading, image, link, table and callout keeps the line the author wrote it on.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from courseforge.model import Block, PageText

if TYPE_CHECKING:  # the review measures prose with this module; markdown-it loads only to read a page
    from courseforge.markdown import Parsed, QuestionBlock

# Question lines: the markers around the words a learner reads.
QUESTION_MARKUP = re.compile(r"^(?:[-*] \[[ xX]\]\s*|[-*] |\d+[.)] +|> ?|= ?|(?:feedback|explanation):\s*)")
QUESTION_SETTING = re.compile(r"^(points|case|scale|objective):")
# Where one sentence ends and the next begins: after its full stop (part of the match, one past the
# sentence's end) and any closing quotes, the spaces before a capital, a digit or an opening quote.
# Starting with the stop, not looking behind for it, lets the search skip to the stops: 2.5 times faster.
SENTENCE_BREAK = re.compile(r"[.!?…][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
OPENERS = {"heading_open": "heading", "th_open": "cell", "td_open": "cell"}


def words(text: str) -> list[str]:
    return WORD.findall(text)


# What a page takes to read is counted in words of any script: a run of letters or digits (with its
# apostrophes and hyphens) is a word, and a script written without spaces (Han, kana) is read at
# about two characters a word. WORD knows ASCII alone (what the English measures want): it counted
# a Russian or Arabic page as no words at all, and "élève" as two.
LETTER_BEYOND_ASCII = re.compile(r"[^\W\x00-\x7f]")  # where WORD and SCRIPT_WORD may count apart
SCRIPT_WORD = re.compile(r"[^\W_](?:[^\W_]|['’-])*")  # WORD, for ASCII text
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def script_word_count(text: str) -> int:
    unspaced = len(UNSPACED.findall(text))
    if unspaced:
        text = UNSPACED.sub(" ", text)
    return len(SCRIPT_WORD.findall(text)) + (unspaced + 1) // 2


# len(words(text)) at C speed. A WORD match starts at the first letter or digit of a run of WORD's
# characters and takes the rest of it: one word for each run holding a letter or a digit. Without its
# apostrophes and hyphens (any character beyond ASCII, as it is none of the others, a space), such a
# run is one of letters and digits, and the others are gone.
_LETTERS_OR_DIGITS = bytes(code for code in range(128) if chr(code).isalnum())
_AS_WORD_MARKS = bytes(ord("x") if code in _LETTERS_OR_DIGITS else ord(" ") for code in range(256))


def word_count(text: str) -> int:
    marks = text.replace("’", "").encode("ascii", "replace").translate(_AS_WORD_MARKS, b"'-")
    return marks.count(b" x") + marks.startswith(b"x")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each stretch of `text` between sentence breaks, blank ones included."""
    spans, start = [], 0
    for match in SENTENCE_BREAK.finditer(text):
        spans.append((start, match.start() + 1))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def sentences(block: Block) -> Iterator[tuple[int, str]]:
    """(line, sentence) pairs; a sentence's line is where it starts."""
    text = block.text
    for start, end in sentence_spans(text):
        said = text[start:end].split()
        if said:
            yield block.line + text.count("\n", 0, start), " ".join(said)


def page_text(parsed: Parsed, front) -> PageText:
    """Call before rendering: rendering rewrites image and link addresses."""
    page = PageText(front)
    tokens, blocks = parsed.tokens, page.blocks
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "inline":
            children = token.children
            # Most blocks: a paragraph of one run of text, taken here (what _inline does with it).
            if children and len(children) == 1 and (run := children[0]).type == "text" and index \
                    and tokens[index - 1].type == "paragraph_open":
                if run.content.strip():
                    blocks.append(Block(token.map[0] + 1 if token.map else 1, run.content, "paragraph"))
            else:
                _inline(page, token, tokens[index - 1] if index else None, token.map[0] + 1 if token.map else 1)
        elif kind == "container_callout_open":
            empty = index + 1 < len(tokens) and tokens[index + 1].type == "container_callout_close"
            page.callouts.append((token.map[0] + 1 if token.map else 1, token.info.strip().split(" ")[0], empty))
        elif kind == "table_open":
            page.tables.append((token.map[0] + 1 if token.map else 1, _header_cells(tokens, index)))
    for block in parsed.questions:
        page.questions += _question_blocks(block)
    return page


def _inline(page: PageText, token, opener, line: int) -> None:
    children = token.children or ()
    if len(children) == 1 and children[0].type == "text":  # most paragraphs: one run of text
        _block(page, opener, line, children[0].content)
        return
    text, link, at = [], None, line
    for child in children:
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
    _block(page, opener, line, "".join(text))


def _block(page: PageText, opener, line: int, joined: str) -> None:
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
