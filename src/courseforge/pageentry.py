"""A page as one line of JSON for the page cache (pagecache.py), and back.

A dataclass is stored as the list of its field values in field order, no names or type tags: a
rebuild of a large course decodes a few hundred thousand of them, and plain JSON arrays come out of
the C decoder ready to be passed to the class. What each field holds is declared below (SCHEMA), so
nothing in the file chooses which class is made: anything that does not fit is a miss, never code.
"""
from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from courseforge.model import Block, Lesson, Option, PageStats, PageText, Question, Quiz, Sentence
from courseforge.textmarks import TextMarks
from courseforge.yamltext import Mapping

KINDS = {"lesson": Lesson, "quiz": Quiz}
# Raised by an entry that does not fit the schema (RecursionError: JSON nested deeper than Python goes).
MISS = (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError)


def encode(page, id_line: int | None, links: list[tuple]) -> str:
    """One cache entry as a line of JSON."""
    kind = next(name for name, cls in KINDS.items() if type(page) is cls)
    return json.dumps({"kind": kind, "page": _plain(page), "id_line": id_line, "links": links},
                      ensure_ascii=False, separators=(",", ":"))


def decode(line: str, source: Path):
    """(page, id_line, links) from an entry of encode(); raises one of MISS if it is not one.
    `source`, the page's file, stands for every path in the entry that names it."""
    entry = json.loads(line)
    if not isinstance(entry, dict):
        raise TypeError("not an entry")
    page = MAKERS[entry["kind"]](entry["page"], (source, str(source)))
    if page is None:
        raise TypeError("no page")
    id_line = entry["id_line"]
    if id_line is not None and type(id_line) is not int:
        raise TypeError("id_line")
    links = [tuple(link) for link in entry["links"]]
    if any(len(link) != 4 for link in links):
        raise ValueError("links")
    return page, id_line, links


def _plain(value):
    names = NAMES.get(type(value))
    if names is not None:
        return [_plain(getattr(value, name)) for name in names]
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


# What each field of a stored class holds, where plain JSON would not give it back as it was:
# a stored class, PATH, TUPLE (of plain values), [x] a list of x, (x,) a tuple of x.
PATH, TUPLE = "path", "tuple"
SCHEMA = {
    Lesson: {"source": PATH, "objectives": TUPLE, "questions": [Question], "page_text": PageText},
    Quiz: {"source": PATH, "questions": [Question], "page_text": PageText},
    Question: {"source": PATH, "options": (Option,), "targets": (Option,), "answers": TUPLE, "objectives": TUPLE},
    Option: {},
    PageText: {"front": Mapping, "blocks": [Block], "questions": [Block], "headings": [TUPLE], "images": [TUPLE],
               "links": [TUPLE], "tables": [TUPLE], "callouts": [TUPLE], "stats": PageStats, "marks": TextMarks},
    Mapping: {"duplicates": [TUPLE]},
    Block: {},
    PageStats: {"passive": (Sentence,), "long": (Sentence,)},
    Sentence: {},
    TextMarks: {"spellings": (TUPLE,), "us_terms": (TUPLE,), "currencies": (TUPLE,), "colour_cues": (TUPLE,),
                "ignores": "ignore"},
}
NAMES = {cls: tuple(f.name for f in fields(cls)) for cls in SCHEMA}
LAYOUT = {cls: tuple(SCHEMA[cls].get(f.name) for f in fields(cls)) for cls in SCHEMA}
PLAIN = frozenset(cls for cls, layout in LAYOUT.items() if not any(layout))


def _compiled(kind):
    """A function (data, (source, its text)) → the value `kind` describes, made once per kind."""
    if isinstance(kind, type):
        return _class_maker(kind)
    if kind is PATH:
        return _path
    if kind is TUPLE:
        return lambda data, at: tuple(data) if type(data) is list else _fail(data)
    if kind == "ignore":  # (line, (rule, …))
        return lambda data, at: tuple((line, tuple(rules)) for line, rules in _list(data))
    item, whole = kind[0], type(kind)
    if item in PLAIN:  # blocks and sentences, the most numerous: made straight from their lists
        return lambda data, at: whole(item(*part) if type(part) is list else _fail(part) for part in _list(data))
    if item is TUPLE:
        return lambda data, at: whole(tuple(part) if type(part) is list else _fail(part) for part in _list(data))
    make = _compiled(item)
    return lambda data, at: whole(make(part, at) for part in _list(data))


def _class_maker(cls):
    size = len(LAYOUT[cls])
    special = [(index, _compiled(kind)) for index, kind in enumerate(LAYOUT[cls]) if kind is not None]

    def make(data, at):
        if data is None:
            return None  # an optional part (a page without text marks, say)
        if type(data) is not list or len(data) != size:
            raise ValueError(f"not a {cls.__name__}")
        for index, field in special:
            data[index] = field(data[index], at)  # the list is the decoder's own: filled in place
        return cls(*data)
    return make


def _path(data, at) -> Path:
    if type(data) is not str:
        raise TypeError("not a path")
    source, named = at
    return source if data == named else Path(data)


def _list(data) -> list:
    return data if type(data) is list else _fail(data)


def _fail(data):
    raise TypeError(f"unexpected {type(data).__name__}")


MAKERS = {name: _class_maker(cls) for name, cls in KINDS.items()}
