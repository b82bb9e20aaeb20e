"""course.yml `branding:` and `strings:`: read with located errors, text colours chosen for contrast
(WCAG AA), interface strings by language with the course's overrides on top."""
from __future__ import annotations

import pytest

from courseforge.branding import AA, DARK_BG, LIGHT_BG, brand_css, contrast, readable_on
from courseforge.config import load_config
from courseforge.errors import ContentErrors, Problems
from courseforge.loader import load
from courseforge.strings import strings_for, table

from conftest import default_files, write_course


def read(tmp_path, extra: str):
    path = tmp_path / "course.yml"
    path.write_text("title: T\nidentifier: t\n" + extra, encoding="utf-8")
    problems = Problems()
    loaded = load_config(path, problems)
    return loaded[0] if loaded else None, [str(e) for e in problems.errors], [str(w) for w in problems.warnings]


def test_brand_colours_reach_aa_as_text_and_behind_text(tmp_path):
    for colour in ("#e4a11b", "#0a58a8", "#ffeb3b", "#6a1b9a", "#00a86b", "#fff", "#000000"):
        config, errors, _ = read(tmp_path, f'branding:\n  primary: "{colour}"\n')
        assert errors == [], colour
        css = brand_css(config.branding)
        light, dark = css.split("@media")
        values = lambda part: dict(v.split(":") for v in part.split("{")[-1].rstrip("}").split(";"))  # noqa: E731
        for part, background in ((light, LIGHT_BG), (dark, DARK_BG)):
            v = values(part)
            assert contrast(v["--cf-accent"], background) >= AA, (colour, part)
            assert contrast(v["--cf-fill"], v["--cf-on-accent"]) >= AA, (colour, part)
        assert values(light)["--cf-fill"] == config.branding.primary


def test_a_colour_no_text_reads_on_is_a_located_error(tmp_path):
    _, errors, _ = read(tmp_path, 'version: "1"\nbranding:\n  primary: "#777777"\n')
    assert len(errors) == 1 and "course.yml:5: branding.primary #777777 cannot reach WCAG AA" in errors[0]
    assert "choose a darker or a lighter shade" in errors[0]


def test_bad_branding_values_are_located_errors(tmp_path):
    _, errors, _ = read(tmp_path, 'branding:\n  primary: blue\n  font: "x;}body{display:none"\n  colour: "#fff"\n')
    joined = "\n".join(errors)
    assert 'course.yml:6: unknown key "branding.colour"' in joined  # each at its own line
    assert "course.yml:4: branding.primary 'blue' is not a colour" in joined
    assert "course.yml:5: branding.font" in joined and "not a font stack" in joined
    _, errors, _ = read(tmp_path, "branding: purple\n")
    assert len(errors) == 1 and ':3: "branding" must be a mapping — write `branding:` with' in errors[0]


def test_readable_on_keeps_the_hue_darker_or_lighter():
    assert readable_on("#0a58a8", LIGHT_BG) == "#0a58a8"
    darker = readable_on("#ffeb3b", LIGHT_BG)
    assert contrast(darker, LIGHT_BG) >= AA and darker != "#000000"
    assert contrast(readable_on("#0a58a8", DARK_BG), DARK_BG) >= AA


def test_logo_is_a_course_asset(tmp_path):
    files = default_files(1)
    files["course.yml"] += "branding:\n  logo: images/logo.svg\n"
    files["images/logo.svg"] = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    course = load(write_course(tmp_path / "ok", files))
    assert course.logo == "assets/images/logo.svg" and "assets/images/logo.svg" in [a.target for a in course.assets]
    files["course.yml"] = files["course.yml"].replace("images/logo.svg", "../outside.svg")
    with pytest.raises(ContentErrors) as caught:
        load(write_course(tmp_path / "bad", files))
    assert "points outside the course folder" in str(caught.value.errors[0])


def test_strings_by_language_with_overrides(tmp_path):
    assert strings_for("de")["start"] == table("de")["start"] != table("en")["start"]
    assert strings_for("pt-BR")["next"] == table("pt-BR")["next"]
    assert strings_for("de-AT")["next"] == table("de")["next"], "a regional tag falls back to its language"
    assert strings_for("fr", (("start", "C'est parti"),))["start"] == "C'est parti"
    for name in ("de", "es", "fr", "pt-BR"):
        assert set(table(name)) == set(table("en")), f"{name}.json has every string and no other"
        for key, text in table("en").items():
            assert sorted(_fields(table(name)[key])) == sorted(_fields(text)), (name, key)
    config, errors, warnings = read(tmp_path, "language: nl\nstrings:\n  start: Beginnen\n  strat: x\n")
    assert config is not None and dict(config.strings) == {"start": "Beginnen"}
    assert len(errors) == 1 and 'unknown interface string "strings.strat" — did you mean "start"?' in errors[0]
    assert len(warnings) == 1 and 'no interface strings in "nl"; they will be in English' in warnings[0]
    _, _, warnings = read(tmp_path, "language: es-MX\n")
    assert warnings == []


def _fields(text: str) -> list[str]:
    import re
    return re.findall(r"\{(\w+)\}", text)
