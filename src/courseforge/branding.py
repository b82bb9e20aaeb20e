"""course.yml `branding:` → a Branding and the CSS custom properties that put it on the player.

Text colours are chosen, not trusted: the brand colour fills primary buttons with white or the
theme's dark text, whichever reads better; as text on the page (links, outlined buttons) it is darkened (or, in
the dark scheme, lightened) until it reaches WCAG AA's 4.5:1. A brand colour that no text colour
can sit on at 4.5:1 is an author's error.
"""
from __future__ import annotations

import re
from pathlib import Path

from courseforge.errors import Problems
from courseforge.fields import unknown_key_hint
from courseforge.model import Branding

KEYS = ("primary", "logo", "font")
HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
FONT = re.compile(r"^[A-Za-z0-9 ,'\"-]{1,200}$")  # a font stack, nothing that could end the CSS rule
AA = 4.5
LIGHT_BG, DARK_BG = "#ffffff", "#14181e"
INKS = ("#ffffff", "#1c2430")  # the theme's own text colours (css/courseforge.css)


def read_branding(value, path: Path, line: int, problems: Problems,
                  key_lines: dict[str, int] | None = None) -> Branding | None:
    """`key_lines`: the line of each key under `branding:` (`line` is its own)."""
    at = (key_lines or {}).get
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.error(path, line, '"branding" must be a mapping',
                       "write `branding:` with `primary: \"#0a58a8\"`, `logo: images/logo.svg`, `font: ...` under it")
        return None
    for key in value:
        if key not in KEYS:
            problems.error(path, at(str(key), line), f'unknown key "branding.{key}"', unknown_key_hint(key, KEYS))
    primary, logo, font = (value.get(k) for k in KEYS)
    if primary is not None and not (isinstance(primary, str) and HEX.match(primary)):
        problems.error(path, at("primary", line), f"branding.primary {primary!r} is not a colour",
                       'write it as "#rrggbb", in quotes')
        primary = None
    elif primary is not None and best_ink(primary)[1] < AA:
        problems.error(path, at("primary", line), f"branding.primary {primary} cannot reach WCAG AA: no text "
                       f"colour reads on it at 4.5:1 (best {best_ink(primary)[1]:.2f}:1)",
                       "choose a darker or a lighter shade of it")
        primary = None
    if logo is not None and not (isinstance(logo, str) and logo.strip()):
        problems.error(path, at("logo", line), "branding.logo must be a file path",
                       "write e.g. `logo: images/logo.svg`")
        logo = None
    if font is not None and not (isinstance(font, str) and FONT.match(font)):
        problems.error(path, at("font", line), f"branding.font {font!r} is not a font stack",
                       'write font names separated by commas, e.g. `font: "Source Sans 3", Arial, sans-serif`')
        font = None
    return Branding(primary=_long(primary) if primary else None, logo=logo, font=font)


def _long(colour: str) -> str:
    colour = colour.lower()
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = _long(colour)
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def luminance(colour: str) -> float:
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(colour)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def best_ink(fill: str) -> tuple[str, float]:
    return max(((ink, contrast(fill, ink)) for ink in INKS), key=lambda pair: pair[1])


def readable_on(colour: str, background: str, inked: bool = False) -> str:
    """`colour` mixed towards black (on a light background) or white (on a dark one) until it
    reaches 4.5:1 against `background` (and, `inked`, until a text colour reads on it too)."""
    target = (0.0,) * 3 if luminance(background) > 0.5 else (1.0,) * 3
    rgb = _rgb(colour)
    for step in range(101):
        mixed = "#" + "".join(f"{round((c + (t - c) * step / 100) * 255):02x}" for c, t in zip(rgb, target))
        if contrast(mixed, background) >= AA and (not inked or best_ink(mixed)[1] >= AA):
            return mixed
    return "#000000" if target == (0.0,) * 3 else "#ffffff"


def brand_css(branding: Branding | None) -> str:
    """The custom properties (css/courseforge.css) a course's brand replaces, light and dark."""
    if branding is None:
        return ""
    rules = []
    if branding.font:
        rules.append(f":root{{--cf-font:{branding.font}}}")
    if branding.primary:
        for scheme, background in (("", LIGHT_BG), ("@media (prefers-color-scheme: dark){", DARK_BG)):
            text = readable_on(branding.primary, background, inked=bool(scheme))
            fill = branding.primary if not scheme else text
            hover = readable_on(text, background) if scheme else readable_on(_mix_dark(text), background)
            rules.append(f"{scheme}:root{{--cf-accent:{text};--cf-link:{text};--cf-accent-dark:{hover};"
                         f"--cf-fill:{fill};--cf-on-accent:{best_ink(fill)[0]}}}{'}' if scheme else ''}")
    return "".join(rules)


def _mix_dark(colour: str) -> str:
    return "#" + "".join(f"{round(c * 0.8 * 255):02x}" for c in _rgb(colour))
