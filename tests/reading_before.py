"""The page reader's text measures, text marks and cache entry as they were before they were made
faster, kept verbatim as the reference the faster ones must match (tests/test_reading_equivalence.py)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from string import ascii_letters

from courseforge.model import PageStats, PageText, Sentence
from courseforge.pageentry import BULK, KINDS, LAYOUT, LIGHT, NAMES
from courseforge.prosestats import FEELINGS, LONG_FROM, MIN_WORDS, OPENING_WORDS, PASSIVE
from courseforge.textmarks import (ARCHAIC, BOTH, COLOUR_NAMES, CURRENCY_MARKS, TextMarks, _colours_in, not_letters,
                                   _currencies_in, _line, _may_hold_term, _spellings, _terms_in)

# pagetext.py
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


def words(text: str) -> list[str]:
    return WORD.findall(text)


def script_words(text: str) -> int:
    """Words of any script (a reading time's): letters or digits of any script in a run, and every two
    characters of Han or kana, written without spaces."""
    unspaced = re.findall(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", text)
    spaced = re.sub(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", " ", text)
    return len(re.findall(r"[^\W_](?:[^\W_]|['’-])*", spaced)) + (len(unspaced) + 1) // 2


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

# prosestats.py
def is_passive(sentence: str) -> bool:
    return any(match.group(1).lower() not in FEELINGS for match in PASSIVE.finditer(sentence))


def measure(text: PageText) -> PageStats:
    prose = [block for block in text.blocks if block.kind == "paragraph"]
    # Joined by a line break, which no WORD match crosses: one pass each instead of one a block.
    prose_words = len(words("\n".join(block.text for block in prose)))
    others = [block.text for block in (*text.blocks, *text.questions) if block.kind != "paragraph"]
    reading = script_words("\n".join(block.text for block in prose)) + script_words("\n".join(others))
    counted, passive, long = 0, [], []
    for line, sentence, is_long, maybe in _sentences(prose):
        counted += 1
        if is_long or (maybe and is_passive(sentence)):
            said = sentence.split()
            found = Sentence(line, len(words(sentence)), maybe and is_passive(sentence),
                             " ".join(said[:OPENING_WORDS]) + (" …" if len(said) > OPENING_WORDS else ""))
            (long if is_long else passive).append(found)
            if is_long and found.passive:
                passive.append(found)
    return PageStats(reading, _grade(prose, prose_words), prose[0].line if prose else None, counted, tuple(passive),
                     tuple(long))


def long_sentences(prose, limit: int) -> list[Sentence]:
    """Sentences over `limit` words, for a course whose limit is below LONG_FROM (not kept in the stats)."""
    return [Sentence(line, len(words(s)), False, " ".join(s.split()[:OPENING_WORDS]) + " …")
            for line, s, _, _ in _sentences(prose) if len(words(s)) > limit]


def _sentences(prose):
    """(line, sentence, has LONG_FROM words or more, its paragraph holds a passive at all)."""
    # Most pages have no passive at all: one search of them all (which finds at least what a search of
    # each paragraph does) spares each paragraph's; most paragraphs have none: skip their sentences' test.
    anywhere = PASSIVE.search("\n".join(block.text for block in prose)) is not None
    for block in prose:
        maybe = anywhere and PASSIVE.search(block.text) is not None
        for line, sentence in sentences(block):
            yield line, sentence, sentence.count(" ") + 1 >= LONG_FROM and len(words(sentence)) >= LONG_FROM, maybe


def _grade(prose, count: int) -> float | None:
    """`count`: the words of `prose` (the full stops added here add none)."""
    if count < MIN_WORDS:
        return None
    joined = "\n".join(b.text if b.text.rstrip()[-1:] in ".!?…:" else b.text + "." for b in prose)
    return round(coleman_liau(joined), 1)  # as shown: 10.04 is not "above 10"


# textstat 0.7.8's Coleman–Liau index, step for step and float operation for float operation (so
# the grade is the same to the last bit; tests/test_prosestats.py compares them), without its
# per-call caches and layers: it was a tenth of the time of reading a page.
_NOT_CONTRACTION = re.compile(r"\'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_NOT_LETTER = re.compile(r"[^\w]")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")


def _word_count(text: str) -> int:
    return len(_PUNCTUATION.sub("", _NOT_CONTRACTION.sub("", text)).split())


def _short(sentence: str) -> bool:
    """_word_count(sentence) <= 2, mostly without its two passes: removing punctuation deletes no
    space and no letter, so a piece starting with a letter stays a word."""
    pieces = sentence.split()
    if len(pieces) <= 2:
        return True
    sure = 0
    for piece in pieces:
        if piece[0] in ascii_letters:
            sure += 1
            if sure == 3:
                return False
    return _word_count(sentence) <= 2


def coleman_liau(text: str) -> float:
    count = _word_count(text)
    letters = len(_NOT_LETTER.sub("", text)) / count * 100 if count else 0.0
    if not text:
        sentences = 0
    else:
        found = _SENTENCE.findall(text)
        sentences = max(1, len(found) - sum(1 for sentence in found if _short(sentence)))
    per_word = sentences / count * 100 if count else 0.0
    if letters == 0 or per_word == 0:
        return 0.0
    return (0.058 * letters) - (0.296 * per_word) - 15.8


# textmarks.py
LETTERS = re.compile(r"[A-Za-z]+")
ASCII_WORD = re.compile(r"[a-z]+")


def scan(blocks, ignores: tuple = ()) -> TextMarks:
    """The marks of `blocks` (model.Block, in reading order)."""
    us, gb, listed = _spellings()[:3]
    blocks = list(blocks)
    # Most pages name no colour, currency or variant word at all: one test of the whole page settles
    # each scan (no mark spans two blocks: "\n" joins them and none holds one).
    whole = "\n".join(block.text for block in blocks)
    lower = whole.lower()
    scans = (not listed.isdisjoint(ASCII_WORD.findall(lower)),  # finds every word the blocks' test does
             _may_hold_term(whole, lower),
             any(mark in whole for mark in CURRENCY_MARKS),
             any(colour in lower for colour in COLOUR_NAMES))
    if not any(scans):
        return TextMarks(ignores=ignores)
    found: tuple[list, list, list, list] = ([], [], [], [])
    for block in blocks:
        for scanner, wanted, into in zip(SCANNERS, scans, found):
            if wanted:
                into += scanner(block, us, gb, listed)
    return TextMarks(*map(tuple, found), ignores)


def _spellings_in(block, us: dict, gb: dict, listed: frozenset) -> list:
    text = block.text
    if listed.isdisjoint(text.lower().translate(not_letters()).split()):  # settled at C speed
        return []
    found = []
    for match in LETTERS.finditer(text):
        word = match.group(0).lower()
        if (word in us or word in gb) and word not in BOTH and not ARCHAIC.search(us.get(word, "")):
            found.append((_line(block, match), match.group(0)))
    return found


SCANNERS = (_spellings_in, _terms_in, _currencies_in, _colours_in)


# pageentry.py
GETTERS = {cls: lambda value, names=names: [getattr(value, name) for name in names] for cls, names in NAMES.items()}
FLAT = frozenset(cls for cls, layout in LAYOUT.items() if all(kind in (str, int, bool, type(None), float) for kind in layout))


def encode(page, id_line: int | None, links: list[tuple]) -> str:
    """One cache entry as a line of JSON (and since entries are ASCII, keep a page's words apart after
    a tab: the JSON of the values of its PageText's BULK)."""
    kind = next(name for name, cls in KINDS.items() if type(page) is cls)
    head = json.dumps({"kind": kind, "page": _plain(page), "id_line": id_line, "links": links}, separators=(",", ":"))
    return head + "\t" + json.dumps([_plain(getattr(page.page_text, name)) for name in BULK], separators=(",", ":"))


def _plain(value):
    if isinstance(value, PageText):
        return [_plain(getattr(value, name)) for name in LIGHT]
    fields_of = GETTERS.get(type(value))
    if fields_of is not None:
        values = fields_of(value)
        return list(values) if type(value) in FLAT else [_plain(item) for item in values]
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if kind is list or kind is tuple:
        return [_plain(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    if kind is dict:
        return {key: _plain(item) for key, item in value.items()}
    return value


# markdown.py: LessonMarkdown._lift_questions as it was, a step a token
from courseforge import blockshape  # noqa: E402
from courseforge.markdown import (CALLOUT_KINDS, QuestionBlock, _callout_parts, _closing, _question_id,  # noqa: E402
                                  question_marker)
from markdown_it.token import Token  # noqa: E402


def lift_questions(tokens, text: str, found: list, problems: list) -> list:
    out = []
    lines = None
    index, dropped = 0, set()
    callouts = []
    while index < len(tokens):
        token = tokens[index]
        if index in dropped:
            index += 1
            continue
        if token.type == "container_callout_close" and callouts:
            callouts.pop()
        if token.type == "container_callout_open":
            lines = text.split("\n") if lines is None else lines
            kind = _callout_parts(token.info)[0]
            if callouts:
                blockshape.check_shared_close(token, callouts[-1], _callout_parts(callouts[-1].info)[0], problems)
            if kind == "question":
                start, end = token.map
                close = _closing(tokens, index)
                inner = blockshape.opened_inside(tokens, index, close)
                if inner is not None:
                    end = tokens[inner].map[0]
                    blockshape.report_open_question(start, tokens[inner], problems)
                    dropped.add(close)
                else:
                    blockshape.check_closed(token, lines, "question", "its last answer", problems)
                body = [line for line in lines[start + 1:end] if line.strip() != ":::"]
                found.append(QuestionBlock(token.info.strip(), body, start + 1))
                marker = Token("html_block", "", 0, map=token.map,
                               content=question_marker(_question_id(token.info)))
                out.append(marker)
                index = close + 1 if inner is None else inner
                continue
            if kind not in CALLOUT_KINDS:
                problems.append((token.map[0] + 1 if token.map else 1, f'unknown callout "::: {kind}"',
                                 f"use one of: {', '.join(CALLOUT_KINDS)}"))
            else:
                blockshape.check_closed(token, lines, kind, "its last line", problems)
            callouts.append(token)
        elif token.type == "inline" and token.map:
            if ":::" in token.content:
                blockshape.check_stray_closes(token, problems)
            if "![" in token.content:
                blockshape.check_unread_images(token, problems)
        out.append(token)
        index += 1
    return out


# pagetext.py: page_text as it was, a call a token
from courseforge import pagetext as _pagetext  # noqa: E402
from courseforge.model import Block  # noqa: E402


def page_text(parsed, front) -> PageText:
    page = PageText(front)
    tokens = parsed.tokens
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "inline":
            _inline(page, token, tokens[index - 1] if index else None, token.map[0] + 1 if token.map else 1)
        elif kind == "container_callout_open":
            empty = index + 1 < len(tokens) and tokens[index + 1].type == "container_callout_close"
            page.callouts.append((token.map[0] + 1 if token.map else 1, token.info.strip().split(" ")[0], empty))
        elif kind == "table_open":
            page.tables.append((token.map[0] + 1 if token.map else 1, _pagetext._header_cells(tokens, index)))
    for block in parsed.questions:
        page.questions += _pagetext._question_blocks(block)
    return page


def _inline(page: PageText, token, opener, line: int) -> None:
    children = token.children or ()
    if len(children) == 1 and children[0].type == "text":
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
    kind = _pagetext.OPENERS.get(opener.type if opener else "", "paragraph")
    if kind == "heading":
        page.headings.append((line, _pagetext._level(opener.markup), joined))
    if joined.strip():
        page.blocks.append(Block(line, joined, kind))


# markdown.py: the heading and callout render rules as they were
from markdown_it.common.utils import escapeHtml  # noqa: E402


def render_heading_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if token.tag == "h1":
        token.tag = "h2"
        tokens[idx + 2].tag = "h2"
    return self.renderToken(tokens, idx, options, env)


def render_callout(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if token.nesting == -1:
        return "</div>\n"
    kind, title = _callout_parts(token.info)
    label = CALLOUT_KINDS.get(kind, kind.capitalize())
    heading = f"<strong>{escapeHtml(label)}</strong>"
    if title:
        heading += f": {escapeHtml(title)}"
    return (f'<div class="callout callout-{escapeHtml(kind)}" role="note">'
            f'<p class="callout-title">{heading}</p>\n')


# markdown.py: the core rule dropping `check:` comments as it was
from courseforge.markdown import strip_check_comments  # noqa: E402


def drop_check_comments(state) -> None:
    tokens = state.tokens
    if "<!--" in state.src:
        for token in tokens:
            if token.type == "inline" and "<!--" in token.content:
                token.content = strip_check_comments(token.content).strip()
    empty = [index for index, token in enumerate(tokens) if token.type in ("paragraph_close", "heading_close")
             and index >= 2 and tokens[index - 1].content == ""
             and tokens[index - 2].type == token.type.replace("close", "open")]
    for index in reversed(empty):
        opener = tokens[index - 2]
        rule = [] if opener.markup != "-" else [Token("hr", "hr", 0, map=opener.map, markup="---", block=True)]
        tokens[index - 2:index + 1] = rule


# markdown.py: LessonMarkdown.render as it was, every inline token's links resolved
def render_page(self, parsed, resolve) -> str:
    for token in parsed.tokens if parsed.linked else ():
        if token.type == "inline" and token.children:
            line = token.map[0] + 1 if token.map else 1
            self._resolve_links(token.children, line, resolve)
    return self.md.renderer.render(parsed.tokens, self.md.options, {})


# check/housekeeping.py: the raw-html rule as it was first written (read at check time: the page's blocks,
# then its file's lines), with the review's two reads given as its arguments; since then, a tag whose "<"
# the author escaped (\<b>, meant to show) is no finding, here as in textmarks.HTML_TAG.
from courseforge.check.findings import finding  # noqa: E402

HTML_TAG = re.compile(r"(?<!\\)</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
CODE_SPAN = re.compile(r"(`+).*?\1")


def raw_html(text: PageText, source: Path, source_lines: list[str]) -> list:
    lines, found, seen = None, [], set()
    for block in (*text.blocks, *text.questions):
        if "<" not in block.text:  # most blocks: no line is read again
            continue
        lines = lines if lines is not None else source_lines
        for number in range(block.line, min(block.line + block.text.count("\n"), len(lines)) + 1):
            tag = HTML_TAG.search(CODE_SPAN.sub("", lines[number - 1]))
            if tag and number not in seen:
                seen.add(number)
                shown = tag.group(0) if len(tag.group(0)) <= 40 else tag.group(0)[:38] + "…>"
                found.append(finding("raw-html", source, number, f"HTML shows to the learner as text: {shown}",
                                     "write it in Markdown (a blank line between paragraphs, **bold**, "
                                     "[text](address) for a link, an image file for a picture), or remove it"))
    return found
