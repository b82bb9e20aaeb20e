"""The output folder: same-volume staging, one-line errors, all-or-nothing publishing, cleanup."""
import errno
import hashlib
import os
import subprocess
import sys

import pytest

from courseforge.build import build
from courseforge.output import OutputError


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_output_on_another_volume_builds(make_course, tmp_path, monkeypatch):
    # A rename between file systems fails with EXDEV: let every rename that leaves the output's
    # own volume (here: its folder) fail the way it would on a mounted volume.
    out = tmp_path / "mounted"
    real = os.replace

    def cross_device(src, dst, *args, **kwargs):
        inside = lambda p: os.path.abspath(p).startswith(str(out) + os.sep)  # noqa: E731
        if inside(src) != inside(dst):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", cross_device)
    made = build(make_course(), out, ["scorm12", "cmi5"])
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in made)


def test_unwritable_output_is_one_line_and_exit_1(make_course, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = subprocess.run([sys.executable, "-m", "courseforge", "build", str(make_course()),
                             "--out", str(blocker / "out")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # Review findings may come first, as warnings; the failure is one line, last.
    errors = [line for line in result.stderr.strip().splitlines() if not line.startswith("warning: ")]
    assert len(errors) == 1 and errors[0].startswith("Error: cannot write to "), result.stderr
    assert "choose another folder with --out" in errors[0]


def test_several_zips_are_replaced_all_or_nothing(make_course, tmp_path, monkeypatch):
    folder, out = make_course(), tmp_path / "out"
    old = {p.name: sha(p) for p in build(folder, out, ["scorm12", "cmi5", "tincan"])}
    (folder / "lessons" / "01-part-1.md").write_text((folder / "lessons" / "01-part-1.md").read_text() + "\nMore.\n")
    real, published = os.replace, []

    def fail_second(src, dst, *args, **kwargs):
        if str(dst).endswith(".zip") and os.path.dirname(dst) == str(out):
            published.append(dst)
            if len(published) == 2:
                raise OSError(errno.EIO, "Input/output error")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", fail_second)
    with pytest.raises(OutputError):
        build(folder, out, ["scorm12", "cmi5", "tincan"])
    assert {p.name: sha(p) for p in out.iterdir()} == old


def test_a_killed_build_leaves_nothing_behind_for_long(make_course, tmp_path):
    out = tmp_path / "project" / "build"
    out.mkdir(parents=True)
    dead = next(pid for pid in range(400_000, 500_000) if not os.path.exists(f"/proc/{pid}"))
    stale = out / f".courseforge-staging-{dead}-x1y2"
    (stale / "half").mkdir(parents=True)
    legacy = out.parent / ".courseforge-ab12cd34"
    legacy.mkdir()
    os.utime(legacy, (0, 0))
    cache = out.parent / ".courseforge-cache"
    cache.mkdir()
    build(make_course(), out, ["scorm12"])
    assert not stale.exists() and not legacy.exists() and cache.is_dir()
    assert [p.name for p in out.iterdir()] == ["tiny-course-scorm12.zip"]


def courseforge(*args, cwd):
    return subprocess.run([sys.executable, "-m", "courseforge", *args], cwd=cwd, capture_output=True, text=True)


def test_a_default_build_folder_that_is_a_link_is_refused_and_nothing_is_written_where_it_points(make_course, tmp_path):
    """A course folder from someone else can ship `build -> ~/somewhere`: the default output wrote
    its staging folder and its zips there."""
    folder, elsewhere = make_course(), tmp_path / "somewhere"
    elsewhere.mkdir()
    (folder / "build").symlink_to(elsewhere, target_is_directory=True)
    result = courseforge("build", "--format", "scorm12", cwd=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"Error: build: is a symbolic link to {elsewhere}, so the build would write wherever it points — "
        f"delete the link (courseforge makes a folder), or pass --out {elsewhere} to write there")
    assert list(elsewhere.iterdir()) == []  # no zip, and no staging folder made through the link
    assert (folder / "build").is_symlink()


def test_a_dangling_default_build_link_is_refused_and_not_followed(make_course, tmp_path):
    folder, nowhere = make_course(), tmp_path / "not-yet"
    (folder / "build").symlink_to(nowhere, target_is_directory=True)
    result = courseforge("build", "--format", "scorm12", cwd=folder)
    assert result.returncode == 1 and "is a symbolic link to" in result.stderr.splitlines()[-1]
    assert not nowhere.exists()


def test_an_output_the_user_names_is_written_through_its_link(make_course, tmp_path):
    folder, elsewhere = make_course(), tmp_path / "somewhere"
    elsewhere.mkdir()
    link = tmp_path / "dist"
    link.symlink_to(elsewhere, target_is_directory=True)
    result = courseforge("build", str(folder), "--out", str(link), "--format", "scorm12", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in elsewhere.iterdir()] == ["tiny-course-scorm12.zip"]  # its staging folder gone
    result = courseforge("build", "--out", "build", "--format", "scorm12", cwd=folder)  # typed: honoured too
    assert result.returncode == 0, result.stderr


def test_an_output_that_is_a_link_to_nothing_says_so_not_file_exists(make_course, tmp_path):
    folder, nowhere = make_course(), tmp_path / "not-yet"
    (tmp_path / "dist").symlink_to(nowhere, target_is_directory=True)
    result = courseforge("build", str(folder), "--out", "dist", "--format", "scorm12", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"Error: cannot write to dist: it is a symbolic link to {nowhere}, which does not exist — "
        "make that folder, or choose another with --out")
