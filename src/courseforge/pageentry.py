"""A page as one line of JSON for the page cache (pagecache.py), and back.

A dataclass is stored as the list of its field values in field order, no names or type tags: a
rebuild of a large course decodes a few hundred thousand of them, and plain JSON arrays come out of
the C decoder ready to be passed to the class. What each field holds is declared below (SCHEMA), so
nothing in the file chooses which class is made: anything that does not fit is a miss, never code.

An entry is three JSON texts joined by tabs (never raw in JSON text): the page without a lesson's
html (its hot part: what a rebuild reads of every page), the lesson's html, and the page's words
(PageText's BULK: its blocks, headings, links…). The last two are its cold part, most of an entry and
what a rebuild reads least: the page cache keeps them apart, read when first asked for (pagecold.py).
Entries are ASCII (ensure_ascii): the C encoder and decoder, and the shard's UTF-8 decoding, are
fastest on it.
"""
from __future__ import annotations

import functools
import itertools
import json
import operator
import sys
from dataclasses import fields
from json.decoder import scanstring as _string
from json.encoder import encode_basestring_ascii
from pathlib import Path

from courseforge.model import Block, Lesson, Option, PageStats, PageText, Question, Quiz, Sentence
from courseforge.pagecold import BULK, LIGHT, MISS, CachedLesson, CachedText, ColdPart
from courseforge.textmarks import TextMarks
from courseforge.yamltext import Mapping

KINDS = {"lesson": Lesson, "quiz": Quiz}
KIND_NAMES = {cls: name for name, cls in KINDS.items()}
_SCAN = json.JSONDecoder().scan_once  # (text, where a value starts) → (the value, where it ends)
__all__ = ["BULK", "LIGHT", "MISS", "CachedText", "decode", "encode"]


def encode(page, id_line: int | None, links: list[tuple]) -> str:
    """One cache entry as a line: the page's JSON (a lesson's without its html), its html, its words."""
    kind = KIND_NAMES[type(page)]
    head = _compact({"kind": kind, "page": page, "id_line": id_line, "links": links})
    html = encode_basestring_ascii(page.html) if kind == "lesson" else '""'  # json.dumps(text), less its layers
    return f"{head}\t{html}\t{_compact(_STORED_OF(page.page_text))}"


def _compact(value) -> str:
    """json.dumps(value, separators=(",", ":"), default=_plain), with one C encoder made for every
    entry, not one a call (json.dumps makes a JSONEncoder, which makes it), and no check for cycles:
    a page holds none (one would end in a RecursionError, not a ValueError; neither is ever written)."""
    return "".join(_C_ENCODER(value, 0))


def decode(line: str, source: Path, read_again=None, fetch=None):
    """(page, id_line, links) from an entry of encode(), or from its hot part alone with `fetch`;
    raises one of MISS if it is not one. `source`, the page's file, stands for every path in the entry
    that names it. Without `read_again` the whole entry is decoded and checked now; with it, the cold
    part (the entry's own, or what `fetch()` gives: None if there is none) when first read, and should
    it not fit the schema, read_again() gives the page its source makes (pagecold.ColdPart)."""
    head, tab, cold = line.partition("\t")
    entry = _json_text(head)
    if type(entry) is not dict or not (tab or fetch):
        raise TypeError("not an entry")
    kind = entry["kind"]
    page = (LAZY_MAKERS if read_again else MAKERS)[kind](entry["page"], (source, str(source)))
    if page is None:
        raise TypeError("no page")
    light = page.page_text
    if read_again is None:
        html, bulk = _cold(cold)
        if kind == "lesson":
            page.html = html
        page.page_text = PageText(**dict(zip(LIGHT, light)), **dict(zip(BULK, bulk)))
    else:
        part = ColdPart(fetch or (lambda: cold), _cold, read_again)
        if kind == "lesson":
            del page.html  # an unset slot: read, it is fetched (CachedLesson)
            page._cold = part
        text = page.page_text = object.__new__(CachedText)
        text.front, text.stats, text.marks = light
        text._cold = part
    id_line = entry["id_line"]
    if id_line is not None and type(id_line) is not int:
        raise TypeError("id_line")
    links = entry["links"]
    if type(links) is not list:
        _fail(links)
    return page, id_line, [LINK(link, None) for link in links] if links else []


def _json_text(text: str):
    """json.loads(text) for text encode() wrote (no white space around it), without its wrappers'
    calls: a rebuild decodes 5 000 entries."""
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        raise ValueError("not JSON") from None
    if end != len(text):
        raise ValueError("text after the entry")
    return value


def _plain(value):
    """What json.dumps writes for what it cannot: a stored class as the tuple of its field values (a
    PageText's LIGHT ones only), a path as its text. The C encoder walks everything else, a good deal
    faster than Python did."""
    fields_of = GETTERS.get(type(value))
    if fields_of is not None:
        return fields_of(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# What each field of a stored class holds: a JSON type or a tuple of them, PATH, Items(type) a tuple of
# such values, Row(…) a tuple of that shape (each place a JSON type, or Items), a stored class (None where
# it is optional), [x] a list of x, (x,) a tuple of x; DATA, LINES, ITEM_LINES are a Mapping's parts.
# An entry that does not fit is a miss: a build never meets a title that is a list or a line that is text.
PATH, DATA, LINES, ITEM_LINES = "path", "data", "lines", "item lines"
S, I, B, N = str, int, bool, type(None)


class Items(tuple):
    def __new__(cls, kind: type):
        return super().__new__(cls, (kind,))


class Row(tuple):
    def __new__(cls, *places):
        return super().__new__(cls, places)


SCHEMA = {
    Lesson: {"id": S, "title": S, "number": I, "source": PATH, "html": S, "objectives": Items(S), "minutes": (I, N),
             "questions": [Question], "page_text": PageText},
    Quiz: {"id": S, "title": S, "number": I, "source": PATH, "intro_html": S, "questions": [Question], "graded": B,
           "draw": (I, N), "attempts": (I, N), "passing_score": (I, N), "shuffle": B, "show_answers": B,
           "page_text": PageText},
    Question: {"id": S, "type": S, "prompt_html": S, "source": PATH, "line": I, "scenario_html": S,
               "options": (Option,), "targets": (Option,), "answers": Items(S), "case_sensitive": B,
               "explanation_html": S, "points": I, "objectives": Items(S)},
    Option: {"key": S, "html": S, "text": S, "correct": B, "feedback_html": S},
    PageText: {"front": Mapping, "blocks": [Block], "questions": [Block], "headings": [Row(I, I, S)],
               "images": [Row(I, S, S)], "links": [Row(I, S, S)], "tables": [Row(I, list)],
               "callouts": [Row(I, S, B)], "stats": PageStats, "marks": TextMarks},
    Mapping: {"data": DATA, "key_lines": LINES, "item_lines": ITEM_LINES, "first_line": I, "duplicates": [Row(S, I)]},
    Block: {"line": I, "text": S, "kind": S},
    PageStats: {"reading_words": I, "grade": (float, N), "first_line": (I, N), "sentence_count": I,
                "passive": (Sentence,), "long": (Sentence,)},
    Sentence: {"line": I, "words": I, "passive": B, "opening": S},
    TextMarks: {"spellings": (Row(I, S),), "us_terms": (Row(I, S),), "currencies": (Row(I, S),),
                "colour_cues": (Row(I, S),), "ignores": (Row(I, Items(S)),), "raw_html": (Row(I, S),)},
}
# A text block's kind is one of a few words: one copy of each, not one a block (4 MB at 5 000 lessons).
SHARED = {Block: 2}
NAMES = {cls: tuple(f.name for f in fields(cls)) for cls in SCHEMA}
LAYOUT = {cls: tuple(SCHEMA[cls][f.name] for f in fields(cls)) for cls in SCHEMA}
GETTERS = {cls: operator.attrgetter(*names) for cls, names in NAMES.items()}  # every class has several fields
# The cold part's words are stored in this order: the blocks (a page's prose, most of its words) last, so
# that a page a worker of this build read leaves them as JSON text until a reader asks (ownentry.py).
STORED = (*(name for name in BULK if name != "blocks"), "blocks")
_LIGHT_OF, _STORED_OF = operator.attrgetter(*LIGHT), operator.attrgetter(*STORED)
_AS_BULK = [STORED.index(name) for name in BULK]  # where each of BULK is among STORED


def _compiled(kind):
    """A function (data, (source, its text)) → the value `kind` describes, made once per kind."""
    if kind is PageText:  # its LIGHT values: decode() makes the PageText of them and the bulk
        return lambda data, at: [make(value, at) for make, value in zip(_LIGHT_MAKERS, _sized(data, len(LIGHT)))]
    if isinstance(kind, type) and kind in SCHEMA:
        return _class_maker(kind)
    if isinstance(kind, Items):
        return lambda data, at: tuple(_items(data, kind[0]))
    if isinstance(kind, Row):
        return _row(kind)
    if isinstance(kind, list) or isinstance(kind, tuple) and not _plain_types(kind):  # [x], (x,): most empty
        return _sequence(kind[0], list if isinstance(kind, list) else tuple)
    return {PATH: _path, DATA: _data, LINES: _lines, ITEM_LINES: _item_lines}.get(kind) or _typed(kind)


def _sequence(place, to: type):
    """A list or tuple of `place`s; most are empty, and cost a test."""
    make = _compiled(place)

    def many(data, at):
        if type(data) is not list:
            _fail(data)
        return to([make(part, at) for part in data]) if data else to()
    return many


def _plain_types(kind) -> bool:
    """A JSON type, or a tuple of them (not a tuple of a stored class)."""
    types = kind if type(kind) is tuple else (kind,)
    return all(isinstance(t, type) and t not in SCHEMA for t in types)


def _typed(kind):
    allowed = kind if isinstance(kind, tuple) else (kind,)
    return lambda data, at: data if type(data) in allowed else _fail(data)


def _class_maker(cls):
    """One look at the JSON type of every field (a set of the shapes the class may have), then the
    makers of the fields a JSON value is not yet (paths, tuples, stored classes, checked dicts)."""
    layout = LAYOUT[cls]
    shapes = _shapes(cls)
    parts = [(index, _compiled(kind)) for index, kind in enumerate(layout) if not _plain_types(kind)]
    shared = SHARED.get(cls)
    blank, empty = _blank(cls)

    def plain(data, at):  # a class of JSON values alone (a sentence): no more to do than the test
        if type(data) is not list or tuple(map(type, data)) not in shapes:
            raise ValueError(f"not a {cls.__name__}")
        return cls(*data)

    def make(data, at):
        if blank is not None and data == blank:
            return empty
        if type(data) is not list or tuple(map(type, data)) not in shapes:
            if data is None and parts:
                return None  # an optional part (a page without text marks, say)
            raise ValueError(f"not a {cls.__name__}")
        for index, part in parts:
            data[index] = part(data[index], at)
        if shared is not None:
            data[shared] = sys.intern(data[shared])
        return cls(*data)
    return plain if not parts and shared is None and blank is None else make


def _shapes(cls) -> set[tuple]:
    """Every tuple of JSON types the fields of `cls` may come as."""
    return set(itertools.product(*(_json_types(kind) for kind in LAYOUT[cls])))


@functools.cache
def _blank(cls) -> tuple[list | None, object]:
    """(JSON, value) of a frozen class whose fields all default to an empty tuple (most pages' text
    marks): a list of as many empty lists is equal to nothing else, and one value serves every page
    (whichever maker makes it)."""
    if not cls.__dataclass_params__.frozen or any(f.default != () for f in fields(cls)):
        return None, None
    return [[] for _ in fields(cls)], cls()


def _json_types(kind) -> tuple:
    """What JSON gives for a field of `kind` (its maker checks the rest)."""
    if _plain_types(kind):
        return kind if type(kind) is tuple else (kind,)
    if kind in (DATA, LINES, ITEM_LINES):
        return (dict,)
    if kind == PATH:
        return (str,)
    return (list, type(None)) if isinstance(kind, type) else (list,)  # a stored class may be absent


def _row(places: Row):
    shapes = set(itertools.product(*(_choices(place) for place in places)))
    inner = [(index, place) for index, place in enumerate(places) if isinstance(place, Items) or place is list]

    def row(data, at):
        if type(data) is not list or tuple(map(type, data)) not in shapes:
            _fail(data)
        for index, place in inner:  # table header cells stay a list; an ignore comment's rules, a tuple
            data[index] = tuple(_items(data[index], place[0])) if isinstance(place, Items) else _items(data[index], str)
        return tuple(data)
    return row


def _choices(place) -> tuple:
    return (list,) if isinstance(place, Items) else place if type(place) is tuple else (place,)


def _items(data, kind: type) -> list:
    if type(data) is not list or (data and {*map(type, data)} != {kind}):  # a set, not a generator: in C
        _fail(data)
    return data


def _path(data, at) -> Path:
    if type(data) is not str:
        raise TypeError("not a path")
    source, named = at
    return source if data == named else Path(data)


def _data(data, at) -> dict:
    return data if type(data) is dict else _fail(data)


def _lines(data, at) -> dict:
    if type(data) is not dict or (data and {*map(type, data.values())} != {int}):
        _fail(data)
    return data


def _item_lines(data, at) -> dict:
    if type(data) is not dict:
        _fail(data)
    for lines in data.values():
        _items(lines, int)
    return data


def _fail(data):
    raise TypeError(f"unexpected {type(data).__name__}")


def _cold(cold: str) -> tuple[str, list]:
    """A cold part's (html, values of BULK); raises one of MISS if they do not fit."""
    text, tab, bulk = cold.partition("\t")
    html, end = _string(text, 1) if text[:1] == '"' else _fail(text)  # what json.loads does, less its set-up
    if end != len(text) or not tab:
        _fail(text)
    return html, _bulk(bulk)


def _bulk(bulk: str) -> list:
    """The values of BULK (in its order) from their JSON text; raises one of MISS if they do not fit."""
    stored = [make(value, None) for make, value in zip(_STORED_MAKERS, _sized(json.loads(bulk), len(STORED)))]
    return [stored[at] for at in _AS_BULK]


def _sized(data, size: int) -> list:
    if type(data) is not list or len(data) != size:
        _fail(data)
    return data


_LIGHT_MAKERS = [_compiled(SCHEMA[PageText][name]) for name in LIGHT]
_STORED_MAKERS = [_compiled(SCHEMA[PageText][name]) for name in STORED]  # no paths among them: no source to name
GETTERS[PageText] = GETTERS[CachedText] = _LIGHT_OF
_WHOLE_LESSON, _HTML_AT = GETTERS[Lesson], NAMES[Lesson].index("html")
GETTERS[Lesson] = lambda lesson: (*(values := _WHOLE_LESSON(lesson))[:_HTML_AT], "", *values[_HTML_AT + 1:])  # noqa: E731
LAYOUT[CachedLesson] = LAYOUT[Lesson]
CHECKED_MAKERS = {name: _class_maker(cls) for name, cls in KINDS.items()}  # what the makers below must match
CHECKED_LAZY_MAKERS = {**CHECKED_MAKERS, "lesson": _class_maker(CachedLesson)}
LINK = _row(Row(S, I, B, (S, N)))  # (url, line, is_image, href: None where the page kept the url)
# The C encoder json.dumps(…, separators=(",", ":"), default=_plain) makes, with the arguments its
# JSONEncoder hands it but for the cycle markers: the ASCII string encoder, no indent, the separators,
# keys unsorted, none skipped, NaN allowed.
_C_ENCODER = (json.encoder.c_make_encoder(None, _plain, encode_basestring_ascii, None, ":", ",", False, False, True)
              if json.encoder.c_make_encoder is not None else
              json.JSONEncoder(separators=(",", ":"), default=_plain, check_circular=False).iterencode)



# After the schema they check: the makers a decode() uses, written out for the hot part's classes.
from courseforge.hotmakers import LAZY_MAKERS, MAKERS  # noqa: E402
