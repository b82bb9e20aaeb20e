"""check_folder walks the course folder once, in name order, without following links."""
import os

from courseforge.coursefolder import check_folder
from courseforge.errors import Problems


def problems_in(folder, project) -> list[str]:
    problems = Problems()
    check_folder(folder, project, problems)
    return [f"{error.location.path.relative_to(project)}: {error.problem}" for error in problems.errors]


def test_every_bad_entry_is_reported_once_in_name_order(tmp_path):
    course = tmp_path / "content"
    for folder in ("lessons/deep", "images", "build"):
        (course / folder).mkdir(parents=True)
    (course / "lessons" / "01.md").write_text("# One\n")
    os.mkfifo(course / "lessons" / "deep" / "pipe")
    os.mkfifo(course / "images" / "pipe")
    os.mkfifo(course / "build" / "pipe")  # our own output folder: not the course's
    (course / "lessons" / "away").symlink_to("/etc")
    (course / "images" / "shared").symlink_to(course / "lessons")  # inside: fine, and not walked again
    (course / "images" / "gone.png").symlink_to(course / "missing.png")
    assert problems_in(course, tmp_path) == [
        "content/images/gone.png: this link points to nothing",
        "content/images/pipe: this is not a regular file (a pipe, socket or device)",
        "content/lessons/away: this link points outside the project",
        "content/lessons/deep/pipe: this is not a regular file (a pipe, socket or device)",
    ]


def test_a_link_inside_the_project_to_a_pipe_is_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "notes.txt").symlink_to(tmp_path / "pipe")
    assert problems_in(tmp_path / "content", tmp_path) == [
        "content/notes.txt: this is not a regular file (a pipe, socket or device)"]
