"""The shape of a page's `:::` blocks, and images Markdown read as text: what markdown-it lets pass in
silence. A block left open runs to the end of the page (a story swallows the questions after it), a
`:::` that closes nothing shows as text, and an image with a space in its path shows its source.

Each check adds (line, what is wrong, how to fix it) to a page's problems.
"""
from __future__ import annotations

import re

from markdown_it.token import Token

# `![alt](path)` that Markdown leaves as text: a space between `]` and `(`, or in the path.
UNREAD_IMAGE = re.compile(r"!\[[^\]\n]*\](\s*)\(([^)\n]*)\)")
TITLED = re.compile(r"""^\S+\s+("[^"]*"|'[^']*'|\([^)]*\))$""")  # a path and its title: read as an image


def is_close(line: str) -> bool:
    marks = line.strip()
    return len(marks) >= 3 and marks.strip(":") == ""


def is_bare_end(info: str) -> bool:
    """`::: end`: a closing line written as other tools write it. markdown-it opens a block "end" there,
    inside the one it was meant to close."""
    return info.strip().lower() == "end"


def bare_end(token: Token) -> tuple[int, str, str]:
    return (token.map[0] + 1, 'a block ends with a bare ":::"', f'delete "{token.info.strip()}"')


def _first_fence_is_bare_end(token: Token, lines: list[str]) -> bool:
    for line in lines[token.map[0] + 1:token.map[1]]:
        marks = line.lstrip("> \t")
        if marks.startswith(":::"):
            return is_bare_end(marks.lstrip(":"))
    return False


def check_closed(token: Token, lines: list[str], kind: str, last: str, problems: list) -> None:
    """The container rule ends a block at (0-based) line map[1]: a `:::` line there, or the end of the
    page (or of the list or quote holding it) when the block was left open. A block whose first `:::`
    line is `::: end` was closed, as the author sees it: that line is the one named."""
    if token.map and not (token.map[1] < len(lines) and is_close(lines[token.map[1]].lstrip("> \t"))) \
            and not _first_fence_is_bare_end(token, lines):
        problems.append((token.map[0] + 1, f"`::: {token.info.strip()}` has no closing `:::`",
                         f"end the {kind} with a `:::` line after {last}"))


def check_shared_close(token: Token, outer: Token, outer_kind: str, problems: list) -> None:
    """A block opened inside a callout and ended by the same `:::` line: the callout was left open
    (markdown-it ends a `:::` block at the first `:::` line, nested or not)."""
    if token.map and outer.map and outer.map[1] == token.map[1]:
        problems.append((token.map[0] + 1, f"`::: {token.info.strip()}` starts inside the `::: {outer_kind}` "
                         f"of line {outer.map[0] + 1}, and one `:::` line ends both",
                         f"end the {outer_kind} with a `:::` line before this one (to put one block inside "
                         "another, open and close the outer one with `::::`)"))


def opened_inside(tokens: list[Token], index: int, close: int) -> int | None:
    """The first block opened inside the question opened at `index`: a question holds none, so it is
    the next block, written before the question's closing `:::`."""
    for position in range(index + 1, close):
        if tokens[position].type == "container_callout_open":
            return position
    return None


def report_open_question(start: int, inner: Token, problems: list) -> None:
    problems.append((inner.map[0] + 1, f"`::: {inner.info.strip()}` starts inside the question of line {start + 1}, "
                     "which has no closing `:::`", "end that question with a `:::` line before this one"))


def check_stray_closes(token: Token, problems: list) -> None:
    """A `:::` the callout rule did not take (nothing open, or no kind after it) shows as text."""
    for offset, line in enumerate(token.content.split("\n")):
        if is_close(line):
            problems.append((token.map[0] + offset + 1, "this `:::` line closes no callout or question",
                             "remove it, or open the block above with `::: tip` (story, reflection, example, "
                             "note, warning) or `::: question some-id TYPE`"))


def check_unread_images(token: Token, problems: list) -> None:
    """The images written in `token` that Markdown read as text: the learner would see the source,
    and the file would be left out of the package."""
    children = token.children or ()
    if not any(child.type == "text" and "![" in child.content for child in children):
        return  # every image in it was read as one
    codes = [child.content for child in children if child.type == "code_inline"]
    for found in UNREAD_IMAGE.finditer(token.content):
        gap, path = found.group(1), found.group(2).strip()
        spaced = " " in path and not path.startswith("<") and not TITLED.match(path)
        if not (gap or spaced) or any(found.group(0) in code for code in codes):
            continue
        hint = ("remove the space between `]` and `(`" if gap else
                "rename the file without spaces (my-picture.png, say) and link to the new name")
        problems.append((token.map[0] + 1 + token.content.count("\n", 0, found.start()),
                         f"`{found.group(0)[:80]}` is not read as an image, so it shows as text", hint))
