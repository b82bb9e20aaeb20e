"""The clip cache: entries under cache_dir/video/<key>, the key a hash of everything that shows or
sounds in a clip, so an unchanged scene is never rendered twice and a changed one never served."""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from courseforge import __version__, frames, speech
from courseforge.cacheseal import read_sealed, seal
from courseforge.cliptiming import VideoSettings
from courseforge.errors import ContentError, ContentErrors, Location
from courseforge.model import Cue, Scenario, Scene
from courseforge.output import running

RENDERER = 2  # bump when drawing, timing or encoding changes: cached clips are then rebuilt
CACHE_FILES = ("meta.json", "clip.mp4", "poster.png")
PICTURES = ("clip.mp4", "poster.png")  # what meta.json vouches for by their digests
WORK = re.compile(r"^\.[0-9a-f]{32}-(\d+)-")  # a clip being made: its entry's key, then its worker's process id
LEGACY_WORK = re.compile(r"^\.[0-9a-f]{32}-[a-z0-9_]{8}$")  # the same, named before process ids
LEGACY_AGE = 3600


def cache_store(cache_dir: Path) -> Path:
    """The clip store, refused when a link could send our reads or writes outside the project (a
    course folder from someone else may ship a prepared cache)."""
    store = cache_dir / "video"
    for path in (cache_dir, store):
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            raise ContentErrors([ContentError(Location(path), "the clip cache is a link or not a folder",
                                              "delete it: courseforge makes a new one")])
    return store


def work_prefix(entry: Path) -> str:
    """The name a clip is made under, beside its entry, until it is whole and renamed into place."""
    return f".{entry.name}-{os.getpid()}-"


def remove_abandoned(store: Path) -> None:
    """Clips a killed build was making (a wav and half an mp4 each, otherwise kept for ever): those
    whose process is gone, and older ones by age."""
    try:
        listing = list(store.iterdir())
    except OSError:
        return
    for path in listing:
        found = WORK.match(path.name)
        if found:
            abandoned = not running(int(found[1]))
        elif LEGACY_WORK.match(path.name):
            try:
                abandoned = time.time() - path.lstat().st_mtime > LEGACY_AGE
            except OSError:  # removed meanwhile by another build
                continue
        else:
            continue
        if abandoned and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def cached(entry: Path) -> bool:
    """A whole entry of regular files, none a link (which could make a package carry any file of
    this machine) and a readable meta.json; anything else is rendered again."""
    if entry.is_symlink() or not entry.is_dir():
        return False
    if any((entry / name).is_symlink() or not (entry / name).is_file() for name in CACHE_FILES):
        return False
    meta = read_meta(entry)
    try:
        return (isinstance(meta["duration"], (int, float)) and all(Cue(**cue) for cue in meta["cues"])
                and all(_digest(entry / name) == meta["files"][name] for name in PICTURES))
    except (ValueError, KeyError, TypeError, OSError):
        return False


def read_meta(entry: Path):
    """meta.json as this user's build sealed it (cacheseal.py), or None: a clip from someone else's
    cache is rendered again rather than packaged."""
    try:
        return json.loads(read_sealed(entry / "meta.json") or b"null")
    except ValueError:
        return None


def write_meta(entry: Path, duration: float, cues: list[dict]) -> None:
    meta = {"duration": duration, "cues": cues, "files": {name: _digest(entry / name) for name in PICTURES}}
    (entry / "meta.json").write_bytes(seal(json.dumps(meta, indent=1).encode("utf-8")))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

def clip_key(scenario: Scenario, scene: Scene, settings: VideoSettings, tools: dict) -> str:
    """Hash of everything that shows or sounds in the clip; line numbers and ids are left out."""
    speakers = sorted({turn.speaker for turn in scene.turns})
    cast = {key: [scenario.characters[key].name, scenario.characters[key].role,
                  asdict(scenario.characters[key].look), asdict(scenario.characters[key].voice)]
            for key in speakers}
    payload = {"courseforge": __version__, "renderer": RENDERER, "settings": asdict(settings), "tools": tools,
               "scenario": scenario.title, "title": scene.title,
               "lines": [[turn.speaker, turn.text, turn.mood] for turn in scene.turns], "cast": cast}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def tools_id(engine: str | None) -> dict:
    """What else decides a clip's bytes: a new espeak-ng times lines differently, a new ffmpeg encodes
    differently, a missing font draws differently; the cache must then not serve the old clips."""
    return {"tts": speech.engine_id(engine), "ffmpeg": _ffmpeg_id(),
            "fonts": "dejavu" if (frames.FONT_DIR / frames.FONTS["regular"]).is_file() else "pillow-default"}


def _ffmpeg_id() -> str:
    """The ffmpeg moviepy runs, by its version line: its path or name (a system `ffmpeg`, conda's,
    FFMPEG_BINARY, IMAGEIO_FFMPEG_EXE) stays the same when the program is upgraded, and clips of the
    old one were served, so a warm build differed from a cold one."""
    program = _ffmpeg_program()
    if program is None:
        return "none"
    found = shutil.which(program) or program
    try:
        changed = os.stat(found).st_mtime_ns
    except OSError:
        return program
    return _ffmpeg_version(found, changed)


def _ffmpeg_program() -> str | None:
    """What moviepy.config picks: FFMPEG_BINARY, or imageio-ffmpeg's choice (its own build unless
    IMAGEIO_FFMPEG_EXE names another, else conda's or the system's)."""
    chosen = os.environ.get("FFMPEG_BINARY", "ffmpeg-imageio")
    if chosen == "auto-detect":
        return "ffmpeg"
    if chosen != "ffmpeg-imageio":
        return chosen
    try:
        from imageio_ffmpeg import get_ffmpeg_exe
        return get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return None


@functools.lru_cache(maxsize=8)
def _ffmpeg_version(program: str, changed: int) -> str:
    # Asked once per program (the preview rebuilds on every save), again if the program is replaced.
    import subprocess  # here: a build without scenarios never asks

    try:
        out = subprocess.run([program, "-version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return program
    return out.split("\n")[0].split(" Copyright")[0] or program
