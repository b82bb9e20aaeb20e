"""A .courseforge-cache that came with someone else's course folder is not read (cacheseal.py): its
page entries could carry live script, its deflated pieces could unpack to anything, its clips could
show anything. Each cache file is sealed with this user's key; a file sealed with another key, or
not at all, is rebuilt, and the packages are the ones the sources make."""
from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

from conftest import REPO, as_someone_else, lesson, zips
from courseforge import cacheseal
from courseforge.build import build
from courseforge.clipcache import cached, write_meta
from courseforge.loader import CACHE_DIR
from courseforge.themesandbox import COMPILED



def test_the_key_is_made_once_readable_by_its_user_alone(own_key):
    sealed = cacheseal.seal(b"data")
    assert own_key.is_file() and stat.S_IMODE(own_key.stat().st_mode) == 0o600
    assert cacheseal.opened(sealed) == b"data"
    cacheseal._key.cache_clear()
    assert cacheseal.opened(sealed) == b"data", "the next run reads the same key"
    assert cacheseal.opened(sealed[:-1]) is None and cacheseal.opened(b"short") is None
    assert cacheseal.opened(b"data") is None, "an unsealed file is not this user's"


def test_without_a_home_for_the_key_caches_last_one_run(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    cacheseal._key.cache_clear()
    try:
        assert cacheseal.opened(cacheseal.seal(b"x")) == b"x"
    finally:
        cacheseal._key.cache_clear()


def launch_page(folder, out) -> bytes:
    [package] = build(folder, out, ["scorm12"])
    with zipfile.ZipFile(package) as archive:
        return archive.read("index.html")


def test_someone_elses_page_cache_cannot_put_script_into_a_package(own_key, make_course, tmp_path, monkeypatch):
    folder = make_course({"lessons/01-a.md": lesson("a", "A", "Plain text.\n")}, lessons=0)

    def poison():
        clean = launch_page(folder, tmp_path / "theirs")
        for shard in (folder / CACHE_DIR / "pages-text").glob("??"):  # where a lesson's html is kept
            text = cacheseal.opened(shard.read_bytes()).decode()
            shard.write_bytes(cacheseal.seal(text.replace("Plain text.", "<script>alert(1)</script>").encode()))
        shutil.rmtree(folder / CACHE_DIR / "sections")  # the section kept from the clean page would hide it
        # Sealed with their key, the entry is served to them: the poison is real.
        assert b"<script>alert(1)" in launch_page(folder, tmp_path / "poisoned")
        return clean

    clean = as_someone_else(monkeypatch, tmp_path, poison)
    mine = launch_page(folder, tmp_path / "mine")
    assert b"alert(1)" not in mine and b"Plain text." in mine
    assert mine == clean


def test_someone_elses_deflate_cache_cannot_change_a_package(own_key, make_course, tmp_path, monkeypatch):
    body = "Words of a lesson. " * 2000  # an index.html over 16 KB: deflated through the cache
    folder = make_course({"lessons/01-a.md": lesson("a", "A", body)}, lessons=0)
    clean = zips(folder, tmp_path / "clean")
    cache = folder / CACHE_DIR / "deflate.bin"
    from courseforge.zipwriter import FORMAT

    records = cacheseal.opened(cache.read_bytes())
    assert records.startswith(FORMAT)
    records = records[len(FORMAT):]
    key, size = records[:20], int.from_bytes(records[20:24], "little")
    import zlib

    other = zlib.compressobj(6, zlib.DEFLATED, -15)
    forged = other.compress(b"<script>alert(1)</script>") + other.flush(zlib.Z_FULL_FLUSH)
    payload = FORMAT + key + len(forged).to_bytes(4, "little") + forged + records[24 + size:]
    as_someone_else(monkeypatch, tmp_path, lambda: cache.write_bytes(cacheseal.seal(payload)))
    assert zips(folder, tmp_path / "again") == clean
    cache.write_bytes(payload)  # unsealed
    assert zips(folder, tmp_path / "unsealed") == clean


def test_a_clip_entry_is_trusted_only_as_this_user_sealed_it(own_key, tmp_path, monkeypatch):
    entry = tmp_path / "video" / "abc"
    entry.mkdir(parents=True)
    (entry / "clip.mp4").write_bytes(b"\0\0\0\x18ftypmp42 clip")
    (entry / "poster.png").write_bytes(b"\x89PNG poster")
    cues = [{"start": 0.0, "end": 1.0, "speaker": "Ana", "text": "Hello."}]
    write_meta(entry, 1.0, cues)
    assert cached(entry)
    (entry / "poster.png").write_bytes(b"\x89PNG another picture")
    assert not cached(entry), "a picture swapped under a sealed meta.json"
    write_meta(entry, 1.0, cues)
    assert cached(entry)
    meta = json.loads(cacheseal.opened((entry / "meta.json").read_bytes()))
    (entry / "meta.json").write_text(json.dumps(meta))
    assert not cached(entry), "meta.json not sealed"
    as_someone_else(monkeypatch, tmp_path, lambda: write_meta(entry, 1.0, cues))
    assert not cached(entry), "sealed by someone else"
    os.remove(entry / "meta.json")
    assert not cached(entry)


def test_compiled_templates_are_kept_with_the_user_never_in_the_course_folder(own_key, tmp_path):
    """What Jinja compiles is Python code: it is kept in this user's own folder, where no course
    folder can bring any, and a template edited since is compiled again."""
    from conftest import default_files, write_course

    plain = write_course(tmp_path / "plain" / "content", default_files(1)).parent
    zips(plain, tmp_path / "plain-out")
    kept = own_key.parent
    assert list((kept / "templates").glob("__jinja2_*.cache")), "the bundled templates, compiled once"
    project = tmp_path / "project"
    write_course(project / "content", default_files(1))
    page = project / "themes" / "default" / "templates" / "page.html"
    page.parent.mkdir(parents=True)
    bundled = (REPO / "themes" / "default" / "templates" / "page.html").read_text(encoding="utf-8")
    page.write_text(bundled.replace("{{ lesson.title }}</h1>", "{{ lesson.title }} (first cut)</h1>"), encoding="utf-8")
    first = zips(project, tmp_path / "first")
    assert list((kept / COMPILED).glob("__jinja2_*.cache")), "a project's theme, apart from ours"
    assert not [path for folder in (plain, project) for path in folder.rglob("*") if "jinja2" in path.name]
    assert "(first cut)" in package_text(first)

    page.write_text(bundled.replace("{{ lesson.title }}</h1>", "{{ lesson.title }} (second cut)</h1>"), encoding="utf-8")
    again = package_text(zips(project, tmp_path / "again"))
    assert "(second cut)" in again and "(first cut)" not in again


def package_text(packages: dict) -> str:
    import io

    with zipfile.ZipFile(io.BytesIO(next(iter(packages.values())))) as archive:
        return archive.read("index.html").decode("utf-8")


def test_a_folder_of_compiled_templates_that_cannot_be_written_only_means_compiling_again(own_key, tmp_path):
    """A full or read-only home, or the folder gone while a build runs: the build goes on."""
    import shutil

    from conftest import default_files, write_course
    from courseforge.build import prepare, site

    project = write_course(tmp_path / "project" / "content", default_files(1)).parent
    prepared = prepare(project, lambda warning: None)
    shutil.rmtree(own_key.parent / "templates")  # where the theme would keep what it compiles
    assert "Part 1" in site(prepared, "scorm12").files["index.html"].decode("utf-8")
    assert not (own_key.parent / "templates").exists()


def test_a_large_sealed_file_of_ours_is_read_back_after_its_tag_is_checked_in_pieces(own_key, tmp_path):
    from courseforge.cacheseal import CHECKED_FIRST, read_sealed, write_sealed
    data = bytes(range(256)) * (CHECKED_FIRST // 256 + 4096)
    write_sealed(tmp_path / "big", data)
    assert read_sealed(tmp_path / "big", limit=2 * CHECKED_FIRST) == data
    assert read_sealed(tmp_path / "big") is None  # over a shard's limit: never read
    with (tmp_path / "big").open("r+b") as sealed:  # one byte changed past the first piece
        sealed.seek(CHECKED_FIRST)
        sealed.write(b"\x00" if data[CHECKED_FIRST - 32] else b"\x01")
    assert read_sealed(tmp_path / "big", limit=2 * CHECKED_FIRST) is None


def test_a_build_leaves_its_caches_sealed_and_no_temporary_file(own_key, make_course, tmp_path):
    course = make_course(lessons=3)
    build(course, tmp_path / "out", ["scorm12"])
    store = course / CACHE_DIR
    shards = [path for path in store.rglob("*") if path.is_file() and not path.name.startswith(".")]
    assert shards and all(cacheseal.read_sealed(path, 1 << 30) is not None for path in shards)
    assert not [path for path in store.rglob(".*") if path.is_file()], "no temporary file is left"


def test_a_file_that_cannot_be_written_leaves_no_temporary_file(own_key, tmp_path, monkeypatch):
    # A folder planted under a shard's name (a course folder from someone else), or a full disk: the
    # write fails, the build goes on without the file, and no half-written temporary stays behind.
    import errno

    import pytest

    (tmp_path / "planted").mkdir()
    with pytest.raises(OSError):
        cacheseal.write_sealed(tmp_path / "planted", b"data")

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cacheseal, "_tag", full)
    with pytest.raises(OSError):
        cacheseal.write_sealed(tmp_path / "shard", b"data")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["home-cache", "planted"]


def test_a_file_written_in_pieces_is_the_file_written_whole(own_key, tmp_path):
    """The page, section and deflate stores hand their shards over piece by piece (no joined copy of
    tens of MB): the file is byte for byte the one written from the joined data, and reads back."""
    import random

    rng = random.Random(7)
    for trial in range(40):
        pieces = [rng.randbytes(rng.choice((0, 1, 31, 32, 33, 5000, 70000, 200000))) for _ in range(rng.randrange(0, 12))]
        whole, parts = tmp_path / f"whole{trial}", tmp_path / f"parts{trial}"
        cacheseal.write_sealed(whole, b"".join(pieces))
        cacheseal.write_sealed(parts, iter([memoryview(piece) if trial % 2 else piece for piece in pieces]))
        assert parts.read_bytes() == whole.read_bytes()
        assert cacheseal.read_sealed(parts, 1 << 30) == b"".join(pieces)


def test_pieces_that_fail_half_way_leave_neither_the_file_nor_a_temporary_one(own_key, tmp_path):
    import pytest

    cacheseal.write_sealed(tmp_path / "shard", b"the last good shard")

    def pieces():
        yield b"x" * 100_000
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        cacheseal.write_sealed(tmp_path / "shard", pieces())
    assert cacheseal.read_sealed(tmp_path / "shard") == b"the last good shard"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["home-cache", "shard"]
