"""Render a 60-second scenario scene through courseforge's moviepy path and compare it with ffmpeg.

The floor, measured in the same run on the same pictures and the same speech track: ffmpeg alone,
its concat demuxer reading each still (PNG) with its duration, plus the wav, encoded with the same
encoder options. `ratio` is moviepy encode time / ffmpeg encode time, best of --repeat runs each.
Targets: ratio within 1.5; a whole 60 s clip (speech, drawing, encoding) under 10 s on 2 cores;
a warm rebuild (nothing changed) well under 1 s.

    python benchmarks/render.py [--seconds 60] [--repeat 3] [--size 1280x720]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from courseforge.errors import Problems
from courseforge.model import Scene
from courseforge.scenario import load_scenarios
from courseforge.speech import SAMPLE_RATE, read_speech, reading_seconds, speak, tts_engine
from courseforge.clipencoding import X264_THREADS, encode_moviepy, ffmpeg_output_options, prepare_clip
from courseforge.cliptiming import VideoSettings, plan_timeline
from courseforge.video import render_media

CONTENT = Path(__file__).resolve().parent.parent / "content"


def long_scene(seconds: float, settings: VideoSettings, engine: str | None, work: Path):
    """The shipped wedding-shoes scenario as one scene of its lines, repeated until the clip lasts `seconds`."""
    scenario = load_scenarios(CONTENT, Problems())[0]
    pool = [turn for scene in scenario.scenes.values() for turn in scene.turns]
    spoken = []
    for turn in pool:
        if engine is None:
            spoken.append(reading_seconds(turn.text, settings.reading_wpm))
        else:
            speak(engine, turn.text, scenario.characters[turn.speaker], work / "line.wav")
            spoken.append(len(read_speech(work / "line.wav")) / SAMPLE_RATE)
    count = 1
    while True:
        plan = plan_timeline([spoken[n % len(pool)] for n in range(count)], settings)
        if (plan[-1].first + plan[-1].frames) / settings.fps >= seconds:
            break
        count += 1
    turns = tuple(pool[n % len(pool)] for n in range(count))
    scene = Scene("benchmark", "A minute of dialogue", turns)
    return replace(scenario, id="benchmark", scenes={scene.id: scene}, start=scene.id), scene


def best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def ffmpeg_floor(clip, work: Path, out: Path):
    """The same stills and wav straight into ffmpeg; returns the command (PNG files written untimed)."""
    from moviepy.config import FFMPEG_BINARY

    listing = []
    for number, picture in enumerate(clip.pictures):
        picture.convert("RGB").save(work / f"still-{number}.png", compress_level=1)
    for segment in clip.segments:
        listing += [f"file 'still-{segment.frame}.png'", f"duration {segment.frames / clip.settings.fps}"]
    listing.append(f"file 'still-{clip.segments[-1].frame}.png'")  # concat honours the last duration only so
    (work / "stills.txt").write_text("\n".join(listing) + "\n")
    fps = clip.settings.fps
    # settb first: concat keeps durations in a 1/25 s time base, which `-r` alone rounds a frame early.
    return [FFMPEG_BINARY, "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(work / "stills.txt"),
            "-i", str(clip.wav), "-vf", f"settb=1/{fps},fps={fps}", "-frames:v", str(clip.frames),
            "-c:v", "libx264", "-preset", clip.settings.preset,
            "-pix_fmt", "yuv420p", "-threads", str(X264_THREADS), "-c:a", "aac", *ffmpeg_output_options(clip.settings),
            str(out)]


def decoded_frames(path: Path) -> list[str]:
    """A checksum per decoded video frame: the two encodes show the same pictures at the same times."""
    from moviepy.config import FFMPEG_BINARY

    out = subprocess.run([FFMPEG_BINARY, "-v", "error", "-i", str(path), "-map", "0:v", "-f", "framemd5", "-"],
                         capture_output=True, text=True, check=True).stdout
    return [line.split(",")[-1].strip() for line in out.splitlines() if line and not line.startswith("#")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", default="1280x720")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    settings = VideoSettings(width=width, height=height)
    engine = tts_engine()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        scenario, scene = long_scene(args.seconds, settings, engine, work)
        caches = iter(range(args.repeat + 1))
        cold = best(args.repeat, lambda: render_media([scenario], settings, work / f"cache-{next(caches)}"))
        warm = best(args.repeat, lambda: render_media([scenario], settings, work / "cache-0"))
        prepared = best(args.repeat, lambda: prepare_clip(scenario, scene, settings, engine, work))
        clip = prepare_clip(scenario, scene, settings, engine, work)
        moviepy = best(args.repeat, lambda: encode_moviepy(clip, work / "moviepy.mp4"))
        command = ffmpeg_floor(clip, work, work / "ffmpeg.mp4")
        floor = best(args.repeat, lambda: subprocess.run(command, check=True))
        print(f"scene: {clip.duration:.1f} s of video, {len(scene.turns)} lines, {width}x{height} "
              f"@ {settings.fps} fps, preset {settings.preset}, {cores} cores, speech: {'espeak-ng' if engine else 'none (silent)'}")
        ours, theirs = decoded_frames(work / "moviepy.mp4"), decoded_frames(work / "ffmpeg.mp4")
        print(f"frames: moviepy {len(ours)}, ffmpeg {len(theirs)}, decoded pictures identical: {ours == theirs}; "
              f"size: moviepy {(work / 'moviepy.mp4').stat().st_size / 1e6:.2f} MB, "
              f"ffmpeg {(work / 'ffmpeg.mp4').stat().st_size / 1e6:.2f} MB")
        print(f"speech + drawing (shared by both): {prepared:6.2f} s")
        print(f"moviepy encode:                    {moviepy:6.2f} s")
        print(f"ffmpeg floor encode:               {floor:6.2f} s")
        print(f"whole clip, cold (render_media):   {cold:6.2f} s   target < 10 s on 2 cores")
        print(f"warm rebuild, nothing changed:     {warm:6.2f} s   target < 1 s")
        print(f"ratio: {moviepy / floor:.2f}")


if __name__ == "__main__":
    main()
