import json
import subprocess
import sys
import zipfile

from click.testing import CliRunner

from conftest import lesson
from courseforge import __version__
from courseforge.cli import main


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "courseforge", *args], cwd=cwd,
                          capture_output=True, text=True)


def test_version_and_help():
    runner = CliRunner()
    assert runner.invoke(main, ["--version"]).output.strip() == f"courseforge, version {__version__}"
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0 and "build" in result.output and "validate" in result.output


def test_build_in_a_project_folder_writes_build(make_course, tmp_path):
    project = tmp_path / "project"
    make_course(root=project / "content")
    result = run("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "build" / "tiny-course-scorm12.zip").is_file()
    assert "tiny-course-scorm12.zip" in result.stdout and "MB" in result.stdout


def test_build_with_path_out_and_format(make_course, tmp_path):
    folder = make_course()
    result = CliRunner().invoke(main, ["build", str(folder), "--out", str(tmp_path / "dist"), "--format", "scorm12"])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(tmp_path / "dist" / "tiny-course-scorm12.zip")


def test_content_errors_exit_1_with_every_problem_and_no_traceback(make_course, tmp_path):
    folder = make_course({"lessons/02-part-2.md": lesson("part-1", "Dup"),
                          "lessons/03-part-3.md": lesson("part-3", "P", "![x](gone.png)\n")})
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.zip").write_bytes(b"previous build")
    result = run("build", str(folder), "--out", str(out), cwd=folder)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0] == ('lessons/02-part-2.md:2: page id "part-1" is already used by 01-part-1.md — '
                        "give each lesson and assessment a unique `id:` in its front matter")
    assert lines[1].startswith("lessons/03-part-3.md:9: 'gone.png' does not exist — ")
    assert lines[-1] == "2 problems found; nothing was written."
    assert [p.name for p in out.iterdir()] == ["old.zip"]


def test_usage_errors_exit_2(tmp_path):
    assert run("build", str(tmp_path / "missing")).returncode == 2
    assert run("build", "--format", "pdf").returncode == 2


def test_validate_command(make_course, tmp_path):
    folder = make_course()
    run("build", str(folder), "--out", str(tmp_path / "out"))
    package = tmp_path / "out" / "tiny-course-scorm12.zip"
    ok = run("validate", str(package))
    assert ok.returncode == 0 and "valid" in ok.stdout
    (tmp_path / "bad.zip").write_bytes(b"nope")
    bad = run("validate", str(tmp_path / "bad.zip"))
    assert bad.returncode == 1 and "INVALID" in bad.stdout and "Traceback" not in bad.stderr


def test_the_version_fast_path_says_what_click_says():
    fast = run("--version")
    assert fast.returncode == 0 and fast.stdout == CliRunner().invoke(main, ["--version"]).output


def test_a_build_shows_its_first_warnings_and_counts_the_rest_by_rule(make_course, tmp_path):
    # 30 lessons whose objectives no question assesses, each claiming more minutes than its words take:
    # two warnings each, 60 in all, the objectives' first.
    folder = make_course(lessons=30)
    built = run("build", str(folder), "--format", "scorm12", "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    lines = built.stderr.splitlines()
    shown = [line for line in lines if line.startswith("warning: ") and "[objective-unassessed]" in line]
    assert len(shown) == 25 and len(lines) == 26
    assert lines[-1] == ("warning: 35 more warnings (30 time-claim, 5 objective-unassessed) — "
                         "run `courseforge check` to list them all")
    assert "built 1 package" in built.stdout
    listed = json.loads(run("check", str(folder), "--json").stdout)
    assert listed["counts"] == {"objective-unassessed": 30, "time-claim": 30}


def test_a_build_with_few_warnings_shows_every_one(make_course, tmp_path):
    built = run("build", str(make_course(lessons=3)), "--format", "scorm12", "--out", str(tmp_path / "out"))
    assert built.returncode == 0 and built.stderr.count("\nwarning: ") + 1 == 6 == len(built.stderr.splitlines())
    assert "more warning" not in built.stderr


def test_a_title_too_long_for_scorm_is_a_located_error_not_a_traceback(make_course, tmp_path):
    long_title = "A very long course title about customer service and empathy " * 4
    folder = make_course({"course.yml": f'title: "{long_title.strip()}"\nidentifier: tiny-course\n'})
    result = run("build", str(folder), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "course.yml:1: title is 239 characters long; SCORM allows 200" in result.stderr + result.stdout
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
