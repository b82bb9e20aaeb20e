"""Each page's per-page findings kept between builds, in .courseforge-cache/findings/.

What a per-page rule finds (its page's `check: ignore` comments applied) is made of that page, the
`check:` settings, the rules' code and the glossary's terms alone, so it is kept under a sha256 of
exactly these: the page's digest (pagereading.digest: its source, path, kind, mastery score, where
its links led and the reader's code), the settings, a fingerprint of check/*.py with courseforge's
and Python's versions, and the glossary's terms. A page without a digest (one with a problem, or a
build without a cache) is reviewed every time. The store is the page cache's: shards sealed with this
user's key, one `<key> <entry>` line an entry. An entry is each finding's rule, line, problem and hint
joined by the unit separator (half of JSON's cost to write, for 5 000 pages' findings at a time),
checked on the way in: anything else is a miss, and a page whose findings hold a separator or a line
break is not kept.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import sys
from pathlib import Path

from courseforge import __version__
from courseforge.check.catalogue import FAMILY_OF
from courseforge.check.findings import Finding, finding
from courseforge.pagecache import PageCache

FOLDER = "findings"
RULES_DIR = Path(__file__).resolve().parent
SEPARATOR = "\x1f"
NONE = "-"  # most pages: no finding


def code_fingerprint() -> str:
    """The code that makes findings: every module of check/, courseforge's version, Python's (its
    regular expressions and html module are the rules' too). The reader's code is in each digest."""
    return _fingerprint(RULES_DIR)


@functools.cache
def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha256(f"{__version__}\0{sys.version}".encode())
    for path in sorted(folder.glob("*.py")):
        digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
    return digest.hexdigest()


class KeptFindings:
    def __init__(self, course, context: str):
        """`context`: what the per-page rules read besides a page (the settings, the glossary's terms)."""
        from courseforge.loader import CACHE_DIR  # loader → config → check: imported when used

        self.digests, self.keys = course.digests, {}
        self.store = _Store(course.project / CACHE_DIR, FOLDER) if course.digests else None
        self.head = hashlib.sha256(f"{code_fingerprint()}\0{context}\0".encode())

    def get(self, page) -> list[Finding] | None:
        """The page's findings as kept, or None: review it (then add() them)."""
        digest = self.digests.get(page.source)
        if digest is None or self.store is None:
            return None
        key = self.head.copy()
        key.update(digest.encode())
        key = key.hexdigest()
        line = self.store.line(key)
        if line == NONE:
            return []
        found = _decode(line, page.source) if line else None
        if found is None:
            self.keys[page.source] = key  # for add(): kept only for the pages to review
        return found

    def add(self, page, found: list[Finding]) -> None:
        key = self.keys.get(page.source)
        if key is None:
            return
        entry = _encode(found, page.source) if found else NONE
        if entry is not None:
            self.store.add(key, entry)

    def save(self) -> None:
        if self.store is not None:
            with contextlib.suppress(OSError):  # a read-only project is still reviewed, without keeping
                self.store.save()


def _encode(found: list[Finding], source: Path) -> str | None:
    parts: list[str] = []
    for f in found:
        if f.location.path is not source and f.location.path != source:
            return None  # the entry names no path: each finding must be about its page
        parts += (f.rule, "" if f.location.line is None else str(f.location.line), f.problem, f.hint)
    entry = SEPARATOR.join(parts)
    if entry.count(SEPARATOR) != 4 * len(found) - 1 or entry.splitlines() != [entry]:
        return None  # it would not read back as written
    return entry


def _decode(entry: str, source: Path) -> list[Finding] | None:
    """The findings an entry of _encode() holds, or None if it is not one (a miss)."""
    parts = entry.split(SEPARATOR)
    if len(parts) % 4:
        return None
    found = []
    for rule, at, problem, hint in zip(*[iter(parts)] * 4):
        if rule not in FAMILY_OF or not (at.isascii() and at.isdigit() or at == ""):
            return None
        found.append(finding(rule, source, int(at) if at else None, problem, hint))
    return found


class _Store(PageCache):
    """The page cache's sealed shards, holding lines of text of its own. Findings are small (2.5 MB for
    5 000 pages) and a cold build pays more for creating 256 files than for writing them: 16 shards,
    of which a rebuild after one page's edit rewrites the one gaining its findings."""

    SHARD = 1

    def line(self, key: str) -> str | None:
        self.used.add(key)
        return self._shard(self.shard_of(key)).get(key)
