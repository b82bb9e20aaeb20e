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


@cache
def available() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in LOCALES.glob("*.json")))


def locale_for(language: str) -> str | None:
    """The table for a BCP 47 tag: the exact one (pt-BR), else its primary language (de-AT → de)."""
    names = {name.lower(): name for name in available()}
    tag = language.lower()
    return names.get(tag) or names.get(tag.split("-")[0])


def strings_for(language: str, overrides: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """English underneath, so a key a table lacks still reads; then the language, then the course."""
    name = locale_for(language) or FALLBACK
    return {**table(FALLBACK), **table(name), **dict(overrides)}


def read_overrides(value, language: str, path: Path, line: int, problems,
                   key_lines: dict[str, int] | None = None, source: str | None = None) -> tuple[tuple[str, str], ...]:
    """course.yml `strings:` (interface string name → the course's own wording), checked; and a
    warning when the course's language has no table of its own. `key_lines`: each name's line;
    `source`: course.yml's text, to quote a yes/no word as written."""
    from courseforge.fields import unknown_key_hint, yes_no_problem

    if locale_for(language) is None:
        problems.warn(path, line, f'the player has no interface strings in "{language}"; they will be in English',
                      f"translate them under `strings:` (names as in {FALLBACK}.json), or use one of: "
                      + ", ".join(available()))
    if value is None:
        return ()
    if not isinstance(value, dict):
        problems.error(path, line, '"strings" must be a mapping', 'write `strings:` with lines like `start: "Begin"` under it')
        return ()
    known, found = tuple(table(FALLBACK)), []
    for key, text in value.items():
        if key not in known:
            problems.error(path, (key_lines or {}).get(str(key), line), f'unknown interface string "strings.{key}"',
                           unknown_key_hint(key, known))
        elif isinstance(text, bool):  # `close: Off`, where "Off" was the wording
            problems.error(path, (key_lines or {}).get(str(key), line),
                           *yes_no_problem(str(key), text, source, (key_lines or {}).get(str(key))))
        elif not isinstance(text, str) or not text.strip():
            problems.error(path, (key_lines or {}).get(str(key), line), f'"strings.{key}" must be a non-empty text',
                           f'write `{key}: "your wording"`')
        else:
            found.append((key, text.strip()))
    return tuple(sorted(found))
