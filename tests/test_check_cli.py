"""`courseforge check` and `build --strict` from the command line: exit codes, output, ignores."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from check_support import course, findings, lesson_text
from conftest import COURSE_YML
from courseforge.check import check_course
from courseforge.errors import ContentErrors
from courseforge.loader import load

FLAWED = lesson_text(body="For the policy [click here](../files/p.pdf).\n\n![](../files/a.png)")
FLAWS = {"files/p.pdf": b"%PDF", "files/a.png": b"\x89PNG\r\n\x1a\n", "lessons/01-part-1.md": FLAWED}


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "courseforge", *args], cwd=cwd, capture_output=True, text=True)


def test_a_clean_course_exits_0(tmp_path):
    result = run("check", str(course(tmp_path)), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("no findings (reading wpm: 200;")


def test_findings_are_grouped_by_rule_with_a_summary_and_exit_1(tmp_path):
    folder = course(tmp_path, FLAWS)
    result = run("check", cwd=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        "image-alt (accessibility):",
        "  lessons/01-part-1.md:13: image ../files/a.png has no alt text — write what the image shows or means "
        "in ![…](…); a decorative image belongs in the theme, not the lesson",
        "link-text (accessibility):",
        '  lessons/01-part-1.md:11: link text "click here" says nothing about where it leads — name the '
        'destination, e.g. "the returns policy (PDF)"',
        "2 findings: image-alt 1, link-text 1 (reading wpm: 200; estimated minutes: 1; "
        "estimated lesson minutes: 1; claimed lesson minutes: 1)",
    ]


def test_json_output(tmp_path):
    folder = course(tmp_path, FLAWS)
    result = run("check", ".", "--json", cwd=folder)
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["counts"] == {"image-alt": 1, "link-text": 1}
    assert report["findings"][1] == {
        "rule": "link-text", "family": "accessibility", "path": "lessons/01-part-1.md", "line": 11,
        "problem": 'link text "click here" says nothing about where it leads',
        "hint": 'name the destination, e.g. "the returns policy (PDF)"'}
    assert report["facts"]["reading_wpm"] == 200


def test_what_build_warns_about_check_prints_too(tmp_path):
    """A page left out of the course (not listed in course.yml) is a warning of the loader, not a
    finding: `check` printed nothing of it and said "no findings" while `build` warned."""
    folder = course(tmp_path, {"course.yml": COURSE_YML + "lessons:\n  - 01-part-1.md\n",
                               "lessons/02-extra.md": lesson_text("extra", 2)})
    result = run("check", cwd=folder)
    assert result.returncode == 0 and result.stdout.startswith("no findings")
    assert result.stderr == ("warning: lessons/02-extra.md: this page is not listed in course.yml, so it is left out "
                             "— add it under `lessons:` or delete the file\n")
    report = json.loads(run("check", "--json", cwd=folder).stdout)
    assert report["warnings"] == [{"path": "lessons/02-extra.md", "line": None,
                                   "problem": "this page is not listed in course.yml, so it is left out",
                                   "hint": "add it under `lessons:` or delete the file"}]


def test_sources_name_both_places(tmp_path):
    sources = tmp_path / "articles"
    sources.mkdir()
    (sources / "a.md").write_text("# Notes\n\nStart every call by listening then act on what you heard.\n")
    result = run("check", "--sources", str(sources), cwd=course(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        "shared-text (originality):",
        f'  lessons/01-part-1.md:11: 11 words shared with {sources / "a.md"}:3: "start every call by listening then act on …" '
        "— say it in your own words, or quote it and name the source"]


def test_usage_errors_exit_2(tmp_path):
    assert run("check", str(tmp_path / "missing"), cwd=tmp_path).returncode == 2
    assert run("check", "--sources", str(tmp_path / "missing"), cwd=tmp_path).returncode == 2
    assert run("check", "--pdf", cwd=tmp_path).returncode == 2


def test_a_bad_objective_reference_exits_1_with_its_line(tmp_path):
    folder = course(tmp_path, {"lessons/01-part-1.md": lesson_text().replace("objective: 1", "objective: 3")})
    for command in (["check"], ["build", "--out", str(tmp_path / "out")]):
        result = run(*command, cwd=folder)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("lessons/01-part-1.md:17: `objective: 3` of question \"kc-part-1\" asks for "
                                        'objective 3, but lesson "part-1" has 1 — ')
    assert not (tmp_path / "out").exists()


def test_build_warns_and_build_strict_fails_writing_nothing(tmp_path):
    folder = course(tmp_path, FLAWS)
    out = tmp_path / "out"
    result = run("build", "--out", str(out), "--format", "scorm12", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "warning: lessons/01-part-1.md:11: link text \"click here\" says nothing" in result.stderr
    strict_out = tmp_path / "strict"
    result = run("build", "--strict", "--out", str(strict_out), "--format", "scorm12", cwd=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == "2 problems found; nothing was written."
    assert "[link-text]" in result.stderr and not strict_out.exists()
    assert run("build", "--strict", "--out", str(strict_out), cwd=course(tmp_path, name="clean")).returncode == 0


def test_build_strict_fails_on_a_page_left_out_as_on_a_finding(tmp_path):
    """A page saved as `.MD` is left out with a warning, not a finding: `build --strict` in CI shipped
    the course without it, exit 0."""
    folder = course(tmp_path, {"lessons/02-part-2.md": lesson_text("part-2", 2)})
    page = folder / "lessons" / "02-part-2.md"
    page.rename(page.with_suffix(".MD"))
    out = tmp_path / "strict"
    result = run("build", "--strict", "--out", str(out), "--format", "scorm12", cwd=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr and not out.exists()
    assert f"lessons/{page.stem}.MD: only .md files are read as pages, so this one is left out" in result.stderr
    assert result.stderr.splitlines()[-1] == "1 problem found; nothing was written."
    assert run("build", "--out", str(out), "--format", "scorm12", cwd=folder).returncode == 0  # a warning


@pytest.mark.parametrize("ignore", ["link-text", "accessibility", "[link-text, image-alt]"])
def test_rules_switched_off_in_course_yml(tmp_path, ignore):
    folder = course(tmp_path, {**FLAWS, "course.yml": COURSE_YML + f"check:\n  ignore: {ignore}\n"})
    assert [f.rule for f in findings(folder)] == ([] if ignore != "link-text" else ["image-alt"])


def test_all_in_course_yml_switches_every_rule_off_as_it_does_in_a_page_comment_and_says_so(tmp_path):
    """`<!-- check: ignore all -->` was accepted on a line while `check: {ignore: [all]}` was refused
    as an unknown rule: the course-wide `all` now switches every rule off, with a warning at its line,
    since a review that finds nothing by design must not pass for a clean one."""
    folder = course(tmp_path, {**FLAWS, "course.yml": COURSE_YML + "check:\n  ignore: [all]\n"})
    assert findings(folder) == []
    result = run("check", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        'warning: course.yml:10: "check: ignore" names all, so `courseforge check` and `build --strict` find '
        "nothing in this course — name the rules or families to switch off instead, or a line's "
        "`<!-- check: ignore all -->`"]
    out = tmp_path / "out"
    built = run("build", "--strict", "--out", str(out), "--format", "scorm12", cwd=folder)
    assert built.returncode == 0 and "names all" in built.stderr


def test_a_line_comment_switches_a_rule_off_on_its_line_or_the_next(tmp_path):
    text = lesson_text(body="For the policy [click here](../files/p.pdf). <!-- check: ignore link-text -->\n\n"
                            "<!-- check: ignore image-alt, colour-only -->\n![](../files/a.png)")
    folder = course(tmp_path, {**FLAWS, "lessons/01-part-1.md": text})
    assert findings(folder) == []
    out = tmp_path / "out"
    assert run("build", "--strict", "--out", str(out), "--format", "scorm12", cwd=folder).returncode == 0
    page = zipfile.ZipFile(out / "tiny-course-scorm12.zip").read("index.html").decode()
    assert "click here" in page and "check: ignore" not in page  # the comment never reaches learners


def test_only_closed_check_comments_are_taken_out_of_the_text():
    from courseforge.markdown import strip_check_comments
    assert strip_check_comments("a <!-- check: ignore x --> b <!--check:y--> c <!-- note --> d <!-- check: open") \
        == "a  b  c <!-- note --> d <!-- check: open"


def test_a_yaml_comment_switches_a_rule_off(tmp_path):
    from check_support import SCENARIO
    shared = SCENARIO.replace("{second_result}", "neutral").replace("{second_next}", "fixed")
    assert len(findings(course(tmp_path, {"scenarios/01-call.yml": shared}), "shared-consequence")) == 1
    quiet = shared.replace("  start:\n", "  # check: ignore shared-consequence\n  start:\n")
    assert findings(course(tmp_path, {"scenarios/01-call.yml": quiet}, "b"), "shared-consequence") == []


def test_check_ignore_words_in_a_scenario_line_are_no_comment(tmp_path):
    """A character who says the words in a quoted line does not switch a rule off, nor name one."""
    from check_support import SCENARIO
    script = SCENARIO.replace("{second_result}", "neutral").replace("{second_next}", "fixed")
    said = script.replace("- sam: Thank you.", '- sam: "Type # check: ignore and a rule, then save."')
    assert len(findings(course(tmp_path, {"scenarios/01-call.yml": said}), "shared-consequence")) == 1


@pytest.mark.parametrize("setting, message", [
    ("check: {ignore: [link-txt]}", 'course.yml:9: "check: ignore" names an unknown rule "link-txt" — did you mean "link-text"?'),
    ("check: {max_grades: 9}", 'course.yml:9: unknown key "max_grades" under "check" — did you mean "max_grade"?'),
    ("check: {reading_wpm: 5}", 'course.yml:9: "check: reading_wpm" is 5, not a whole number from 80 to 600'),
    ("check: strict", 'course.yml:9: "check" must be `key: value` lines'),
])
def test_check_settings_are_validated_like_other_keys(tmp_path, setting, message):
    folder = course(tmp_path, {"course.yml": COURSE_YML + setting + "\n"})
    with pytest.raises(ContentErrors) as caught:
        load(folder)
    assert str(caught.value.errors[0]).replace(str(folder) + "/", "").startswith(message)


def review_errors(folder) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        check_course(load(folder, cache=False))
    return [str(error).replace(f"{folder}/", "") for error in caught.value.errors]


def test_an_ignore_comment_that_names_no_rule_is_an_error_not_silence(tmp_path):
    """`<!-- check: ignore -->` switched nothing off and said nothing, as a misspelt rule used to."""
    body = "For the policy [click here](../files/p.pdf). <!-- check: ignore -->"
    folder = course(tmp_path, {"files/p.pdf": b"%PDF", "lessons/01-part-1.md": lesson_text(body=body)})
    assert review_errors(folder) == [
        'lessons/01-part-1.md:11: "check: ignore" names no rule — write the rules or families to switch off '
        'after "ignore", or all']
    from check_support import SCENARIO
    script = SCENARIO.replace("{second_result}", "neutral").replace("{second_next}", "fixed")
    bare = script.replace("  start:\n", "  start:  # check: ignore\n")
    assert review_errors(course(tmp_path, {"scenarios/01-call.yml": bare}, "b")) == [
        'scenarios/01-call.yml:5: "check: ignore" names no rule — write the rules or families to switch off '
        'after "ignore", or all']


def test_a_front_matter_comment_that_names_no_rule_is_an_error_at_its_line_cached_or_not(tmp_path):
    """`objectives:  # check: ignore` in a page's front matter was silent, while the same comment in
    a scenario, or `<!-- check: ignore -->` in the text, is an error at its line."""
    text = lesson_text().replace("objectives:\n", "objectives:  # check: ignore\n", 1)
    assert "# check: ignore\n" in text
    folder = course(tmp_path, {"lessons/01-part-1.md": text})
    expected = ['lessons/01-part-1.md:4: "check: ignore" names no rule — write the rules or families to switch off '
                'after "ignore", or all']
    assert review_errors(folder) == expected
    for _ in range(2):  # read, then from the page cache
        with pytest.raises(ContentErrors) as caught:
            check_course(load(folder))
        assert [str(error).replace(f"{folder}/", "") for error in caught.value.errors] == expected


def test_rule_names_are_matched_whatever_their_case(tmp_path):
    """`ignore: [Link-Text]` was refused with 'did you mean "link-text"?', a riddle to whoever wrote it:
    the names have no other case, so any case names them, in course.yml and in a comment."""
    folder = course(tmp_path, {**FLAWS, "course.yml": COURSE_YML + "check:\n  ignore: [Link-Text]\n"})
    assert [f.rule for f in findings(folder)] == ["image-alt"]
    text = lesson_text(body="For the policy [click here](../files/p.pdf). <!-- check: ignore Link-Text -->\n\n"
                            "<!-- check: ignore Accessibility -->\n![](../files/a.png)")
    assert findings(course(tmp_path, {**FLAWS, "lessons/01-part-1.md": text}, "b")) == []
    anything = lesson_text(body="For the policy [click here](../files/p.pdf). <!-- check: ignore ALL -->")
    assert findings(course(tmp_path, {**FLAWS, "lessons/01-part-1.md": anything}, "c"), "link-text") == []
    misspelt = lesson_text(body="Text. <!-- check: ignore ACCESIBILITY -->")  # the did-you-mean in any case too
    assert review_errors(course(tmp_path, {"lessons/01-part-1.md": misspelt}, "d")) == [
        'lessons/01-part-1.md:11: "check: ignore" names an unknown rule "ACCESIBILITY" — '
        'did you mean "accessibility"?']


@pytest.mark.parametrize("where", ["comment", "course.yml"])
def test_an_unknown_rule_s_hint_is_whole_and_offers_all(tmp_path, where):
    """The hint listed every rule and family, cut at 300 characters in the middle of a rule's name,
    and never offered `all`, which both places take."""
    if where == "comment":
        body = "For the policy [click here](../files/p.pdf). <!-- check: ignore everything -->"
        folder = course(tmp_path, {"files/p.pdf": b"%PDF", "lessons/01-part-1.md": lesson_text(body=body)})
        [error] = review_errors(folder)
        misspelt = course(tmp_path, {"lessons/01-part-1.md": lesson_text(body="Text. <!-- check: ignore alll -->")}, "b")
        [near] = review_errors(misspelt)
    else:
        with pytest.raises(ContentErrors) as caught:
            load(course(tmp_path, {"course.yml": COURSE_YML + "check: {ignore: [everything]}\n"}))
        [error] = [str(found) for found in caught.value.errors]
        with pytest.raises(ContentErrors) as caught:
            load(course(tmp_path, {"course.yml": COURSE_YML + "check: {ignore: [alll]}\n"}, "b"))
        [near] = [str(found) for found in caught.value.errors]
    assert error.endswith('"check: ignore" names an unknown rule "everything" — name a family (objectives, '
                          "answer-cues, time, plain-language, consistency, accessibility, originality, "
                          "housekeeping), a rule id (as `courseforge check` lists them), or all")
    assert near.endswith('names an unknown rule "alll" — did you mean "all"?')


def test_a_check_or_preview_that_stops_on_an_error_says_what_did_not_happen_not_that_nothing_was_written(tmp_path):
    broken = course(tmp_path, {"lessons/01-part-1.md": lesson_text().replace("minutes: 1", "minutes: -3")})
    result = run("check", cwd=broken)
    assert result.returncode == 1 and result.stderr.splitlines()[-1] == "1 problem found; the course was not reviewed."
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("preview", "--no-open", cwd=empty)
    assert result.returncode == 1 and result.stderr.splitlines()[-1] == "1 problem found; the preview did not start."


def test_course_yml_takes_rules_written_as_a_comment_names_them_and_says_a_list_item_s_own_line(tmp_path):
    """`ignore: link-text, image-alt` was one unknown rule, "did you mean link-text?" (so the author
    removed image-alt); and an unknown rule in a list was named at the `ignore:` line, not its own."""
    folder = course(tmp_path, {**FLAWS, "course.yml": COURSE_YML + "check:\n  ignore: link-text, image-alt\n"})
    assert findings(folder) == []
    listed = course(tmp_path, {"course.yml": COURSE_YML + "check:\n  ignore:\n    - link-text\n    - imag-alt\n"}, "b")
    with pytest.raises(ContentErrors) as caught:
        load(listed)
    assert [str(error).replace(f"{listed}/", "") for error in caught.value.errors] == [
        'course.yml:12: "check: ignore" names an unknown rule "imag-alt" — did you mean "image-alt"?']


@pytest.mark.parametrize("written, line", [
    ("check: {ignore: [link-txt]}\n", 9),
    ("check:\n  ignore: [image-alt, link-txt]\n", 10),
    ("check:\n  ignore:\n    - image-alt\n    - link-txt\n", 12),
    ("check:\n  ignore: image-alt, link-txt\n", 10),
])
def test_a_misspelt_rule_in_any_form_course_yml_takes_is_an_error_at_its_line(tmp_path, written, line):
    folder = course(tmp_path, {"course.yml": COURSE_YML + written})
    result = run("check", cwd=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        f'course.yml:{line}: "check: ignore" names an unknown rule "link-txt" — did you mean "link-text"?')


COMMENT_SAYS = ('"check: ignore" comment in course.yml switches nothing off (no finding is placed in course.yml) — '
                'list the rules under `check: ignore: [...]` to switch them off for the whole course, or put the '
                "comment on the page's line")


@pytest.mark.parametrize("written, line", [
    ("# check: ignore Link-Text\n", 9),
    ("# check: ignore link-txt\n", 9),
    ("check:\n  max_grade: 9  # check: ignore image-alt, link-txt\n", 10),
    ("# check: ignore\n", 9),
])
def test_a_check_comment_in_course_yml_is_refused_as_switching_nothing_off(tmp_path, written, line):
    """No rule places a finding in course.yml: `# check: ignore readability` there said nothing and the
    rule stayed on (a misspelt name only was refused, with a did-you-mean pointing at the same dead end)."""
    folder = course(tmp_path, {"course.yml": COURSE_YML + written})
    result = run("check", cwd=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == f"course.yml:{line}: a " + COMMENT_SAYS


def test_each_check_comment_in_course_yml_is_refused_at_its_line(tmp_path):
    written = "# check: ignore readability\n" + COURSE_YML + "# check: ignore all\n"
    assert review_errors(course(tmp_path, {"course.yml": written})) == [
        "course.yml:1: a " + COMMENT_SAYS, "course.yml:10: a " + COMMENT_SAYS]


@pytest.mark.parametrize("description", [
    'description: "Mark a line with # check: ignore and the rule"\n',
    "description: 'a <!-- check: ignore nothing --> comment'\n",
    "description: |\n  Write # check: ignore then the rule.\n",
    "description: >-\n  Write\n  # check: ignore then the rule.\n",
])
def test_check_ignore_words_in_a_course_yml_text_are_no_comment(tmp_path, description):
    """Only a YAML comment is one: a quoted string or a block scalar saying the words is the course's text."""
    written = COURSE_YML.replace("description: A course made by a test.\n", description)
    assert findings(course(tmp_path, {"course.yml": written})) == []


def test_a_course_yml_comment_after_a_quoted_hash_is_still_held_to_the_rule_names(tmp_path):
    written = COURSE_YML.replace("title: Tiny course", 'title: "Tiny # course"  # check: ignore link-txt')
    for name, text in (("lf", written), ("crlf", written.replace("\n", "\r\n"))):
        assert review_errors(course(tmp_path, {"course.yml": text}, name)) == ["course.yml:1: a " + COMMENT_SAYS]


def test_a_comment_on_a_block_scalars_header_line_is_a_comment(tmp_path):
    """A block scalar's token starts at its `>`: a comment after it on that line was taken for the text."""
    written = COURSE_YML.replace("description: A course made by a test.\n",
                                 "description: >-  # check: ignore readability\n  A folded text.\n")
    assert review_errors(course(tmp_path, {"course.yml": written})) == ["course.yml:5: a " + COMMENT_SAYS]


def colour_script(line: str) -> str:
    """The scenario with `line` for Sam's last turn, its lines under `      - ` as the script writes them."""
    from check_support import SCENARIO
    script = SCENARIO.replace("{second_result}", "neutral").replace("{second_next}", "fixed")
    return script.replace("      - sam: Thank you.\n", line)


@pytest.mark.parametrize("line", [
    '      - sam: "Press the green button. # check: ignore colour-only"\n',
    '      - sam: "Say # check: ignore colour-only"\n      - sam: Press the green button.\n',
    "      - sam: 'Say it:\n          # check: ignore colour-only'\n      - sam: Press the green button.\n",
    "      - sam: |\n          Type # check: ignore colour-only\n      - sam: Press the green button.\n",
    "      - sam: >-\n          # check: ignore colour-only\n      - sam: Press the green button.\n",
])
def test_check_ignore_words_a_character_says_leave_the_rule_on_at_their_line(tmp_path, line):
    """A scenario line's text saying `# check: ignore colour-only` on the finding's line or the line
    before is the course's text, not a comment: it switched the rule off there, and names no rule."""
    script = colour_script(line)
    [found] = findings(course(tmp_path, {"scenarios/01-call.yml": script}), "colour-only")
    assert found.location.line == 1 + script[:script.index("green")].count("\n")
    assert review_errors_or_none(tmp_path, script) == []


@pytest.mark.parametrize("line", [
    "      - sam: Press the green button.  # check: ignore colour-only\n",
    "      # check: ignore colour-only\n      - sam: Press the green button.\n",
    "      - sam: >-  # check: ignore colour-only\n          Press the green button.\n",
])
def test_a_real_comment_in_a_scenario_still_switches_the_rule_off(tmp_path, line):
    assert findings(course(tmp_path, {"scenarios/01-call.yml": colour_script(line)}), "colour-only") == []


def review_errors_or_none(tmp_path, script: str) -> list[str]:
    """The review's content errors for the course with `script` (none when it passes)."""
    folder = course(tmp_path, {"scenarios/01-call.yml": script}, "errors")
    try:
        check_course(load(folder, cache=False))
    except ContentErrors as caught:
        return [str(error) for error in caught.errors]
    return []


def test_a_yaml_comment_is_told_from_a_scalar_s_text_as_every_scalar_would_tell_it(tmp_path):
    """review._yaml_comments finds the scalar around a place by bisection (trying each scalar took
    minutes on a script of 20 000 scalars and 50 000 comments); every place of scripts holding block,
    empty block, multi-line, quoted and plain scalars is judged as trying each scalar judges it."""
    import random

    import yaml

    from courseforge.check.review import _text_starts, _yaml_comments

    pieces = ["a: plain  # check: ignore x", "b: |\n  block\n  text  # not a comment\n", "c: >-\n", "d: ''",
              'e: "two\n  lines"  # c', "f:\n  - one\n  - two # c", "g: >\n\nh: 1", "i: long plain\n  scalar # c",
              "# check: ignore y", "j: [1, 'x # y', 3]"]
    rng = random.Random(7)
    for attempt in range(60):
        text = "\n".join(rng.sample(pieces, rng.randint(1, len(pieces)))) + "\n"
        path = tmp_path / f"{attempt}.yml"
        path.write_text(text)
        try:
            scalars = [(_text_starts(s), (s.end_mark.line + 1, s.end_mark.column))
                       for s in yaml.scan(text, Loader=yaml.SafeLoader) if isinstance(s, yaml.ScalarToken)]
        except yaml.YAMLError:
            continue
        outside = _yaml_comments(path)
        for line, row in enumerate(text.split("\n"), start=1):
            for column in range(len(row) + 2):
                expected = not any(start <= (line, column) < end for start, end in scalars)
                assert outside(line, column) == expected, (text, line, column)
