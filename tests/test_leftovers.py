"""What an audit found and left: a misnamed `check: ignore`, errors out of line order, warnings lost
with a failed build, files that only look like images, and YAML aliases where none are taken."""
from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from check_support import SCENARIO, course, findings, lesson_text
from conftest import COURSE_YML
from courseforge.check import check_course
from courseforge.cli import main
from courseforge.errors import ContentError, ContentErrors, Location, in_reading_order
from courseforge.loader import load


def errors_of(folder, review: bool = False) -> list[str]:
    """Every content error of the course at `folder` (with `review`, of its `check` too), paths cut
    to the course folder."""
    with pytest.raises(ContentErrors) as caught:
        course_read = load(folder, cache=False)
        if review:
            check_course(course_read)
    return [str(error).replace(f"{folder}/", "") for error in caught.value.errors]


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


# 3. Errors are printed file by file, in line order ------------------------------------------------

def test_errors_of_one_file_come_in_line_order_and_files_in_the_order_met(tmp_path):
    first = lesson_text(body="![A chart](../images/missing.png)").replace("minutes: 1", "minutes: -3")
    second = lesson_text("part-2", 2, body="![A chart](../images/gone.png)")
    folder = course(tmp_path, {"lessons/01-part-1.md": first, "lessons/02-part-2.md": second})
    found = errors_of(folder)
    assert [e.split(":")[0] + ":" + e.split(":")[1] for e in found] == [
        "lessons/01-part-1.md:6", "lessons/01-part-1.md:11", "lessons/02-part-2.md:11"], found
    result = run("build", folder, "--out", tmp_path / "out")
    printed = [line.split(": ")[0] for line in result.output.splitlines()[:3]]
    assert printed == ["lessons/01-part-1.md:6", "lessons/01-part-1.md:11", "lessons/02-part-2.md:11"] or \
        printed == [f"{folder}/lessons/01-part-1.md:6", f"{folder}/lessons/01-part-1.md:11",
                    f"{folder}/lessons/02-part-2.md:11"], result.output


def test_ordering_keeps_every_error_and_puts_a_whole_file_one_first():
    a, b = Location(Path("a.md"), 30), Location(Path("b.md"), 2)
    met = [ContentError(b, "b2", "fix"), ContentError(a, "a30", "fix"),
           ContentError(Location(a.path, 12), "a12", "fix"), ContentError(Location(b.path), "b-file", "fix"),
           ContentError(Location(a.path, 12), "a12 again", "fix")]
    assert [e.problem for e in in_reading_order(met)] == ["b-file", "b2", "a12", "a12 again", "a30"]
    assert [e.problem for e in ContentErrors(met).errors] == ["b-file", "b2", "a12", "a12 again", "a30"]


# 6. A failed build still says what it warned about ------------------------------------------------

def test_a_failed_build_prints_the_warnings_met_before_it_failed(tmp_path):
    broken = lesson_text().replace("minutes: 1", "minutes: -3")
    folder = course(tmp_path, {"lessons/01-part-1.md": broken, "lessons/02-part-2.MD": lesson_text("part-2", 2)})
    for command in ("build", "check"):
        result = run(command, folder)
        assert result.exit_code == 1, result.output
        lines = result.output.splitlines()
        assert any(line.startswith("warning: ") and "02-part-2.MD: only .md files are read as pages" in line
                   for line in lines), result.output
        assert any('"minutes" is -3' in line for line in lines), result.output
    report = json.loads(run("check", folder, "--json").stdout)
    assert [w["problem"] for w in report["warnings"]] == ["only .md files are read as pages, so this one is left out"]
    assert [e["line"] for e in report["errors"]] == [6]


# 1. A `check: ignore` comment names a rule that exists --------------------------------------------

def test_an_ignore_comment_naming_no_rule_is_an_error_at_its_line_with_a_did_you_mean(tmp_path):
    body = "For the policy [click here](../files/p.pdf). <!-- check: ignore link-txt -->"
    folder = course(tmp_path, {"files/p.pdf": b"%PDF", "lessons/01-part-1.md": lesson_text(body=body)})
    assert [e.split(" (rules and families:")[0] for e in errors_of(folder, review=True)] == [
        'lessons/01-part-1.md:11: "check: ignore" names an unknown rule "link-txt" — did you mean "link-text"?']


def test_an_ignore_comment_in_a_scenario_names_a_rule_that_exists(tmp_path):
    script = SCENARIO.replace("{second_result}", "neutral").replace("{second_next}", "fixed")
    misnamed = script.replace("  start:\n", "  # check: ignore shared-consequense\n  start:\n")
    found = errors_of(course(tmp_path, {"scenarios/01-call.yml": misnamed}), review=True)
    assert [e.split(" (rules and families:")[0] for e in found] == [
        'scenarios/01-call.yml:5: "check: ignore" names an unknown rule "shared-consequense" '
        '— did you mean "shared-consequence"?']


def test_a_rule_run_into_the_comments_end_is_named_so(tmp_path):
    body = "For the policy [click here](../files/p.pdf). <!-- check: ignore link-text-->"
    folder = course(tmp_path, {"files/p.pdf": b"%PDF", "lessons/01-part-1.md": lesson_text(body=body)})
    assert errors_of(folder, review=True) == [
        'lessons/01-part-1.md:11: "check: ignore" names an unknown rule "link-text--" '
        '— leave a space between "link-text" and "-->"']


def test_known_rules_families_and_all_pass_and_prose_about_the_comment_is_left_alone(tmp_path):
    body = ("For the policy [click here](../files/p.pdf). <!-- check: ignore link-text, colour-only -->\n\n"
            "See [click here](../files/p.pdf). <!-- check: ignore accessibility -->\n\n"
            "And [click here](../files/p.pdf). <!-- check: ignore all -->\n\n"
            "Reviewers write check: ignore followed by what to switch off.")
    folder = course(tmp_path, {"files/p.pdf": b"%PDF", "lessons/01-part-1.md": lesson_text(body=body)})
    assert findings(folder, "link-text") == []


def test_build_refuses_a_misnamed_ignore_like_course_yml_refuses_one(tmp_path):
    body = "For the policy [click here](../files/p.pdf). <!-- check: ignore link-txt -->"
    folder = course(tmp_path, {"files/p.pdf": b"%PDF", "lessons/01-part-1.md": lesson_text(body=body)})
    result = run("build", folder, "--out", tmp_path / "out", "--format", "scorm12")
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert 'lessons/01-part-1.md:11: "check: ignore" names an unknown rule "link-txt"' in result.output
    assert not (tmp_path / "out").exists()


# 4. An image is the picture its name says ---------------------------------------------------------

def png() -> bytes:
    row = b"\x00\x00\x00\x00"
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data  # noqa: E731
                                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row)) + chunk(b"IEND", b""))


def pillow(kind: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format=kind)
    return out.getvalue()


SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'


@pytest.mark.parametrize("name, data, message", [
    ("a.png", b"not a picture\n", "'../images/a.png' is named .png but is a text file "
                                  "— export it again as PNG, JPEG, GIF, WebP, AVIF or SVG"),
    ("a.jpg", b"%PDF-1.7\n", "'../images/a.jpg' is named .jpg but is a PDF document "
                             "— export it again as PNG, JPEG, GIF, WebP, AVIF or SVG"),
    ("a.gif", b"", "'../images/a.gif' is named .gif but is empty — export it again as PNG, JPEG, GIF, WebP, AVIF or SVG"),
    ("a.webp", b"<!DOCTYPE html><html></html>", "'../images/a.webp' is named .webp but is a web page (HTML) "
                                                "— export it again as PNG, JPEG, GIF, WebP, AVIF or SVG"),
    ("a.png", SVG.encode(), "'../images/a.png' is named .png but is an SVG picture — rename it to a.svg and link to that name"),
    ("a.svg", png(), "'../images/a.svg' is named .svg but is a PNG image — rename it to a.png and link to that name"),
    ("a.svg", b"<html><body>hi</body></html>", "the SVG '../images/a.svg' is not an SVG picture: its root element is <html>"),
    ("a.svg", b"<svg width='4' height='4'/>", "the SVG '../images/a.svg' is not an SVG picture: its root element is <svg> "
                                             'in no namespace, which needs xmlns="http://www.w3.org/2000/svg"'),
])
def test_a_file_that_is_not_the_picture_its_name_says_is_named_for_what_it_is(tmp_path, name, data, message):
    body = f"![A chart](../images/{name})"
    folder = course(tmp_path, {f"images/{name}": data, "lessons/01-part-1.md": lesson_text(body=body)})
    found = errors_of(folder)
    assert len(found) == 1 and found[0].startswith(f"lessons/01-part-1.md:11: {message}"), found


@pytest.mark.parametrize("name, kind", [("a.png", "PNG"), ("a.jpg", "JPEG"), ("a.jpeg", "JPEG"), ("a.gif", "GIF"),
                                        ("a.webp", "WEBP"), ("b.png", "JPEG")])
def test_real_pictures_pass_whatever_picture_format_their_name_says(tmp_path, name, kind):
    # Browsers go by a picture's bytes: a JPEG named .png shows, so it is not an error.
    body = f"![A chart](../images/{name})\n\n![A logo](../images/logo.svg)"
    folder = course(tmp_path, {f"images/{name}": pillow(kind), "images/logo.svg": SVG,
                               "lessons/01-part-1.md": lesson_text(body=body)})
    assert len(load(folder, cache=False).assets) == 2


def test_an_avif_picture_passes(tmp_path):
    avif = struct.pack(">I", 28) + b"ftypavif" + b"\0\0\0\0" + b"avifmif1miaf" + b"\0" * 64
    folder = course(tmp_path, {"images/a.avif": avif,
                               "lessons/01-part-1.md": lesson_text(body="![A chart](../images/a.avif)")})
    assert [asset.target for asset in load(folder, cache=False).assets] == ["assets/images/a.avif"]


def test_a_linked_download_named_like_a_picture_is_checked_too(tmp_path):
    folder = course(tmp_path, {"files/chart.png": b"see the spreadsheet",
                               "lessons/01-part-1.md": lesson_text(body="The [chart](../files/chart.png).")})
    assert errors_of(folder) == ["lessons/01-part-1.md:11: '../files/chart.png' is named .png but is a text file "
                                 "— export it again as PNG, JPEG, GIF, WebP, AVIF or SVG"]


# 5. YAML aliases: refused in course.yml and front matter, bounded in scenarios --------------------

def test_an_alias_in_course_yml_is_refused_at_its_line(tmp_path):
    text = COURSE_YML.replace("description: A course made by a test.", "description: &d A course made by a test.")
    folder = course(tmp_path, {"course.yml": text + "authors_note: *d\n"})
    assert errors_of(folder) == [
        "course.yml:9: YAML syntax error: it uses an alias (*name), which course.yml and front matter do not "
        "take — write the value out where the alias stands; only scenario files may reuse a block"]


def test_an_alias_in_front_matter_is_refused_at_its_line(tmp_path):
    page = lesson_text().replace("title: Part 1", "title: &t Part 1").replace(
        "  - Name the first step of a call", "  - *t")
    found = errors_of(course(tmp_path, {"lessons/01-part-1.md": page}))
    assert found == ["lessons/01-part-1.md:5: YAML syntax error in the front matter: it uses an alias (*name), which "
                     "course.yml and front matter do not take — write the value out where the alias stands; only "
                     "scenario files may reuse a block"]


def test_a_scenario_still_shares_a_decision_through_an_alias(tmp_path):
    script = SCENARIO.replace("{second_result}", "wrong").replace("{second_next}", "fixed").replace(
        "    decision:\n", "    decision: &choice\n") + "  again:\n    lines:\n      - sam: Still late.\n" \
        "    decision: *choice\n"
    loaded = load(course(tmp_path, {"scenarios/01-call.yml": script}), cache=False)
    scenes = loaded.scenarios[0].scenes
    assert scenes["again"].decision.options == scenes["start"].decision.options
