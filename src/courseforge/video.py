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

import functools
import hashlib
import html
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import click

from courseforge import __version__
from courseforge.errors import ContentError, ContentErrors, Location
from courseforge.model import NARRATOR, Character, Clip, Cue, Look, Scenario, Scene, Turn

RENDERER = 1  # bump when drawing, timing or encoding changes: cached clips are then rebuilt
SAMPLE_RATE = 22050  # espeak-ng's own rate: no resampling in the common case
X264_THREADS = 2  # fixed, not per machine: x264's output depends on its thread count
MIN_LINE_SECONDS = 1.5  # a silent line stays up long enough to read even when it is one word
SILENCE = 200  # 16-bit sample level below which espeak-ng's leading and trailing audio is silence
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian: fonts-dejavu-core
FONTS = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "italic": "DejaVuSans-Oblique.ttf"}
INSTALL_TTS = "install espeak-ng for narrated clips (Debian/Ubuntu: sudo apt-get install espeak-ng)"


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
    engine = tts_engine()
    media = Media()
    if scenarios and engine is None:
        media.warnings.append(ContentError(Location(scenarios[0].source.parent), "espeak-ng was not found, "
                                           "so the scenario clips are silent, paced by reading time", INSTALL_TTS))
    store = Path(cache_dir) / "video"
    tools = tools_id(engine)
    jobs, done = {}, set()
    for scenario in scenarios:
        for scene in scenario.scenes.values():
            entry = store / clip_key(scenario, scene, settings, tools)
            if (entry / "meta.json").is_file():
                done.add(entry)
            else:
                jobs.setdefault(entry, (scenario, scene))  # two identical scenes render once
    workers = max(1, min(workers or _cores(), len(jobs) or 1))
    progress.start(len(jobs), len(done), workers)
    if jobs:
        _require_video_extra()
        _check_voices(engine, list(jobs.values()))
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
        raise click.ClickException("rendering scenario clips needs moviepy and Pillow — "
                                   "pip install 'courseforge[video]'") from None


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# Text to speech.

def tts_engine() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def _engine_id(engine: str | None) -> str | None:
    if engine is None:
        return None
    out = subprocess.run([engine, "--version"], capture_output=True, text=True)
    return out.stdout.strip().split(" Data at")[0] or Path(engine).name


def _check_voices(engine: str | None, clips: list[tuple[Scenario, Scene]]) -> None:
    """Every voice the clips use exists: espeak-ng refuses an unknown voice and ignores an unknown variant."""
    if engine is None:
        return
    listed = subprocess.run([engine, "--voices=variant"], capture_output=True, text=True).stdout.split("\n")[1:]
    variants = {row.split()[4].removeprefix("!v/") for row in listed if len(row.split()) >= 5}
    voices: dict[str, bool] = {}
    errors: dict[tuple, ContentError] = {}
    for scenario, scene in clips:
        for character in (scenario.characters[turn.speaker] for turn in scene.turns):
            base, _, variant = character.voice.name.partition("+")
            if base not in voices:
                voices[base] = subprocess.run([engine, "-q", "-v", base, "x"], capture_output=True).returncode == 0
            if not voices[base]:
                problem = f'espeak-ng has no voice "{base}" (the voice of {character.name})'
            elif variant and variant not in variants:
                problem = f'espeak-ng has no voice variant "{variant}" (the voice of {character.name})'
            else:
                continue
            errors[(scenario.source, character.key)] = ContentError(
                Location(scenario.source, character.line), problem,
                "pick a voice from `espeak-ng --voices` (e.g. en-us, en-gb) and a variant from "
                "`espeak-ng --voices=variant` (e.g. +f3, +m3)")
    if errors:
        raise ContentErrors(list(errors.values()))


def speak(engine: str, text: str, character: Character, wav: Path) -> None:
    voice = character.voice
    # Text on stdin, not argv: a line may start with "-", and no shell ever sees it.
    subprocess.run([engine, "--stdin", "-v", voice.name, "-s", str(voice.speed), "-p", str(voice.pitch),
                    "-w", str(wav)], input=text.encode("utf-8"), check=True, capture_output=True)


def read_speech(wav: Path):
    """The wav as mono 16-bit samples at SAMPLE_RATE, leading and trailing silence trimmed."""
    import numpy as np

    with wave.open(str(wav)) as audio:
        rate, channels, width = audio.getframerate(), audio.getnchannels(), audio.getsampwidth()
        raw = audio.readframes(audio.getnframes())
    samples = np.frombuffer(raw, dtype={1: np.uint8, 2: np.int16}[width]).astype(np.float64)
    if width == 1:
        samples = (samples - 128) * 256
    samples = samples.reshape(-1, channels).mean(axis=1)
    if rate != SAMPLE_RATE:  # mbrola voices speak at 16 kHz
        count = round(len(samples) * SAMPLE_RATE / rate)
        samples = np.interp(np.arange(count) * rate / SAMPLE_RATE, np.arange(len(samples)), samples)
    loud = np.flatnonzero(np.abs(samples) > SILENCE)
    samples = samples[loud[0]:loud[-1] + 1] if len(loud) else samples[:0]
    return samples.clip(-32768, 32767).astype(np.int16)


def reading_seconds(text: str, wpm: int) -> float:
    return max(MIN_LINE_SECONDS, len(text.split()) * 60 / wpm)


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

def clip_key(scenario: Scenario, scene: Scene, settings: VideoSettings, tools: dict) -> str:
    """Hash of everything that shows or sounds in the clip; line numbers and ids are left out."""
    speakers = sorted({turn.speaker for turn in scene.turns})
    cast = {key: [scenario.characters[key].name, scenario.characters[key].role,
                  asdict(scenario.characters[key].look), asdict(scenario.characters[key].voice)]
            for key in speakers}
    payload = {"courseforge": __version__, "renderer": RENDERER, "settings": asdict(settings), "tools": tools,
               "scenario": scenario.title, "title": scene.title,
               "lines": [[turn.speaker, turn.text] for turn in scene.turns], "cast": cast}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def tools_id(engine: str | None) -> dict:
    """What else decides a clip's bytes: a new espeak-ng times lines differently, a new ffmpeg encodes
    differently, a missing font draws differently; the cache must then not serve the old clips."""
    return {"tts": _engine_id(engine), "ffmpeg": _ffmpeg_id(),
            "fonts": "dejavu" if (FONT_DIR / FONTS["regular"]).is_file() else "pillow-default"}


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
        if job.entry.is_dir() and not (job.entry / "meta.json").is_file():
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

    speech = []
    for number, turn in enumerate(scene.turns):
        if engine is None:
            speech.append(None)
            continue
        wav = work / f"line-{number}.wav"
        speak(engine, turn.text, scenario.characters[turn.speaker], wav)
        samples = read_speech(wav)
        speech.append(samples if len(samples) else None)  # nothing sayable ("…"): paced like a silent line
        wav.unlink()
    seconds = [reading_seconds(turn.text, settings.reading_wpm) if samples is None else len(samples) / SAMPLE_RATE
               for turn, samples in zip(scene.turns, speech)]
    segments = plan_timeline(seconds, settings)
    fps = settings.fps
    total = segments[-1].first + segments[-1].frames
    track = np.zeros(round(total * SAMPLE_RATE / fps), dtype=np.int16)
    for segment, samples in zip(segments[1:], speech):
        if samples is not None:
            at = round(segment.first * SAMPLE_RATE / fps)
            track[at:at + len(samples)] = samples
    wav = work / "speech.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(track.tobytes())
    pictures = [draw_title(scenario, scene, settings)]
    pictures += [draw_line(scenario, turn, settings) for turn in scene.turns]
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


# Drawing. Sizes are in units of 1/720 of the frame height, so any size keeps the same layout.

TITLE_BACKGROUND = "#1f2a36"
INK, PAPER = "#1b1b1b", "#ffffff"


@functools.lru_cache(maxsize=64)
def font(style: str, size: int):
    from PIL import ImageFont

    path = FONT_DIR / FONTS[style]
    if path.is_file():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _mix(colour: str, other: str, amount: float) -> tuple[int, int, int]:
    return tuple(round(a + (b - a) * amount) for a, b in zip(_rgb(colour), _rgb(other)))


def _text_on(background: str) -> tuple[str, str]:
    """(main, muted) text colours that read on `background`."""
    r, g, b = _rgb(background)
    light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 140
    return ("#1b1b1b", "#4a4f57") if light else ("#ffffff", "#d5dde5")


def _wrap(text: str, face, width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if not current or face.getlength(trial) <= width:
            current = trial
        else:
            lines.append(current)
            current = word
    return lines + [current]


def _fit(text: str, style: str, width: float, height: float, largest: int, smallest: int):
    """The largest font (down to `smallest`) at which `text` wraps into width × height."""
    size = largest
    while True:
        face = font(style, size)
        lines = _wrap(text, face, width)
        if len(lines) * size * 1.3 <= height or size <= smallest:
            return face, lines, round(size * 1.3)
        size = max(smallest, size - 2)


def _draw_lines(draw, lines: list[str], face, line_height: int, centre_x: float | None, x: float, top: float,
                fill) -> None:
    for number, line in enumerate(lines):
        y = top + number * line_height
        if centre_x is None:
            draw.text((x, y), line, font=face, fill=fill)
        else:
            draw.text((centre_x, y), line, font=face, fill=fill, anchor="ma")


def avatar(look: Look, diameter: int):
    """A head-and-shoulders portrait in a circle, drawn at 3× and scaled down for smooth edges."""
    from PIL import Image, ImageDraw

    s = diameter * 3
    image = Image.new("RGBA", (s, s), _mix(look.background, "#ffffff", 0.55) + (255,))
    draw = ImageDraw.Draw(image)
    skin, hair = _rgb(look.skin), _rgb(look.hair)

    def box(x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [x0 * s, y0 * s, x1 * s, y1 * s]

    head = {"round": (0.28, 0.22, 0.72, 0.66), "oval": (0.30, 0.19, 0.70, 0.68),
            "square": (0.29, 0.23, 0.71, 0.66)}[look.shape]
    if look.hairstyle == "long":
        draw.rounded_rectangle(box(head[0] - 0.04, head[1] + 0.02, head[2] + 0.04, 0.80), radius=0.14 * s, fill=hair)
    if look.hairstyle == "bun":
        draw.ellipse(box(0.41, head[1] - 0.11, 0.59, head[1] + 0.07), fill=hair)
    draw.ellipse(box(0.12, 0.72, 0.88, 1.40), fill=_rgb(look.clothes))
    draw.rectangle(box(0.44, 0.58, 0.56, 0.76), fill=_mix(look.skin, "#000000", 0.12))
    if look.shape == "square":
        draw.rounded_rectangle(box(*head), radius=0.09 * s, fill=skin)
    else:
        draw.ellipse(box(*head), fill=skin)
    if look.hairstyle != "none":
        height = head[3] - head[1]
        draw.chord(box(head[0] - 0.02, head[1] - 0.03, head[2] + 0.02, head[1] + height * 0.62), 180, 360, fill=hair)
    eye_y = head[1] + (head[3] - head[1]) * 0.55
    for eye_x in (0.42, 0.58):
        draw.ellipse(box(eye_x - 0.02, eye_y - 0.02, eye_x + 0.02, eye_y + 0.02), fill=(43, 43, 43))
    draw.arc(box(0.43, eye_y + 0.02, 0.57, eye_y + 0.12), 25, 155, fill=(122, 59, 46), width=max(1, round(0.012 * s)))
    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).ellipse([0, 0, s - 1, s - 1], fill=255)
    image.putalpha(mask)
    return image.resize((diameter, diameter), Image.LANCZOS)


def draw_title(scenario: Scenario, scene: Scene, settings: VideoSettings):
    from PIL import Image, ImageDraw

    w, h = settings.width, settings.height
    u = h / 720
    image = Image.new("RGB", (w, h), TITLE_BACKGROUND)
    draw = ImageDraw.Draw(image)
    face, lines, step = _fit(scenario.title, "bold", w * 0.8, h * 0.22, round(60 * u), round(30 * u))
    top = h * 0.30 - len(lines) * step / 2
    _draw_lines(draw, lines, face, step, w / 2, 0, top, "#ffffff")
    if scene.title:
        sub, sub_lines, sub_step = _fit(scene.title, "regular", w * 0.8, h * 0.12, round(36 * u), round(20 * u))
        _draw_lines(draw, sub_lines, sub, sub_step, w / 2, 0, top + len(lines) * step + 12 * u, "#d5dde5")
    cast = [scenario.characters[key] for key in dict.fromkeys(t.speaker for t in scene.turns) if key != NARRATOR]
    size, gap = round(130 * u), round(60 * u)
    left = (w - len(cast) * size - (len(cast) - 1) * gap) / 2
    for number, character in enumerate(cast):
        x = round(left + number * (size + gap))
        portrait = avatar(character.look, size)
        image.paste(portrait, (x, round(h * 0.56)), portrait)
        draw.text((x + size / 2, h * 0.56 + size + 14 * u), character.name, font=font("bold", round(26 * u)),
                  fill="#ffffff", anchor="ma")
        if character.role:
            draw.text((x + size / 2, h * 0.56 + size + 48 * u), character.role, font=font("regular", round(20 * u)),
                      fill="#d5dde5", anchor="ma")
    return image


def draw_line(scenario: Scenario, turn: Turn, settings: VideoSettings):
    if turn.speaker == NARRATOR:
        return _draw_narration(scenario, turn, settings)
    from PIL import Image, ImageDraw

    w, h = settings.width, settings.height
    u = h / 720
    character = scenario.characters[turn.speaker]
    background = character.look.background
    ink, muted = _text_on(background)
    image = Image.new("RGB", (w, h), background)
    draw = ImageDraw.Draw(image)
    draw.text((36 * u, 26 * u), scenario.title, font=font("regular", round(22 * u)), fill=muted)
    # The bottom sixth stays plain: the player's captions appear there.
    diameter = round(min(h * 0.44, w * 0.27))
    cx, cy = w * 0.19, h * 0.40
    portrait = avatar(character.look, diameter)
    image.paste(portrait, (round(cx - diameter / 2), round(cy - diameter / 2)), portrait)
    draw.text((cx, cy + diameter / 2 + 16 * u), character.name, font=font("bold", round(34 * u)), fill=ink, anchor="ma")
    if character.role:
        draw.text((cx, cy + diameter / 2 + 58 * u), character.role, font=font("regular", round(24 * u)),
                  fill=muted, anchor="ma")
    left, right, pad = w * 0.37, w - 44 * u, 32 * u
    face, lines, step = _fit(turn.text, "regular", right - left - 2 * pad, h * 0.56, round(42 * u), round(24 * u))
    height = len(lines) * step + 2 * pad
    top = max(70 * u, cy - height / 2)
    draw.rounded_rectangle([left, top, right, top + height], radius=28 * u, fill=PAPER,
                           outline=_mix(background, "#000000", 0.18), width=max(1, round(2 * u)))
    tail_y = min(max(cy, top + 30 * u), top + height - 30 * u)
    tail = [(left + 1, tail_y - 18 * u), (left + 1, tail_y + 18 * u), (left - 34 * u, tail_y + 8 * u)]
    draw.polygon(tail, fill=PAPER)
    _draw_lines(draw, lines, face, step, None, left + pad, top + pad, INK)
    return image


def _draw_narration(scenario: Scenario, turn: Turn, settings: VideoSettings):
    from PIL import Image, ImageDraw

    w, h = settings.width, settings.height
    u = h / 720
    background = scenario.characters[NARRATOR].look.background
    ink, muted = _text_on(background)
    image = Image.new("RGB", (w, h), background)
    draw = ImageDraw.Draw(image)
    draw.text((36 * u, 26 * u), scenario.title, font=font("regular", round(22 * u)), fill=muted)
    face, lines, step = _fit(turn.text, "italic", w * 0.74, h * 0.56, round(42 * u), round(24 * u))
    top = h * 0.42 - len(lines) * step / 2
    draw.text((w / 2, top - 44 * u), scenario.characters[NARRATOR].name.upper(), font=font("bold", round(20 * u)),
              fill=muted, anchor="ma")
    _draw_lines(draw, lines, face, step, w / 2, 0, top, ink)
    return image
