"""A page back from an entry that a worker of this very build wrote (pagereading), without checking it.

pageentry.decode checks every value of an entry against its SCHEMA, since a cache entry is hostile input.
An entry a worker process of this build has just made of the page it read was written by
pageentry.encode from that page: it fits the schema by construction, so the parent builds the page
straight from the JSON, with the same classes, tuples, paths and shared words decode() makes, and none
of its checks (half of what a cold build's parent spent on every page). The page's blocks, its prose, stay
JSON text until a reader asks for them (a pagecold.CachedText). Never given a cached line: the page
cache decodes with pageentry.decode alone. tests/test_pageentry.py checks that both make equal pages.
"""
from __future__ import annotations

import itertools
import json
import sys
from json.decoder import scanstring as _string
from pathlib import Path

from courseforge.model import PageText
from courseforge.pagecold import BULK, LIGHT, CachedText, ColdPart
from courseforge.pageentry import (DATA, ITEM_LINES, KINDS, LAYOUT, LINES, PATH, SCHEMA, SHARED, STORED, Items, Row,
                                   _plain_types)

_KEPT = (DATA, LINES, ITEM_LINES)  # JSON gives them as the page had them
_json = json.JSONDecoder().scan_once  # (text, where a JSON value starts) → (the value, where it ends)


def decode_own(line: str, source: Path):
    """(page, id_line, links) from an entry pageentry.encode() wrote in this build; `source`, the page's
    file, stands for every path in the entry that names it (as in pageentry.decode)."""
    # Parsed in place, part after part: no copy of the line's rest at each tab, no checks for text around it.
    entry, end = _json(line, 0)
    kind = entry["kind"]
    page = _MAKERS[kind](entry["page"], (source, str(source)))
    html, end = _string(line, end + 2)  # past the tab and the opening quote
    if kind == "lesson":
        page.html = html
    light, text = page.page_text, object.__new__(CachedText)
    text.front, text.stats, text.marks = light
    end += 2  # past the tab and the words' "["
    for name, make in _EAGER:  # the words in their STORED order, but the blocks, last
        value, end = _json(line, end)
        setattr(text, name, make(value, None) if make else value)
        end += 1  # the comma
    # The blocks stay JSON text until a reader asks: in a build, only the glossary rule of the review
    # reads them, and a course without a glossary never does (half of what decoding a page cost here).
    blocks = line[end:-1]
    text._cold = ColdPart(lambda: blocks, _blocks, _written_wrong)
    page.page_text = text
    return page, entry["id_line"], list(map(tuple, entry["links"]))


def _blocks(blocks: str) -> tuple[str, list]:
    """What pagecold.ColdPart.decode gives: (html, BULK's values), of which only the blocks are unset."""
    return "", [_BLOCKS(_json(blocks, 0)[0], None) if name == "blocks" else None for name in BULK]


def _written_wrong():
    raise AssertionError("an entry this build's worker wrote does not decode")


def _maker(kind):
    """A function (data, (source, its text)) → the value `kind` describes, or None where JSON's value is it."""
    if kind is PageText:  # its LIGHT values: decode_own() makes the PageText of them and the bulk
        makers = _LIGHT_MAKERS
        return lambda data, at: [make(value, at) if make else value for make, value in zip(makers, data)]
    if isinstance(kind, type) and kind in SCHEMA:
        return _class_maker(kind)
    if isinstance(kind, Items):
        return lambda data, at: tuple(data)
    if isinstance(kind, Row):
        return _row(kind)
    if isinstance(kind, (list, tuple)) and not _plain_types(kind):  # [x] a list of x, (x,) a tuple of x
        return _sequence(kind)
    return _path if kind == PATH else None


def _sequence(kind):
    """A list or tuple of rows or stored classes: in one pass, in C where each needs only a call."""
    place, to = kind[0], list if isinstance(kind, list) else tuple
    if isinstance(place, Row) and not _inner(place):
        return lambda data, at: to(map(tuple, data))
    if isinstance(place, type) and place in SCHEMA and not _parts(place):
        shared, intern = SHARED.get(place), sys.intern

        def made(data, at):
            if shared is not None:  # a text block's kind: one copy of each word, as decode() shares them
                for values in data:
                    values[shared] = intern(values[shared])
            return to(itertools.starmap(place, data))
        return made
    make = _maker(place)
    return lambda data, at: to([make(part, at) for part in data])


def _parts(cls) -> list:
    return [(index, make) for index, kind in enumerate(LAYOUT[cls])
            if not _plain_types(kind) and kind not in _KEPT and (make := _maker(kind))]


def _class_maker(cls):
    parts, shared, intern = _parts(cls), SHARED.get(cls), sys.intern

    def make(data, at):
        if data is None:  # an optional part (a page without text marks, say)
            return None
        for index, part in parts:
            data[index] = part(data[index], at)
        if shared is not None:  # a text block's kind: one copy of each word, as decode() shares them
            data[shared] = intern(data[shared])
        return cls(*data)
    return make


def _inner(places: Row) -> list:
    return [index for index, place in enumerate(places) if isinstance(place, Items)]


def _row(places: Row):
    inner = _inner(places)  # an ignore comment's rules, a tuple; a table's header cells stay a list

    def row(data, at):
        for index in inner:
            data[index] = tuple(data[index])
        return tuple(data)
    return row


def _path(data: str, at) -> Path:
    source, named = at
    return source if data == named else Path(data)


_LIGHT_MAKERS = [_maker(SCHEMA[PageText][name]) for name in LIGHT]
_EAGER = [(name, _maker(SCHEMA[PageText][name])) for name in STORED if name != "blocks"]
_BLOCKS = _maker(SCHEMA[PageText]["blocks"])
_MAKERS = {name: _class_maker(cls) for name, cls in KINDS.items()}
