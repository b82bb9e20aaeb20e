"""The clip cache: entries under cache_dir/video/<key>, the key a hash of everything that shows or
sounds in a clip, so an unchanged scene is never rendered twice and a changed one never served."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from courseforge import __version__, frames, speech
from courseforge.cacheseal import read_sealed, seal
from courseforge.cliptiming import VideoSettings
from courseforge.errors import ContentError, ContentErrors, Location
from courseforge.model import Cue, Scenario, Scene

RENDERER = 2  # bump when drawing, timing or encoding changes: cached clips are then rebuilt
CACHE_FILES = ("meta.json", "clip.mp4", "poster.png")
PICTURES = ("clip.mp4", "poster.png")  # what meta.json vouches for by their digests


def cache_store(cache_dir: Path) -> Path:
    """The clip store, refused when a link could send our reads or writes outside the project (a
    course folder from someone else may ship a prepared cache)."""
    store = cache_dir / "video"
    for path in (cache_dir, store):
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            raise ContentErrors([ContentError(Location(path), "the clip cache is a link or not a folder",
                                              "delete it: courseforge makes a new one")])
    return store


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
    # moviepy runs imageio-ffmpeg's pinned build unless FFMPEG_BINARY names another.
    if os.environ.get("FFMPEG_BINARY"):
        return os.environ["FFMPEG_BINARY"]
    try:
        from imageio_ffmpeg import get_ffmpeg_exe
        return Path(get_ffmpeg_exe()).name
    except (ImportError, RuntimeError):
        return "none"
