"""Narration: espeak-ng speaks each line to a wav; without it, lines are paced by reading time."""
from __future__ import annotations

import functools
import os
import re
import shutil
import wave
from pathlib import Path

from courseforge.errors import ContentError, ContentErrors, Location
from courseforge.model import Character, Scenario, Scene

SAMPLE_RATE = 22050  # espeak-ng's own rate: no resampling in the common case
MIN_LINE_SECONDS = 1.5  # a silent line stays up long enough to read even when it is one word
SILENCE = 200  # 16-bit sample level below which espeak-ng's leading and trailing audio is silence
# espeak-ng reads "£38.50" as "pound thirty-eight point five zero": amounts are spoken as "38 pounds 50".
CURRENCIES = {"£": ("pound", "pounds"), "€": ("euro", "euros"), "$": ("dollar", "dollars")}
AMOUNT = re.compile(r"([£€$])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d\d))?(?!\.?\d)")
INSTALL_TTS = "install espeak-ng for narrated clips (Debian/Ubuntu: sudo apt-get install espeak-ng)"


def _run(command: list[str], **options):
    """subprocess.run, imported when espeak-ng is asked something: never in a build without scenarios
    (3 ms of every build's start)."""
    import subprocess

    return subprocess.run(command, **options)


def tts_engine() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def engine_id(engine: str | None) -> str | None:
    if engine is None:
        return None
    try:
        changed = os.stat(engine).st_mtime_ns
    except OSError:
        changed = None
    return _engine_version(engine, changed)


@functools.lru_cache(maxsize=8)
def _engine_version(engine: str, changed: int | None) -> str:
    # Asked once per program (the preview rebuilds on every save), again if the program is replaced.
    out = _run([engine, "--version"], capture_output=True, text=True)
    return out.stdout.strip().split(" Data at")[0] or Path(engine).name


def check_voices(engine: str | None, clips: list[tuple[Scenario, Scene]]) -> None:
    """Every voice the clips use exists: espeak-ng refuses an unknown voice and ignores an unknown variant."""
    if engine is None:
        return
    listed = _run([engine, "--voices=variant"], capture_output=True, text=True).stdout.split("\n")[1:]
    variants = {row.split()[4].removeprefix("!v/") for row in listed if len(row.split()) >= 5}
    voices: dict[str, bool] = {}
    errors: dict[tuple, ContentError] = {}
    for scenario, scene in clips:
        for character in (scenario.characters[turn.speaker] for turn in scene.turns):
            base, _, variant = character.voice.name.partition("+")
            if base not in voices:
                voices[base] = _run([engine, "-q", "-v", base, "x"], capture_output=True).returncode == 0
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
    _run([engine, "--stdin", "-v", voice.name, "-s", str(voice.speed), "-p", str(voice.pitch),
          "-w", str(wav)], input=spoken(text).encode("utf-8"), check=True, capture_output=True)


def spoken(text: str) -> str:
    """The line as espeak-ng should say it; captions keep the text as written."""
    def amount(match: re.Match) -> str:
        one, many = CURRENCIES[match[1]]
        units = f"{match[2]} {one if match[2] == '1' else many}"
        return f"{units} {int(match[3])}" if match[3] and match[3] != "00" else units

    return AMOUNT.sub(amount, text)


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
