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
    media.removed                        (count, bytes) of cache entries unused for a week, removed
    media.capped                         (count, bytes) of the least recently used ones removed to keep
                                         the cache within its size cap (clipprune.py)

How a clip is made. The picture is still while a line is spoken, so each line's frame is drawn once
(Pillow), held for the line's audio plus a pause, and encoded at a low frame rate with x264 tuned for
still images. Every segment is a whole number of frames, so the picture changes exactly when its
line's audio starts, and each cue starts and ends with its line's speech, measured from the wav
espeak-ng wrote. Without espeak-ng the clips are silent, paced by reading time. Clips render in
parallel processes and are cached under cache_dir/video/<hash of the scene's script, cast, voices,
settings and courseforge version>, so an unchanged scene is never rendered twice.

The work is split by what it does: cliptiming.py (settings, timeline, captions, transcript),
clipcache.py (keys and entries), clipencoding.py (drawing, speech and encoding one clip, in a worker
process); this module runs them for a course. moviepy, numpy and Pillow are imported inside
functions: `courseforge --help` must stay instant.
"""
from __future__ import annotations

import gc
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Protocol

import click

from courseforge import clipprune, speech
from courseforge.clipcache import cache_store, cached, clip_key, read_meta, remove_abandoned, tools_id
from courseforge.clipencoding import ClipJob, render_clip
from courseforge.cliptiming import VideoSettings, transcript_html, webvtt
from courseforge.errors import ContentError, Location
from courseforge.model import Clip, Cue, Scenario, Scene


class Media(dict):
    """Package path → bytes, plus per-clip metadata (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.clips: dict[tuple[str, str], Clip] = {}
        self.warnings: list[ContentError] = []
        self.rendered = 0
        self.reused = 0
        self.removed = (0, 0)  # cache entries unused for a week that this build removed, and their bytes
        self.capped = (0, 0)  # those it removed, least recently used first, to keep the cache within its cap


class Progress(Protocol):
    def start(self, total: int, reused: int, workers: int) -> None: ...
    def advance(self, label: str) -> None: ...
    def finish(self) -> None: ...
    def removed(self, count: int, size: int) -> None: ...  # only when something was removed
    def capped(self, count: int, size: int, cap: int) -> None: ...  # the same, to keep the cache within `cap` bytes
    def over_cap(self, size: int, cap: int) -> None: ...  # this build's own clips alone take more than `cap`


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

    def removed(self, count: int, size: int) -> None:
        days = clipprune.GRACE // 86400
        click.echo(f"video: removed {count} cached clip{'s' if count != 1 else ''} unused for over {days} days "
                   f"({_amount(size)})", err=True)

    def capped(self, count: int, size: int, cap: int) -> None:
        click.echo(f"video: removed {count} least recently used cached clip{'s' if count != 1 else ''} to keep the "
                   f"cache within its {_cap(cap)} cap ({_amount(size)})", err=True)

    def over_cap(self, size: int, cap: int) -> None:
        click.echo(f"video: the clips this build uses take {_amount(size)}, more than the cache's {_cap(cap)} cap: "
                   f"they are kept (set {clipprune.CAP_VARIABLE} to a larger number of MB to keep others too)", err=True)


def _amount(size: int) -> str:
    # Clips at 320x180 weigh tens of KB: "(0.0 MB)" read as if nothing had been removed.
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} KB"


def _cap(cap: int) -> str:
    return f"{cap // clipprune.MB} MB"


class _Quiet:
    def start(self, total: int, reused: int, workers: int) -> None: ...
    def advance(self, label: str) -> None: ...
    def finish(self) -> None: ...
    def removed(self, count: int, size: int) -> None: ...
    def capped(self, count: int, size: int, cap: int) -> None: ...
    def over_cap(self, size: int, cap: int) -> None: ...


# The public entry point.

def render_media(scenarios: list[Scenario], out_settings: VideoSettings, cache_dir: Path,
                 workers: int | None = None, progress: Progress | None = None) -> Media:
    settings, progress = out_settings, progress or _Quiet()
    engine = speech.tts_engine()
    media = Media()
    if scenarios and engine is None:
        media.warnings.append(ContentError(Location(scenarios[0].source.parent), "espeak-ng was not found, "
                                           "so the scenario clips are silent, paced by reading time", speech.INSTALL_TTS))
    store = cache_store(Path(cache_dir))
    remove_abandoned(store)
    tools = tools_id(engine)
    jobs, done = {}, set()
    entries = {(scenario.id, scene.id): store / clip_key(scenario, scene, settings, tools)
               for scenario in scenarios for scene in scenario.scenes.values()}
    with clipprune.reading(store):  # no other build prunes an entry between our look and our read
        for scenario in scenarios:
            for scene in scenario.scenes.values():
                entry = entries[scenario.id, scene.id]
                if cached(entry):
                    done.add(entry)
                    clipprune.mark_used(entry)
                else:
                    jobs.setdefault(entry, (scenario, scene))  # two identical scenes render once
        workers = max(1, min(workers or _cores(), len(jobs) or 1))
        progress.start(len(jobs), len(done), workers)
        if jobs:
            _require_video_extra()
            speech.check_voices(engine, list(jobs.values()))
            _run([ClipJob(scenario, scene.id, settings, engine, entry) for entry, (scenario, scene) in jobs.items()],
                 workers, progress)
        progress.finish()
        media.rendered, media.reused = len(jobs), len(done)
        for scenario in scenarios:
            for scene in scenario.scenes.values():
                _collect(media, scenario, scene, entries[scenario.id, scene.id])
    # Only now, every clip of the course in hand: a build stopped earlier never prunes.
    pruned = clipprune.prune(store, set(entries.values()))
    media.removed, media.capped = pruned.aged, pruned.capped
    clipprune.tell(pruned, store, progress)
    return media


def _collect(media: Media, scenario: Scenario, scene: Scene, entry: Path) -> None:
    meta = read_meta(entry)  # cached() found it sealed and whole
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


def _run(jobs: list[ClipJob], workers: int, progress: Progress) -> None:
    if workers == 1:
        for job in jobs:
            render_clip(job)
            gc.collect()  # the build pauses the collector (gcpause.py); a clip's frames must not pile up
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
