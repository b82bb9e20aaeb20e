"""Lesson and assessment sections kept between builds, in .courseforge-cache/sections/.

A page whose model is unchanged (its digest, pagereading.digest) renders to the same markup as long
as nothing else its templates read has changed, so a rebuild after one lesson's edit renders that
lesson alone. A section's key is a sha256 of its page's digest, kind and number (`lesson.number`,
which the digest leaves out: it is the page's place in the course) and of the theme's key: what the
shipped page.html and question.html read besides their page — the interface strings (`t`), the
number of lessons (`lessons | length`) — their sources, the code that renders them and its
versions. Pages read with a problem, or without the page cache, have no digest: always rendered.

Sections are kept only when the shipped page.html and question.html render them. A project's own
page or question template (theme.py: sandboxed, from its themes/) may read any page, scenario or
setting of the course from every page's section; a key covering all of them changes on any edit, so the one-lesson rebuild
this cache is for would render every page anyway, after reading the whole store: such a theme's
sections are not kept at all. (Its index.html and static files may be its own: they are not read
by a section.)

The store is pagecache's: sealed shards of `<key> <entry>` lines, each entry here `<length> <piece>`,
the markup's length in characters (what pageparts sizes parts by) and its JSON string as a part
carries it. Lines stay bytes from file to part: at 5 000 lessons that is 15 MB that a rebuild would
otherwise decode and encode again (a tenth of a second).

A lesson's shard is named by its place in the course (the first two hex digits of its key, as
pagecache.QUARTERS names 64 shards: one 64th of the lessons each), and every kept section's length
is in one small sealed index, `lengths`: a rebuild lays out its parts from the index and reads a
lesson's piece only when its part is put together (a part unchanged since the last build comes whole
from the deflate cache, zipwriter.py), so a rebuild after one lesson's edit reads the shards of that
lesson's part, not 17 MB, and rewrites the one that lesson is in (300 KB at 5 000 lessons; a
sixteenth was 1.1 MB). The lengths a build adds go to the index's journal (cachejournal.py), not
into the index of 5 000 lines.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path


from courseforge import __version__, distributions
from courseforge.cachejournal import folds, journal_of
from courseforge.cacheseal import read_sealed, write_sealed
from courseforge.loader import CACHE_DIR
from courseforge.model import Course, Lesson
from courseforge.pagecache import PageCache
from courseforge.pageparts import Section
from courseforge.theme import Theme

FOLDER = "sections"
TEMPLATES = ("page.html", "question.html")  # what a lesson's or assessment's section is rendered from
# The code that turns a page into its section: editing one renders every page again.
CODE = ("render.py", "theme.py", "pageparts.py", "sectioncache.py")
RENDERERS = ("Jinja2", "MarkupSafe")
LENGTHS = "lengths"  # the index of every kept section's length
LINE_BREAK = "\x85"  # splitlines() breaks a line of text there: never in an entry (JSON escapes the others)


def theme_key(theme: Theme, strings: dict[str, str], lessons: int) -> str | None:
    """What every kept section depends on besides its page; None if the theme's own templates
    render sections (see above)."""
    digest = hashlib.sha256()

    def add(text: str | bytes) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        digest.update(b"%d:" % len(data) + data)

    add(__version__)
    add(type(theme.env).__name__)  # sandboxed or not
    add(str(lessons))
    add(json.dumps(strings, ensure_ascii=False, sort_keys=True))
    here = Path(__file__).resolve().parent
    for name in CODE:
        add((here / name).read_bytes())
    for package in RENDERERS:
        add(distributions.version(package))
    for name in TEMPLATES:
        if not theme.bundled(name):
            return None
        add(name)
        add(theme.env.loader.get_source(theme.env, name)[0])
    return digest.hexdigest()


class SectionStore(PageCache):
    """The section cache of one build: PageCache's shards and bookkeeping, its lines kept as bytes. In
    64 shards: a first build creates 64 files, not 256; one lesson's edit rewrites a 64th of the store."""

    GROUPED = True

    def __init__(self, folder: Path, theme: str, digests: dict[Path, str], lessons: int = 1):
        super().__init__(folder, FOLDER)
        self.theme, self.digests, self.lessons = theme, digests, max(1, lessons)
        self.indexed = self._read_lengths(LENGTHS)  # key → length, as the index holds them
        self.journaled = self._read_lengths(journal_of(Path(LENGTHS)).name)  # … and its journal
        self.lengths = {**self.indexed, **self.journaled}  # as the last build kept them
        self.kept: dict[str, int] = {}  # the same, of the sections this build keeps

    @classmethod
    def for_course(cls, course: Course, theme: Theme, strings: dict[str, str]) -> SectionStore | None:
        """None when nothing is kept: a build without the page cache (no page has a digest), with a
        theme's own section templates, or with a store that is a link (a course folder from someone
        else may carry one, to have shards written and deleted wherever it points)."""
        folder = course.project / CACHE_DIR
        if not course.digests:
            return None
        key = theme_key(theme, strings, len(course.lessons))
        store = cls(folder, key, course.digests, len(course.lessons)) if key else None
        return store if store is not None and store.folder is not None else None

    def key(self, page) -> str | None:
        digest = self.digests.get(page.source)
        if digest is None:
            return None
        kind = "lesson" if isinstance(page, Lesson) else "quiz"
        region = min(63, max(0, page.number - 1) * 64 // self.lessons)  # names its shard: lessons near it share it
        key = hashlib.sha256(f"{self.theme}\0{digest}\0{kind}\0{page.number}".encode()).hexdigest()
        return "%02x" % (region * 4) + key[2:]

    def sections(self, pages: list, deferrable: bool, render: Callable[[list], list[str]]) -> list[Section]:
        """`pages`' sections in order: kept ones from the store (a lesson's piece read when first
        needed), the others by `render(pages)`, then kept."""
        keys = [self.key(page) for page in pages]
        found = [(self._lazy(key, page, deferrable, render) or self._section(key, page.id, deferrable)) if key else None
                 for page, key in zip(pages, keys)]
        rendered = iter(render([page for page, section in zip(pages, found) if section is None]))
        sections = []
        for page, key, section in zip(pages, keys, found):
            if section is None:
                section = Section(page.id, deferrable, markup=next(rendered), key=key)
                if key and LINE_BREAK not in section.markup:  # its entry is made as its shard is written
                    self.add(key, section.as_piece() if deferrable else section)
                    self.kept[key] = section.length
            sections.append(section)
        return sections

    def save(self) -> None:
        """Rewrite the shards that gain a section, keeping this build's others in them, and the index
        of lengths; the other shards are not even read (what they hold that this build did not use
        goes when they are next rewritten: a key never names another section)."""
        if self.folder is None:
            return
        with contextlib.suppress(OSError):  # a read-only project still builds, rendering every page
            self.folder.mkdir(parents=True, exist_ok=True)
            self.shard_files()  # drops the shards of the store's layout before
            names = set(self.by_shard(self.new))
            used = self.by_shard(self.keys_in(names, self.used))
            for name in sorted(names):
                old, keys = self._read(name), used.get(name, [])
                self._write(name, {key: self.new.get(key) or old[key] for key in keys if key in self.new or key in old})
            if self.kept != self.lengths:
                self._save_lengths()
            self.new, self.lengths = {}, dict(self.kept)  # saved: a section healed later saves itself alone

    def _lazy(self, key: str, page, deferrable: bool, render: Callable[[list], list[str]]) -> Section | None:
        """A lesson's section as its length from the index, its piece read from its shard when first
        asked for (or rendered, if its entry there is gone or damaged)."""
        length = self.lengths.get(key) if deferrable else None
        if length is None:
            return None
        self.used.add(key)
        self.kept[key] = length

        def fetch() -> bytes | memoryview:
            section = self._section(key, page.id, deferrable)
            if section is None:  # its entry is gone or damaged: rendered now, and kept again
                markup = render([page])[0]
                section = Section(page.id, deferrable, markup=markup, key=key).as_piece()
                if LINE_BREAK not in markup:
                    self.add(key, section)
                    self.save()
            return section.piece

        return Section(page.id, deferrable, length=length, key=key, fetch=fetch)

    def _section(self, key: str, page_id: str, deferrable: bool) -> Section | None:
        line = self.serve(key)
        if line is None:
            return None
        length, space, _ = bytes(line[:24]).partition(b" ")
        piece = line[len(length) + 1:]
        if not space or not length.isdigit() or len(piece) < 2 or piece[:1] != b'"' or piece[-1:] != b'"':
            return None
        self.kept[key] = int(length)
        return Section(page_id, deferrable, piece=piece, length=int(length), key=key)

    def _save_lengths(self) -> None:
        """The lengths this build kept that the index lacks, in its journal; or all of them in the
        index (cachejournal.folds)."""
        added = {key: length for key, length in self.kept.items() if self.indexed.get(key) != length}
        journal = self.folder / journal_of(Path(LENGTHS)).name
        if folds(len(self.indexed), len(added), len(self.indexed.keys() - self.kept.keys())):
            self._write_lengths(LENGTHS, self.kept)
            journal.unlink(missing_ok=True)
            self.indexed, added = dict(self.kept), {}
        elif added != self.journaled:
            if added:
                self._write_lengths(journal.name, added)
            else:
                journal.unlink(missing_ok=True)
        self.journaled = added

    def _write_lengths(self, name: str, lengths: dict[str, int]) -> None:
        write_sealed(self.folder / name, "".join(f"{key} {length}\n" for key, length
                                                 in sorted(lengths.items())).encode("ascii"))

    def _read_lengths(self, name: str) -> dict[str, int]:
        lengths = {}
        if self.folder is not None:
            for line in (read_sealed(self.folder / name) or b"").split(b"\n"):
                key, _, length = line.partition(b" ")
                if len(key) == 64 and length.isdigit():
                    lengths[key.decode("latin-1")] = int(length)  # a key not hex never matches
        return lengths

    def _read(self, name: str) -> dict[str, memoryview]:
        """The shard's entries as views of its data: a section's piece goes into its part uncopied."""
        entries = {}
        data = memoryview(read_sealed(self.folder / name) or b"")
        text, start = data.obj, 0
        while start < len(text):
            end = text.find(b"\n", start)
            end = len(text) if end < 0 else end
            space = text.find(b" ", start, end)
            if space > start:
                entries[text[start:space].decode("latin-1")] = data[space + 1:end]  # a key not hex never matches
            start = end + 1
        return entries

    def _write(self, name: str, entries: dict[str, memoryview | Section]) -> None:
        target = self.folder / name
        if not entries:
            target.unlink(missing_ok=True)
            return
        data = []  # written piece by piece: 15 MB of sections at 5 000 lessons are never joined
        for key, entry in entries.items():
            if isinstance(entry, Section):
                data += (key.encode("ascii"), b" %d " % entry.length, entry.piece, b"\n")
            else:
                data += (key.encode("ascii"), b" ", entry, b"\n")
        write_sealed(target, data)
