"""Defects found using the command line as a demanding user would, each pinned by the test that found it."""
import errno
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from courseforge.build import build


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_ctrl_c_while_zips_are_renamed_into_place_puts_the_previous_ones_back(make_course, tmp_path, monkeypatch):
    folder, out = make_course(), tmp_path / "out"
    old = {p.name: sha(p) for p in build(folder, out, ["scorm12", "cmi5", "tincan"])}
    (folder / "lessons" / "01-part-1.md").write_text((folder / "lessons" / "01-part-1.md").read_text() + "\nMore.\n")
    real, placed = os.replace, []

    def interrupted_at_the_second(src, dst, *args, **kwargs):
        if str(dst).endswith(".zip") and os.path.dirname(dst) == str(out):
            placed.append(dst)
            if len(placed) == 2:
                raise KeyboardInterrupt
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", interrupted_at_the_second)
    with pytest.raises(KeyboardInterrupt):
        build(folder, out, ["scorm12", "cmi5", "tincan"])
    assert {p.name: sha(p) for p in out.iterdir()} == old


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "courseforge", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


def test_new_where_no_folder_can_be_made_is_one_located_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    for target, problem in ((blocker / "course", "cannot write the project here: Not a directory"),
                            (tmp_path / "dangling", "this is a link to nothing")):
        result = run_cli("new", target)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.splitlines()[0].startswith(f"{target}: {problem} — "), result.stderr


def test_new_that_fails_half_way_leaves_no_half_made_project(tmp_path, monkeypatch):
    from courseforge import scaffold
    from courseforge.errors import ContentErrors

    real = shutil.copytree

    def disk_full_on_the_example(source, target, *args, **kwargs):
        if Path(target).name == "content" and not args:  # the example's copy, not copytree's own recursion
            real(source, target, ignore=lambda folder, names: names[len(names) // 2:])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(shutil, "copytree", disk_full_on_the_example)
    (tmp_path / "empty").mkdir()
    for target in (tmp_path / "new", tmp_path / "empty"):
        with pytest.raises(ContentErrors, match="No space left on device"):
            scaffold.create(target, "empathy")
    assert not (tmp_path / "new").exists() and list((tmp_path / "empty").iterdir()) == []


def test_an_output_the_next_build_would_read_is_refused_before_anything_is_written(make_course, tmp_path):
    from courseforge.output import OutputError

    project = tmp_path / "project"
    folder = make_course(root=project / "content")
    (project / "themes" / "default").mkdir(parents=True)
    for out in (folder / "lessons", folder, project / "themes" / "default" / "dist"):
        with pytest.raises(OutputError, match="so the next build would read what this one writes"):
            build(project, out, ["scorm12"], answer_key=True)
        assert not list(out.glob("*.zip")) and not (out / "answer-key.md").exists()
    result = run_cli("build", "--out", "content/lessons", "--answer-key", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: content/lessons is inside the course folder, so the next build would read what this one "
        "writes — choose an output folder outside it with --out, such as build")
    assert [p.name for p in build(project, project / "dist", ["scorm12"])] == ["tiny-course-scorm12.zip"]
    assert [p.name for p in build(folder, folder / "build", ["scorm12"])] == ["tiny-course-scorm12.zip"]


SCENARIO = """\
title: A short call
characters:
  sam: {name: Sam, role: Customer}
scenes:
  start:
    lines:
      - sam: My order is late again.
"""


def test_a_project_on_a_read_only_volume_builds_its_clips_without_a_cache(make_course, tmp_path, monkeypatch):
    import tempfile
    from pathlib import Path

    from conftest import COURSE_YML

    folder = make_course({"scenarios/01-short-call.yml": SCENARIO, "course.yml": COURSE_YML + "video_size: 64x64\n"})
    [writable] = build(folder, tmp_path / "writable", ["scorm12"])
    shutil.rmtree(folder / ".courseforge-cache")
    cache = str(folder / ".courseforge-cache")
    real_mkdir, real_mkdtemp = Path.mkdir, tempfile.mkdtemp

    def refused(path):  # what a volume mounted read-only answers (root included)
        if os.path.abspath(path).startswith(cache):
            raise OSError(errno.EROFS, "Read-only file system", str(path))

    def mkdir(self, *args, **kwargs):
        refused(self)
        return real_mkdir(self, *args, **kwargs)

    def mkdtemp(suffix=None, prefix=None, dir=None):
        refused(dir or "")
        return real_mkdtemp(suffix, prefix, dir)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    warnings = []
    [read_only] = build(folder, tmp_path / "read-only", ["scorm12"], on_warning=lambda w: warnings.append(str(w)))
    assert read_only.read_bytes() == writable.read_bytes()
    assert not (folder / ".courseforge-cache").exists()
    assert any(w.endswith(".courseforge-cache: the clip cache cannot be written (Read-only file system) — every clip "
                          "is rendered again at each build; make the project writable to keep them") for w in warnings)


def test_a_build_run_inside_content_keeps_the_project_s_theme_and_cache(make_course, tmp_path, monkeypatch):
    import zipfile

    from click.testing import CliRunner

    from courseforge.cli import main

    project = tmp_path / "project"
    make_course(root=project / "content")
    (project / "themes" / "default" / "css").mkdir(parents=True)
    (project / "themes" / "default" / "css" / "courseforge.css").write_text(".house-style{color:#0a58a8}\n")
    monkeypatch.chdir(project / "content")
    result = CliRunner().invoke(main, ["build", "--format", "scorm12", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "out" / "tiny-course-scorm12.zip") as package:
        assert ".house-style" in package.read("css/courseforge.css").decode("utf-8")
    assert (project / ".courseforge-cache").is_dir() and not (project / "content" / ".courseforge-cache").exists()


def test_check_json_of_a_course_that_cannot_be_read_is_json_too(make_course):
    import json

    from conftest import COURSE_YML

    folder = make_course({"course.yml": COURSE_YML + "mastery_scor: 3\n"})
    result = run_cli("check", "--json", cwd=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    [error] = report.pop("errors")
    assert report == {"findings": [], "counts": {}, "facts": {}, "warnings": [],
                      "summary": "1 problem found; the course was not reviewed"}
    assert error.pop("hint").startswith('did you mean "mastery_score"?')
    assert error == {"path": "course.yml", "line": 9, "problem": 'unknown key "mastery_scor"'}
    assert result.stderr.startswith('course.yml:9: unknown key "mastery_scor" — did you mean "mastery_score"?')


def test_check_sources_of_the_whole_project_compares_the_course_with_the_articles_only(make_course, tmp_path):
    from conftest import lesson

    project = tmp_path / "project"
    make_course({"lessons/01-part-1.md": lesson("part-1", "Part 1", "Start every call by listening, then act on what "
                                                "you heard, and the customer feels that you care.\n")},
                root=project / "content")
    (project / "sources").mkdir()
    (project / "sources" / "article.txt").write_text("Start every call by listening then act on what you heard.\n")
    os.mkfifo(project / "sources" / "notes.txt")  # a pipe named like an article: opening it would wait forever
    assert run_cli("build", "--answer-key", cwd=project).returncode == 0  # build/answer-key.md quotes the lesson
    result = subprocess.run([sys.executable, "-m", "courseforge", "check", "--sources", "."], cwd=project,
                            capture_output=True, text=True, timeout=60)
    shared = [line for line in result.stdout.splitlines() if "words shared with" in line]
    assert shared == ['  content/lessons/01-part-1.md:9: 11 words shared with sources/article.txt:1: "start every '
                      'call by listening then act on …" — say it in your own words, or quote it and name the '
                      'source']


def test_validate_prints_a_zip_s_file_name_on_one_line_whatever_it_holds(tmp_path):
    forged = tmp_path / "evil.zip: valid — SCORM 1.2, 0 error(s), 0 warning(s)\n\x1b[8mx.zip"
    forged.write_bytes(b"not a zip")
    result = run_cli("validate", forged)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path}/evil.zip: valid — SCORM 1.2, 0 error(s), 0 warning(s)\\n\\x1b[8mx.zip: INVALID — unknown, "
        "1 error(s), 0 warning(s)",
        "  error: not a usable zip: not a zip (no end of central directory record)"]


def test_a_file_where_the_default_build_folder_goes_is_named_as_a_file(make_course):
    folder = make_course()
    (folder / "build").write_text("notes")
    result = run_cli("build", cwd=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == ("Error: cannot write to build: it is a file, not a folder — "
                                                      "choose another folder with --out, or move the file away")


def test_the_next_step_after_new_can_be_pasted_into_a_shell(tmp_path):
    result = run_cli("new", "my course", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == ("next: cd 'my course' && courseforge preview   "
                                              "(AUTHORING.md shows how to write lessons)")
    assert subprocess.run(["sh", "-c", result.stdout.splitlines()[-1][len("next: "):].split(" && ")[0]],
                          cwd=tmp_path).returncode == 0
