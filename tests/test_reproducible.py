"""The build in unusual environments: what reaches ffmpeg and not the build, a cache home that cannot be
kept. The same source must give the same zips, or a clear one-line error and nothing half-made."""
from __future__ import annotations

import zipfile

from click.testing import CliRunner
from conftest import COURSE_YML
from test_build import SCENARIO

from courseforge import cacheseal, clipencoding
from courseforge.cli import main
from courseforge.loader import CACHE_DIR


def scenario_course(make_course):
    return make_course({"scenarios/01-short-call.yml": SCENARIO, "course.yml": COURSE_YML + "video_size: 320x180\n"})


def build_with_ffmpeg_options(monkeypatch, folder, out, extra: list[str]):
    options = clipencoding.ffmpeg_output_options
    monkeypatch.setattr(clipencoding, "ffmpeg_output_options", lambda settings: [*options(settings), *extra])
    return CliRunner().invoke(main, ["build", str(folder), "--out", str(out), "--format", "scorm12"])


def assert_nothing_kept(folder, out):
    assert not list(out.glob("*.zip"))
    video = folder / CACHE_DIR / "video"
    assert not video.exists() or not list(video.iterdir()), "no cache entry, whole or half-made"


def test_a_clip_ffmpeg_stopped_short_is_one_line_and_neither_packaged_nor_cached(own_key, make_course, tmp_path,
                                                                                  monkeypatch):
    # What a SIGINT that reaches ffmpeg and not the build does (a build started in the background of a
    # script, then Ctrl+C): ffmpeg ends the file where it is, exit status 255, and moviepy never looks.
    folder = scenario_course(make_course)
    result = build_with_ffmpeg_options(monkeypatch, folder, tmp_path / "out", ["-t", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("Error: clip short-call/start: ffmpeg stopped before the clip was whole "
                                "(picture 1.00 s and sound 1.0"), lines
    assert lines[-1].endswith("nothing was kept — build again, and if it recurs check the free disk space "
                              "and that nothing interrupts ffmpeg")
    assert_nothing_kept(folder, tmp_path / "out")
    # Once ffmpeg runs to the end, the clip is whole and the package carries it.
    monkeypatch.undo()
    again = CliRunner().invoke(main, ["build", str(folder), "--out", str(tmp_path / "out"), "--format", "scorm12"])
    assert again.exit_code == 0, again.output
    with zipfile.ZipFile(tmp_path / "out" / "tiny-course-scorm12.zip") as package:
        assert "media/short-call/start.mp4" in package.namelist()


def test_ffmpeg_gone_while_frames_are_piped_to_it_is_one_line_not_a_traceback(own_key, make_course, tmp_path,
                                                                               monkeypatch):
    folder = scenario_course(make_course)
    result = build_with_ffmpeg_options(monkeypatch, folder, tmp_path / "out", ["-no-such-option"])
    assert result.exit_code == 1 and not isinstance(result.exception, OSError)
    assert result.output.strip().splitlines()[-1].startswith(
        "Error: clip short-call/start: ffmpeg stopped before the clip was whole (ffmpeg ended early: "
        "Unrecognized option 'no-such-option'.)")
    assert_nothing_kept(folder, tmp_path / "out")


def unkept_key_warnings(folder, out) -> list[str]:
    from courseforge.build import build

    cacheseal._key.cache_clear()
    warnings = []
    build(folder, out, ["scorm12"], on_warning=lambda warning: warnings.append(str(warning)))
    return [warning for warning in warnings if "cache key" in warning]


HINT = ("nothing is reused from one build to the next, so every page and clip is made again: set XDG_CACHE_HOME "
        "to a folder of yours that can be written")


def test_a_cache_key_that_cannot_be_kept_is_said_not_a_silent_rebuild_of_everything(own_key, make_course, tmp_path,
                                                                                     monkeypatch):
    folder = make_course()
    (tmp_path / "a-file").write_text("XDG_CACHE_HOME set to a file, or a home that cannot be written")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    assert unkept_key_warnings(folder, tmp_path / "out") == [
        f"{tmp_path / 'a-file' / 'courseforge' / 'cache-key'}: courseforge cannot keep its cache key "
        f"(Not a directory) — {HINT}"]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "writable"))
    assert unkept_key_warnings(folder, tmp_path / "out") == []


def test_a_relative_xdg_cache_home_is_ignored_and_never_puts_the_key_in_the_project(own_key, make_course, tmp_path,
                                                                                   monkeypatch):
    # The XDG rule: a relative path is invalid. Taken as it was, it kept the key (and compiled templates,
    # which are code) in the folder the build ran in: the course folder, which may come from someone else.
    folder = make_course()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", ".cache")
    assert unkept_key_warnings(folder, tmp_path / "out") == []
    assert not (folder / ".cache").exists()
    assert (tmp_path / "home" / ".cache" / "courseforge" / "cache-key").is_file()


def test_without_any_home_the_build_goes_on_and_says_its_caches_last_one_run(own_key, make_course, tmp_path,
                                                                              monkeypatch):
    # A container run under a uid of no user, with HOME unset: Path.home() raised RuntimeError, a traceback.
    import pwd

    def no_such_user(uid):
        raise KeyError(uid)

    folder = make_course()
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_such_user)
    assert unkept_key_warnings(folder, tmp_path / "out") == [
        f"{folder}: courseforge cannot keep its cache key (no home folder: HOME is not set and this user has none "
        f"in the user database) — {HINT}"]
    assert (tmp_path / "out" / "tiny-course-scorm12.zip").is_file()


def test_clips_a_killed_build_was_making_are_removed_by_the_next_build(tmp_path):
    # kill -9 (a CI job cancelled, the OOM killer) during rendering left each clip being made, a wav
    # and half an mp4, in the cache for ever; a clip another build is making right now stays.
    import os
    import subprocess
    import sys
    import time

    from test_video import SMALL, make_scenario

    from courseforge.video import render_media

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    store = tmp_path / "cache" / "video"
    key = "0123456789abcdef" * 2
    made = {name: store / name for name in (f".{key}-{gone}-abcd1234", f".{key}-{os.getpid()}-abcd1234",
                                            f".{key}-old12345", f".{key}-new12345")}
    for folder in made.values():
        folder.mkdir(parents=True)
        (folder / "clip.mp4").write_bytes(b"half an mp4")
    hours_ago = time.time() - 7200
    os.utime(made[f".{key}-old12345"], (hours_ago, hours_ago))
    render_media([make_scenario(tmp_path)], SMALL, tmp_path / "cache", workers=1)
    left = {path.name for path in store.iterdir() if path.name.startswith(".")}
    assert left == {f".{key}-{os.getpid()}-abcd1234", f".{key}-new12345"}


def test_an_upgraded_ffmpeg_of_the_same_name_renders_the_clips_again(tmp_path, monkeypatch):
    # A system, conda or FFMPEG_BINARY ffmpeg keeps its path when upgraded: the cache served the old
    # one's clips, and a warm build differed from a cold one (CI's) of the same sources.
    import os

    from courseforge.clipcache import tools_id

    program = tmp_path / "bin" / "ffmpeg"
    program.parent.mkdir()

    def install(version: str, when: int) -> dict:
        program.write_text(f"#!/bin/sh\necho 'ffmpeg version {version} Copyright (c) 2000-2025'\n")
        program.chmod(0o755)
        os.utime(program, ns=(when, when))
        return tools_id(None)

    monkeypatch.setenv("FFMPEG_BINARY", str(program))
    old = install("5.1.6", 10**18)
    assert old["ffmpeg"] == "ffmpeg version 5.1.6"
    assert install("5.1.6", 10**18) == old
    assert install("7.1.1", 2 * 10**18)["ffmpeg"] == "ffmpeg version 7.1.1"
