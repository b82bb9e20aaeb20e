"""What a rebuild writes to .courseforge-cache: after one lesson's edit, the few files that hold a
change (a shard of each store, the journals of deflate.bin and sections/lengths), never the whole of
a store; what no build uses still goes (cachejournal.py's rule, the shards'), and the zips are the
bytes of a build without any cache whatever the cache holds, journal or folded."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from conftest import as_someone_else, lesson, uncached, zips
from courseforge import cacheseal, cachejournal, sectioncache, zipwriter
from courseforge.loader import CACHE_DIR
from courseforge.pagecache import PageCache

WORDS = " ".join(f"wörd{n} <i>{n}</i>" for n in range(300))  # ~10 KB a lesson in its part
LESSONS = 100


pytestmark = pytest.mark.usefixtures("small_parts")


@pytest.fixture
def course(make_course):
    return make_course({f"lessons/{n:03d}-l.md": lesson(f"p{n}", f"Page {n}", f"Lesson {n}. {WORDS}")
                        for n in range(1, LESSONS + 1)}, lessons=0)


@pytest.fixture
def landed(monkeypatch) -> list[Path]:
    """The cache files written (each lands by os.replace: cacheseal.write_sealed), in order."""
    paths: list[Path] = []
    real = os.replace

    def replace(source, target, *args, **kwargs):
        paths.append(Path(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return paths


def edit(course, number: int) -> None:
    path = course / "lessons" / f"{number:03d}-l.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\nEdited {secrets.token_hex(4)}.\n", encoding="utf-8")


def test_a_one_lesson_rebuild_writes_a_shard_of_each_store_and_the_journals(course, tmp_path, landed):
    zips(course, tmp_path / "cold")
    cache = course / CACHE_DIR
    for store in ("pages-text", "sections"):  # spread thin: a shard rewritten is a small share of its store
        assert len(list((cache / store).glob("??"))) > 16
    edit(course, 37)
    landed.clear()
    warm = zips(course, tmp_path / "warm")
    written = sorted(str(path.relative_to(cache)) for path in landed if cache in path.parents)
    by_store: dict[str, list[str]] = {}
    for name in written:
        by_store.setdefault(name.rpartition("/")[0], []).append(name)
    # Hot parts and findings: the shard gaining the new entry, and the one holding the old entry if
    # that leaves a quarter of it unused (a shard of 100 pages' entries holds a few).
    assert len(by_store.get("pages", [])) <= 2 and len(by_store.get("findings", [])) <= 2
    assert len(by_store["pages-text"]) == 1  # the edited page's cold part; the old one goes later
    # The edited lesson's shard, named by its place in the course (lesson 37 of 100: the 24th of 64).
    assert by_store["sections"] == ["sections/5c", "sections/lengths-new"]
    assert sorted(by_store[""]) == ["deflate-new.bin", "entries.bin"]  # not deflate.bin: 2.6 MB at 5 000 lessons
    assert warm == uncached(course, tmp_path / "fresh")


def test_a_rebuild_that_changed_nothing_writes_nothing(course, tmp_path, landed):
    zips(course, tmp_path / "cold")
    edit(course, 5)
    zips(course, tmp_path / "warm")
    landed.clear()
    zips(course, tmp_path / "again")
    assert [path for path in landed if course / CACHE_DIR in path.parents] == []


def test_journals_are_folded_in_and_the_zips_stay_the_same_bytes(course, tmp_path, monkeypatch):
    """Warm builds that edit lessons of other parts grow the journal of deflate.bin until it passes a
    share of it; then deflate.bin holds what that build used, nothing older, and no journal."""
    # A part here deflates to 2 KB of deflate.bin's 150 KB: past a 32nd, the third edit folds it in.
    monkeypatch.setattr(cachejournal, "JOURNAL_SHARE", 32)
    cache = course / CACHE_DIR
    cold = zips(course, tmp_path / "cold")
    assert cold == uncached(course, tmp_path / "fresh-cold")
    assert not (cache / "deflate-new.bin").exists()
    seen = set()
    for round, number in enumerate((3, 40, 77, 95, 12, 58, 66, 24)):
        before = (cache / "deflate.bin").stat()
        edit(course, number)
        warm = zips(course, tmp_path / f"warm{round}")
        assert warm == uncached(course, tmp_path / f"fresh{round}")
        folded = (cache / "deflate.bin").stat().st_mtime_ns != before.st_mtime_ns
        seen.add("folded" if folded else "journal")
        assert (cache / "deflate-new.bin").exists() != folded
        pieces = zipwriter._PieceCache(cache / "deflate.bin", cache / "entries.bin")
        journal = sum(map(len, pieces.pieces.values())) - sum(map(len, pieces.folded.values()))
        assert journal * cachejournal.JOURNAL_SHARE <= sum(map(len, pieces.folded.values()))
    assert seen == {"folded", "journal"}


@pytest.mark.parametrize("how", ["unsealed", "someone else's key"])
def test_a_forged_journal_of_deflated_pieces_is_not_read(course, tmp_path, monkeypatch, how):
    zips(course, tmp_path / "cold")
    edit(course, 50)
    clean = zips(course, tmp_path / "clean")
    journal = course / CACHE_DIR / "deflate-new.bin"
    records = cacheseal.opened(journal.read_bytes())
    assert records.startswith(zipwriter.FORMAT)
    records = records[len(zipwriter.FORMAT):]
    key, size = records[:20], int.from_bytes(records[20:24], "little")
    forged = zipwriter._deflate_stream(b"<script>alert(1)</script>")  # the piece of the edited lesson's part
    payload = zipwriter.FORMAT + key + len(forged).to_bytes(4, "little") + forged + records[24 + size:]
    if how == "unsealed":
        journal.write_bytes(bytes(cacheseal.TAG) + payload)
    else:
        as_someone_else(monkeypatch, tmp_path, lambda: journal.write_bytes(cacheseal.seal(payload)))
    assert zips(course, tmp_path / "again") == clean


def pieces(n: int) -> dict[bytes, bytes]:
    return {secrets.token_bytes(20): os.urandom(1000) for _ in range(n)}


def test_deflated_pieces_no_build_uses_go_once_they_are_a_quarter_of_the_file(tmp_path, own_key):
    """The rule (cachejournal.folds): the journal is written while it holds at most an eighth of
    deflate.bin's bytes and less than a quarter of them went unused; past either, deflate.bin is
    written whole with what this build used, and the journal goes."""
    path, entries = tmp_path / "deflate.bin", tmp_path / "entries.bin"

    def build(used: dict[bytes, bytes], made: dict[bytes, bytes]) -> zipwriter._PieceCache:
        cache = zipwriter._PieceCache(path, entries)
        assert all(cache.pieces[key] == piece for key, piece in used.items())
        cache.add(made, [*used, *made])
        cache.save()
        return cache

    first = pieces(40)
    build({}, first)
    assert set(zipwriter._PieceCache(path, entries).folded) == set(first)
    kept = dict(list(first.items())[:36])  # 4 of 40 unused: a tenth
    added = pieces(5)  # an eighth of the file
    written = path.stat().st_mtime_ns
    build(kept, added)
    again = zipwriter._PieceCache(path, entries)
    assert path.stat().st_mtime_ns == written and set(again.pieces) == set(first) | set(added)
    assert set(again.journaled) == set(added)
    kept = dict(list(first.items())[:30])  # 10 of 40 unused: a quarter
    build({**kept, **added}, {})
    again = zipwriter._PieceCache(path, entries)
    assert set(again.folded) == set(kept) | set(added) and not again.journaled
    assert not cachejournal.journal_of(path).exists()
    grown = pieces(6)  # past an eighth of the 35 pieces' bytes: folded in too
    build(again.pieces, grown)
    again = zipwriter._PieceCache(path, entries)
    assert set(again.folded) == set(kept) | set(added) | set(grown) and not again.journaled


def test_section_lengths_no_build_uses_go_once_they_are_a_quarter_of_the_index(tmp_path, own_key):
    folder = tmp_path / "cache"
    keys = ["%02x" % (4 * (n % 64)) + secrets.token_hex(31) for n in range(40)]

    def build(used: list[str], made: list[str]) -> sectioncache.SectionStore:
        store = sectioncache.SectionStore(folder, "theme", {}, 40)
        for key in used:
            assert key in store.lengths
            store.used.add(key)
            store.kept[key] = store.lengths[key]
        for key in made:
            store.used.add(key)
            store.kept[key] = 10
            store.add(key, memoryview(b'10 "0123456789"'))
        store.save()
        return sectioncache.SectionStore(folder, "theme", {}, 40)

    index = folder / sectioncache.FOLDER / sectioncache.LENGTHS
    store = build([], keys)
    assert set(store.indexed) == set(keys) and not store.journaled
    written = index.stat().st_mtime_ns
    added = ["%02x" % (4 * n) + secrets.token_hex(31) for n in range(5)]
    store = build(keys[:36], added)
    assert index.stat().st_mtime_ns == written and set(store.journaled) == set(added)
    assert set(store.lengths) == set(keys) | set(added)
    store = build(keys[:30] + added, [])  # a quarter of the index unused: written whole
    assert set(store.indexed) == set(keys[:30]) | set(added) and not store.journaled
    assert not cachejournal.journal_of(index).exists()


def test_page_entries_no_build_uses_go_once_they_are_a_quarter_of_their_shard(tmp_path, own_key, landed):
    """The rule (PageCache.UNUSED_SHARE): a shard that gains nothing is rewritten, with only what this
    build used, once a quarter of its entries went unused; a shard holding nothing used goes."""
    keys = ["a0" + secrets.token_hex(31) for _ in range(8)]
    shard = tmp_path / "pages" / "a0"

    def build(used: list[str], made: list[str]) -> None:
        store = PageCache(tmp_path)
        for key in used:
            assert store.serve(key) == f"entry {key[:6]}"
        for key in made:
            store.used.add(key)
            store.add(key, f"entry {key[:6]}")
        landed.clear()
        store.save()

    build([], keys)
    build(keys[:7], [])  # an eighth unused: the shard stays as it is
    assert landed == [] and PageCache(tmp_path).holds(keys[7])
    build(keys[:6], [])  # a quarter unused: rewritten with what was used
    assert landed == [shard] and sorted(PageCache(tmp_path)._read("a0")) == sorted(keys[:6])
    build([], [])
    assert not shard.exists()
