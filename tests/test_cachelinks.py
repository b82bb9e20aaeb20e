"""A course folder from someone else may carry a prepared .courseforge-cache: stores that are links (to
have shards written and deleted wherever they point), shards that are FIFOs (a build that opened one for
reading would wait forever). The build ignores such stores and files, writes nothing through a link,
and makes the same packages as a clean build."""
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO
from courseforge.build import build
from courseforge.loader import CACHE_DIR

FORMATS = ["scorm12", "cmi5"]
STORES = ("pages", "sections", "findings")
# Sealed files beside the stores' shards, journals too (cachejournal.py).
KEPT_FILES = ("deflate.bin", "deflate-new.bin", "entries.bin", "sections/lengths", "sections/lengths-new")


@pytest.fixture
def course(tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(REPO / "content", folder, ignore=shutil.ignore_patterns(CACHE_DIR, "scenarios"))  # no videos
    return folder


def packages(course, out) -> dict:
    return {path.name: path.read_bytes() for path in build(course, out, FORMATS)}


def everything_under(folder) -> dict:
    return {path.relative_to(folder): path.read_bytes() if path.is_file() else None for path in folder.rglob("*")}


def test_fifo_shards_and_deflate_cache_are_never_opened(course, tmp_path):
    clean = packages(course, tmp_path / "clean")
    cache = course / CACHE_DIR
    fifos = [next(path for path in sorted((cache / store).iterdir()) if not path.name.startswith("."))
             for store in STORES] + [cache / name for name in KEPT_FILES]
    for fifo in fifos:
        fifo.unlink(missing_ok=True)
        os.mkfifo(fifo)
    # In a child: a build that opens a FIFO for reading waits forever; the timeout ends the test instead.
    code = textwrap.dedent(f"""
        from pathlib import Path
        from courseforge.build import build
        build(Path({str(course)!r}), Path({str(tmp_path / "fifo")!r}), {FORMATS!r})
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert {path.name: path.read_bytes() for path in (tmp_path / "fifo").iterdir() if path.is_file()} == clean
    assert packages(course, tmp_path / "again") == clean


@pytest.mark.parametrize("store", STORES)
def test_a_store_that_is_a_link_is_not_used(course, tmp_path, store):
    clean = packages(course, tmp_path / "clean")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "theirs").write_bytes(b"theirs")
    before = everything_under(elsewhere)
    shutil.rmtree(course / CACHE_DIR / store)
    (course / CACHE_DIR / store).symlink_to(elsewhere, target_is_directory=True)
    assert packages(course, tmp_path / "linked") == clean
    assert packages(course, tmp_path / "again") == clean
    assert everything_under(elsewhere) == before  # nothing written, nothing deleted through the link


def test_a_cache_folder_that_is_a_link_is_not_used(course, tmp_path):
    clean = packages(course, tmp_path / "clean")
    elsewhere = tmp_path / "elsewhere"
    shutil.rmtree(course / CACHE_DIR)
    (elsewhere / "pages").mkdir(parents=True)
    (elsewhere / "pages" / "theirs").write_bytes(b"theirs")
    before = everything_under(elsewhere)
    (course / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    assert packages(course, tmp_path / "linked") == clean
    assert packages(course, tmp_path / "again") == clean
    assert everything_under(elsewhere) == before


def test_cache_files_that_are_links_are_neither_read_nor_written_through(course, tmp_path):
    clean = packages(course, tmp_path / "clean")
    cache = course / CACHE_DIR
    outside = tmp_path / "outside"
    outside.write_bytes(b"theirs")
    links = [next(path for path in sorted((cache / store).iterdir()) if not path.name.startswith("."))
             for store in STORES] + [cache / name for name in KEPT_FILES]
    for link in links:
        shutil.copyfile(link, outside.with_name(f"copy-{link.parent.name}-{link.name}")) if link.exists() else None
        link.unlink(missing_ok=True)
        link.symlink_to(outside)
    for store in STORES:  # a temporary file's name taken by a link: replaced, not written through
        (cache / store / f".{links[0].name}.{os.getpid()}").symlink_to(outside)
    assert packages(course, tmp_path / "linked") == clean
    assert outside.read_bytes() == b"theirs"


def test_shards_of_a_store_sharded_otherwise_before_are_removed(course, tmp_path):
    packages(course, tmp_path / "clean")
    cache = course / CACHE_DIR
    old = [cache / store / name for store in ("pages", "findings") for name in ("00", "ff", "7c")]
    # The stores of 64 shards ("00", "04" … "fc"): those of 16 or 256 go.
    old += [cache / store / name for store in ("sections", "pages-text") for name in ("0", "f", "ff", "7d")]
    for path in old:
        path.write_bytes(b"a shard of an older courseforge")
    edited = sorted((course / "lessons").glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    packages(course, tmp_path / "edited")  # every store saves: each drops what it cannot have written
    assert not any(path.exists() for path in old)
