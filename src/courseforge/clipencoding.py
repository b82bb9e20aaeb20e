"""Rendering one clip, in a worker process: draw the pictures, speak the lines, encode with moviepy
(H.264 + AAC) into a cache entry. moviepy, numpy and Pillow are imported inside functions."""
from __future__ import annotations

import os
import shutil
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

import click

from courseforge import frames, speech
from courseforge.clipcache import cached, work_prefix, write_meta
from courseforge.cliptiming import Segment, VideoSettings, cues_for, plan_timeline
from courseforge.model import Cue, Scenario, Scene
from courseforge.mp4tracks import track_seconds

X264_THREADS = 2  # fixed, not per machine: x264's output depends on its thread count


class EncodingStopped(click.ClickException):
    """ffmpeg ended before a clip was whole: one line for the user, and nothing cached."""

    exit_code = 1


@dataclass(frozen=True)
class ClipJob:
    scenario: Scenario
    scene_id: str
    settings: VideoSettings
    engine: str | None
    entry: Path

    @property
    def label(self) -> str:
        return f"{self.scenario.id}/{self.scene_id}"


def render_clip(job: ClipJob) -> None:
    """Render one scene into its cache entry: clip.mp4, poster.png, meta.json (duration, cues)."""
    scenario, scene, settings = job.scenario, job.scenario.scenes[job.scene_id], job.settings
    job.entry.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=work_prefix(job.entry), dir=job.entry.parent))
    try:
        clip = prepare_clip(scenario, scene, settings, job.engine, work)
        try:
            encode_moviepy(clip, work / "clip.mp4")
        except OSError as error:  # ffmpeg gone while frames were still being piped to it
            raise _stopped(job, f"ffmpeg ended early: {_ffmpeg_said(error)}") from None
        _check_whole(job, clip, work / "clip.mp4")
        clip.pictures[0].save(work / "poster.png", optimize=True)
        write_meta(work, clip.duration, [asdict(cue) for cue in clip.cues])
        clip.wav.unlink()
        if job.entry.is_symlink():
            job.entry.unlink()  # never follow a link planted in the cache
        elif job.entry.is_dir() and not cached(job.entry):
            shutil.rmtree(job.entry)  # left half-made by hand or by a disk that filled up
        try:
            os.replace(work, job.entry)  # atomic: a reader sees a whole entry or none
        except OSError:
            pass  # another build made the same entry first; theirs is identical
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_whole(job: ClipJob, clip: "PreparedClip", video: Path) -> None:
    """Both tracks last the whole clip: moviepy does not look at ffmpeg's exit status, so an ffmpeg
    interrupted or out of disk space leaves a short clip that would be cached and packaged."""
    tracks, least = track_seconds(video), clip.duration - 1 / clip.settings.fps
    short = [f"{kind} {tracks.get(handler, 0.0):.2f} s" for kind, handler in (("picture", "vide"), ("sound", "soun"))
             if tracks.get(handler, 0.0) < least]
    if short:
        raise _stopped(job, f"{' and '.join(short)} of {clip.duration:.2f} s")


def _ffmpeg_said(error: OSError) -> str:
    """What ffmpeg said, which moviepy's message ends with (after its "MoviePy error" line), else the error."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    for at, line in enumerate(lines[:-1]):
        if line.startswith("MoviePy error"):
            return lines[at + 1]
    return lines[0] if lines else "no reason given"


def _stopped(job: ClipJob, what: str) -> EncodingStopped:
    return EncodingStopped(f"clip {job.label}: ffmpeg stopped before the clip was whole ({what}); nothing was "
                           "kept — build again, and if it recurs check the free disk space and that nothing "
                           "interrupts ffmpeg")


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
