"""Reading an author's text file the same way wherever it was written.

Windows editors add a byte-order mark and CRLF line ends; old Macs end lines with CR alone. And a
few characters count as line breaks for some readers but not others: Python's `str.splitlines`
breaks at U+2028, U+2029, NEL, form feed, vertical tab and \x1c-\x1e, YAML (PyYAML's reader and
libyaml alike) at the first three, markdown-it at none, so one of them in a file shifted the line
numbers of everything after it. Every reader gets LF lines and nothing else that breaks one, and so
counts lines as editors show them: VS Code ends a line at LF, CRLF and CR only, and offers to remove
the others as "unusual line terminators" (microsoft/vscode#98989); Vim and Emacs show them inside
their line (^L, <85>). Whatever numbers a file's lines reads it here (source_lines()).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

# A page is prose, a course file a few keys: anything this large is a mistake, or an attack on memory.
MAX_SOURCE_BYTES = 2_000_000
GROWN_BY = 65_536  # bytes a read asks for past a source's size (one written to meanwhile)

# Line breaks to some readers only: kept as spaces so every reader agrees on the line numbers.
_BREAK_MARKS = "\u2028\u2029\x85\v\f\x1c\x1d\x1e"
_AMBIGUOUS_BREAKS = str.maketrans(dict.fromkeys(_BREAK_MARKS, " "))
_LINE_ENDS = re.compile(rb"\r\n|\r|\n")
# What no XML document may hold (a package's manifest, cmi5.xml, tincan.xml, where titles and questions
# go): the C0 controls but tab, the line ends and the breaks made spaces above, and U+FFFE, U+FFFF.
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x1C), 0x1F])
_UNFIT_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1b\x1f]|\xef\xbf[\xbe\xbf]")


class SourceError(Exception):
    """A file that cannot be read as an author's text: `problem`, `hint` and `line` for a ContentError."""

    def __init__(self, problem: str, hint: str, line: int | None = None):
        super().__init__(problem)
        self.problem, self.hint, self.line = problem, hint, line


def read_source(path: Path, limit: int = MAX_SOURCE_BYTES) -> str:
    """The text of `path` with LF line ends, no byte-order mark and no ambiguous line breaks."""
    return source_text(read_at_most(path, limit + 1), limit)


def source_text(data: bytes, limit: int = MAX_SOURCE_BYTES) -> str:
    """read_source() of a file that held `data`, read to a byte past `limit` (a page's reader hashes
    the very bytes it reads for the page's cache key)."""
    if len(data) > limit:
        raise SourceError(f"the file is over the {limit // 1_000_000} MB limit for a course source",
                          "split it into several files (one lesson or scenario each)")
    if b"\0" in data[:2] and (not any(data[0:8:2]) or not any(data[1:8:2])):
        # UTF-16 without its byte-order mark: every other byte of English text is 0
        raise SourceError("the file is UTF-16 text", "save it as UTF-8", 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # the byte-order mark of UTF-16, as Windows' Notepad saves
            raise SourceError("the file is UTF-16 text", "save it as UTF-8", 1) from None
        # The line of the first byte that is not UTF-8: a Latin-1 "é" in a long lesson is found at once.
        raise SourceError("the file is not UTF-8 text", "save it as UTF-8",
                          len(_LINE_ENDS.split(data[:exc.start]))) from None
    # A deletion of a few bytes from a copy: 1.4 µs a page, where a search of the text took 6.
    if len(data.translate(None, _CONTROL_BYTES)) != len(data) or b"\xef\xbf" in data:
        found = _UNFIT_BYTES.search(data)
        if found is not None:
            raise SourceError(f"the file holds {unfit_name(found.group().decode('utf-8'))}, which no package can carry",
                              "delete it (an editor may show it as a box, a ? or ^A)",
                              len(_LINE_ENDS.split(data[:found.start()])))
    return normalise(text)


def unfit_name(character: str) -> str:
    """How a message names a character no package can carry: "the control character U+0001"."""
    kind = "the noncharacter" if character in "\ufffe\uffff" else "the control character"
    return f"{kind} U+{ord(character):04X}"


def read_at_most(path: str | Path, limit: int) -> bytes:
    """The first `limit` bytes of `path`, or all of a smaller file; raises OSError. In as few system
    calls as a file allows (a page's key hashes its source at every build): its size from a seek to
    its end, no stat result to make, then reads at offsets asking for a byte more than it holds (a
    read of the whole limit makes, and unmaps, a 2 MB buffer each page, which cost more than the rest
    of reading the file); a short read is its end. A pipe, with no end to seek to, is read as it comes."""
    handle = os.open(path, os.O_RDONLY)
    try:
        try:
            end = os.lseek(handle, 0, os.SEEK_END)
        except OSError:  # a pipe (check_folder refuses one, unless it came since)
            return _streamed(handle, limit)
        parts, size = [], 0
        ask = min(end + 1, limit)
        while size < limit and (part := os.pread(handle, ask, size)):
            parts.append(part)
            size += len(part)
            if len(part) < ask:
                break
            ask = min(limit - size, GROWN_BY)  # written to since the seek
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(handle)


def _streamed(handle: int, limit: int) -> bytes:
    parts, size = [], 0
    while size < limit and (part := os.read(handle, min(limit - size, GROWN_BY))):
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def source_lines(path: Path) -> list[str]:
    """The lines of `path` as read_source() reads it, numbered from 1 as an editor and every reader
    number them (str.splitlines() on the file as saved broke a line at a form feed or U+2028);
    [] for a file that cannot be read, which its reader has said already."""
    try:
        text = read_source(path)
    except (OSError, SourceError):
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the file's last line end starts no line of its own
    return lines


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(mark in text for mark in _BREAK_MARKS):  # rare; translate() looks up every character
        text = text.translate(_AMBIGUOUS_BREAKS)
    return text
