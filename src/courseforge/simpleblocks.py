"""markdown-it's block tokens for the simple shapes most lesson pages are made of, without its block parser.

markdown-it tries each of its block rules at every block start and each paragraph rule's terminators at
every line, through a state of five arrays of line marks: 0.1 ms of a 0.5 ms page. A page made only of
front matter, `#` headings, paragraphs, one-paragraph list items, `:::` callouts and pipe tables, none of
its lines indented, is read here line by line into the very tokens markdown-it makes of it (type, tag,
nesting, attributes, map, level, content, markup, info, hidden: tests/test_simpleblocks.py compares them
on pages built to break it). Anything else — an indented or tabbed line, a quote, a fence, a rule or a
setext underline, a reference definition, an empty list item, a table where this reader is not sure of
markdown-it's reading — and the page goes to markdown-it whole (`None`): a page is never read half one
way, half the other. One exception to "the very tokens": a `::: question` block is its opening and
closing tokens alone. LessonMarkdown lifts such a block out whole, keeping its lines for quiz.py, and
drops the tokens markdown-it made of its inside (indented feedback lines, a quoted situation), so
they are not made here; its parse and html are the same (tests/test_simpleblocks.py again).

The tokens are those of markdown.create()'s rule set in full. A parser LessonMarkdown made without the
rules whose marks a page lacks reads that page the same (markdownrules.py), so they are its tokens too.
"""
from __future__ import annotations

from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS, escapedSplit, headerLineRe
from markdown_it.token import Token

# The block rules this reader knows the work of; with any other at work (a plugin's), markdown-it reads.
KNOWN_RULES = frozenset({"front_matter", "table", "code", "container_callout", "fence", "blockquote", "hr", "list",
                         "reference", "heading", "lheading", "paragraph"})
NEEDED_RULES = frozenset({"front_matter", "list", "paragraph"})  # without them, these shapes read otherwise

# A line's kind, for the reader. Lines markdown-it might read as something else than these raise _Unsure.
BLANK, HEADING, BULLET, NUMBERED, OPEN, CLOSE, PIPES, DASHES, TABLE, PLAIN, QUESTION, INSIDE = range(12)
DIGITS = "0123456789"


class _Unsure(Exception):
    """The page holds a shape this reader leaves to markdown-it."""


def rules_known(active: list[str], options) -> bool:
    """Whether a parser with these active block rules reads the shapes here as this reader does."""
    names = set(active)
    return names <= KNOWN_RULES and NEEDED_RULES <= names and not options.get("tasklists")


def block_tokens(src: str) -> list[Token] | None:
    """markdown-it's block tokens for `src` (normalized: no CR, no NUL), or None: markdown-it must read it."""
    # A tab changes columns (and a list item's content); "]:" may end a reference definition's label.
    if "\t" in src or "]:" in src:
        return None
    lines = src.split("\n")
    if not lines[-1].strip(" "):  # markdown-it gives a last line of spaces alone, or the empty one after
        lines.pop()               # the last line break, no line of its own
    try:
        return _Reader(lines, "question" in src).read()
    except _Unsure:
        return None


def _kind(line: str) -> int:
    if not line:
        return BLANK
    first = line[0]
    if first == " ":
        if line.strip(" "):
            raise _Unsure  # indented: code, a list item's next block, a lazy line... markdown-it's to say
        return BLANK
    if "-" in line and not line.strip("|-: "):  # a table's delimiter row, a thematic break or a setext underline
        if first == "|":
            return DASHES
        raise _Unsure
    if first == "#":
        return HEADING
    if first in "-+*":
        if line[1:2] == " ":
            if not line[2:].strip(" "):
                raise _Unsure  # an empty item: it interrupts a paragraph or not, by where it is
            return BULLET
        if first == "*" and not line.strip("*_ "):
            raise _Unsure  # a thematic break of stars
        return PLAIN
    if first == ":":
        if line.startswith(":::"):
            if line == ":::":
                return CLOSE
            if line[3] == ":" or not line[3:].strip():
                raise _Unsure  # a callout opened with more colons (it nests), or a close with spaces after
            return OPEN
        return PLAIN
    if first == "|":
        return PIPES
    if first in DIGITS:
        digits = len(line) - len(line.lstrip(DIGITS))
        if line[digits:digits + 1] in (".", ")") and line[digits + 1:digits + 2] in ("", " "):
            if digits > 9 or not line[digits + 1:].strip(" "):
                raise _Unsure
            return NUMBERED
        return PLAIN
    if first in ">`~=_":
        if first == ">" or line.startswith(("```", "~~~")) or not line.strip("=_* "):
            raise _Unsure  # a quote, a fence, a setext underline or a thematic break
    return PLAIN


class _Reader:
    def __init__(self, lines: list[str], questions: bool):
        self.lines, self.questions = lines, questions  # questions: the page may hold a question block
        self.kinds: list[int] = []
        self.tokens: list[Token] = []
        self.level = 0

    def open(self, kind: str, tag: str, where: list[int] | None, markup: str = "", info: str = "",
             attrs: dict | None = None) -> Token:
        token = Token(kind, tag, 1, attrs or {}, where, self.level, None, "", markup, info, {}, True, False)
        self.level += 1
        self.tokens.append(token)
        return token

    def close(self, kind: str, tag: str, markup: str = "") -> None:
        self.level -= 1
        self.tokens.append(Token(kind, tag, -1, {}, None, self.level, None, "", markup, "", {}, True, False))

    def inline(self, content: str, start: int, end: int) -> None:
        self.tokens.append(Token("inline", "", 0, {}, [start, end], self.level, [], content, "", "", {}, True, False))

    def read(self) -> list[Token]:
        lines = self.lines
        start = 0
        if lines and lines[0].startswith("---"):
            start = self.front_matter()
        kinds = self.kinds = [BLANK] * start
        if self.questions:
            self.classify_around_questions(start)
        else:
            kinds += [_kind(line) for line in lines[start:]]
        for index in range(start, len(lines)):
            if kinds[index] == PIPES:  # a table's header row when the delimiter row follows
                if index + 1 < len(lines) and kinds[index + 1] == DASHES:
                    kinds[index] = TABLE
            elif kinds[index] == DASHES and (index == start or kinds[index - 1] != TABLE):
                raise _Unsure  # a row of dashes and pipes another rule or a table's body may take
        self.blocks(start, len(lines), True)
        return self.tokens

    def classify_around_questions(self, start: int) -> None:
        """Each line's kind from `start`, but for the inside of a `::: question` block: LessonMarkdown
        lifts such a block out whole (markdown.py, its lines kept for quiz.py), so its inside is not
        read. markdown-it ends the block at its first line of colons alone, whatever is above it."""
        lines, kinds = self.lines, self.kinds
        at = start
        while at < len(lines):
            kind = _kind(lines[at])
            at += 1
            if kind != OPEN or lines[at - 1][3:].strip().partition(" ")[0] != "question":  # markdown.py's kind
                kinds.append(kind)
                continue
            for close in range(at, len(lines)):
                if lines[close].lstrip(" ").startswith(":::"):
                    if lines[close] != ":::":
                        raise _Unsure  # a block opened inside, a close indented or with more: markdown-it's
                    break
            else:
                raise _Unsure  # left open
            kinds += [QUESTION] + [INSIDE] * (close - at) + [CLOSE]
            at = close + 1

    def front_matter(self) -> int:
        """The front matter plugin's token; the line after its closing `---`."""
        lines = self.lines
        if lines[0] != "---":
            raise _Unsure
        for end in range(1, len(lines)):
            if lines[end].lstrip(" ").startswith(("---", "...")):  # the first line that may close it
                if lines[end] != "---":
                    raise _Unsure
                self.tokens.append(Token("front_matter", "", 0, {}, [0, end + 1], 0, None, "\n".join(lines[1:end]),
                                         "---", "", {}, True, True))
                return end + 1
        raise _Unsure  # not closed: markdown-it reads a thematic break

    def blocks(self, at: int, end: int, top: bool) -> None:
        kinds, lines = self.kinds, self.lines
        while at < end:
            kind = kinds[at]
            if kind == BLANK:
                at += 1
            elif kind == PLAIN or kind == PIPES:
                at = self.paragraph(at, end, lines[at], False)
            elif kind == HEADING:
                at = self.heading(at)
            elif kind == BULLET or kind == NUMBERED:
                at = self.items(at, end)
            elif kind == OPEN and top:
                at = self.callout(at, end)
            elif kind == QUESTION and top:
                at = self.question(at)
            elif kind == TABLE:
                at = self.table(at, end)
            else:
                raise _Unsure  # a callout inside one, or a `:::` that closes nothing

    def paragraph(self, at: int, end: int, first: str, in_item: bool) -> int:
        """A paragraph from line `at` (its text `first`: an item's, after its marker) to a blank line,
        the end, or the line of a block that interrupts one."""
        kinds = self.kinds
        stop = at + 1
        while stop < end:
            kind = kinds[stop]
            if kind == PLAIN or kind == PIPES:
                stop += 1
            elif kind == NUMBERED and not in_item and _marker(self.lines[stop])[0] != 1:
                stop += 1  # a numbered list interrupts a paragraph only if it starts at 1 (in an item, any)
            elif kind == TABLE or kind == CLOSE:
                raise _Unsure  # a table interrupting a paragraph, or a `:::` that closes nothing
            else:
                break
        content = first if stop == at + 1 else "\n".join([first, *self.lines[at + 1:stop]])
        self.open("paragraph_open", "p", [at, stop])
        self.inline(content.strip(MD_TRIM_CHARS), at, stop)
        self.close("paragraph_close", "p")
        return stop

    def heading(self, at: int) -> int:
        line = self.lines[at]
        level = len(line) - len(line.lstrip("#"))
        text = line[level:].rstrip(" ")
        if level > 6 or line[level:level + 1] not in ("", " ") or text.endswith("#"):
            raise _Unsure  # not a heading, or one with a closing sequence
        tag, markup = f"h{level}", "#" * level
        self.open("heading_open", tag, [at, at + 1], markup)
        self.inline(text.strip(MD_TRIM_CHARS), at, at + 1)
        self.close("heading_close", tag, markup)
        return at + 1

    def items(self, at: int, end: int) -> int:
        """A list of one-paragraph items, each to the next item, a blank line or an interrupting block."""
        lines, kinds = self.lines, self.kinds
        numbered = kinds[at] == NUMBERED
        value, width = _marker(lines[at]) if numbered else (None, 1)
        markup = lines[at][width - 1]  # "-", "+", "*", or the "." or ")" after a number
        if numbered:
            listed = self.open("ordered_list_open", "ol", [at, 0], markup, attrs={"start": value} if value != 1 else None)
        else:
            listed = self.open("bullet_list_open", "ul", [at, 0], markup)
        first = len(self.tokens)
        tight, gap = True, False
        while True:
            line = lines[at]
            content = line[width:].lstrip(" ")
            if len(line) - len(content) - width > 4 or _kind(content) != PLAIN:
                raise _Unsure  # content indented as code, or a block of its own (a heading, a nested list...)
            if gap:  # a blank line between two items: the list is loose
                tight = False
            item = self.open("list_item_open", "li", [at, 0], markup, lines[at][:width - 1] if numbered else "")
            stop = self.paragraph(at, end, content, True)
            after = stop
            while after < end and kinds[after] == BLANK:
                after += 1
            gap = after > stop
            item.map[1] = after
            self.close("list_item_close", "li", markup)
            at = after
            if at >= end or kinds[at] != (NUMBERED if numbered else BULLET):
                break
            if numbered:
                width = _marker(lines[at])[1]
            if lines[at][width - 1] != markup:  # another marker starts another list
                break
        self.close("ordered_list_close" if numbered else "bullet_list_close", "ol" if numbered else "ul", markup)
        listed.map[1] = at
        if tight:  # markdown-it hides a tight list's paragraphs
            for token in self.tokens[first:]:
                if token.type == "paragraph_open" or token.type == "paragraph_close":
                    token.hidden = True
        return at

    def callout(self, at: int, end: int) -> int:
        kinds = self.kinds
        close = at + 1
        while close < end and kinds[close] != CLOSE:
            if kinds[close] == QUESTION:
                raise _Unsure  # the question's `:::` would end the callout
            close += 1
        if close >= end:
            raise _Unsure  # left open: it ends where markdown-it's container rule says
        self.open("container_callout_open", "div", [at, close], ":::", self.lines[at][3:])
        self.blocks(at + 1, close, False)
        self.close("container_callout_close", "div", ":::")
        return close + 1

    def question(self, at: int) -> int:
        """A question block as its opening and closing tokens, without the tokens of its inside."""
        close = self.kinds.index(CLOSE, at)
        self.open("container_callout_open", "div", [at, close], ":::", self.lines[at][3:])
        self.close("container_callout_close", "div", ":::")
        return close + 1

    def table(self, at: int, end: int) -> int:
        """markdown-it's table rule, for a table starting a block and made of rows that start with "|"."""
        lines, kinds = self.lines, self.kinds
        if at and kinds[at - 1] not in (BLANK, HEADING, OPEN):
            raise _Unsure
        aligns = []
        columns = lines[at + 1].split("|")
        for index, column in enumerate(columns):
            marks = column.strip(MD_TRIM_CHARS)
            if not marks:
                if index == 0 or index == len(columns) - 1:
                    continue
                raise _Unsure
            if not headerLineRe.search(marks):
                raise _Unsure
            if marks[-1] == ":":
                aligns.append("center" if marks[0] == ":" else "right")
            else:
                aligns.append("left" if marks[0] == ":" else "")
        heads = _cells(lines[at])
        if not heads or len(heads) != len(aligns):
            raise _Unsure  # not a table to markdown-it
        styles = [{"style": "text-align:" + align} if align else None for align in aligns]
        table = self.open("table_open", "table", [at, 0])
        self.open("thead_open", "thead", [at, at + 1])
        self.open("tr_open", "tr", [at, at + 1])
        for head, style in zip(heads, styles):
            self.open("th_open", "th", None, attrs=style and dict(style))
            self.inline(head.strip(MD_TRIM_CHARS), at, at + 1)
            self.close("th_close", "th")
        self.close("tr_close", "tr")
        self.close("thead_close", "thead")
        row, body, missing = at + 2, None, 0
        while row < end and kinds[row] != BLANK:
            line = lines[row]
            if line[0] != "|":
                raise _Unsure  # a row without a pipe first, or a block that ends the table
            cells = _cells(line)
            missing += len(heads) - len(cells)
            if missing > MAX_AUTOCOMPLETED_CELLS:
                raise _Unsure
            if body is None:
                body = self.open("tbody_open", "tbody", [at + 2, 0])
            self.open("tr_open", "tr", [row, row + 1])
            for index, style in enumerate(styles):
                self.open("td_open", "td", None, attrs=style and dict(style))
                cell = cells[index] if index < len(cells) else ""
                self.inline(cell.strip(MD_TRIM_CHARS), row, row + 1)
                self.close("td_close", "td")
            self.close("tr_close", "tr")
            row += 1
        if body is not None:
            self.close("tbody_close", "tbody")
            body.map[1] = row
        self.close("table_close", "table")
        table.map[1] = row
        return row


def _cells(line: str) -> list[str]:
    """A row's cells as markdown-it's table rule splits them (at every "|" when none can be escaped)."""
    line = line.strip(MD_TRIM_CHARS)
    cells = escapedSplit(line) if "\\" in line else line.split("|")
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _marker(line: str) -> tuple[int, int]:
    """A numbered item's number and the width of its marker (digits and "." or ")")."""
    digits = len(line) - len(line.lstrip(DIGITS))
    return int(line[:digits]), digits + 1
