"""`courseforge new`: a starter that builds as it is, the shipped example, and no overwriting."""
import zipfile

from click.testing import CliRunner

from conftest import REPO
from courseforge.build import FORMATS, build
from courseforge.check import check_course
from courseforge.cli import main
from courseforge.loader import load


def test_new_then_build_makes_every_package(tmp_path):
    project = tmp_path / "my-course"
    result = CliRunner().invoke(main, ["new", str(project)])
    assert result.exit_code == 0, result.output
    assert (project / "AUTHORING.md").is_file() and (project / ".gitignore").is_file()
    course = load(project)
    assert len(course.lessons) == 2 and course.lessons[1].questions
    assert [quiz.graded for quiz in course.quizzes] == [True]
    assert len(course.scenarios) == 1 and len(course.scenarios[0].scenes) == 2
    assert [asset.target for asset in course.assets] == ["assets/images/welcome.svg"]
    assert course.warnings == []
    zips = build(project, project / "build")
    assert sorted(path.name for path in zips) == sorted(f"my-first-course-{name}.zip" for name in FORMATS)
    names = zipfile.ZipFile(project / "build" / "my-first-course-scorm12.zip").namelist()
    assert "assets/images/welcome.svg" in names
    assert sum(name.endswith(".mp4") for name in names) == 2


def test_the_starter_passes_its_own_review(tmp_path):
    """What a newcomer meets first sets the bar: `check` finds nothing and `build --strict` builds."""
    project = tmp_path / "my-course"
    CliRunner().invoke(main, ["new", str(project)])
    report = check_course(load(project))
    assert [str(found) for found in report.findings] == []
    checked = {question.id: question.objectives for page in load(project).pages for question in page.questions}
    assert all(checked.values()), f"every question names the objective it checks: {checked}"
    result = CliRunner().invoke(main, ["build", str(project), "--strict", "--format", "scorm12"])
    assert result.exit_code == 0, result.output


def test_example_copies_the_shipped_course(tmp_path):
    project = tmp_path / "empathy"
    result = CliRunner().invoke(main, ["new", str(project), "--example", "empathy"])
    assert result.exit_code == 0, result.output
    shipped = sorted(p.relative_to(REPO / "content") for p in (REPO / "content").rglob("*") if p.is_file())
    copied = sorted(p.relative_to(project / "content") for p in (project / "content").rglob("*") if p.is_file())
    assert copied == shipped
    assert (project / "content" / "course.yml").read_bytes() == (REPO / "content" / "course.yml").read_bytes()
    assert load(project).id == "empathy-in-service"


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    project = tmp_path / "used"
    project.mkdir()
    (project / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["new", str(project)])
    assert result.exit_code == 1
    assert "this folder is not empty" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in project.iterdir()) == ["notes.txt"]


def test_new_makes_missing_parent_folders_and_accepts_an_empty_one(tmp_path):
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "a" / "b"):
        assert CliRunner().invoke(main, ["new", str(folder)]).exit_code == 0
        assert (folder / "content" / "course.yml").is_file()


def test_every_example_in_authoring_md_builds(tmp_path):
    """AUTHORING.md teaches by example: each of its examples must be accepted as written."""
    import re

    from courseforge.scaffold import STARTER

    blocks = re.findall(r"```(\w+)\n(.*?)```", (STARTER / "AUTHORING.md").read_text(), re.S)
    examples = [text for kind, text in blocks if kind in ("markdown", "yaml")]
    course_yml, lesson_md, question_md, assessment_md, objective_md, scenario_yml = examples
    project = tmp_path / "project"
    CliRunner().invoke(main, ["new", str(project)])
    content = project / "content"
    (content / "course.yml").write_text(course_yml)
    (content / "lessons" / "02-listening.md").write_text(lesson_md + "\n" + question_md)
    (content / "assessments" / "01-check.md").write_text(assessment_md)
    (content / "scenarios" / "01-first-call.yml").write_text(scenario_yml)
    course = load(project)
    assert [q.id for q in course.lessons[1].questions] == ["late-parcel-cue"]
    assert [q.id for q in course.quizzes[0].questions] == ["check-listening"]
    assert list(course.scenarios[0].scenes) == ["the-call", "sorted"]
    front = assessment_md[:assessment_md.index("---", 3) + 4]
    (content / "assessments" / "01-check.md").write_text(front + "\n" + objective_md)
    [question] = load(project).quizzes[0].questions
    assert question.objectives == ("listening#1",)
    said = [str(found) for found in check_course(load(project)).findings]
    assert not any("listening" in message and "objective" in message for message in said), said
