"""The default theme's own player files stay small and self-contained (no CDN, no external URL)."""
from __future__ import annotations

import gzip
import re
import zipfile
from pathlib import Path

import pytest

THEME = Path(__file__).resolve().parent.parent / "themes" / "default"
# Issue 9's budget for what a learner's browser loads: the JS + CSS one package ships, minified as
# shipped, and gzipped file by file as a web server or LMS sends them.
LIMIT_MIN = 90 * 1024
LIMIT_GZIP = 30 * 1024


def player_files() -> list[Path]:
    return [p for p in THEME.rglob("*")
            if p.is_file() and p.relative_to(THEME).parts[0] != "templates"
            and not any(part.startswith(".") for part in p.relative_to(THEME).parts)]


def shipped_sizes(package: Path) -> tuple[int, int]:
    """(minified bytes, gzipped bytes) of the package's JS and CSS."""
    with zipfile.ZipFile(package) as archive:
        names = [n for n in archive.namelist() if n.endswith((".js", ".css"))]
        assert "runtime/courseforge.js" in names and "css/courseforge.css" in names
        data = [archive.read(n) for n in names]
    return sum(map(len, data)), sum(len(gzip.compress(d, 9, mtime=0)) for d in data)


def test_player_js_and_css_within_budget(tmp_path):
    from courseforge.build import FORMATS, build
    packages = [p for p in build(THEME.parent.parent, tmp_path) if p.suffix == ".zip"]
    assert len(packages) == len(FORMATS) >= 3
    for package in packages:
        minified, zipped = shipped_sizes(package)
        print(f"{package.name}: JS + CSS {minified / 1024:.1f} KB minified, {zipped / 1024:.1f} KB gzip")
        assert minified <= LIMIT_MIN, f"{package.name}: {minified / 1024:.1f} KB minified, the budget is 90 KB"
        assert zipped <= LIMIT_GZIP, f"{package.name}: {zipped / 1024:.1f} KB gzip, the budget is 30 KB"


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004", "cmi5", "tincan"])
def test_packages_carry_the_player_and_their_own_adapter_in_one_script(tmp_path, standard):
    """Under the shipped index.html a package loads one script: the player's parts, its standard's
    adapter and the standalone fallback, minified, in the order they run; no other runtime file."""
    from courseforge.build import build
    from courseforge.exporters import EXPORTERS
    from courseforge.minify import shrink
    from courseforge.render import FALLBACK_SCRIPT, PLAYER_SCRIPTS, SCENARIO_SCRIPT, SCRIPT_BUNDLE

    [package] = build(THEME.parent.parent, tmp_path, [standard])
    parts = [*PLAYER_SCRIPTS, SCENARIO_SCRIPT, *EXPORTERS[standard].RUNTIME, FALLBACK_SCRIPT]
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        assert {n for n in names if n.startswith("runtime/")} == {SCRIPT_BUNDLE}
        assert archive.read(SCRIPT_BUNDLE) == b";\n".join(shrink(p, (THEME / p).read_bytes()) for p in parts) + b"\n"
        page = archive.read("index.html").decode("utf-8")
    assert page.count("<script src=") == 1 and f'<script src="{SCRIPT_BUNDLE}" defer>' in page


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
