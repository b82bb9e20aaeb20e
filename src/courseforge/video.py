"""Scenario scenes → video clips: MP4 (H.264 + AAC), WebVTT captions, a poster and a transcript.

    media = render_media(scenarios, VideoSettings(), project / ".courseforge-cache",
                         progress=ConsoleProgress())

`media` is a dict of package path → bytes holding, for every scene of every scenario,

    media/<scenario-id>/<scene-id>.mp4   H.264 (yuv420p) + AAC, settings.width × settings.height
    media/<scenario-id>/<scene-id>.vtt   WebVTT, one cue per spoken line, timed from its audio
    media/<scenario-id>/<scene-id>.png   the poster: the scene's title card

and, as attributes, what the player page needs:

    media.clips[(scenario_id, scene_id)] → model.Clip: the three paths, duration (s), cues
                                           (start, end, speaker, text) and transcript_html, an
                                           escaped fragment: <div class="cf-transcript">…</div>
    media.warnings → [ContentError]      e.g. the one saying clips are silent without espeak-ng
    media.rendered, media.reused         clips encoded in this run / taken from the cache

How a clip is made. The picture is still while a line is spoken, so each line's frame is drawn once
(Pillow), held for the line's audio plus a pause, and encoded at a low frame rate with x264 tuned for
still images. Every segment is a whole number of frames, so the picture changes exactly when its
line's audio starts, and each cue starts and ends with its line's speech, measured from the wav
espeak-ng wrote. Without espeak-ng the clips are silent, paced by reading time. Clips render in
parallel processes and are cached under cache_dir/video/<hash of the scene's script, cast, voices,
settings and courseforge version>, so an unchanged scene is never rendered twice.

moviepy, numpy and Pillow are imported inside functions: `courseforge --help` must stay instant.
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import os
import shutil
import sys
import tempfile
import time
import wave
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import click

from courseforge import __version__, frames, speech
from courseforge.errors import ContentError, ContentErrors, Location
from courseforge.model import NARRATOR, Clip, Cue, Scenario, Scene

RENDERER = 2  # bump when drawing, timing or encoding changes: cached clips are then rebuilt
X264_THREADS = 2  # fixed, not per machine: x264's output depends on its thread count


@dataclass(frozen=True)
class VideoSettings:
    width: int = 1280
    height: int = 720
    fps: int = 4  # the picture is still: a low rate costs nothing, and 1/4 s is exact in binary
    crf: int = 30
    preset: str = "veryfast"
    audio_bitrate: str = "64k"
    title_seconds: float = 2.0
    pause_seconds: float = 0.5  # after each line
    tail_seconds: float = 1.0  # after the last line, before the player shows what comes next
    reading_wpm: int = 160  # pace of silent clips

    def __post_init__(self) -> None:
        # H.264 in yuv420p, the only kind every browser plays, needs even sides.
        if self.width % 2 or self.height % 2 or min(self.width, self.height) < 64:
            raise ValueError(f"video size {self.width}x{self.height}: use even numbers of at least 64, e.g. 1280x720")
        if not 1 <= self.fps <= 30:
            raise ValueError(f"video fps {self.fps}: use 1 to 30 (4 suits still pictures)")


class Media(dict):
    """Package path → bytes, plus per-clip metadata (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.clips: dict[tuple[str, str], Clip] = {}
        self.warnings: list[ContentError] = []
        self.rendered = 0
        self.reused = 0


class Progress(Protocol):
    def start(self, total: int, reused: int, workers: int) -> None: ...
    def advance(self, label: str) -> None: ...
    def finish(self) -> None: ...


class ConsoleProgress:
    """A progress line on stderr: updated in place on a terminal, start and finish lines elsewhere."""

    def __init__(self) -> None:
        self.total = self.done = 0
        self.started = 0.0
        self.live = sys.stderr.isatty()

    def start(self, total: int, reused: int, workers: int) -> None:
        self.total, self.started = total, time.perf_counter()
        if total:
            click.echo(f"video: rendering {total} clip{'s' if total != 1 else ''} "
                       f"({reused} unchanged) in {workers} process{'es' if workers != 1 else ''}", err=True)

    def advance(self, label: str) -> None:
        self.done += 1
        if self.live:
            click.echo(f"\r  [{self.done}/{self.total}] {label}\x1b[K", err=True, nl=False)

    def finish(self) -> None:
        if self.total:
            click.echo(("\n" if self.live else "") + f"video: rendered {self.done} clips in "
                       f"{time.perf_counter() - self.started:.1f} s", err=True)


class _Quiet:
    def start(self, total: int, reused: int, workers: int) -> None: ...
    def advance(self, label: str) -> None: ...
    def finish(self) -> None: ...


# The public entry point.

def render_media(scenarios: list[Scenario], out_settings: VideoSettings, cache_dir: Path,
                 workers: int | None = None, progress: Progress | None = None) -> Media:
    settings, progress = out_settings, progress or _Quiet()
    engine = speech.tts_engine()
    media = Media()
    if scenarios and engine is None:
        media.warnings.append(ContentError(Location(scenarios[0].source.parent), "espeak-ng was not found, "
                                           "so the scenario clips are silent, paced by reading time", speech.INSTALL_TTS))
    store = _cache_store(Path(cache_dir))
    tools = tools_id(engine)
    jobs, done = {}, set()
    for scenario in scenarios:
        for scene in scenario.scenes.values():
            entry = store / clip_key(scenario, scene, settings, tools)
            if _cached(entry):
                done.add(entry)
            else:
                jobs.setdefault(entry, (scenario, scene))  # two identical scenes render once
    workers = max(1, min(workers or _cores(), len(jobs) or 1))
    progress.start(len(jobs), len(done), workers)
    if jobs:
        _require_video_extra()
        speech.check_voices(engine, list(jobs.values()))
        _run([_Job(scenario, scene.id, settings, engine, entry) for entry, (scenario, scene) in jobs.items()],
             workers, progress)
    progress.finish()
    media.rendered, media.reused = len(jobs), len(done)
    for scenario in scenarios:
        for scene in scenario.scenes.values():
            _collect(media, scenario, scene, store / clip_key(scenario, scene, settings, tools))
    return media


def _collect(media: Media, scenario: Scenario, scene: Scene, entry: Path) -> None:
    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    cues = tuple(Cue(**cue) for cue in meta["cues"])
    base = f"media/{scenario.id}/{scene.id}"
    clip = Clip(scenario.id, scene.id, f"{base}.mp4", f"{base}.vtt", f"{base}.png",
                meta["duration"], cues, transcript_html(scenario, scene))
    media[clip.video] = (entry / "clip.mp4").read_bytes()
    media[clip.poster] = (entry / "poster.png").read_bytes()
    media[clip.captions] = webvtt(cues).encode("utf-8")
    media.clips[(scenario.id, scene.id)] = clip


def _require_video_extra() -> None:
    try:
        import moviepy  # noqa: F401
        import PIL  # noqa: F401
    except ImportError:
        raise click.ClickException("rendering scenario clips needs moviepy and Pillow, which courseforge "
                                   "depends on — reinstall it: pip install --force-reinstall courseforge") from None


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# Timing: every segment a whole number of frames, every cue exactly its line's audio.

@dataclass(frozen=True)
class Segment:
    frame: int  # which drawn picture: 0 is the title card, n the n-th line
    first: int  # first video frame it is shown on
    frames: int  # how many video frames it is shown for
    speech: float  # seconds of the line's audio (0 for the title card)

    def start(self, fps: int) -> float:
        return self.first / fps


def plan_timeline(line_seconds: list[float], settings: VideoSettings) -> list[Segment]:
    fps = settings.fps
    segments = [Segment(0, 0, max(1, round(settings.title_seconds * fps)), 0.0)]
    for number, seconds in enumerate(line_seconds, start=1):
        hold = seconds + (settings.tail_seconds if number == len(line_seconds) else settings.pause_seconds)
        first = segments[-1].first + segments[-1].frames
        segments.append(Segment(number, first, max(1, math.ceil(hold * fps - 1e-9)), seconds))
    return segments


def cues_for(segments: list[Segment], scenario: Scenario, scene: Scene, fps: int) -> tuple[Cue, ...]:
    cues = []
    for segment, turn in zip(segments[1:], scene.turns):
        speaker = "" if turn.speaker == NARRATOR else scenario.characters[turn.speaker].name
        start = segment.start(fps)
        cues.append(Cue(round(start, 3), round(start + segment.speech, 3), speaker, turn.text))
    return tuple(cues)


def webvtt(cues: tuple[Cue, ...]) -> str:
    def stamp(seconds: float) -> str:
        ms = round(seconds * 1000)
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"

    blocks = ["WEBVTT"]
    for cue in cues:
        text = _vtt_escape(cue.text)
        # <v Name> lets players and screen readers say who speaks; narration has no voice tag.
        body = f"<v {_vtt_escape(cue.speaker)}>{text}</v>" if cue.speaker else f"<i>{text}</i>"
        blocks.append(f"{stamp(cue.start)} --> {stamp(cue.end)}\n{body}")
    return "\n\n".join(blocks) + "\n"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def transcript_html(scenario: Scenario, scene: Scene) -> str:
    parts = ['<div class="cf-transcript">']
    for turn in scene.turns:
        text = html.escape(turn.text)
        if turn.speaker == NARRATOR:
            parts.append(f'<p class="cf-narration"><i>{text}</i></p>')
        else:
            name = html.escape(scenario.characters[turn.speaker].name)
            parts.append(f'<p><span class="cf-speaker">{name}:</span> {text}</p>')
    parts.append("</div>")
    return "\n".join(parts)


# The cache.

CACHE_FILES = ("meta.json", "clip.mp4", "poster.png")


def _cache_store(cache_dir: Path) -> Path:
    """The clip store, refused when a link could send our reads or writes outside the project (a
    course folder from someone else may ship a prepared cache)."""
    store = cache_dir / "video"
    for path in (cache_dir, store):
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            raise ContentErrors([ContentError(Location(path), "the clip cache is a link or not a folder",
                                              "delete it: courseforge makes a new one")])
    return store


def _cached(entry: Path) -> bool:
    """A whole entry of regular files, none a link (which could make a package carry any file of
    this machine) and a readable meta.json; anything else is rendered again."""
    if entry.is_symlink() or not entry.is_dir():
        return False
    if any((entry / name).is_symlink() or not (entry / name).is_file() for name in CACHE_FILES):
        return False
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        return isinstance(meta["duration"], (int, float)) and all(Cue(**cue) for cue in meta["cues"])
    except (ValueError, KeyError, TypeError):
        return False

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


# Rendering one clip (in a worker process).

@dataclass(frozen=True)
class _Job:
    scenario: Scenario
    scene_id: str
    settings: VideoSettings
    engine: str | None
    entry: Path

    @property
    def label(self) -> str:
        return f"{self.scenario.id}/{self.scene_id}"


def _run(jobs: list[_Job], workers: int, progress: Progress) -> None:
    if workers == 1:
        for job in jobs:
            render_clip(job)
            progress.advance(job.label)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(render_clip, job): job for job in jobs}
        try:
            for future in as_completed(futures):
                future.result()
                progress.advance(futures[future].label)
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def render_clip(job: _Job) -> None:
    """Render one scene into its cache entry: clip.mp4, poster.png, meta.json (duration, cues)."""
    scenario, scene, settings = job.scenario, job.scenario.scenes[job.scene_id], job.settings
    job.entry.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{job.entry.name}-", dir=job.entry.parent))
    try:
        clip = prepare_clip(scenario, scene, settings, job.engine, work)
        encode_moviepy(clip, work / "clip.mp4")
        clip.pictures[0].save(work / "poster.png", optimize=True)
        meta = {"duration": clip.duration, "cues": [asdict(cue) for cue in clip.cues]}
        (work / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        clip.wav.unlink()
        if job.entry.is_symlink():
            job.entry.unlink()  # never follow a link planted in the cache
        elif job.entry.is_dir() and not _cached(job.entry):
            shutil.rmtree(job.entry)  # left half-made by hand or by a disk that filled up
        try:
            os.replace(work, job.entry)  # atomic: a reader sees a whole entry or none
        except OSError:
            pass  # another build made the same entry first; theirs is identical
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass
class PreparedClip:
    """A scene ready to encode: its pictures, their timeline and the mixed speech."""

    pictures: list  # PIL images: the title card, then one per line
    segments: list[Segment]
    wav: Path
    cues: tuple[Cue, ...]
    settings: VideoSettings

    @property
    def frames(self) -> int:
        return self.segments[-1].first + self.segments[-1].frames

    @property
    def duration(self) -> float:
        return self.frames / self.settings.fps


def prepare_clip(scenario: Scenario, scene: Scene, settings: VideoSettings, engine: str | None,
                 work: Path) -> PreparedClip:
    import numpy as np

    spoken = []
    for number, turn in enumerate(scene.turns):
        if engine is None:
            spoken.append(None)
            continue
        wav = work / f"line-{number}.wav"
        speech.speak(engine, turn.text, scenario.characters[turn.speaker], wav)
        samples = speech.read_speech(wav)
        spoken.append(samples if len(samples) else None)  # nothing sayable ("…"): paced like a silent line
        wav.unlink()
    seconds = [speech.reading_seconds(turn.text, settings.reading_wpm) if samples is None
               else len(samples) / speech.SAMPLE_RATE for turn, samples in zip(scene.turns, spoken)]
    segments = plan_timeline(seconds, settings)
    fps = settings.fps
    total = segments[-1].first + segments[-1].frames
    track = np.zeros(round(total * speech.SAMPLE_RATE / fps), dtype=np.int16)
    for segment, samples in zip(segments[1:], spoken):
        if samples is not None:
            at = round(segment.first * speech.SAMPLE_RATE / fps)
            track[at:at + len(samples)] = samples
    wav = work / "speech.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(speech.SAMPLE_RATE)
        out.writeframes(track.tobytes())
    pictures = [frames.draw_title(scenario, scene, settings)]
    pictures += [frames.draw_line(scenario, turn, settings) for turn in scene.turns]
    return PreparedClip(pictures, segments, wav, cues_for(segments, scenario, scene, fps), settings)


def ffmpeg_output_options(settings: VideoSettings) -> list[str]:
    """Encoder and muxer options shared by the moviepy path and the benchmark's ffmpeg floor."""
    return ["-tune", "stillimage", "-crf", str(settings.crf), "-g", str(settings.fps * 10),
            "-b:a", settings.audio_bitrate, "-aac_coder", "fast", "-ac", "1", "-movflags", "+faststart",
            # Same inputs, same bytes: no encoder version strings, no creation time.
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]


def encode_moviepy(clip: PreparedClip, out: Path) -> None:
    import numpy as np
    from moviepy import ImageClip, concatenate_videoclips

    fps = clip.settings.fps
    stills = [np.asarray(picture.convert("RGB")) for picture in clip.pictures]
    parts = [ImageClip(stills[segment.frame]).with_duration(segment.frames / fps) for segment in clip.segments]
    # Frame n is taken from the middle of its interval, so float sums never show a picture a frame late.
    video = concatenate_videoclips(parts).time_transform(lambda t: t + 0.5 / fps).with_duration(
        (clip.frames + 0.25) / fps)
    video.write_videofile(str(out), fps=fps, codec="libx264", preset=clip.settings.preset,
                          audio=str(clip.wav), audio_codec="aac", threads=X264_THREADS,
                          ffmpeg_params=ffmpeg_output_options(clip.settings), logger=None)
