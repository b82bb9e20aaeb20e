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
