"""A clip's timeline, captions and transcript: every segment a whole number of frames, every cue
exactly its line's audio. Pure computation on the model; video.py and clipencoding.py use it."""
from __future__ import annotations

import html
import math
from dataclasses import dataclass

from courseforge.model import NARRATOR, Cue, Scenario, Scene


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
