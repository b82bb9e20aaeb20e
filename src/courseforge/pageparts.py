"""What the launch page carries, and which lesson pages travel in parts loaded when they are opened.

A learner on a phone should not download a whole large course before its first screen shows. A
course whose launch page stays within LAUNCH_LIMIT keeps every page in index.html (it prints whole
and works without script); a larger one keeps only its assessments and role-plays there (the
player restores their state at start-up) and puts its lessons, in order, into `pages/NNNN.js`
parts of about PART_SIZE each. A part is a classic script, not a fetch: it loads from file:// too.

The launch page names each part once (`launch_list`): its path, how many pages it holds and how many
knowledge checks they carry, so the player can number pages and checks before the part arrives;
each page's id and title travel in its part. The launch page so grows by a part, not by a lesson:
about 2 bytes a lesson, where a line per lesson (~56 bytes) passed 500 KB near 7 500 lessons.
"""
from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

LAUNCH_LIMIT = 400_000  # bytes of index.html; the player's scripts and styles add about 85 KB
PART_SIZE = 64_000  # bytes of section markup per part: one request, and a few pages ahead
PART_DIR = "pages"


class Section:
    """One page's section markup, as text or as the JSON string its part carries (what the section
    cache keeps, sectioncache.py); either is made from the other when first needed, so a rebuild
    that takes its sections from the cache never decodes the lessons it sends in parts."""

    __slots__ = ("page_id", "deferrable", "length", "key", "_markup", "_piece", "_fetch")

    def __init__(self, page_id: str, deferrable: bool, markup: str | None = None,
                 piece: bytes | memoryview | None = None, length: int | None = None, key: str | None = None,
                 fetch: Callable[[], bytes | memoryview] | None = None):
        self.page_id, self.deferrable = page_id, deferrable  # deferrable: a lesson, which may travel in a part
        self.key = key  # the section cache's key, which makes the markup (sectioncache.py); None: no cache
        self._markup, self._piece = markup, piece
        self._fetch = fetch  # gives the piece, read from the section cache when first needed
        self.length = len(markup) if markup is not None else length  # in characters, as PART_SIZE counts

    @property
    def markup(self) -> str:
        if self._markup is None:
            self._markup = json.loads(bytes(self.piece))  # a view of the cache's shard, or bytes
        return self._markup

    @property
    def piece(self) -> bytes:
        if self._piece is None:
            self._piece = markup_json(self._markup) if self._markup is not None else self._fetch()
            self._fetch = None
        return self._piece

    def as_piece(self) -> Section:
        """The section kept as its piece alone: a lesson's markup is needed again only in a launch page
        under LAUNCH_LIMIT (a few hundred KB to decode at most), and 5 000 lessons' markup is 30 MB."""
        self._piece, self._markup = self.piece, None
        return self


# Made once: json.dumps with these options makes one on every call, and a part has a call per page id.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def part_json(value) -> bytes:
    """`value` as JSON inside a part. "<" escaped: a section's markup can never close a script
    element that inlines the part. Escaped character by character, so the JSON of a whole part is
    the JSON of its pieces put together."""
    data = _ENCODER.encode(value)
    return data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode("utf-8")


# Control characters json.dumps writes as \u00XX, \b or \f: markup hardly ever holds one.
_RARE = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_NOT_RARE = bytes(byte for byte in range(256) if byte not in _RARE)
_ESCAPES = ((b"\\", b"\\\\"), (b'"', b'\\"'), (b"\n", b"\\n"), (b"\r", b"\\r"), (b"\t", b"\\t"), (b"<", b"\\u003c"))


def markup_json(markup: str) -> bytes:
    """part_json(markup), made from its UTF-8 with a few replaces, where json.dumps goes character by
    character (twice as slow through 15 MB of markup at 5 000 lessons). The backslash goes first, so
    no escape is escaped again; markup with a rare control character or line separator is left to
    json.dumps (looking for those in the text is faster than replacing them in the bytes)."""
    if "\u2028" in markup or "\u2029" in markup:
        return part_json(markup)
    data = markup.encode("utf-8")
    if data.translate(None, _NOT_RARE):
        return part_json(markup)
    for plain, escaped in _ESCAPES:
        data = data.replace(plain, escaped)
    return b'"' + data + b'"'


@dataclass
class Part:
    """Consecutive lesson pages that load together: their sections and their questions' data."""

    path: str
    sections: dict[str, Section] = field(default_factory=dict)  # by page id
    questions: dict[str, dict] = field(default_factory=dict)
    size: int = 0
    pages: list[dict] = field(default_factory=list)  # what the player lists of each page, in order

    @functools.cached_property
    def script(self) -> bytes:
        """The part as the player loads it: one call handing over its pages (see player.js); made
        once for every package of the build. It is json.dumps of {"pages", "part", "questions",
        "sections"} with sorted keys, put together from each section's piece: the sections are
        nearly all of it, and a rebuild has most of their pieces from the cache already."""
        pieces = [b'Courseforge.addPages({"pages":', part_json(self.pages), b',"part":', part_json(self.path),
                  b',"questions":', part_json(self.questions), b',"sections":{']
        for page_id in sorted(self.sections):
            pieces += (part_json(page_id), b":", self.sections[page_id].piece, b",")
        if self.sections:
            pieces.pop()  # the comma after the last
        pieces.append(b"}});\n")
        return b"".join(pieces)

    @functools.cached_property
    def key(self) -> bytes | None:
        """A hash of all that makes `script` (its path, pages, questions and its sections' keys), so a
        part unchanged since the last build is known without being put together (zipwriter.Keyed);
        None when a section has no key. Taken, like `script`, once the launch list has set `pages`."""
        if any(section.key is None for section in self.sections.values()):
            return None
        keys = [[page_id, self.sections[page_id].key] for page_id in sorted(self.sections)]
        return hashlib.sha256(part_json([self.path, self.pages, self.questions, keys])).digest()


def split(pages: list[Section], questions: dict[str, dict]) -> list[Part]:
    """Parts for `pages` (in the learner's order): deferrable pages fill parts of PART_SIZE in order
    (a larger page has a part of its own); each question's data goes with its page. The others stay
    in the launch page."""
    parts: list[Part] = []
    for section in pages:
        if not section.deferrable:
            continue
        if not parts or parts[-1].size + section.length > PART_SIZE and parts[-1].sections:
            parts.append(Part(f"{PART_DIR}/{len(parts) + 1:04d}.js"))
        part = parts[-1]
        part.sections[section.page_id] = section
        part.size += section.length
    part_of = {page_id: part for part in parts for page_id in part.sections}
    for question_id, data in questions.items():
        part = part_of.get(data.get("page"))
        if part:
            part.questions[question_id] = data
    return parts


def launch_list(entries: list[dict], parts: list[Part], ids: bool = False) -> list[dict]:
    """The launch page's list of pages (`entries`, the player's entry of every page in order): a
    page in a part gives way to its part's summary, listed once, and goes into its part's `pages`.
    The player counts a part's pages from its summary's place, so they must follow one another
    (lessons come first, and only lessons go into parts). With `ids` a summary lists its pages' ids
    and titles too: a launch may name its page (cmi5's AU per lesson, whose statements carry the
    page's title) before the part has come."""
    part_of = {page_id: part for part in parts for page_id in part.sections}
    listed: list[dict] = []
    summaries: dict[str, dict] = {}
    for part in parts:
        part.pages = []
    for entry in entries:
        part = part_of.get(entry["id"])
        if part is None:
            listed.append(entry)
            continue
        if part.path not in summaries:
            listed.append(summaries.setdefault(part.path, {"part": part.path, "pages": len(part.sections)}))
            if ids:
                listed[-1]["ids"] = list(part.sections)
        elif listed[-1] is not summaries[part.path]:
            raise ValueError(f"{part.path}: its pages do not follow one another in the course")
        part.pages.append(entry)
        if ids:
            summaries[part.path].setdefault("titles", []).append(entry["title"])
        if entry.get("checks"):
            summaries[part.path]["checks"] = summaries[part.path].get("checks", 0) + entry["checks"]
    return listed
