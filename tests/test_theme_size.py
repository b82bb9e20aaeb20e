"""The default theme's own player files stay small and self-contained (no CDN, no external URL)."""
from __future__ import annotations

import re
from pathlib import Path

THEME = Path(__file__).resolve().parent.parent / "themes" / "default"
LIMIT = 60 * 1024


def player_files() -> list[Path]:
    return [p for p in THEME.rglob("*")
            if p.is_file() and p.relative_to(THEME).parts[0] != "templates"
            and not any(part.startswith(".") for part in p.relative_to(THEME).parts)]


def test_player_js_and_css_under_60_kb():
    files = [p for p in player_files() if p.suffix in (".js", ".css")]
    assert any(p.name == "player.js" for p in files) and any(p.suffix == ".css" for p in files)
    total = sum(p.stat().st_size for p in files)
    assert total < LIMIT, f"theme JS + CSS is {total / 1024:.1f} KB, the budget is {LIMIT // 1024} KB"


def test_runtime_layout():
    for name in ("templates/index.html", "css/courseforge.css", "runtime/player.js", "runtime/state.js",
                 "runtime/adapters/scorm12.js", "runtime/adapters/standalone.js"):
        assert (THEME / name).is_file(), name


def test_no_external_urls():
    pattern = re.compile(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(\s*['\"]?(https?:|//)", re.I)
    for path in THEME.rglob("*"):
        if path.is_file() and path.suffix in (".js", ".css", ".html"):
            text = path.read_text(encoding="utf-8")
            match = pattern.search(text)
            assert match is None, f"{path.relative_to(THEME)}: external reference {match.group(0)!r}"


def test_scripts_are_classic():
    """ES modules do not load from file:// — the player must stay classic scripts."""
    template = (THEME / "templates" / "index.html").read_text(encoding="utf-8")
    assert 'type="module"' not in template
    for path in (THEME / "runtime").rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|export)\s", text, re.M), path.name
