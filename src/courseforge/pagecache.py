"""Rendered pages kept between builds, beside the clip cache, in .courseforge-cache/pages/ and pages-text/.

A page is served from here only when its source text, its path, the course's mastery score and the
code that reads pages are all unchanged (they make the key), and only pages read without a single
problem are stored. Entries are JSON decoded into a closed set of model classes (pageentry.py), in
shard files sealed with this user's key (cacheseal.py): a cache folder that came with someone else's
project is not read at all, so it can neither run code nor put its own markup into a package.

A page's entry is kept in two stores: its hot part (what a rebuild reads of every page) in pages/, its
cold part (a lesson's html, the page's words: four fifths of it) in pages-text/, whose shard is read
when a page of it is first asked for its html or words (pageentry.py, pagecold.py). A rebuild after
one lesson's edit reads none of it but that lesson's shard.
"""
from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from courseforge import __version__, distributions
from courseforge.cacheseal import read_sealed, store_folder, write_sealed
from courseforge.pageentry import MISS, decode

FOLDER = "pages"
TEXT_FOLDER = "pages-text"
TAKEN = ""  # an entry already decoded this build: its text is not kept twice
# A store of 64 shards names each by its keys' first two hex digits, the last two bits cleared ("00",
# "04" … "fc"): a shard of a large store is then small enough for a rebuild to rewrite (a sixteenth
# of the cold parts was 1.5 MB at 5 000 lessons, read and written again for one edited page), and
# few enough for a first build to create (256 files cost it more than 64 of the same bytes).
QUARTERS = {"%02x" % n: "%02x" % (n & ~3) for n in range(256)}
# The modules whose code decides what a page becomes: editing one invalidates every entry.
# pagecold.py too: its LIGHT and BULK lay out an entry's parts.
READERS = ("pages.py", "markdown.py", "markdownrules.py", "blockshape.py", "quiz.py", "fields.py", "yamltext.py",
           "assets.py", "model.py", "pagecache.py", "pageentry.py", "pagecold.py", "cacheseal.py", "pagetext.py",
           "prosestats.py", "sourcetext.py", "svg.py", "textmarks.py", "hotmakers.py", "simpleblocks.py")


def code_fingerprint() -> str:
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for name in READERS:
        digest.update((here / name).read_bytes())
    for package in ("markdown-it-py", "mdit-py-plugins", "PyYAML", "breame"):
        digest.update(distributions.version(package).encode())
    return digest.hexdigest()


def page_key(fingerprint: str, kind: str, path: str | Path, text: bytes, mastery_score: int | None) -> str:
    digest = hashlib.sha256(f"{fingerprint}\0{kind}\0{path}\0{mastery_score}\0".encode())
    digest.update(text)  # not head + text: no copy of every source
    return digest.hexdigest()


class PageCache:
    """Entries live in shard files named by the key's first SHARD hex digits (256 or 16; or 64,
    GROUPED), one entry a line: `<key> <entry>`. Few files keep a cold build from spending its time
    creating them; a rebuild rewrites only the shards that gain an entry or hold too many this build
    did not use (UNUSED_SHARE). (A store of other results kept per page, by their own keys, may
    subclass it: the same shards, bookkeeping and seals.)"""

    SHARD = 2  # hex digits of a key that name its shard
    GROUPED = False  # True: 64 shards, four two-digit prefixes each (QUARTERS)
    # A shard is rewritten with only what this build used once this share of its entries went unused:
    # an edited page's old entry alone would rewrite a second shard at every rebuild, and no shard
    # holds more than 4/3 of what a build uses.
    UNUSED_SHARE = 4

    def __init__(self, folder: Path | None, name: str = FOLDER):
        """`name`: the store's subfolder; other results kept per page (by their own keys) use the same shards.
        A store that is a link, or in a cache folder that is one, is not used (cacheseal.store_folder)."""
        self.folder = store_folder(folder, name)
        self.shards: dict[str, dict[str, str]] = {}  # as read from disk
        self.new: dict[str, str] = {}
        self.used: set[str] = set()

    def add(self, key: str, line: str) -> None:
        self.new[key] = line

    def holds(self, key: str) -> bool:
        """Whether an entry is kept under `key`, not served yet (one may still turn out damaged when it is)."""
        return bool(self._shard(self.shard_of(key)).get(key))

    def serve(self, key: str):
        """The entry kept under `key`, or None; either way the key is used by this build. The store
        lets go of its copy: the caller holds it now (save() rereads the few shards it rewrites)."""
        self.used.add(key)
        shard = self._shard(self.shard_of(key))
        line = shard.get(key)
        if not line:
            return None
        shard[key] = TAKEN
        return line

    def save(self) -> None:
        """Write the shards that gain an entry, or hold a quarter that this build did not use, with only
        what it used (a shard file holding nothing it used goes, even one that decodes to nothing)."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        used = self.by_shard(self.used)
        for name in sorted(self.shard_files() | used.keys()):
            old, keys = self._shard(name), used.get(name, [])
            if keys and (len(old) - len(keys)) * self.UNUSED_SHARE < len(old) and self.new.keys().isdisjoint(keys) \
                    and all(map(old.__contains__, keys)):
                continue  # nothing to add, little unused: most shards of a rebuild
            keys.sort()
            keep = {key: self.new.get(key) or old[key] for key in keys if key in self.new or key in old}
            if keep.keys() != old.keys() or not keep:
                if TAKEN in keep.values():
                    again = self._read(name)
                    keep = {key: line or again.get(key) for key, line in keep.items()}
                    keep = {key: line for key, line in keep.items() if line}  # gone meanwhile: a miss next time
                self._write(name, keep)

    def forget(self, key: str) -> None:
        """Drop an entry from its shard file: one found damaged after this build had served it."""
        if self.folder is not None:
            entries = self._read(self.shard_of(key))
            if entries.pop(key, None) is not None:
                self._write(self.shard_of(key), entries)

    def shard_of(self, key: str) -> str:
        return QUARTERS[key[:2]] if self.GROUPED else key[:self.SHARD]

    def by_shard(self, keys) -> dict[str, list[str]]:
        """`keys` by the name of their shard, in one loop: a rebuild's save sorts out every key it used."""
        groups: dict[str, list[str]] = {}
        if self.GROUPED:
            for key in keys:
                groups.setdefault(QUARTERS[key[:2]], []).append(key)
        else:
            width = self.SHARD
            for key in keys:
                groups.setdefault(key[:width], []).append(key)
        return groups

    def keys_in(self, names: set[str], keys) -> list[str]:
        """Those of `keys` in the shards `names`, sorted: a rebuild rewrites a shard or two, and sorting
        out every key it used cost more than writing them."""
        if not self.GROUPED:
            return sorted(key for key in keys if key[:self.SHARD] in names)
        prefixes = {prefix for prefix, name in QUARTERS.items() if name in names}
        return sorted(key for key in keys if key[:2] in prefixes)

    def shard_files(self) -> set[str]:
        """The names of the store's shard files; a shard of a store sharded otherwise before is deleted."""
        names = set()
        for path in self.folder.iterdir():
            name = path.name
            if len(name) == self.SHARD and (not self.GROUPED or QUARTERS.get(name) == name):
                names.add(name)
            elif len(name) <= 2 and name.isalnum():
                path.unlink(missing_ok=True)
        return names

    def _shard(self, name: str) -> dict[str, str]:
        if name not in self.shards:
            self.shards[name] = self._read(name)
        return self.shards[name]

    def _read(self, name: str) -> dict[str, str]:
        entries = {}
        if self.folder is not None:
            try:
                text = (read_sealed(self.folder / name) or b"").decode("utf-8")
            except UnicodeDecodeError:
                text = ""
            for line in text.split("\n"):  # entries are ASCII: no other line break is in them
                if line:
                    key, _, entry = line.partition(" ")
                    entries[key] = entry
        return entries

    def _write(self, name: str, entries: dict[str, str]) -> None:
        target = self.folder / name
        if not entries:
            target.unlink(missing_ok=True)
            return
        write_sealed(target, (f"{key} {line}\n".encode("utf-8") for key, line in entries.items()))


class PageStore(PageCache):
    """The page cache of one build: entries' hot parts here, their cold parts in a TextStore. Hot
    parts are small (3 MB at 5 000 lessons): 16 shards, fewer files for a cold build to create and a
    rebuild to open."""

    SHARD = 1

    def __init__(self, folder: Path | None):
        super().__init__(folder, FOLDER)
        self.text = TextStore(folder)
        if self.text.folder is None:  # a page cannot be served without its cold part
            self.folder = self.text.folder = None

    def get(self, key: str, source: Path, read_again):
        """(page, id_line, links) or None; `links` are the (url, line, is_image, href) it resolved.
        `source` (part of the key) stands for every path in the entry that names it; the page's cold
        part is read when first asked for, and read_again() gives the page if it is damaged or gone
        (pageentry.decode)."""
        line = self.serve(key)
        if line is None:
            return None
        try:
            return decode(line, source, read_again, functools.partial(self.text.take, key))
        except MISS:
            return None

    def empty(self) -> bool:
        """No entry to find: no shard at all (a first build, a cache wiped), or no store to keep one."""
        if self.folder is None:
            return True
        try:
            with os.scandir(self.folder) as names:
                return not any(len(name.name) == self.SHARD for name in names)
        except OSError:  # no folder yet
            return True

    def add(self, key: str, entry: str) -> None:
        """Store an entry made by encode() (in whichever process read the page), under the key of what
        it was read from: used by this build, whether or not it was asked for."""
        hot, _, cold = entry.partition("\t")
        self.used.add(key)
        self.new[key] = hot
        self.text.new[key] = cold

    def save(self) -> None:
        super().save()
        self.text.save(self.used)

    def forget(self, key: str) -> None:
        super().forget(key)
        self.text.forget(key)


class TextStore(PageCache):
    """The cold parts of the page cache's entries (24 MB at 5 000 lessons), in 64 shards (QUARTERS):
    a rebuild after one lesson's edit reads and rewrites 400 KB of it."""

    GROUPED = True

    def __init__(self, folder: Path | None):
        super().__init__(folder, TEXT_FOLDER)

    def take(self, key: str) -> str | None:
        """A page's cold part, its shard read on the first ask (by any thread: a shard read twice at
        once is the same shard)."""
        return self._shard(self.shard_of(key)).pop(key, None)

    def save(self, used: set[str]) -> None:
        """Rewrite the shards that gain an entry, keeping the `used` ones; the others are not even read.
        An entry this build did not use stays until its shard is rewritten: never served (the pages
        store has dropped it), and a rebuild after one lesson's edit rewrites one shard, not two."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shard_files()  # drops the shards of the store's layout before
        names = set(self.by_shard(self.new))
        kept = self.by_shard(self.keys_in(names, used))
        for name in sorted(names):
            old = self._read(name)
            keep = {key: self.new.get(key) or old[key] for key in kept.get(name, ()) if key in self.new or key in old}
            if keep != old:
                self._write(name, keep)
