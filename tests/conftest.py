"""Shared test helpers: tiny courses written into tmp_path."""
from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The official schemas as the package ships them (byte for byte the published files; the validator
# patches two IMS files in memory only). Tests that validate "independently" load these with plain lxml.
STANDARDS = REPO / "src" / "courseforge" / "schemas"

COURSE_YML = """\
title: Tiny course
identifier: tiny-course
version: "1.0.0"
language: en
description: A course made by a test.
authors:
  - Test Author
mastery_score: 80
"""


def lesson(id: str, title: str, body: str = "Some text.", **extra) -> str:
    lines = ["---", f"id: {id}", f"title: {title}", "objectives:", f"  - Learn about {title.lower()}",
             "minutes: 5"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n---\n\n" + textwrap.dedent(body) + "\n"


def write_course(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if name.endswith(".yml") else content, encoding="utf-8")
    return root


def default_files(lessons: int = 3) -> dict[str, str]:
    files = {"course.yml": COURSE_YML}
    for n in range(1, lessons + 1):
        files[f"lessons/{n:02d}-part-{n}.md"] = lesson(
            f"part-{n}", f"Part {n}",
            f"## Section {n}\n\nParagraph for part {n}.\n\n::: story A story\nA short story.\n:::\n")
    return files


@pytest.fixture
def make_course(tmp_path):
    """make_course({"lessons/01-a.md": ...}) → course folder; course.yml and 3 lessons by default."""
    def make(files: dict[str, str | bytes] | None = None, lessons: int = 3, root: Path | None = None) -> Path:
        merged = default_files(lessons)
        merged.update(files or {})
        return write_course(root or tmp_path / "course", {k: v for k, v in merged.items() if v is not None})
    return make


@pytest.fixture
def small_parts(own_key, monkeypatch):
    """A large course's parts (pages/*.js) of ~40 KB, kept in the deflate cache from 16 KB on: a course
    of tens of lessons has several. Under a cache key of this test's own."""
    monkeypatch.setattr("courseforge.render.LAUNCH_LIMIT", 20_000)
    monkeypatch.setattr("courseforge.pageparts.PART_SIZE", 40_000)


@pytest.fixture
def own_key(tmp_path, monkeypatch):
    """This test's user: a cache key (and compiled templates) under a cache home of its own."""
    from courseforge import cacheseal

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    cacheseal._key.cache_clear()
    yield tmp_path / "home-cache" / "courseforge" / "cache-key"
    cacheseal._key.cache_clear()


def as_someone_else(monkeypatch, tmp_path: Path, action):
    """Run `action` as another user of another machine (another key)."""
    from courseforge import cacheseal

    with monkeypatch.context() as other:
        other.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
        cacheseal._key.cache_clear()
        try:
            return action()
        finally:
            cacheseal._key.cache_clear()


def zips(folder: Path, out: Path, **options) -> dict[str, bytes]:
    """The packages a build of `folder` writes to `out`, by file name."""
    from courseforge.build import build

    return {path.name: path.read_bytes() for path in build(folder, out, **options)}


def uncached(folder: Path, out: Path) -> dict[str, bytes]:
    """The zips of a build from the same sources without any cache (the project's own put aside)."""
    from courseforge.loader import CACHE_DIR

    kept = folder.parent / "kept-cache"
    (folder / CACHE_DIR).rename(kept)
    try:
        return zips(folder, out)
    finally:
        shutil.rmtree(folder / CACHE_DIR, ignore_errors=True)
        kept.rename(folder / CACHE_DIR)


def cache_text(path: Path) -> str:
    """A sealed cache file's content (cacheseal.py): what this user's build wrote there."""
    from courseforge.cacheseal import opened

    data = opened(path.read_bytes())
    assert data is not None, f"{path} is not sealed with this user's key"
    return data.decode("utf-8")


def other_shard(shards: list[Path]) -> Path:
    """A second shard of a store: one there is, or one named for other keys (read all the same)."""
    return shards[1] if len(shards) > 1 else shards[0].with_name("f" if shards[0].name != "f" else "e")


def write_cache(path: Path, data: str | bytes) -> None:
    """Damage a cache file as this user's own build could (sealed): only the decoder stands guard."""
    from courseforge.cacheseal import seal

    path.write_bytes(seal(data.encode("utf-8") if isinstance(data, str) else data))


def node_json(script: str, *files: Path) -> dict:
    """Run `script` under Node.js with `files` as its arguments; what it prints, as JSON."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the runtime tests need Node.js (apt-get install nodejs)", pytrace=False)
    result = subprocess.run([node, "-e", script, *map(str, files)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def progress_recorder(heard: list) -> type:
    """A video.Progress class (what a preview Session is given) whose instances note what they hear in `heard`."""
    class Heard:
        def start(self, total, reused, workers):
            heard.append(("start", total, reused))

        def advance(self, label):
            heard.append(("advance", label))

        def finish(self):
            heard.append(("finish",))

        def removed(self, count, size):
            heard.append(("removed", count))

        def capped(self, count, size, cap):
            heard.append(("capped", count))

        def over_cap(self, size, cap):
            heard.append(("over cap", size))
    return Heard


@contextlib.contextmanager
def deep_folder(parent: Path, levels: int = 1100):
    """A folder `levels` deep under `parent` ("a/a/…"), made and removed a level at a time: Path.mkdir(
    parents=True) and shutil.rmtree (pytest's cleanup of tmp_path too) recurse once a level."""
    made, folder = [], parent
    for _ in range(levels):
        folder /= "a"
        folder.mkdir()
        made.append(folder)
    try:
        yield folder
    finally:
        for level in reversed(made):
            for entry in level.iterdir():
                if not entry.is_dir() or entry.is_symlink():
                    entry.unlink()
            level.rmdir()


def script_parts(package: Path) -> list[str]:
    """The runtime files a package's one script (render.SCRIPT_BUNDLE) is made of, in order: each
    part found by its minified text. Asserts the package ships no other runtime file."""
    import zipfile

    from courseforge.minify import shrink
    from courseforge.render import SCRIPT_BUNDLE

    theme = REPO / "themes" / "default"
    with zipfile.ZipFile(package) as archive:
        assert {n for n in archive.namelist() if n.startswith("runtime/")} == {SCRIPT_BUNDLE}
        bundle = archive.read(SCRIPT_BUNDLE)
    found = {}
    for path in sorted(theme.glob("runtime/**/*.js")):
        at = bundle.find(shrink(path.name, path.read_bytes()))
        if at >= 0:
            found[at] = path.relative_to(theme).as_posix()
    return [found[at] for at in sorted(found)]
