"""Sources written on Windows (byte-order mark, CRLF) or holding odd line breaks read like LF files."""
import hashlib
import os
import threading

import pytest

from conftest import default_files, lesson, write_course
from courseforge.build import build
from courseforge.errors import ContentErrors
from courseforge.loader import load
from courseforge.sourcetext import MAX_SOURCE_BYTES, SourceError, read_source

ASSESSMENT = """---
id: final
title: Final check
---

::: question q-pick single
Which cue matters most?
- [x] Narrow feet
- [ ] Colour
:::
"""

SCENARIO = """title: A short call
characters:
  sam: {name: Sam, role: Customer}
scenes:
  start:
    title: The call
    lines:
      - sam: Hello.
"""

QUESTIONS = """Intro paragraph{odd}with a break in it.

::: question first single
Pick {odd}the first.
- [x] Right
  feedback: Yes.
- [ ] Wrong
  feedback: No.
explanation: Because.
:::

Another{odd}paragraph.

::: question second single
Pick the second.
- [ ] Wrong
  feedback: No.
- [x] Right
  feedback: The last option's feedback.
explanation: The explanation.
:::
"""


def windows(text: str) -> bytes:
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bom_and_crlf_build_exactly_like_lf(tmp_path):
    files = {**default_files(2), "assessments/01-final.md": ASSESSMENT, "scenarios/01-call.yml": SCENARIO}
    folder = write_course(tmp_path / "course", files)
    lf = build(folder, tmp_path / "lf", ["scorm12", "cmi5"])
    write_course(folder, {name: windows(text) for name, text in files.items()})
    assert (folder / "course.yml").read_bytes().startswith(b"\xef\xbb\xbf")
    crlf = build(folder, tmp_path / "crlf", ["scorm12", "cmi5"])
    assert [sha(p) for p in crlf] == [sha(p) for p in lf]


def test_classic_mac_line_ends_read_as_lines(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"one\rtwo\r\nthree\n")
    assert read_source(path) == "one\ntwo\nthree\n"


@pytest.mark.parametrize("odd", ["\u2028", "\u2029", "\v", "\f", "\x85", "\x1c"])
def test_ambiguous_line_breaks_shift_no_line_and_lose_nothing(tmp_path, odd):
    def questions(text):
        folder = write_course(tmp_path / f"course-{ord(odd)}-{len(text)}",
                              {**default_files(1), "lessons/01-part-1.md": lesson("part-1", "Part 1", text)})
        return {q.id: q for q in load(folder).lessons[0].questions}

    plain, odd_ones = questions(QUESTIONS.format(odd=" ")), questions(QUESTIONS.format(odd=odd))
    assert [(q.id, q.line) for q in odd_ones.values()] == [(q.id, q.line) for q in plain.values()]
    last = odd_ones["second"]
    assert last.options[-1].feedback_html == plain["second"].options[-1].feedback_html != ""
    assert "explanation" in last.explanation_html.lower() and "Pick the second." in last.prompt_html
    assert "the first." in odd_ones["first"].prompt_html


def test_oversized_and_non_utf8_sources_are_located_errors(tmp_path):
    big = tmp_path / "big.md"
    big.write_bytes(b"a" * (MAX_SOURCE_BYTES + 1))
    with pytest.raises(SourceError, match="over the 2 MB limit"):
        read_source(big)
    folder = write_course(tmp_path / "course", {**default_files(1), "lessons/02-big.md": b"x" * (MAX_SOURCE_BYTES + 5)})
    with pytest.raises(ContentErrors) as caught:
        load(folder)
    assert "02-big.md: the file is over the 2 MB limit" in str(caught.value)


def test_a_source_is_read_whole_up_to_the_limit_and_refused_past_it(tmp_path):
    # Read in pieces sized by the file: at the limit exactly, a byte past it, and from a FIFO, whose
    # size says nothing of what it holds.
    path = tmp_path / "page.md"
    path.write_bytes("é\r\n".encode() * 5)
    assert read_source(path, limit=20) == "é\n" * 5
    with pytest.raises(SourceError, match="over the"):
        read_source(path, limit=19)
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(b"word " * 30_000))
    writer.start()
    assert read_source(fifo) == "word " * 30_000
    writer.join()
