"""The player's interface strings: one table per language (locales/*.json), picked by the course's
`language`, with the course's own `strings:` overrides on top."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
FALLBACK = "en"


@cache
def table(name: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{name}.json").read_text(encoding="utf-8"))


def available() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in LOCALES.glob("*.json")))


def locale_for(language: str) -> str | None:
    """The table for a BCP 47 tag: the exact one (pt-BR), else its primary language (de-AT → de)."""
    names = {name.lower(): name for name in available()}
    tag = language.lower()
    return names.get(tag) or names.get(tag.split("-")[0])


def strings_for(language: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """English underneath, so a key a table lacks still reads; then the language, then the course."""
    name = locale_for(language) or FALLBACK
    return {**table(FALLBACK), **table(name), **(overrides or {})}
