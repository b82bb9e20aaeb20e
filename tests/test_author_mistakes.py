"""An author's mistakes, made one at a time in the starter of `courseforge new`: each must be one
`path:line: what — fix` line at the line that is wrong, exit status 1, no traceback and build/ untouched."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from courseforge.cli import main
from courseforge.errors import ContentErrors
from courseforge.loader import load
from courseforge.scaffold import create


@pytest.fixture
def starter(tmp_path) -> Path:
    """A fresh `courseforge new` project; its course files are under content/."""
    create(tmp_path / "x")
    return tmp_path / "x"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(project: Path) -> list[tuple[str, int | None, str]]:
    """(file name, line, message) of every content error the course has."""
    with pytest.raises(ContentErrors) as caught:
        load(project, cache=False)
    return [(e.location.path.name, e.location.line, f"{e.problem} — {e.hint}") for e in caught.value.errors]


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("folder, name, kind", [("lessons", "03-more.md", "page"),
                                                ("assessments", "02-more.md", "page"),
                                                ("scenarios", "02-more.yml", "scenario")])
def test_a_folder_named_like_a_source_is_one_line_not_a_traceback(starter, command, folder, name, kind):
    (starter / "content" / folder / name).mkdir()
    result = run_cli(command, str(starter))
    assert result.exit_code == 1 and not isinstance(result.exception, OSError), result.output
    assert f"{name}: this folder is named like a {kind} — rename it" in result.output
    assert not (starter / "build").exists()


def test_a_folder_listed_in_course_yml_is_named_a_folder(starter):
    (starter / "content" / "lessons" / "03-more.md").mkdir()
    with open(starter / "content" / "course.yml", "a", encoding="utf-8") as yml:
        yml.write("lessons:\n  - 01-welcome.md\n  - 02-listening.md\n  - 03-more.md\n")
    assert ("course.yml", 15, '"lessons/03-more.md" is a folder, not a page — list the .md files inside '
            "lessons/, e.g. 01-welcome.md") in problems_of(starter)


@pytest.mark.parametrize("command", [("build",), ("check",), ("check", "--json")])
@pytest.mark.parametrize("renamed", ["02-listening.MD", "02-listening.markdown", "02-listening.md.txt"])
def test_a_lesson_not_ending_in_md_is_named_in_a_warning(starter, renamed, command):
    # `check` said only the errors the missing lesson causes (its objectives named by the assessment)
    lessons = starter / "content" / "lessons"
    (lessons / "02-listening.md").rename(lessons / renamed)
    result = run_cli(*command, str(starter))
    assert result.exit_code == 1
    warning = "only .md files are read as pages, so this one is left out"
    if "--json" in command:
        import json

        report = json.loads(result.stdout)
        assert [(Path(item["path"]).name, item["problem"], item["hint"]) for item in report["warnings"]] == [
            (renamed, warning, "rename it to 02-listening.md")] and report["errors"]
    else:
        assert f"{renamed}: {warning} — rename it to 02-listening.md" in result.output
        assert result.output.index(warning) < result.output.index("problems found")


@pytest.mark.parametrize("name, folder, passed, hint", [
    ("course.yaml", "content", "", "rename content/course.yaml to course.yml"),
    ("course.yml.txt", "content", "content", "rename course.yml.txt to course.yml"),
    ("Course.yml", "", "", "rename Course.yml to course.yml"),
])
def test_a_course_yml_saved_under_another_name_is_named(starter, name, folder, passed, hint):
    if folder == "":
        (starter / "content" / "course.yml").rename(starter / name)
    else:
        (starter / "content" / "course.yml").rename(starter / folder / name)
    result = run_cli("check", str(starter / passed))
    assert result.exit_code == 1
    assert f"has no course.yml, and no content/course.yml either — {hint}: it is the only name read" in result.output


UNCLOSED = [
    # (file, what is removed or added, line, message): every `:::` left open or closing nothing
    ("lessons/02-listening.md", ("the problem to the customer.\n:::", "the problem to the customer.\n"), 19,
     "`::: question late-parcel-cue single` has no closing `:::` — end the question with a `:::` line after its "
     "last answer"),
    ("lessons/01-welcome.md", ("on a phone.\n:::", "on a phone.\n"), 23,
     "`::: tip Keep lessons short` has no closing `:::` — end the tip with a `:::` line after its last line"),
    ("assessments/01-check.md", ("checks you understood.\n:::\n", "checks you understood.\n\n"), 17,
     "`::: question check-listening true-false` starts inside the question of line 8, which has no closing `:::` "
     "— end that question with a `:::` line before this one"),
    ("lessons/02-listening.md", ("an apology.\n:::\n", "an apology.\n\n"), 19,
     "`::: question late-parcel-cue single` starts inside the `::: story` of line 11, and one `:::` line ends "
     "both — end the story with a `:::` line before this one (to put one block inside another, open and close "
     "the outer one with `::::`)"),
]
STRAY = ("this `:::` line closes no callout or question — remove it, or open the block above with `::: tip` (story, "
         "reflection, example, note, warning) or `::: question some-id TYPE`")


@pytest.mark.parametrize("name, change, line, message", UNCLOSED)
def test_a_block_left_open_is_named_at_its_line_and_nothing_else_is_blamed(starter, name, change, line, message):
    edit(starter / "content" / name, *change)
    assert problems_of(starter) == [(Path(name).name, line, message)]


def test_a_stray_close_is_reported_at_its_own_line(starter):
    with open(starter / "content" / "lessons" / "01-welcome.md", "a", encoding="utf-8") as page:
        page.write("\nA last word.\n:::\n")
    assert problems_of(starter) == [("01-welcome.md", 28, STRAY)]


def test_a_callout_without_its_kind_shows_both_of_its_lines(starter):
    edit(starter / "content" / "lessons" / "01-welcome.md", "::: tip Keep lessons short", ":::")
    assert problems_of(starter) == [("01-welcome.md", 23, STRAY), ("01-welcome.md", 25, STRAY)]


def test_blocks_nested_with_a_longer_fence_are_fine(starter):
    edit(starter / "content" / "lessons" / "01-welcome.md", "::: tip Keep lessons short\nOne idea per lesson, five "
         "to ten minutes of reading, is easy to take in on a phone.\n:::",
         ":::: tip Keep lessons short\n::: note\nOne idea per lesson.\n:::\n::::")
    assert load(starter, cache=False).lessons[0].html.count('role="note"') == 2


MISSING_IMAGE = ("'../images/nope.png' does not exist — check the spelling and that the path is relative to this "
                 "lesson file")
IMAGE = "![a parcel](../images/nope.png)"


@pytest.mark.parametrize("question, line", [
    # a link or an image inside a question is named at its own line, not at the `::: question` line
    (f"::: question q single\n> A caller rings. {IMAGE}\nWhich detail?\n- [x] a\n- [ ] b\n:::", 30),
    (f"::: question q single\nWhich detail?\nLook: {IMAGE}\n- [x] a\n- [ ] b\n:::", 31),
    (f"::: question q single\nWhich detail?\n- [x] a\n- [ ] b {IMAGE}\n:::", 32),
    (f"::: question q single\nWhich detail?\n- [x] a\n  feedback: Yes.\n- [ ] b\n  feedback: No. {IMAGE}\n:::", 34),
    (f"::: question q single\nWhich detail?\n- [x] a\n- [ ] b\nexplanation: See {IMAGE}\n:::", 33),
    (f"::: question q matching\nMatch them.\n- a -> 1\n- b -> {IMAGE}\n:::", 32),
    (f"::: question q ordering\nOrder them.\n1. a\n2. {IMAGE}\n:::", 32),
    (f"::: question q likert\nHow sure?\nscale: Not | {IMAGE}\n:::", 31),
])
def test_an_image_in_a_question_is_named_at_its_line(starter, question, line):
    with open(starter / "content" / "lessons" / "02-listening.md", "a", encoding="utf-8") as page:
        page.write("\n" + question + "\n")
    assert problems_of(starter) == [("02-listening.md", line, MISSING_IMAGE)]


@pytest.mark.parametrize("question, line, message", [
    ("::: question q single\nWhich?\n- [x] a\nfeedback: Yes.\n- [ ] b\n:::", 32,
     "`feedback:` is not indented under an option — indent it by two spaces, on the line after the `- [ ]` option "
     "it answers"),
    ("::: question q single\nWhich?\n  feedback: Yes.\n- [x] a\n- [ ] b\n:::", 31,
     "`feedback:` comes before any option — put it on the line after the `- [ ]` option it answers, indented by "
     "two spaces"),
    ("::: question q fill-in\nThe word is ___.\n= listen\n  feedback: Yes.\n:::", 32,
     "a fill-in question has no options to give `feedback:` to — write what every learner reads after answering "
     "as `explanation:`"),
    ("::: question q likert\nHow sure are you?\n- [ ] Not sure\n:::", 31,
     "`- [ ]` options do not belong in a likert question — write the points as `scale: Disagree | Neutral | Agree` "
     "(or leave it out for five points)"),
    ("::: question q reflection\nWhat would you say?\n= Sorry\n:::", 31,
     "`= answer` lines do not belong in a reflection question — a reflection has no answers: remove the line, or "
     "make it a `single` question"),
])
def test_a_line_in_the_wrong_place_is_named_not_swallowed_into_the_prompt(starter, question, line, message):
    with open(starter / "content" / "lessons" / "02-listening.md", "a", encoding="utf-8") as page:
        page.write("\n" + question + "\n")
    assert problems_of(starter) == [("02-listening.md", line, message)]


def test_every_problem_of_one_question_is_reported(starter):
    with open(starter / "content" / "lessons" / "02-listening.md", "a", encoding="utf-8") as page:
        page.write("\n::: question q single\nWhich?\n- [x] a\n- [x] b\npoints: two\n:::\n")
    assert problems_of(starter) == [
        ("02-listening.md", 32, 'question "q" has 2 correct options but is `single` (line 31 is marked [x] too) '
                                "— mark only one with [x], or make it a `multiple` question"),
        ("02-listening.md", 33, "`points: two` is not a whole number from 1 to 100 — write e.g. `points: 2`")]


def test_a_front_matter_without_its_closing_line_is_not_called_missing(starter):
    edit(starter / "content" / "lessons" / "01-welcome.md", "minutes: 1\n---\n", "minutes: 1\n")
    assert problems_of(starter) == [("01-welcome.md", 1, "the front matter opened on this line has no closing `---` "
                                     "— add a `---` line after its last line (line 5, before the text starts)")]


TAB_HINT = "indent with spaces: YAML does not allow tabs in indentation"


@pytest.mark.parametrize("name, old, new, line, what", [
    ("course.yml", "authors:\n  - Your name", "authors:\n\t- Your name", 10, "YAML syntax error"),
    ("lessons/01-welcome.md", "  - Recognise", "\t- Recognise", 4, "YAML syntax error in the front matter"),
    ("scenarios/01-first-call.yml", "    title: Sorted", "\ttitle: Sorted", 31, "YAML syntax error"),
])
def test_a_tab_in_yaml_indentation_is_named_as_a_tab(starter, name, old, new, line, what):
    edit(starter / "content" / name, old, new)
    assert problems_of(starter) == [(Path(name).name, line, f"{what}: found character that cannot start any token — "
                                     + TAB_HINT)]


@pytest.mark.parametrize("block, line, message", [
    # a mistake under `check:`, `branding:` or `strings:` is named at its own line, not at the block's
    ("check:\n  ignore: [link-text]\n  reading_wpm: fast\n", 14,
     '"check: reading_wpm" is \'fast\', not a whole number from 80 to 600 — write e.g. `reading_wpm: 200`'),
    ("check:\n  max_grade: 9\n  max_grdae: 8\n", 14, 'unknown key "max_grdae" under "check" — did you mean '
     '"max_grade"? (allowed: ignore, reading_wpm, question_seconds, time_tolerance, max_grade, max_sentence_words, '
     'max_passive_percent)'),
    ("branding:\n  font: Georgia\n  primary: blue\n", 14,
     'branding.primary \'blue\' is not a colour — write it as "#rrggbb", in quotes'),
    ("branding:\n  font: Georgia\n  logoo: images/welcome.svg\n", 14,
     'unknown key "branding.logoo" — did you mean "logo"? (allowed: primary, logo, font)'),
    ("strings:\n  start: Go\n  resume: ''\n", 14, '"strings.resume" must be a non-empty text — write `resume: "your '
     'wording"`'),
    ("strings:\n  start: Go\n  resume: No  # the wording\n", 14, '"No" is read as yes/no in YAML — put it in '
     'quotes: resume: "No"'),
])
def test_a_mistake_inside_a_course_yml_block_is_named_at_its_line(starter, block, line, message):
    with open(starter / "content" / "course.yml", "a", encoding="utf-8") as yml:
        yml.write(block)
    assert problems_of(starter) == [("course.yml", line, message)]


@pytest.mark.parametrize("written", ["1.10", "2.0", "3"])
def test_a_version_written_as_a_number_is_kept_as_written(starter, written):
    edit(starter / "content" / "course.yml", 'version: "1.0.0"', f"version: {written}")
    assert load(starter, cache=False).config.version == written


SAME = "learners cannot tell them apart, and only one of them counts as right: reword one of them"


@pytest.mark.parametrize("question, line, message", [
    # options a learner cannot tell apart (or cannot see) make a right answer impossible to give
    ("::: question q single\nWhich?\n- [x] Say it back\n- [ ] say it  back\n:::", 32,
     f'this option of "q" reads the same as the one on line 31: "say it  back" — {SAME}'),
    ("::: question q single\nWhich?\n- [x]\n- [ ] b\n:::", 31,
     'this option of "q" has no text — write the option on this line'),
    ("::: question q ordering\nOrder them.\n1. Listen\n2. Listen\n:::", 32,
     f'this item of "q" reads the same as the one on line 31: "Listen" — {SAME}'),
    ("::: question q matching\nMatch them.\n- late -> Yes\n- gift -> Yes\n:::", 32,
     f'this right side of "q" reads the same as the one on line 31: "Yes" — {SAME}'),
])
def test_options_that_read_the_same_are_named(starter, question, line, message):
    with open(starter / "content" / "lessons" / "02-listening.md", "a", encoding="utf-8") as page:
        page.write("\n" + question + "\n")
    assert problems_of(starter) == [("02-listening.md", line, message)]


@pytest.mark.parametrize("name, old, new, line, what", [
    ("scenarios/01-first-call.yml", "      - sam: Thank you.", '      - sam: "Thank you.', 34, "YAML syntax error"),
    ("lessons/01-welcome.md", "title: Welcome", "title: 'Welcome", 2, "YAML syntax error in the front matter"),
])
def test_an_unclosed_quote_is_named_where_it_opens_not_at_the_end_of_the_file(starter, name, old, new, line, what):
    edit(starter / "content" / name, old, new)
    assert problems_of(starter) == [(Path(name).name, line, f"{what}: a quoted value starts on this line and its "
                                     "quote is never closed — end the value with the same quote mark it starts with")]


def _latin1(text: str) -> bytes:
    return text.replace("One idea", "Naïve idea").replace("…", "...").encode("latin-1")


@pytest.mark.parametrize("encode, line, problem", [
    (_latin1, 24, "the file is not UTF-8 text"),  # at the line of its first "ï", not at the file
    (lambda text: _latin1(text).replace(b"\n", b"\r\n"), 24, "the file is not UTF-8 text"),
    (lambda text: text.encode("utf-16"), 1, "the file is UTF-16 text"),
    (lambda text: text.encode("utf-16-le"), 1, "the file is UTF-16 text"),  # no byte-order mark: not "no front matter"
])
def test_a_lesson_in_another_encoding_is_named_with_its_line(starter, encode, line, problem):
    page = starter / "content" / "lessons" / "01-welcome.md"
    page.write_bytes(encode(page.read_text(encoding="utf-8")))
    assert problems_of(starter) == [("01-welcome.md", line, f"{problem} — save it as UTF-8")]


def test_a_course_yml_in_latin1_is_named_with_its_line(starter):
    config = starter / "content" / "course.yml"
    config.write_bytes(config.read_bytes().replace(b"My first course", "Mon cours \xe0 moi".encode("latin-1")))
    assert problems_of(starter) == [("course.yml", 2, "the file is not UTF-8 text — save it as UTF-8")]


def test_a_missing_logo_is_named_at_its_line_relative_to_course_yml(starter):
    with open(starter / "content" / "course.yml", "a", encoding="utf-8") as yml:
        yml.write('branding:\n  primary: "#0a58a8"\n  logo: images/welcom.svg\n')
    assert problems_of(starter) == [("course.yml", 14, "'images/welcom.svg' does not exist — check the spelling "
                                     "and that the path is relative to the folder of course.yml")]


@pytest.mark.parametrize("written, hint", [
    ("![A page of a course](../images/my welcome.svg)",
     "rename the file without spaces (my-picture.png, say) and link to the new name"),
    ("![A page of a course] (../images/welcome.svg)", "remove the space between `]` and `(`"),
])
def test_an_image_markdown_reads_as_text_is_named(starter, written, hint):
    (starter / "content" / "images" / "my welcome.svg").write_bytes(
        (starter / "content" / "images" / "welcome.svg").read_bytes())
    edit(starter / "content" / "lessons" / "01-welcome.md",
         "![A page of a course: a title, two lines of text and a green tick.](../images/welcome.svg)", written)
    assert problems_of(starter) == [("01-welcome.md", 21, f"`{written}` is not read as an image, so it shows as text "
                                     f"— {hint}")]


def test_a_scenario_starting_at_end_is_not_told_to_write_end(starter):
    edit(starter / "content" / "scenarios" / "01-first-call.yml", "characters:", "start: end\ncharacters:")
    assert problems_of(starter) == [("01-first-call.yml", 5, 'start leads to scene "end", which does not exist — '
                                     "scenes: the-call, sorted")]


def test_a_lessons_list_with_a_bad_item_is_not_called_empty(starter):
    with open(starter / "content" / "course.yml", "a", encoding="utf-8") as yml:
        yml.write("lessons:\n  - [01-welcome.md]\n")
    assert problems_of(starter) == [("course.yml", 13, 'item 1 of "lessons" is not a text — write `- some text`')]


def test_a_binary_file_is_named_not_utf8_at_its_first_bad_byte(starter):
    (starter / "content" / "scenarios" / "01-first-call.yml").write_bytes(bytes(range(256)))
    assert problems_of(starter) == [("01-first-call.yml", 3, "the file is not UTF-8 text — save it as UTF-8")]


@pytest.mark.parametrize("written", ["eighty", "180", "80.5", "true"])
def test_a_wrong_mastery_score_is_one_problem_not_two(starter, written):
    edit(starter / "content" / "course.yml", "mastery_score: 80", f"mastery_score: {written}")
    [(name, line, message)] = problems_of(starter)
    assert (name, line) == ("course.yml", 11) and message.startswith('"mastery_score" is ')


def test_a_setting_written_twice_in_a_question_is_named(starter):
    edit(starter / "content" / "lessons" / "02-listening.md", "explanation: The cue that matters",
         "explanation: Listen first.\nexplanation: The cue that matters")
    assert problems_of(starter) == [("02-listening.md", 27, "`explanation:` appears twice in this question — keep "
                                     "one of them (the other is on line 26)")]


# A line an editor shows is one LF, CRLF or CR ends (VS Code, Vim, Emacs; microsoft/vscode#98989): a
# form feed, vertical tab, \x1c-\x1e, NEL, U+2028 or U+2029 (where str.splitlines() and YAML break)
# in a page or course.yml moved every `check: ignore` comment after it a line away from its finding.
ODD_BREAKS = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def review_errors(folder: Path) -> list[str]:
    from courseforge.check import check_course

    with pytest.raises(ContentErrors) as caught:
        check_course(load(folder, cache=False))
    return [str(error).replace(f"{folder}/", "") for error in caught.value.errors]


@pytest.mark.parametrize("odd", ODD_BREAKS)
def test_a_page_comment_after_an_odd_line_break_is_read_at_its_line(tmp_path, odd):
    from check_support import course, findings, lesson_text

    def page(comment: str) -> dict:
        body = f"A note{odd}pasted from a memo.\n\nFor the policy [click here](../files/p.pdf). {comment}"
        return {"files/p.pdf": b"%PDF", "lessons/01-part-1.md": lesson_text(body=body).encode("utf-8")}

    assert findings(course(tmp_path, page("")), "link-text")[0].location.line == 13
    assert findings(course(tmp_path, page("<!-- check: ignore link-text -->"), "quiet"), "link-text") == []
    assert review_errors(course(tmp_path, page("<!-- check: ignore link-txt -->"), "misspelt")) == [
        'lessons/01-part-1.md:13: "check: ignore" names an unknown rule "link-txt" — did you mean "link-text"?']
    front = lesson_text().replace("title: Part 1", f"title: Part{odd}1").replace("objectives:\n", "objectives:  # check: ignore\n")
    assert review_errors(course(tmp_path, {"lessons/01-part-1.md": front.encode("utf-8")}, "front")) == [
        'lessons/01-part-1.md:4: "check: ignore" names no rule — write the rules or families to switch off '
        'after "ignore", or all']


@pytest.mark.parametrize("odd", ODD_BREAKS)
def test_course_yml_after_an_odd_line_break_is_named_at_its_lines(tmp_path, odd):
    from check_support import course
    from conftest import COURSE_YML

    from courseforge.build import build

    text = COURSE_YML.replace("A course made by a test.", f"A course{odd}made by a test.") + "theme: nope\n"
    folder = course(tmp_path, {"course.yml": text.encode("utf-8")})
    with pytest.raises(ContentErrors) as caught:
        build(folder, tmp_path / "out", ["scorm12"])
    assert [(error.location.line, error.problem) for error in caught.value.errors] == [(9, 'theme "nope" was not found')]
    commented = COURSE_YML.replace("A course made by a test.", f"A course{odd}made by a test.") + \
        "# check: ignore link-text\n"
    assert review_errors(course(tmp_path, {"course.yml": commented.encode("utf-8")}, "commented"))[0].startswith(
        'course.yml:9: a "check: ignore" comment in course.yml switches nothing off')


def _write_bytes_in(path: Path, old: str, new: bytes) -> None:
    data = path.read_bytes()
    assert old.encode() in data
    path.write_bytes(data.replace(old.encode(), new, 1))


# Each: a file of the starter, the text it holds, what replaces it, the line and the message. Control
# characters and NULs reached lxml (which refuses them in cmi5.xml and tincan.xml) or the file system as
# a traceback; each is now one line at its place.
HOSTILE = [
    ("lessons/01-welcome.md", "title: Welcome", b'title: "Wel\\x01come"', 2,
     "YAML syntax error in the front matter: a quoted value makes the control character U+0001, which no "
     "package can carry — remove the escape that makes it, such as \\x01 or \\u0001"),
    ("lessons/01-welcome.md", "title: Welcome", b"title: Wel\x01come", 2,
     "the file holds the control character U+0001, which no package can carry — delete it (an editor may "
     "show it as a box, a ? or ^A)"),
    ("lessons/01-welcome.md", "title: Welcome", b"title: Wel\xef\xbf\xbfcome", 2,
     "the file holds the noncharacter U+FFFF, which no package can carry — delete it (an editor may "
     "show it as a box, a ? or ^A)"),
    ("course.yml", "title: My first course", b'title: "My \\e course"', 2,
     "YAML syntax error: a quoted value makes the control character U+001B, which no package can carry — "
     "remove the escape that makes it, such as \\x01 or \\u0001"),
    ("scenarios/01-first-call.yml", "title: The first call", b'title: "The \\uFFFE call"', 2,
     "YAML syntax error: a quoted value makes the noncharacter U+FFFE, which no package can carry — "
     "remove the escape that makes it, such as \\x01 or \\u0001"),
    ("lessons/01-welcome.md", "title: Welcome", b"title: Welcome\n---\n\n[a](files/a%00b.pdf)\n\n---\nx: y", 5,
     "'files/a\\x00b.pdf' holds a NUL character — remove it from the path"),
]


@pytest.mark.parametrize("name, old, new, line, message", HOSTILE)
def test_a_control_character_or_a_nul_is_one_line_at_its_place(starter, name, old, new, line, message):
    _write_bytes_in(starter / "content" / name, old, new)
    result = run_cli("build", str(starter))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output  # not a traceback
    assert f"{name.rsplit('/', 1)[-1]}:{line}: {message}" in result.output, result.output
    assert not (starter / "build").exists()


def test_a_nul_in_a_listed_page_or_the_logo_is_one_line(starter):
    with open(starter / "content" / "course.yml", "a", encoding="utf-8") as yml:
        yml.write('lessons:\n  - "01-welcome\\0.md"\n  - 02-listening.md\nbranding:\n  logo: "images/a\\0.svg"\n')
    assert problems_of(starter) == [("course.yml", 16, "YAML syntax error: a quoted value makes the control character "
                                     "U+0000, which no package can carry — remove the escape that makes it, such as "
                                     "\\x01 or \\u0001")]


def test_a_name_that_is_not_utf8_is_one_line(starter):
    import os

    lessons = os.fsencode(starter / "content" / "lessons")
    os.rename(os.path.join(lessons, b"02-listening.md"), os.path.join(lessons, b"02-list\xffening.md"))
    result = run_cli("build", str(starter))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "02-list\\udcffening.md: this name is not UTF-8 text — rename it: a package's file names, links and " \
           "cache keys are UTF-8" in result.output
    assert not (starter / "build").exists()


SWALLOWED = "is indented, so it is read as part of the"
LINE_UP = "line it up with the other keys, at the beginning of the line"


@pytest.mark.parametrize("name, old, new, line, message", [
    # a setting indented under a `>-` or `|` value joins its text and does nothing
    ("course.yml", "Replace it with your own.\n", "Replace it with your own.\n  require_scenarios: true\n", 9,
     f'"require_scenarios: true" {SWALLOWED} description — {LINE_UP}'),
    # not "a graded assessment needs a passing score" at the assessment, where nothing is wrong
    ("course.yml", "Replace it with your own.\nauthors:\n  - Your name\nmastery_score: 80",
     "Replace it with your own.\n  mastery_score: 80\nauthors:\n  - Your name", 9,
     f'"mastery_score: 80" {SWALLOWED} description — {LINE_UP}'),
    ("course.yml", "description: >-\n  A short", "description: |\n  A short", None, None),
    ("lessons/01-welcome.md", "title: Welcome\n", "title: >-\n  Welcome\n  minutes: 2\n", 4,
     f'"minutes: 2" {SWALLOWED} title — {LINE_UP}'),
])
def test_a_setting_indented_into_a_block_value_is_named(starter, name, old, new, line, message):
    if line is None:  # the same mistake under a literal `|` value
        edit(starter / "content" / name, old, new)
        name, old, new, line = "course.yml", "your own.\n", "your own.\n  theme: default\n", 9
        message = f'"theme: default" {SWALLOWED} description — {LINE_UP}'
    edit(starter / "content" / name, old, new)
    assert problems_of(starter) == [(Path(name).name, line, message)]


CHECK_FRONT = "title: Check your understanding\nattempts: 3\n"


@pytest.mark.parametrize("name, old, new, line, message", [
    # a setting indented under the one above: one line at it, and for a passing score not "a graded
    # assessment needs a passing score" too (course.yml gives none here, so the page must)
    ("assessments/01-check.md", CHECK_FRONT, "title: >-\n  Check your understanding\n  passing_score: 80\n", 4,
     f'"passing_score: 80" {SWALLOWED} title — {LINE_UP}'),
    ("assessments/01-check.md", CHECK_FRONT, "title: Check\nshuffle:\n  passing_score: 80  # of 100\n", 4,
     f'"passing_score: 80  # of 100" {SWALLOWED} shuffle — {LINE_UP}'),
    # YAML cannot read these at all: the line is named for what it is, not as a syntax error
    ("assessments/01-check.md", CHECK_FRONT, "title: Check your understanding\n  passing_score: 80\n", 3,
     f'"passing_score: 80" {SWALLOWED} title — {LINE_UP}'),
    ("assessments/01-check.md", CHECK_FRONT, "title: Check\nattempts: 3\n  # of 100\n  passing_score: 80\n", 5,
     f'"passing_score: 80" {SWALLOWED} attempts — {LINE_UP}'),
    ("course.yml", "mastery_score: 80", "  mastery_score: 80", 11,
     f'"mastery_score: 80" {SWALLOWED} authors — {LINE_UP}'),
    ("course.yml", "language: en\n", "language:\n  theme: default\n", 6, f'"theme: default" {SWALLOWED} language — '
     f"{LINE_UP}"),  # left empty (en), as written, not refused as "not a text"
])
def test_a_setting_indented_under_another_is_named_and_not_missing(starter, name, old, new, line, message):
    if name.startswith("assessments"):
        edit(starter / "content" / "course.yml", "mastery_score: 80\n", "")
    edit(starter / "content" / name, old, new)
    assert problems_of(starter) == [(Path(name).name, line, message)]


def test_a_setting_indented_under_an_empty_title_leaves_the_title_missing(starter):
    # `title:` holds nothing but the indented setting: its own line says so, the title is missing as written
    edit(starter / "content" / "course.yml", "mastery_score: 80\n", "")
    edit(starter / "content" / "assessments" / "01-check.md", CHECK_FRONT, "title:\n  passing_score: 80\n")
    assert problems_of(starter) == [("01-check.md", 2, '"title" is missing — add a line `title: ...`'),
                                    ("01-check.md", 3, f'"passing_score: 80" {SWALLOWED} title — {LINE_UP}')]


@pytest.mark.parametrize("block", ["strings:\n  start: Go\n", "check:\n  max_grade: 9\n",
                                   "title2:\n  title: x\n"])
def test_a_block_of_settings_or_a_key_that_is_not_one_is_not_named_indented(starter, block):
    # under `strings:` or `check:` an indent is right; under an unknown key, the unknown key is the mistake
    with open(starter / "content" / "course.yml", "a", encoding="utf-8") as yml:
        yml.write(block)
    if block.startswith("title2"):
        assert [message for *_, message in problems_of(starter)] == [
            'unknown key "title2" — did you mean "title"? (allowed: title, identifier, version, language, '
            "description, authors, mastery_score, theme, lessons, assessments, iri, cmi5_au_per_lesson, require_scenarios, "
            "video_size, package_budget_mb, check, one_question_per_screen, branding, strings)"]
    else:
        load(starter, cache=False)


@pytest.mark.parametrize("description", [
    "description: |\n  Title: the course's name, as a learner sees it.\n",
    "description: >-\n  mastery_scores: 80\n",  # not a setting
])
def test_a_block_value_whose_lines_only_look_like_settings_is_fine(starter, description):
    edit(starter / "content" / "course.yml", "description: >-\n  A short", description + "  A short")
    load(starter, cache=False)


@pytest.mark.parametrize("name, old, new, line, message", [
    # YAML 1.1 reads these words as true or false; a text setting said "must be a non-empty text"
    ("course.yml", "language: en", "language: no", 5, "\"no\" is read as yes/no in YAML — put it in quotes: "
     "language: \"no\""),
    ("course.yml", "title: My first course", "title: Off  # for now", 2, "\"Off\" is read as yes/no in YAML — put it "
     "in quotes: title: \"Off\""),
    ("course.yml", "identifier: my-first-course", "identifier: TRUE", 3, "\"TRUE\" is read as true/false in YAML — "
     "put it in quotes: identifier: \"TRUE\""),
    ("lessons/02-listening.md", "title: Listening first", "title: Yes", 2, "\"Yes\" is read as yes/no in YAML — "
     "put it in quotes: title: \"Yes\""),
    ("lessons/02-listening.md", "title: Listening first\n", "id: 'x'\ntitle: no\n", 3, "\"no\" is read as yes/no in "
     "YAML — put it in quotes: title: \"no\""),  # a front matter libyaml reads, not the plain reading
])
def test_a_yes_or_no_word_where_a_text_belongs_is_told_to_be_quoted(starter, name, old, new, line, message):
    edit(starter / "content" / name, old, new)
    assert problems_of(starter) == [(Path(name).name, line, message)]


@pytest.mark.parametrize("name, old, new, line, message", [
    # the same words as list items said "item 1 of "authors" is not a text", which "No" (a surname) is
    ("course.yml", "authors:\n  - Your name", "authors: [No]", 9, "\"No\" is read as yes/no in YAML — put it in "
     "quotes: \"No\""),
    ("course.yml", "authors:\n  - Your name", "authors: [Anna, yes]", 9, "\"yes\" is read as yes/no in YAML — put "
     "it in quotes: \"yes\""),
    ("course.yml", "authors:\n  - Your name", "authors:\n  - off", 10, "\"off\" is read as yes/no in YAML — put it "
     "in quotes: - \"off\""),
    ("course.yml", "  - Your name", "  - Anna\n  - No  # a surname", 11, "\"No\" is read as yes/no in YAML — put it "
     "in quotes: - \"No\""),
    ("course.yml", "authors:\n  - Your name", "authors: No", 9, "\"No\" is read as yes/no in YAML — put it in "
     "quotes: authors: \"No\""),
    ("lessons/01-welcome.md", "  - Recognise the parts of a lesson file", "  - Recognise it\n  - TRUE", 5,
     "\"TRUE\" is read as true/false in YAML — put it in quotes: - \"TRUE\""),
    ("lessons/01-welcome.md", "  - Recognise the parts of a lesson file", "  - 'Recognise: it'\n  - On", 5,
     "\"On\" is read as yes/no in YAML — put it in quotes: - \"On\""),  # a front matter libyaml reads
])
def test_a_yes_or_no_word_in_a_list_is_told_to_be_quoted(starter, name, old, new, line, message):
    edit(starter / "content" / name, old, new)
    assert problems_of(starter) == [(Path(name).name, line, message)]


@pytest.mark.parametrize("written, kept", [
    # as a setting's (`title: 12:30`), an item YAML reads as a number or a date is kept as written
    ("[1.10, '12:30', 12:30]", ("1.10", "12:30", "12:30")),
    ("\n  - 2024-01-05\n  - 3", ("2024-01-05", "3")),
    ("1984", ("1984",)),
    ("[\"No\", 'off']", ("No", "off")),  # quoted, as the message says
])
def test_a_list_item_read_as_a_number_or_date_is_kept_as_written(starter, written, kept):
    edit(starter / "content" / "course.yml", "authors:\n  - Your name", f"authors: {written}".replace(": \n", ":\n"))
    edit(starter / "content" / "lessons" / "01-welcome.md", "  - Recognise the parts of a lesson file", "  - 1.10")
    course = load(starter, cache=False)
    assert (course.config.authors, course.lessons[0].objectives) == (kept, ("1.10",))


def test_a_quoted_yes_or_no_word_is_a_text(starter):
    edit(starter / "content" / "course.yml", "language: en", 'language: "no"')
    edit(starter / "content" / "lessons" / "02-listening.md", "title: Listening first", "title: 'Yes'")
    course = load(starter, cache=False)
    assert (course.config.language, course.lessons[1].title) == ("no", "Yes")


WELCOME = "![A page of a course: a title, two lines of text and a green tick.](../images/welcome.svg)"


@pytest.mark.parametrize("written, message", [
    # a path as Windows' Explorer copies it is a file on the author's computer, not on the internet
    (r"![A picture](C:\Users\anna\Desktop\welcome.svg)", r"image 'C:\Users\anna\Desktop\welcome.svg' is a file on "
     "this computer, which learners do not have — copy it into the course folder (e.g. images/) and link to that: "
     "../images/welcome.svg"),
    ("[the policy](C:/Users/anna/policy.pdf)", "link 'C:/Users/anna/policy.pdf' is a file on this computer, which "
     "learners do not have — copy it into the course folder (e.g. files/) and link to that: ../files/policy.pdf"),
    (r"![A picture](..\images\welcome.svg)", r"'..\images\welcome.svg' has \ between its folders, which web "
     r"addresses do not take — write / instead: ../images/welcome.svg"),
    ("![A picture](../images/Welcome.SVG)", "'../images/Welcome.SVG' does not exist — did you mean "
     "../images/welcome.svg? names must match in case: LMS servers tell them apart"),
    ("![A picture](../Images/welcome.svg)", "'../Images/welcome.svg' does not exist — did you mean "
     "../images/welcome.svg? names must match in case: LMS servers tell them apart"),
    ("![A picture](images/welcome.svg)", "'images/welcome.svg' does not exist — the path is relative to this "
     "lesson file: write ../images/welcome.svg"),
    ("[our policy](www.example.com/policy)", "'www.example.com/policy' does not exist in the course — to link to a "
     "web page, write its whole address: https://www.example.com/policy"),
    ("[our policy](example.org)", "'example.org' does not exist in the course — to link to a web page, write its "
     "whole address: https://example.org"),
    ("![A picture](../images/welcome.png)", "'../images/welcome.png' does not exist — check the spelling and that "
     "the path is relative to this lesson file"),  # no file it could mean: the usual advice
])
def test_a_path_an_author_got_wrong_says_what_to_write(starter, written, message):
    edit(starter / "content" / "lessons" / "01-welcome.md", WELCOME, written)
    assert problems_of(starter) == [("01-welcome.md", 21, message)]


@pytest.mark.parametrize("name, old, new, value", [
    # a text YAML 1.1 reads as a number or a date is kept as written: 12:30 is 750 to it, 1.10 is 1.1,
    # and a date was refused as "must be a non-empty text"
    ("course.yml", "title: My first course", "title: 12:30", "12:30"),
    ("course.yml", 'version: "1.0.0"', "version: 2024-01-05  # the release", "2024-01-05"),
    ("lessons/02-listening.md", "title: Listening first", "title: 1.10", "1.10"),
    ("lessons/02-listening.md", "title: Listening first", "title: 101", "101"),
])
def test_a_text_written_as_a_number_or_date_is_kept_as_written(starter, name, old, new, value):
    edit(starter / "content" / name, old, new)
    course = load(starter, cache=False)
    key = new.split(":")[0]
    assert (getattr(course.config, key) if name == "course.yml" else course.lessons[1].title) == value


@pytest.mark.parametrize("item, rename, hint", [
    # the name to write, where "list file names inside lessons/" left the author to guess it
    ("01-welcome", None, "write 01-welcome.md: the list names each page's file"),
    ("01-welcome.MD", None, "write 01-welcome.md: the list names each page's file"),
    ("01-welcome.MD", "01-welcome.MD", "rename the file to 01-welcome.md (only .md files are read as pages) and "
     "list that name"),
])
def test_a_lesson_listed_without_md_is_told_the_name_to_write(starter, item, rename, hint):
    if rename:
        (starter / "content" / "lessons" / "01-welcome.md").rename(starter / "content" / "lessons" / rename)
    with open(starter / "content" / "course.yml", "a", encoding="utf-8") as yml:
        yml.write(f"lessons:\n  - {item}\n  - 02-listening.md\n")
    assert ("course.yml", 13, f'"{item}" is not a .md file in lessons/ — {hint}') in problems_of(starter)


def _not_a_box(written: str, fix: str = 'write "- [ ]" or "- [x]"') -> str:
    return f'"{written}" is not an answer box — {fix}'


@pytest.mark.parametrize("written, message", [
    # an answer line typed a little wrong is one line at its place, not text added to the question
    # (where the learner read "[] a" and had an option fewer) nor a count of options it left short
    ("- [] a", _not_a_box("- []", 'write "- [ ]" (with a space) or "- [x]"')),
    ("* [] a", _not_a_box("* []", 'write "- [ ]" (with a space) or "- [x]"')),
    ("- ( ) a", _not_a_box("- ( )", 'write "- [ ]" or "- [x]", with square brackets')),
    ("- (x) a", _not_a_box("- (x)", 'write "- [ ]" or "- [x]", with square brackets')),
    ("- [ x ] a", _not_a_box("- [ x ]")),
    ("- [✓] a", _not_a_box("- [✓]")),
    ("-[ ] a", '"-[ ]" needs one space between "-" and the box — write "- [ ] …"'),
    ("-  [x] a", '"-  [x]" needs one space between "-" and the box — write "- [x] …"'),
    ("+ [ ] a", 'answer lines start with "- ", not "+" — write "- [ ] …"'),
    ("1. [ ] a", 'answer lines start with "- ", not a number — write "- [ ] …"'),
    ("  2) [x] a", 'answer lines start with "- ", not a number — write "- [x] …"'),
    ("[ ] a", '"[ ]" needs "- " before it: answer lines start with "- " — write "- [ ] …"'),
    ("[x] a", '"[x]" needs "- " before it: answer lines start with "- " — write "- [x] …"'),
])
def test_an_answer_line_typed_wrong_is_one_line_at_its_place(starter, written, message):
    with open(starter / "content" / "lessons" / "02-listening.md", "a", encoding="utf-8") as page:
        page.write(f"\n::: question q multiple\nWhich?\n{written}\n  feedback: Right.\n- [x] b\n:::\n")
    assert problems_of(starter) == [("02-listening.md", 31, message)]


def test_numbered_options_are_named_at_each_line_and_nothing_else(starter):
    page = starter / "content" / "lessons" / "02-listening.md"
    edit(page, "- [ ] That the parcel is late", "1. [ ] That the parcel is late")
    edit(page, "- [x] That it is a present", "2. [x] That it is a present")
    message = 'answer lines start with "- ", not a number — write "- [{}] …"'
    assert problems_of(starter) == [("02-listening.md", 22, message.format(" ")),
                                    ("02-listening.md", 24, message.format("x"))]


@pytest.mark.parametrize("written", ["- [X] b", "* [ ] b", "- [x]b", "  - [ ] b"])
def test_answer_lines_the_syntax_takes_still_make_options(starter, written):
    with open(starter / "content" / "lessons" / "02-listening.md", "a", encoding="utf-8") as page:
        page.write(f"\n::: question q multiple\n[Listen first] Which?\n- [x] a\n{written}\n:::\n")
    question = load(starter, cache=False).lessons[1].questions[-1]
    assert [o.text for o in question.options] == ["a", "b"] and "[Listen first]" in question.prompt_html


ORDER_FIX = "list the items in the right order, numbered 1, 2, 3… (or every one 1.)"


@pytest.mark.parametrize("items, line, problem", [
    # the key is the order the items are written in: a number out of place would make a key not meant
    ("1. Listen\n3. Say back\n2. Offer", 32, "item numbered 3 comes before 2"),
    ("1. Listen\n1. Say back\n2. Offer", 32, "this item is numbered 1, like the one on line 31"),
    ("1. Listen\n2. Say back\n2. Offer", 33, "this item is numbered 2, like the one on line 32"),
    ("2. Listen\n3. Say back", 31, "item numbered 2 is where 1 belongs"),
    ("1) Listen\n2) Say back\n4) Offer", 33, "item numbered 4 is where 3 belongs"),
])
def test_ordering_items_numbered_out_of_order_are_named(starter, items, line, problem):
    with open(starter / "content" / "lessons" / "02-listening.md", "a", encoding="utf-8") as page:
        page.write(f"\n::: question q ordering\nPut them in order.\n{items}\n:::\n")
    assert problems_of(starter) == [("02-listening.md", line, f"{problem} — {ORDER_FIX}")]


def test_ordering_items_numbered_in_order_keep_their_order(starter):
    with open(starter / "content" / "lessons" / "02-listening.md", "a", encoding="utf-8") as page:
        page.write("\n::: question q ordering\nPut them in order.\n01. Listen\n02. Say back\n3) Offer\n:::\n")
    question = load(starter, cache=False).lessons[1].questions[-1]
    assert [o.text for o in question.options] == ["Listen", "Say back", "Offer"]


@pytest.mark.parametrize("items", ["1. Listen\n1. Say back\n1. Offer", "1) Listen\n1) Say back\n1) Offer",
                                   "3. Listen\n03. Say back\n3. Offer"])
def test_ordering_items_all_numbered_alike_keep_their_order(starter, items):
    # Markdown's lazy numbering (every item `1.`) shows 1, 2, 3: the items are in the order written
    with open(starter / "content" / "lessons" / "02-listening.md", "a", encoding="utf-8") as page:
        page.write(f"\n::: question q ordering\nPut them in order.\n{items}\n:::\n")
    question = load(starter, cache=False).lessons[1].questions[-1]
    assert [o.text for o in question.options] == ["Listen", "Say back", "Offer"]


def test_an_assessment_whose_only_question_is_wrong_is_not_also_called_empty(starter):
    page = starter / "content" / "assessments" / "01-check.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text[:text.index("::: question")] + "::: question ord1 ordering\nPut the steps in order.\n"
                    "1. Listen\n3. Say back the detail\n2. Offer a solution\n:::\n", encoding="utf-8")
    assert problems_of(starter) == [("01-check.md", 11, f"item numbered 3 comes before 2 — {ORDER_FIX}")]


JOINED = 'this line continues objective 1 — line the "-" up with the one above to make it a separate objective'


@pytest.mark.parametrize("written", ["   - Say back the detail", "    - Say back the detail", "   -"])
def test_an_objective_indented_too_far_is_named_not_joined_to_the_one_above(starter, written):
    edit(starter / "content" / "lessons" / "02-listening.md", "customer\nminutes:", f"customer\n{written}\nminutes:")
    assert problems_of(starter) == [("02-listening.md", 5, JOINED)]


def test_an_objective_joined_in_the_middle_of_the_list_names_its_own(starter):
    edit(starter / "content" / "lessons" / "02-listening.md", "customer\nminutes:",
         "customer\n  - Say back the detail\n     - Offer a fix\n  - Check it worked\nminutes:")
    assert problems_of(starter) == [("02-listening.md", 6, JOINED.replace("objective 1", "objective 2"))]


@pytest.mark.parametrize("written, objective", [
    # a line YAML rightly reads as more of the objective: its text, not a mistake
    ("  - Notice the detail\n    that matters", "Notice the detail that matters"),
    ("  - >-\n    Notice the detail:\n    - the one that matters", "Notice the detail: - the one that matters"),
])
def test_an_objective_written_on_two_lines_is_one_objective(starter, written, objective):
    edit(starter / "content" / "lessons" / "02-listening.md", "  - Notice the detail that matters to the customer",
         written)
    assert load(starter, cache=False).lessons[1].objectives == (objective,)


BARE_END = 'a block ends with a bare ":::" — delete "{}"'


@pytest.mark.parametrize("name, old, new, line, word", [
    # `::: end` opens a block "end" inside the one it was meant to close: one line, not three
    ("lessons/01-welcome.md", "on a phone.\n:::", "on a phone.\n::: end", 25, "end"),
    ("lessons/02-listening.md", "an apology.\n:::", "an apology.\n::: end", 15, "end"),
    ("lessons/02-listening.md", "to the customer.\n:::", "to the customer.\n:::   END", 27, "END"),
])
def test_a_block_closed_with_end_is_one_line_at_that_line(starter, name, old, new, line, word):
    edit(starter / "content" / name, old, new)
    assert problems_of(starter) == [(Path(name).name, line, BARE_END.format(word))]


def test_each_block_closed_with_end_is_named_once(starter):
    page = starter / "content" / "lessons" / "02-listening.md"
    edit(page, "an apology.\n:::", "an apology.\n::: end")
    edit(page, "to the customer.\n:::", "to the customer.\n::: end")
    assert problems_of(starter) == [("02-listening.md", 15, BARE_END.format("end")),
                                    ("02-listening.md", 27, BARE_END.format("end"))]


BROKEN_FRONT = "---\ntitle: [a title\n---\n\nText.\n"


@pytest.mark.parametrize("command, again", [("build", "build again"), ("check", "check again")])
def test_thousands_of_mistakes_print_the_first_fifty_and_count_the_rest(starter, command, again):
    # 60 lessons with a front matter YAML cannot read: 60 lines pushed the first ones off the screen
    lessons = starter / "content" / "lessons"
    for number in range(3, 63):
        (lessons / f"{number:02d}-more.md").write_text(BROKEN_FRONT, encoding="utf-8")
    result = run_cli(command, str(starter))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    lines = result.output.splitlines()
    named = [line for line in lines if "-more.md:3: YAML syntax error" in line]
    assert [line.split(":", 1)[0].rsplit("/", 1)[1] for line in named] == [f"{n:02d}-more.md" for n in range(3, 53)]
    outcome = "nothing was written" if command == "build" else "the course was not reviewed"
    assert lines[-2:] == [f"… and 10 more problems — fix these and {again}", f"60 problems found; {outcome}."]
    assert not (starter / "build").exists()


def test_fifty_mistakes_are_all_printed(starter):
    lessons = starter / "content" / "lessons"
    for number in range(3, 53):
        (lessons / f"{number:02d}-more.md").write_text(BROKEN_FRONT, encoding="utf-8")
    lines = run_cli("build", str(starter)).output.splitlines()
    assert len(lines) == 51 and lines[-1] == "50 problems found; nothing was written."


def test_the_warnings_met_before_a_stop_are_capped_too(starter):
    # 30 pages left out (saved as .MD) and one error: the warnings come first, the first 25 of them
    lessons = starter / "content" / "lessons"
    for number in range(3, 33):
        (lessons / f"{number:02d}-more.MD").write_text("---\ntitle: More\n---\n\nText.\n", encoding="utf-8")
    edit(lessons / "01-welcome.md", "title: Welcome", "title: [Welcome")
    lines = run_cli("build", str(starter)).output.splitlines()
    assert [line.startswith("warning: ") for line in lines] == [True] * 26 + [False] * 2
    assert lines[25] == "warning: 5 more warnings (5 files) — `courseforge check --json` lists them all"
    assert "01-welcome.md:" in lines[26] and lines[27] == "1 problem found; nothing was written."
