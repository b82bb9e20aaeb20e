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


@pytest.mark.parametrize("renamed", ["02-listening.MD", "02-listening.markdown"])
def test_a_lesson_not_ending_in_md_is_named_in_a_warning(starter, renamed):
    lessons = starter / "content" / "lessons"
    (lessons / "02-listening.md").rename(lessons / renamed)
    result = run_cli("build", str(starter))
    assert f"{renamed}: only .md files are read as pages, so this one is left out — rename it to " \
           "02-listening.md" in result.output
