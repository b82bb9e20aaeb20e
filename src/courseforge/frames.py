"""Drawing the still frames of a scenario clip with Pillow: title cards and one picture per line.

Sizes are in units of 1/720 of the frame height, so any frame size keeps the same layout. Pillow is
imported inside functions: `courseforge --help` must stay instant.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from courseforge.model import NARRATOR, Look, Scenario, Scene, Turn

if TYPE_CHECKING:
    from courseforge.cliptiming import VideoSettings

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian: fonts-dejavu-core
FONTS = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "italic": "DejaVuSans-Oblique.ttf"}

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


def avatar(look: Look, diameter: int, mood: str = "neutral"):
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
    colours = (_brow_colour(look), _mix(look.skin, "#3a0a0a", 0.8))
    _face(draw, box, head[1] + (head[3] - head[1]) * 0.55, colours, mood, s)
    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).ellipse([0, 0, s - 1, s - 1], fill=255)
    image.putalpha(mask)
    return image.resize((diameter, diameter), Image.LANCZOS)


# Per mood, in head units: the eyebrows' inner and outer ends relative to their resting height (negative
# is up). Brows carry most of an expression at avatar size, so each mood moves them differently; _face
# and _mouth draw the eyes and mouth that go with them.
BROWS = {"neutral": (0.0, 0.0), "worried": (-0.03, 0.012), "upset": (0.022, -0.02),
         "relieved": (-0.008, 0.01), "happy": (-0.016, -0.016)}
INK_FACE = (43, 43, 43)


def _brow_colour(look: Look) -> tuple[int, int, int]:
    """A tone of the hair that stands out from the skin (grey brows on dark skin are lighter than it)."""
    def luminance(rgb: tuple[int, int, int]) -> float:
        return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]

    skin = luminance(_rgb(look.skin))
    tones = [_mix(look.hair, "#000000", 0.35), _mix(look.hair, "#ffffff", 0.3), _mix(look.skin, "#000000", 0.65)]
    return max(tones, key=lambda tone: abs(luminance(tone) - skin))


def _face(draw, box, eye_y: float, colours: tuple, mood: str, s: int) -> None:
    """Eyes, eyebrows and mouth showing `mood` (see BROWS); colours: (brows, mouth)."""
    brow_colour, mouth = colours
    thin, thick = max(1, round(0.012 * s)), max(1, round(0.016 * s))
    inner, outer = BROWS[mood]
    for eye_x, side in ((0.42, -1), (0.58, 1)):
        if mood == "relieved":  # eyes closed in a soft curve: the strain has gone
            draw.arc(box(eye_x - 0.028, eye_y - 0.03, eye_x + 0.028, eye_y + 0.015), 20, 160, fill=INK_FACE, width=thin)
        else:
            grow = 0.005 if mood == "worried" else 0.0
            draw.ellipse(box(eye_x - 0.02 - grow, eye_y - 0.02 - grow, eye_x + 0.02 + grow, eye_y + 0.02 + grow),
                         fill=INK_FACE)
        rest = eye_y - 0.065
        ends = [(eye_x - side * 0.012, rest + inner), (eye_x + side * 0.045, rest + outer)]
        draw.line(box(ends[0][0], ends[0][1], ends[1][0], ends[1][1]), fill=brow_colour, width=thick)
    _mouth(draw, box, eye_y, mood, mouth, (thin, thick))


def _mouth(draw, box, eye_y: float, mood: str, colour, widths: tuple[int, int]) -> None:
    thin, thick = widths
    if mood == "happy":  # an open smile
        draw.chord(box(0.42, eye_y + 0.02, 0.58, eye_y + 0.14), 0, 180, fill=colour)
    elif mood == "relieved":
        draw.arc(box(0.43, eye_y + 0.03, 0.57, eye_y + 0.11), 20, 160, fill=colour, width=thin)
    elif mood == "upset":  # corners pulled down
        draw.arc(box(0.43, eye_y + 0.09, 0.57, eye_y + 0.17), 200, 340, fill=colour, width=thick)
    elif mood == "worried":  # small and tight, a little down at the corners
        draw.arc(box(0.46, eye_y + 0.095, 0.54, eye_y + 0.135), 205, 335, fill=colour, width=thin)
    else:
        draw.line(box(0.45, eye_y + 0.09, 0.55, eye_y + 0.09), fill=colour, width=thin)


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
    # Each character as they first appear in the scene: the poster shows how the scene begins.
    first_mood = {turn.speaker: turn.mood for turn in reversed(scene.turns)}
    cast = [scenario.characters[key] for key in dict.fromkeys(t.speaker for t in scene.turns) if key != NARRATOR]
    size, gap = round(130 * u), round(60 * u)
    left = (w - len(cast) * size - (len(cast) - 1) * gap) / 2
    for number, character in enumerate(cast):
        x = round(left + number * (size + gap))
        portrait = avatar(character.look, size, first_mood[character.key])
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
    portrait = avatar(character.look, diameter, turn.mood)
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
