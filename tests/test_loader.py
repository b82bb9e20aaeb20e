from pathlib import Path

import pytest

from conftest import COURSE_YML, lesson
from courseforge.errors import ContentErrors
from courseforge.loader import load

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def errors_of(course_dir):
    with pytest.raises(ContentErrors) as caught:
        load(course_dir)
    return [str(e) for e in caught.value.errors]


def test_loads_lessons_in_file_name_order(make_course):
    course = load(make_course())
    assert [l.id for l in course.lessons] == ["part-1", "part-2", "part-3"]
    assert [l.number for l in course.lessons] == [1, 2, 3]
    first = course.lessons[0]
    assert first.title == "Part 1" and first.objectives == ("Learn about part 1",) and first.minutes == 5
    assert "<h2>Section 1</h2>" in first.html and "callout-story" in first.html


def test_project_folder_with_content_subfolder(make_course, tmp_path):
    project = tmp_path / "project"
    make_course(root=project / "content")
    course = load(project)
    assert course.root == project / "content" and course.project == project


def test_lesson_order_from_course_yml(make_course):
    folder = make_course({"course.yml": COURSE_YML + "lessons:\n  - 03-part-3.md\n  - 01-part-1.md\n"})
    course = load(folder)
    assert [l.id for l in course.lessons] == ["part-3", "part-1"]
    assert [str(w) for w in course.warnings] == [
        f"{w.location}: this page is not listed in course.yml, so it is left out — "
        "add it under `lessons:` or delete the file" for w in course.warnings]
    assert len(course.warnings) == 1 and "02-part-2.md" in str(course.warnings[0])


def test_missing_lesson_file(make_course):
    folder = make_course({"course.yml": COURSE_YML + "lessons:\n  - 01-part-1.md\n  - 09-nope.md\n"})
    [error] = errors_of(folder)
    assert error.endswith('course.yml:11: file "lessons/09-nope.md" does not exist — create it or fix '
                          'the name (files there: 01-part-1.md, 02-part-2.md, 03-part-3.md)')


def test_duplicate_lesson_id(make_course):
    folder = make_course({"lessons/04-again.md": lesson("part-1", "Again")})
    [error] = errors_of(folder)
    assert error.endswith('04-again.md:2: page id "part-1" is already used by 01-part-1.md — '
                          "give each lesson and assessment a unique `id:` in its front matter")


def test_unknown_front_matter_key(make_course):
    folder = make_course({"lessons/01-part-1.md": lesson("part-1", "P", objectivs="x")})
    [error] = errors_of(folder)
    assert '01-part-1.md:7: unknown key "objectivs" — did you mean "objectives"?' in error


def test_malformed_front_matter(make_course):
    folder = make_course({"lessons/01-part-1.md": "---\nid: a\ntitle: [oops\n---\nBody\n"})
    [error] = errors_of(folder)
    assert "01-part-1.md:" in error and "YAML syntax error in the front matter" in error


def test_missing_front_matter(make_course):
    folder = make_course({"lessons/01-part-1.md": "Just text\n"})
    [error] = errors_of(folder)
    assert error.endswith("01-part-1.md:1: the page has no front matter — start the file with `---`, "
                          "a `title: ...` line and `---`")


def test_image_is_copied_as_an_asset(make_course):
    folder = make_course({"images/chart.png": PNG,
                          "lessons/01-part-1.md": lesson("part-1", "P", "![A chart](../images/chart.png)\n")})
    course = load(folder)
    assert [a.target for a in course.assets] == ["assets/images/chart.png"]
    assert '<img src="assets/images/chart.png" alt="A chart"' in course.lessons[0].html


def test_broken_image_path(make_course):
    folder = make_course({"lessons/01-part-1.md": lesson("part-1", "P", "Text\n\n![A chart](../images/nope.png)\n")})
    [error] = errors_of(folder)
    assert error.endswith("01-part-1.md:11: '../images/nope.png' does not exist — check the spelling and "
                          "that the path is relative to this lesson file")


def test_path_escaping_the_course(make_course, tmp_path):
    (tmp_path / "secret.txt").write_text("secret")
    folder = make_course({"lessons/01-part-1.md": lesson("part-1", "P", "[s](../../secret.txt)\n")})
    [error] = errors_of(folder)
    assert "01-part-1.md:9: '../../secret.txt' points outside the course folder" in error


def test_absolute_path_escaping_the_course(make_course):
    folder = make_course({"lessons/01-part-1.md": lesson("part-1", "P", "![x](/etc/hostname)\n")})
    [error] = errors_of(folder)
    assert "01-part-1.md:9: '/etc/hostname' points outside the course folder" in error


def test_symlink_escaping_the_project_stops_before_anything_is_read(make_course, tmp_path):
    # Reading through the link could print a file of this machine in an error (a public CI log).
    (tmp_path / "outside.png").write_bytes(PNG)
    folder = make_course({"lessons/01-part-1.md": lesson("part-1", "P", "![y](../link.png)\n\n![x](/etc/hostname)\n")})
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    [error] = errors_of(folder)
    assert error.endswith("course/link.png: this link points outside the project — "
                          "copy the file or folder here instead of linking to it")


def test_external_image_is_an_error_but_external_link_is_fine(make_course):
    folder = make_course({"lessons/01-part-1.md": lesson(
        "part-1", "P", "[site](https://example.org)\n\n![x](https://example.org/x.png)\n")})
    [error] = errors_of(folder)
    assert "01-part-1.md:11: image 'https://example.org/x.png' is loaded from the internet" in error


def test_every_problem_in_one_run(make_course):
    folder = make_course({
        "course.yml": COURSE_YML + "colour: red\n",
        "lessons/01-part-1.md": lesson("part-1", "P", "::: stroy\nx\n:::\n"),
        "lessons/02-part-2.md": lesson("part-1", "Q", "![x](nope.png)\n"),
    })
    errors = errors_of(folder)
    assert len(errors) == 4
    assert any('unknown key "colour"' in e for e in errors)
    assert any('unknown callout "::: stroy"' in e for e in errors)
    assert any("already used" in e for e in errors)
    assert any("'nope.png' does not exist" in e for e in errors)


def test_no_course_file(tmp_path):
    [error] = errors_of(tmp_path)
    assert "has no course.yml, and no content/course.yml either" in error
    assert "run the command in a course project (`courseforge new` makes one)" in error  # check, preview: not "build"


def test_a_folder_inside_a_course_names_the_course_to_pass(make_course, monkeypatch):
    # `courseforge check content/lessons` said "no course.yml here or in lessons/content/".
    course = make_course()
    monkeypatch.chdir(course.parent)
    [error] = errors_of(Path(course.name) / "lessons")
    assert error == (f"{course.name}/lessons: has no course.yml, and no content/course.yml either — it is inside "
                     f"the course {course.name}: pass that folder, or run the command there")


def test_no_lessons(make_course):
    folder = make_course(lessons=0)
    [error] = errors_of(folder)
    assert "course.yml: the course has no lessons in lessons/" in error


def test_non_ascii_asset_name(make_course):
    folder = make_course({"images/café chart.png": PNG,
                          "lessons/01-part-1.md": lesson("part-1", "P", "![x](<../images/café chart.png>)\n")})
    [error] = errors_of(folder)
    assert "has spaces or non-ASCII characters — rename it" in error


QUIZ = """---
id: final
title: Final assessment
draw: 2
attempts: 2
shuffle: true
---

Answer every question.

::: question q-one single
Which?
- [x] A
- [ ] B
:::

::: question q-two true-false
True?
- [x] True
- [ ] False
:::

::: question q-feel likert
Useful?
:::
"""


def test_assessment_pages_follow_lessons(make_course):
    folder = make_course({"assessments/01-final.md": QUIZ,
                          "lessons/01-part-1.md": lesson("part-1", "P", "::: question kc single\nQ?\n- [x] Y\n- [ ] N\n:::\n")})
    course = load(folder)
    [quiz] = course.quizzes
    assert (quiz.id, quiz.number, quiz.draw, quiz.attempts, quiz.shuffle, quiz.show_answers) == ("final", 4, 2, 2, True, True)
    assert quiz.passing_score == 80 and quiz.graded  # from the course's mastery score
    assert [q.id for q in quiz.questions] == ["q-one", "q-two", "q-feel"]
    assert [q.id for q in course.lessons[0].questions] == ["kc"]
    assert '<div data-cf-question="kc"></div>' in course.lessons[0].html
    assert [p.id for p in course.pages] == ["part-1", "part-2", "part-3", "final"]


def test_pool_larger_than_its_questions(make_course):
    folder = make_course({"assessments/01-final.md": QUIZ.replace("draw: 2", "draw: 3")})
    [error] = errors_of(folder)
    assert error.endswith("01-final.md:4: draw: 3 is more than the 2 graded questions on this page — "
                          "lower `draw` or add questions")


def test_duplicate_question_id_across_pages(make_course):
    folder = make_course({"assessments/01-final.md": QUIZ,
                          "lessons/02-part-2.md": lesson("part-2", "P", "::: question q-one single\nQ?\n- [x] Y\n- [ ] N\n:::\n")})
    [error] = errors_of(folder)
    assert '01-final.md:11: question id "q-one" is already used in 02-part-2.md:9' in error


def test_question_errors_carry_the_page_path(make_course):
    folder = make_course({"lessons/01-part-1.md": lesson("part-1", "P", "Intro\n\n::: question kc single\nQ?\n- [ ] Y\n- [ ] N\n:::\n")})
    [error] = errors_of(folder)
    assert error.endswith('01-part-1.md:11: question "kc" has no correct option — mark the right one(s) with `- [x]`')


def test_graded_assessment_needs_a_passing_score(make_course):
    folder = make_course({"course.yml": COURSE_YML.replace("mastery_score: 80\n", ""),
                          "assessments/01-final.md": QUIZ})
    [error] = errors_of(folder)
    assert "a graded assessment needs a passing score" in error


def test_pages_paths_are_those_slash_makes(tmp_path):
    """The loader makes 5 000 lessons' paths with pathlib's child maker: the same Path objects as `/`,
    whatever the name, and `/` itself on a Python without it."""
    from courseforge.loader import _child_maker

    names = ["01-welcome.md", "a b.md", "é-ü.md", "-dash.md", "x:y.md", "tab\tname.md", "back\\slash.md", "...md"]
    folder = tmp_path / "lessons"
    made = list(map(_child_maker(folder), names))
    assert made == [folder / name for name in names]
    assert [str(path) for path in made] == [str(folder / name) for name in names]
    assert [path.name for path in made] == names and all(path.parent == folder for path in made)
    plain = type("PlainPath", (), {"joinpath": folder.joinpath})()  # no private maker: `/`'s own
    assert list(map(_child_maker(plain), names)) == made
