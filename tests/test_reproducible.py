"""The build in unusual environments: what reaches ffmpeg and not the build, a cache home that cannot be
kept. The same source must give the same zips, or a clear one-line error and nothing half-made."""
from __future__ import annotations

import zipfile

from click.testing import CliRunner
from conftest import COURSE_YML
from test_build import SCENARIO

from courseforge import clipencoding
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
