"""When a cache kept in one sealed file writes only what a build added, and when it is written whole.

A store that a rebuild reads whole (the deflated pieces of every part, zipwriter.py; the length of
every kept section, sectioncache.py) keeps what a build adds in a journal beside its file, sealed
the same way, so that a rebuild after one lesson's edit writes that lesson's few records, not the
whole store (2.6 MB of pieces at 5 000 lessons). The journal is folded into the file, which then
holds what this build used and nothing older, once it passes an eighth of the file, or once a
quarter of the file is what this build did not use: the store on disk is never more than 1.5 times
(4/3, then 9/8 of that) what a build uses. Records are known by keys that name what they hold, so
a file and a journal of any two builds, read together, still agree; either is written whole or not
at all (cacheseal.write_sealed).
"""
from __future__ import annotations

from pathlib import Path

JOURNAL_SHARE = 8  # the journal is folded in past 1/8 of the file
UNUSED_SHARE = 4  # … or once 1/4 of the file went unused by a build


def journal_of(path: Path) -> Path:
    """The journal beside `path`: deflate.bin's is deflate-new.bin."""
    return path.with_name(f"{path.stem}-new{path.suffix}")


def folds(whole: int, journal: int, unused: int) -> bool:
    """Whether a build writes the file whole (and deletes the journal) rather than the journal: the
    file holds `whole` (bytes, or records), the journal would hold `journal`, and `unused` of the
    file's are not this build's."""
    return not whole or journal * JOURNAL_SHARE > whole or unused * UNUSED_SHARE >= whole
