"""What a rebuild seldom reads of a cached page — a lesson's html, every page's words — decoded when a
reader first asks for any of it.

The page cache keeps these cold parts in a store of their own (pagecache.TextStore), so a rebuild that
renders no unchanged lesson and reads no unchanged page's words never reads them from disk at all. A
page served from the cache is a CachedLesson (or a Quiz) whose text is a CachedText: their cold fields
are unset slots until then, so reading one falls through to __getattr__, which fetches and decodes the
page's cold part once for both. Should it be missing or not fit the schema (a store this user's key
sealed, then damaged; a shard gone meanwhile), the page is read from its source again (`read_again`):
the parts already served were checked, the build goes on with what a cold read gives, and nothing in
the entry ever runs.
"""
from __future__ import annotations

from dataclasses import fields

from courseforge.model import Lesson, PageText

# Raised by an entry that does not fit the schema (RecursionError: JSON nested deeper than Python goes).
MISS = (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError)
# What a rebuild reads of every page (the review's figures and its text marks), decoded with the page;
# the rest of a PageText is its bulk, decoded when a reader first asks for any of it.
LIGHT = ("front", "stats", "marks")
BULK = tuple(f.name for f in fields(PageText) if f.name not in LIGHT)
COMPARED = tuple(f.name for f in fields(Lesson) if f.compare)
_TEXT_SLOTS = {name: vars(PageText)[name] for name in BULK}  # the slots themselves: reading one never decodes
_HTML = vars(Lesson)["html"]


class ColdPart:
    """A page's cold part: `fetch()` gives its line (None if the store lacks it), `decode(line)` its
    (html, bulk values); `read_again()` the page its source makes, when either fails."""

    __slots__ = ("fetch", "decode", "read_again", "values")

    def __init__(self, fetch, decode, read_again):
        self.fetch, self.decode, self.read_again, self.values = fetch, decode, read_again, None

    def get(self) -> tuple[str, list]:
        fetch, decode, read_again = self.fetch, self.decode, self.read_again
        if fetch is None:  # decoded meanwhile (by another thread): values were set first
            return self.values
        try:
            line = fetch()
            if line is None:
                raise KeyError("not kept")
            values = decode(line)
        except MISS:
            page = read_again()
            values = (page.html if isinstance(page, Lesson) else "", [getattr(page.page_text, f) for f in BULK])
        self.values = values
        self.fetch = self.decode = self.read_again = None
        return values


class CachedText(PageText):
    """A PageText from the page cache whose BULK is decoded when a reader first asks for any of it."""

    __slots__ = ("_cold",)

    def __getattr__(self, name: str):
        if name not in BULK:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        cold = getattr(self, "_cold", None)
        if cold is not None:  # None: decoded before, or made whole by __init__
            for field, value in zip(BULK, cold.get()[1]):
                try:
                    _TEXT_SLOTS[field].__get__(self)  # set since it was served: the reader's value stands
                except AttributeError:
                    setattr(self, field, value)
            self._cold = None
        return _TEXT_SLOTS[name].__get__(self)  # AttributeError for a field deleted since

    def __eq__(self, other):
        """Equal to a PageText with the same fields, whichever kind it is (dataclass eq wants one class)."""
        if not isinstance(other, PageText):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(PageText))

    def __reduce__(self):  # a copy or a pickle is a plain PageText
        return PageText, tuple(getattr(self, f.name) for f in fields(PageText))


class CachedLesson(Lesson):
    """A Lesson from the page cache whose html is fetched when a reader first asks for it (a section
    the section store lacks, the answer key)."""

    __slots__ = ("_cold",)

    def __getattr__(self, name: str):
        if name != "html":
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        cold = getattr(self, "_cold", None)
        if cold is not None:
            html = cold.get()[0]
            try:
                _HTML.__get__(self)  # set since it was served: the reader's value stands
            except AttributeError:
                _HTML.__set__(self, html)
            self._cold = None
        return _HTML.__get__(self)

    def __eq__(self, other):
        if not isinstance(other, Lesson):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in COMPARED)

    __hash__ = None

    def __repr__(self):
        return Lesson.__repr__(self).replace(type(self).__qualname__, Lesson.__qualname__, 1)

    def __reduce__(self):  # a copy or a pickle is a plain Lesson
        return Lesson, tuple(getattr(self, f.name) for f in fields(Lesson))
