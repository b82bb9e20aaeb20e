"""Originality (`check --sources DIR`): every run of 8 or more words a course shares with a source.

The course's texts are hashed in overlapping runs of eight words (shingles); each source is then read
word by word and the first place of each of those runs is noted; the course's texts are looked up run
by run, and overlapping hits merge into one finding naming both places. Linear in the words on both
sides, and what is kept is the course's runs alone: a sources folder of any size is streamed (a table
of every source's runs took a gigabyte for 20 MB of articles).
"""
from __future__ import annotations

import html
import re
import stat
from collections import deque
from pathlib import Path

from courseforge.check.findings import Finding, finding
from courseforge.check.review import Review
from courseforge.coursefolder import OURS, walk_files
from courseforge.errors import Location
from courseforge.sourcetext import normalise

RUN = 8
TEXT_FILES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".rst", ".text"})
MAX_SOURCE_BYTES = 20_000_000  # an article is far smaller; a huge file is a mistake, not a source
WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
# A tag: no "<" inside, so that a text of "<" without ">" is read once, not once from each "<" to its end.
TAG = re.compile(r"<[^<>]*>")


def _source_files(folder: Path, own: frozenset[Path]) -> list[Path]:
    """The articles under `folder`; not the course's own pages, nor what builds leave (packages, answer
    keys, caches): `--sources .` in a project found every lesson copied from itself."""
    found = []
    for entry in walk_files(folder, lambda name: name not in OURS):  # links are not followed into
        if Path(entry.name).suffix.lower() in TEXT_FILES:
            path = Path(entry.path)
            info = path.lstat()  # a link may point anywhere, and reading a FIFO blocks forever
            if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_SOURCE_BYTES and path.resolve() not in own:
                found.append(path)
    return found


def shingle_table(folder: Path, own: frozenset[Path] = frozenset(),
                  wanted: set[int] | None = None) -> dict[int, tuple[Path, int]]:
    """hash of eight words → (source file, line of the first word); the first place wins. With
    `wanted`, only those hashes are kept (the course's own runs)."""
    table: dict[int, tuple[Path, int]] = {}
    for path in _source_files(folder, own):
        # Lines numbered as an editor numbers them (sourcetext.normalise: str.splitlines() also broke
        # them at a form feed or U+2028), and a tag across lines keeps its line breaks: the finding
        # names the line the reader finds the words on.
        text = normalise(path.read_text(encoding="utf-8", errors="replace"))
        if path.suffix.lower() in (".html", ".htm"):
            text = html.unescape(TAG.sub(lambda tag: " " + "\n" * tag.group().count("\n"), text))
        run, lines = deque(maxlen=RUN), deque(maxlen=RUN)  # the last eight words, and their lines
        for number, line in enumerate(text.split("\n"), start=1):
            for word in WORD.findall(line.lower()):
                run.append(word)
                lines.append(number)
                if len(run) == RUN:
                    key = hash(tuple(run))
                    if key not in table and (wanted is None or key in wanted):
                        table[key] = (path, lines[0])
    return table


def shared_text(review: Review) -> list[Finding]:
    if review.sources is None:
        return []
    texts = [(path, block, WORD.findall(block.text.lower())) for path, block in review.texts()]
    wanted = {hash(tuple(words[i:i + RUN])) for _, _, words in texts for i in range(len(words) - RUN + 1)}
    table = shingle_table(review.sources, frozenset(page.source.resolve() for page in review.course.pages), wanted)
    found = []
    for path, block, words in texts:
        for start, count, hit in _shared_runs(words, table):
            found.append(finding("shared-text", path, block.line,
                                 f'{count} words shared with {Location(*hit)}: "{" ".join(words[start:start + RUN])} …"',
                                 "say it in your own words, or quote it and name the source"))
    return found


def _shared_runs(words: list[str], table: dict):
    """(first word, number of words, where the source has the first eight) per shared run."""
    i = 0
    while i <= len(words) - RUN:
        hit = table.get(hash(tuple(words[i:i + RUN])))
        if hit is None:
            i += 1
            continue
        end = i + 1
        while end <= len(words) - RUN and hash(tuple(words[end:end + RUN])) in table:
            end += 1
        yield i, end - i + RUN - 1, hit
        i = end + RUN - 1


RULES = {"shared-text": shared_text}  # reads every text, but only with --sources
PAGE_RULES: dict = {}
