"""Scenario clips: timing, captions in sync with the speech, real renders read back with ffprobe, the cache."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from imageio_ffmpeg import get_ffmpeg_exe

from courseforge import frames, speech
from courseforge.clipcache import clip_key
from courseforge.clipencoding import prepare_clip
from courseforge.cliptiming import VideoSettings, plan_timeline, transcript_html, webvtt
from courseforge.errors import ContentErrors
from courseforge.model import MOODS, NARRATOR, Character, Cue, Look, Scenario, Scene, Turn, Voice
from courseforge.speech import reading_seconds
from courseforge.video import ConsoleProgress, render_media

FFPROBE = shutil.which("ffprobe")
SMALL = VideoSettings(width=320, height=180, title_seconds=1.0, pause_seconds=0.75, tail_seconds=0.5)
LINES = (("ana", "Hello there, I need some help with my order"), ("ben", "Of course, let me have a look"))


def make_scenario(tmp_path: Path, scenes: dict[str, tuple] | None = None, voice: str = "en-us") -> Scenario:
    characters = {
        "ana": Character("ana", "Ana", "Customer", Look(hairstyle="long"), Voice(voice, 170, 60), line=4),
        "ben": Character("ben", "Ben <Lead>", "Agent", Look(shape="square"), Voice("en-gb", 170, 40), line=7),
        NARRATOR: Character(NARRATOR, "Narrator", look=Look(background="#26323f")),
    }
    scenes = scenes or {"only": LINES}
    made = {sid: Scene(sid, f"Scene {sid}", tuple(Turn(who, text) for who, text in lines))
            for sid, lines in scenes.items()}
    return Scenario("tiny", "Tiny", tmp_path / "scenarios" / "tiny.yml", characters, made, next(iter(made)))


class Recorder:
    def __init__(self):
        self.events = []

    def start(self, total, reused, workers):
        self.events.append(("start", total, reused))

    def advance(self, label):
        self.events.append(("advance", label))

    def finish(self):
        self.events.append(("finish",))


def probe(path: Path) -> dict:
    out = subprocess.run([FFPROBE, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def decoded_audio(path: Path) -> np.ndarray:
    out = subprocess.run([get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
                          "-ar", str(speech.SAMPLE_RATE), "-"], capture_output=True, check=True)
    return np.frombuffer(out.stdout, dtype=np.int16)


def speech_spans(samples: np.ndarray, merge: float = 0.45) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of sound, joining gaps shorter than `merge` (pauses inside a line)."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 300) / speech.SAMPLE_RATE
    spans: list[list[float]] = []
    for t in loud:
        if spans and t - spans[-1][1] < merge:
            spans[-1][1] = t
        else:
            spans.append([t, t])
    return [(a, b) for a, b in spans]


# Timing and text, no rendering.

def test_reading_time_paces_silent_lines():
    assert reading_seconds(" ".join(["word"] * 16), 160) == pytest.approx(6.0)
    assert reading_seconds("Yes.", 160) == speech.MIN_LINE_SECONDS


def test_timeline_is_whole_frames_and_holds_each_line_for_its_speech_and_a_pause():
    settings = VideoSettings(fps=4, title_seconds=2.0, pause_seconds=0.5, tail_seconds=1.0)
    title, first, last = plan_timeline([1.3, 2.0], settings)
    assert (title.first, title.frames, title.speech) == (0, 8, 0.0)
    assert (first.first, first.frames, first.speech) == (8, 8, 1.3)  # ceil((1.3 + 0.5) × 4)
    assert (last.first, last.frames, last.speech) == (16, 12, 2.0)  # the tail, not the pause, after the last
    assert first.start(4) == 2.0 and last.start(4) == 4.0
    odd = plan_timeline([0.9, 0.01], VideoSettings(fps=5, title_seconds=0.3))
    assert [s.frames for s in odd] == [2, 7, 6] and all(s.frames >= 1 for s in odd)


def test_settings_refuse_sizes_browsers_cannot_play():
    with pytest.raises(ValueError, match="even numbers"):
        VideoSettings(width=321, height=180)
    with pytest.raises(ValueError, match="fps 0"):
        VideoSettings(fps=0)


def test_amounts_of_money_are_spoken_as_amounts():
    assert speech.spoken("Refund £38.50 today, then £240.") == "Refund 38 pounds 50 today, then 240 pounds."
    assert speech.spoken("£1, £1.05, £1,250.00, €5 and $12.99") == "1 pound, 1 pound 5, 1,250 pounds, 5 euros and 12 dollars 99"
    assert speech.spoken("£3.5 and 3.50 stay as written") == "£3.5 and 3.50 stay as written"


def test_cues_start_with_each_line_and_last_exactly_its_speech(tmp_path, monkeypatch):
    # A stand-in engine writes a tone of a known length between stretches of silence; the cue must
    # cover the tone only, wherever it lands on the timeline.
    tones = {LINES[0][1]: 1.37, LINES[1][1]: 0.52}

    def fake_speak(engine, text, character, wav):
        rate = 22050
        tone = (8000 * np.sin(np.arange(round(tones[text] * rate)) / 5)).astype(np.int16)
        quiet = np.zeros(round(0.2 * rate), dtype=np.int16)
        with wave.open(str(wav), "wb") as out:
            out.setnchannels(1), out.setsampwidth(2), out.setframerate(rate)
            out.writeframes(np.concatenate([quiet, tone, quiet]).tobytes())

    monkeypatch.setattr(speech, "speak", fake_speak)
    scenario = make_scenario(tmp_path)
    clip = prepare_clip(scenario, scenario.scenes["only"], SMALL, "fake-engine", tmp_path)
    assert [(c.speaker, c.text) for c in clip.cues] == [("Ana", LINES[0][1]), ("Ben <Lead>", LINES[1][1])]
    for cue, segment in zip(clip.cues, clip.segments[1:]):
        assert cue.start == segment.start(SMALL.fps)
        assert cue.end - cue.start == pytest.approx(tones[cue.text], abs=0.002)
    with wave.open(str(clip.wav)) as mixed:
        samples = np.frombuffer(mixed.readframes(mixed.getnframes()), dtype=np.int16)
        assert mixed.getnframes() == round(clip.duration * speech.SAMPLE_RATE)
    for (start, end), cue in zip(speech_spans(samples), clip.cues, strict=True):
        assert abs(start - cue.start) < 0.01 and abs(end - cue.end) < 0.01
    assert clip.duration == clip.frames / SMALL.fps and len(clip.pictures) == 3
    assert all(picture.size == (320, 180) for picture in clip.pictures)


def test_webvtt_names_speakers_and_escapes():
    cues = (Cue(1.0, 2.5, "Ben <Lead>", "A & B < C"), Cue(3661.25, 3662.0, "", "Later."))
    assert webvtt(cues) == ("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Ben &lt;Lead&gt;>A &amp; B &lt; C</v>\n\n"
                            "01:01:01.250 --> 01:01:02.000\n<i>Later.</i>\n")


def test_transcript_is_escaped_html(tmp_path):
    scenario = make_scenario(tmp_path, {"s": (("ben", "<b>Hi</b> & bye"), (NARRATOR, "Then: silence."))})
    assert transcript_html(scenario, scenario.scenes["s"]) == (
        '<div class="cf-transcript">\n<p><span class="cf-speaker">Ben &lt;Lead&gt;:</span> '
        "&lt;b&gt;Hi&lt;/b&gt; &amp; bye</p>\n"
        '<p class="cf-narration"><i>Then: silence.</i></p>\n</div>')


def test_frames_fall_back_to_pillows_font_without_dejavu(tmp_path, monkeypatch):
    monkeypatch.setattr(frames, "FONT_DIR", tmp_path / "no-fonts")
    frames.font.cache_clear()
    try:
        scenario = make_scenario(tmp_path, {"s": ((NARRATOR, "Morning."), ("ana", "A long line " * 30))})
        pictures = [frames.draw_line(scenario, turn, SMALL) for turn in scenario.scenes["s"].turns]
        assert [p.size for p in pictures] == [(320, 180)] * 2 and pictures[0].tobytes() != pictures[1].tobytes()
    finally:
        frames.font.cache_clear()


def test_each_mood_draws_its_own_face(tmp_path):
    """The same line in each mood: only the face changes, and each mood changes it differently."""
    scenario = make_scenario(tmp_path)
    pictures = {mood: np.asarray(frames.draw_line(scenario, Turn("ana", "Hello.", mood), SMALL)) for mood in MOODS}
    neutral = pictures["neutral"]
    face = np.zeros(neutral.shape[:2], dtype=bool)
    for mood, picture in pictures.items():
        changed = np.any(picture != neutral, axis=2)
        face |= changed
        assert mood == "neutral" or changed.sum() > 40, (mood, changed.sum())
    rows, cols = np.nonzero(face)
    # Every difference lies inside the portrait (left fifth of the frame, above the name), none in the text.
    assert cols.max() < SMALL.width * 0.3 and rows.max() < SMALL.height * 0.62
    assert len({picture.tobytes() for picture in pictures.values()}) == len(MOODS)
    for mood in MOODS:  # and the same at title-card size, where faces are small
        small = [np.asarray(frames.avatar(Look(), 130, m)) for m in (mood, "neutral")]
        assert mood == "neutral" or np.any(small[0] != small[1]), mood


def test_the_title_card_shows_each_speaker_as_they_first_appear(tmp_path):
    calm = make_scenario(tmp_path, {"s": (("ana", "Hi."),)})
    upset = make_scenario(tmp_path, {"s": (("ana", "Hi."),)})
    upset.scenes["s"] = Scene("s", "Scene s", (Turn("ana", "Hi.", "upset"), Turn("ana", "Fine.", "happy")))
    cards = [np.asarray(frames.draw_title(s, s.scenes["s"], SMALL)) for s in (calm, upset)]
    assert np.any(cards[0] != cards[1])


def test_a_mood_is_part_of_the_clip_cache_key(tmp_path):
    scenario = make_scenario(tmp_path)
    calm = clip_key(scenario, scenario.scenes["only"], SMALL, {})
    scenario.scenes["only"] = Scene("only", "Scene only", (Turn("ana", LINES[0][1], "worried"), Turn(*LINES[1])))
    assert clip_key(scenario, scenario.scenes["only"], SMALL, {}) != calm


# Real renders, small and short.

def test_render_makes_a_playable_mp4_with_captions_in_sync(tmp_path):
    scenario = make_scenario(tmp_path)
    media = render_media([scenario], SMALL, tmp_path / "cache", workers=1)
    clip = media.clips[("tiny", "only")]
    assert (clip.video, clip.captions, clip.poster) == ("media/tiny/only.mp4", "media/tiny/only.vtt",
                                                        "media/tiny/only.png")
    assert sorted(media) == sorted([clip.video, clip.captions, clip.poster])
    assert media.warnings == [] and (media.rendered, media.reused) == (1, 0)
    mp4 = tmp_path / "only.mp4"
    mp4.write_bytes(media[clip.video])
    info = probe(mp4)
    streams = {s["codec_type"]: s for s in info["streams"]}
    assert streams["video"]["codec_name"] == "h264" and streams["video"]["pix_fmt"] == "yuv420p"
    assert (streams["video"]["width"], streams["video"]["height"]) == (320, 180)
    assert streams["audio"]["codec_name"] == "aac"
    assert float(info["format"]["duration"]) == pytest.approx(clip.duration, abs=0.05)
    assert float(streams["video"]["duration"]) == pytest.approx(clip.duration, abs=0.01)
    # The captions match the speech actually heard in the file, within 100 ms at both ends.
    spans = speech_spans(decoded_audio(mp4))
    assert len(spans) == len(clip.cues) == 2
    for (start, end), cue in zip(spans, clip.cues):
        assert abs(start - cue.start) <= 0.1 and abs(end - cue.end) <= 0.1, (start, end, cue)
    vtt = media[clip.captions].decode()
    assert vtt.startswith("WEBVTT\n") and vtt.count(" --> ") == 2 and "<v Ana>Hello there" in vtt
    assert media[clip.poster].startswith(b"\x89PNG")
    assert "<span class=\"cf-speaker\">Ana:</span>" in clip.transcript_html


def test_without_espeak_clips_are_silent_paced_by_reading_time_and_one_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    scenario = make_scenario(tmp_path, {"one": LINES, "two": LINES[::-1]})
    media = render_media([scenario], SMALL, tmp_path / "cache", workers=1)
    assert [str(w) for w in media.warnings] == [
        f"{tmp_path / 'scenarios'}: espeak-ng was not found, so the scenario clips are silent, paced by reading "
        "time — install espeak-ng for narrated clips (Debian/Ubuntu: sudo apt-get install espeak-ng)"]
    clip = media.clips[("tiny", "one")]
    expected = plan_timeline([reading_seconds(text, SMALL.reading_wpm) for _, text in LINES], SMALL)
    assert clip.duration == (expected[-1].first + expected[-1].frames) / SMALL.fps
    assert [c.end - c.start for c in clip.cues] == pytest.approx([reading_seconds(t, 160) for _, t in LINES])
    mp4 = tmp_path / "silent.mp4"
    mp4.write_bytes(media[clip.video])
    assert {s["codec_name"] for s in probe(mp4)["streams"]} == {"h264", "aac"}
    assert not np.any(np.abs(decoded_audio(mp4).astype(np.int32)) > 300)


def test_a_warm_rebuild_renders_nothing_and_a_changed_scene_renders_alone(tmp_path):
    scenes = {"one": LINES, "two": LINES[:1]}
    first = Recorder()
    cold = render_media([make_scenario(tmp_path, scenes)], SMALL, tmp_path / "cache", workers=2, progress=first)
    assert first.events[0] == ("start", 2, 0) and first.events[-1] == ("finish",)
    assert sorted(e[1] for e in first.events if e[0] == "advance") == ["tiny/one", "tiny/two"]
    again = Recorder()
    warm = render_media([make_scenario(tmp_path, scenes)], SMALL, tmp_path / "cache", progress=again)
    assert again.events == [("start", 0, 2), ("finish",)] and (warm.rendered, warm.reused) == (0, 2)
    assert dict(warm) == dict(cold)
    changed = Recorder()
    edited = render_media([make_scenario(tmp_path, {"one": LINES, "two": (("ana", "Something else"),)})], SMALL,
                          tmp_path / "cache", progress=changed)
    assert changed.events == [("start", 1, 1), ("advance", "tiny/two"), ("finish",)]
    assert edited["media/tiny/one.mp4"] == cold["media/tiny/one.mp4"]
    # Same inputs, same bytes: a cold render elsewhere gives the identical file.
    fresh = render_media([make_scenario(tmp_path, scenes)], SMALL, tmp_path / "other-cache", workers=1)
    assert fresh["media/tiny/one.mp4"] == cold["media/tiny/one.mp4"]


def test_unknown_voices_are_content_errors_at_the_characters_line(tmp_path):
    for voice, problem in (("xx-nope", 'espeak-ng has no voice "xx-nope" (the voice of Ana)'),
                           ("en-us+nope", 'espeak-ng has no voice variant "nope" (the voice of Ana)')):
        with pytest.raises(ContentErrors) as caught:
            render_media([make_scenario(tmp_path, voice=voice)], SMALL, tmp_path / "cache")
        (error,) = caught.value.errors
        assert str(error).startswith(f"{tmp_path / 'scenarios' / 'tiny.yml'}:4: {problem} — pick a voice from")


def test_console_progress_prints_start_and_finish_when_not_a_terminal(capsys):
    progress = ConsoleProgress()
    progress.start(2, 3, 2)
    progress.advance("a/b")
    progress.advance("a/c")
    progress.finish()
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "video: rendering 2 clips (3 unchanged) in 2 processes"
    assert err[1].startswith("video: rendered 2 clips in ") and len(err) == 2


def test_shipped_scenes_are_short_clips():
    # 20–60 s each at the default pace: estimated from reading time, as the silent fallback would render.
    from courseforge.errors import Problems
    from courseforge.scenario import load_scenarios

    settings = VideoSettings()
    for scenario in load_scenarios(Path(__file__).resolve().parent.parent / "content", Problems()):
        for scene in scenario.scenes.values():
            plan = plan_timeline([reading_seconds(t.text, settings.reading_wpm) for t in scene.turns], settings)
            seconds = (plan[-1].first + plan[-1].frames) / settings.fps
            assert 15 <= seconds <= 60 and math.isfinite(seconds), (scenario.id, scene.id, seconds)


def test_engine_version_is_asked_once_until_the_program_changes(tmp_path, monkeypatch):
    import os
    import subprocess
    from types import SimpleNamespace

    from courseforge import speech

    engine = tmp_path / "espeak-ng"
    engine.write_text("#!/bin/sh\n")
    asked = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: asked.append(a) or SimpleNamespace(stdout="eSpeak NG 1.51"))
    assert speech.engine_id(str(engine)) == speech.engine_id(str(engine)) == "eSpeak NG 1.51"
    assert len(asked) == 1
    os.utime(engine, ns=(0, 10**9))  # replaced by an upgrade: asked again
    speech.engine_id(str(engine))
    assert len(asked) == 2
