"""Find and read every source of a course → Course. Collects all problems before failing."""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from courseforge.assets import AssetCollector, check_total
from courseforge.config import COURSE_FILE, load_config
from courseforge.coursefolder import check_folder
from courseforge.errors import ContentError, ContentErrors, Location, Problems
from courseforge.model import Course
from courseforge.pagereading import Setting, read_pages
from courseforge.scenario import load_scenarios
from courseforge.speech import reading_seconds
from courseforge.yamltext import Mapping

LESSON_DIR = "lessons"
QUIZ_DIR = "assessments"
# Clip length as narrated at an ordinary pace; a role-play of half an hour is already a long one.
MAX_SCENARIO_MINUTES = 30
READING_WPM, LINE_PAUSE = 160, 0.5
# A word count says nothing of text without spaces: espeak-ng spoke 900 digits in one "word" for 42 s,
# and Chinese (voice cmn) takes 0.35 s a character; the 1.5 s a one-word line counts let a scenario
# of hours through. Floors per character, under what prose takes (about 15 characters a second).
SECONDS_PER_CHARACTER, SECONDS_PER_WIDE_CHARACTER = 1 / 20, 0.35


def locate(source: Path) -> tuple[Path, Path] | None:
    """(course folder, project folder): a folder with course.yml, or one with content/course.yml.

    `build` and `build content` mean the same project, so they share its themes/ and cache."""
    if (source / "content" / COURSE_FILE).is_file():
        return source / "content", source
    if (source / COURSE_FILE).is_file():
        return source, _parent(source) if source.resolve().name == "content" else source
    return None


def _parent(folder: Path) -> Path:
    # Path(".").parent is "." itself: `courseforge build` run inside content/ lost the project's themes.
    return folder.parent if folder.name not in ("", "..") else Path(os.path.abspath(folder)).parent


def no_course(source: Path) -> ContentError:
    """What a folder that locate() finds no course in gets told; a folder inside a course (its lessons/,
    say) is told which folder to pass instead."""
    hint = "run the command in a course project (`courseforge new` makes one), or pass the course folder"
    for above in list(Path(os.path.abspath(source)).parents)[:4]:
        if locate(above) is not None:
            hint = f"it is inside the course {os.path.relpath(above)}: pass that folder, or run the command there"
            break
    misnamed = _misnamed_config(source)
    if misnamed is not None:
        hint = f"rename {misnamed} to {COURSE_FILE}: it is the only name read"
    return ContentError(Location(source), f"has no {COURSE_FILE}, and no content/{COURSE_FILE} either", hint)


# What a course.yml is saved as by an editor that prefers .yaml, by Notepad (.txt added) or by caps lock.
_CONFIG_NAMES = frozenset({"course.yml", "course.yaml", "course.yml.txt", "course.yaml.txt"})


def _misnamed_config(source: Path) -> str | None:
    """The course file of `source` (or of its content/) saved under another name, as written from `source`."""
    for folder in (source / "content", source):
        try:
            with os.scandir(folder) as listing:
                names = sorted(entry.name for entry in listing if entry.name.lower() in _CONFIG_NAMES
                               and entry.name != COURSE_FILE and entry.is_file())
        except OSError:
            continue
        if names:
            return (Path(folder.name) / names[0]).as_posix() if folder != source else names[0]
    return None


CACHE_DIR = ".courseforge-cache"


def load(source: Path, cache: bool = True, processes: int | None = None) -> Course:
    """`cache`: serve unchanged pages from the project's page cache; `processes`: how many read
    the others (default: every core once there are a few hundred pages)."""
    source = Path(source)
    problems = Problems()
    found = locate(source)
    if found is None:
        raise ContentErrors([no_course(source)])
    course_dir, project = found
    check_folder(course_dir, project, problems)
    problems.raise_if_any()  # nothing is read from a folder with links out of it
    loaded = load_config(course_dir / COURSE_FILE, problems)
    if loaded is None:
        problems.raise_if_any()
    config, mapping, block_lines, lost = loaded
    lessons = _page_files(course_dir, LESSON_DIR, config.lessons, mapping, problems, required=True)
    quizzes = _page_files(course_dir, QUIZ_DIR, config.assessments, mapping, problems, required=False)
    course = Course(config, course_dir, project)
    collector = AssetCollector(course_dir, problems)
    setting = Setting(course_dir, frozenset(lessons + quizzes), config.mastery_score,
                      project / CACHE_DIR if cache else None)
    kinds = [(path, "lesson") for path in lessons] + [(path, "quiz") for path in quizzes]
    pages: dict[str, Path] = {}
    for number, ((path, _), read) in enumerate(zip(kinds, read_pages(setting, kinds, collector, processes)),
                                               start=1):
        if read.errors or read.warnings:  # none on a page served from the cache
            read.report(problems)
        page = read.page
        if page is None:
            continue
        if page.id in pages:
            problems.error(path, read.id_line, f'page id "{page.id}" is already used by {pages[page.id].name}',
                           "give each lesson and assessment a unique `id:` in its front matter")
        pages.setdefault(page.id, path)
        if read.digest is not None:
            course.digests[path] = read.digest
        (course.lessons if number <= len(lessons) else course.quizzes).append(page)
    if ("mastery_score" in mapping.data or "mastery_score" in lost) and config.mastery_score is None:
        # course.yml's mastery_score is wrong (or indented into the text above it), and said so: its
        # assessments are not told to add one.
        from courseforge.pages import NO_PASSING_SCORE  # here: a warm rebuild never loads the page reader

        problems.errors = [error for error in problems.errors if error.problem != NO_PASSING_SCORE]
    course.scenarios = load_scenarios(course_dir, problems)
    _check_video_length(course.scenarios, problems)
    for quiz in course.quizzes:
        quiz.number += len(course.scenarios)  # the player shows scenarios between lessons and assessments
    for scenario in course.scenarios:
        if scenario.id in pages:
            problems.error(scenario.source, None, f'scenario id "{scenario.id}" is already used by {pages[scenario.id].name}',
                           "scenarios are pages of the player too: give it another `id:`")
    _check_question_ids(course, problems)
    if config.branding and config.branding.logo:
        logo_line = block_lines.get("branding", {}).get("logo", mapping.line("branding"))
        course.logo = collector.resolve(config.branding.logo, course_dir / COURSE_FILE, logo_line, True)
    course.assets = collector.collected()
    check_total(course.assets, problems)
    problems.raise_if_any()
    course.warnings = problems.warnings
    return course


def _check_video_length(scenarios, problems: Problems) -> None:
    """Refuse, before hours of rendering start, a scenario whose clips would run for too long."""
    for scenario in scenarios:
        minutes = sum(max(reading_seconds(turn.text, READING_WPM), _spoken_floor(turn.text)) + LINE_PAUSE
                      for scene in scenario.scenes.values() for turn in scene.turns) / 60
        if minutes > MAX_SCENARIO_MINUTES:
            problems.error(scenario.source, None, f"the scenario's clips would run about {minutes:.0f} minutes, "
                           f"over the {MAX_SCENARIO_MINUTES} allowed", "shorten its lines or split it into several scenarios")


def _spoken_floor(text: str) -> float:
    """Seconds espeak-ng takes at least to say `text`, from its characters (CJK ones are a syllable each)."""
    wide = sum(unicodedata.east_asian_width(character) in "WF" for character in text)
    return wide * SECONDS_PER_WIDE_CHARACTER + (len(text) - wide) * SECONDS_PER_CHARACTER


def _check_question_ids(course: Course, problems: Problems) -> None:
    # Interaction ids and answer keys are per course, so question ids must be too.
    seen = {}
    for page in [*course.lessons, *course.quizzes]:
        for question in page.questions:
            if question.id in seen:
                first = seen[question.id]
                problems.error(question.source, question.line, f'question id "{question.id}" is already used '
                               f"in {first.source.name}:{first.line}", "give every question its own id")
            seen.setdefault(question.id, question)


def _page_files(course_dir: Path, folder_name: str, listed: tuple[str, ...] | None, mapping: Mapping,
                problems: Problems, required: bool) -> list[Path]:
    folder = course_dir / folder_name
    config = course_dir / COURSE_FILE
    present = _markdown_files(folder, problems) if folder.is_dir() else []
    if listed is None:
        if required and not present:
            problems.error(config, None, f"the course has no lessons in {folder_name}/",
                           f"add Markdown files such as {folder_name}/01-welcome.md")
        return present
    files: list[Path] = []
    for index, name in enumerate(listed):
        line = mapping.line(folder_name, index)
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()) or not name.endswith(".md"):
            # `- 01-welcome` for 01-welcome.md, `- 02-listening.MD` for the page saved so: the name to write
            stem = name[:-3] if name.lower().endswith(".md") else name
            meant = f"{stem}.md" if name != f"{stem}.md" and path.is_relative_to(folder.resolve()) \
                and (folder / f"{stem}.md").is_file() else None
            if meant:
                hint = f"write {meant}: the list names each page's file"
            elif name != stem and path.is_relative_to(folder.resolve()) and path.is_file():
                hint = f"rename the file to {stem}.md (only .md files are read as pages) and list that name"
            else:
                hint = f"list file names inside {folder_name}/, e.g. 01-welcome.md"
            problems.error(config, line, f'"{name}" is not a .md file in {folder_name}/', hint)
        elif path.is_dir():
            problems.error(config, line, f'"{folder_name}/{name}" is a folder, not a page',
                           f"list the .md files inside {folder_name}/, e.g. 01-welcome.md")
        elif not path.is_file():
            problems.error(config, line, f'file "{folder_name}/{name}" does not exist',
                           f"create it or fix the name (files there: {_names(present)})")
        elif path in files:
            problems.error(config, line, f'"{name}" is listed twice', "remove the second entry")
        else:
            files.append(path)
    if required and not mapping.data.get(folder_name):  # not `listed`: that leaves out items reported already
        problems.error(config, mapping.line(folder_name), f"the `{folder_name}` list is empty",
                       f"list files under `{folder_name}:` or remove the key to use every file in name order")
    for path in present:
        if path.resolve() not in files:
            problems.warn(path, None, "this page is not listed in course.yml, so it is left out",
                          f"add it under `{folder_name}:` or delete the file")
    return files


def _markdown_files(folder: Path, problems: Problems) -> list[Path]:
    """The pages of `folder` (its *.md files) in name order. A folder named like a page is an error
    (reading it would fail); a page whose ending is not `.md` exactly (`.MD`, `.markdown`) is left
    out with a warning, so a missing lesson is not a mystery."""
    with os.scandir(folder) as listing:  # each entry's kind comes with its name: no stat per page
        entries = [entry for entry in listing if not entry.name.startswith(".")]
    pages = []
    for entry in entries:
        name = entry.name
        if name.endswith(".md"):
            if entry.is_dir():
                problems.error(Path(entry.path), None, "this folder is named like a page",
                               f"rename it so that its name does not end in .md, or move it out of {folder.name}/")
            else:
                pages.append(name)
        elif name.lower().endswith((".md", ".markdown", ".md.txt", ".markdown.txt")) and not entry.is_dir():
            # `.MD`, `.markdown`, or `.md.txt` as Notepad saves a file whose type it was not told
            stem = name[:-4] if name.lower().endswith(".txt") else name
            problems.warn(Path(entry.path), None, "only .md files are read as pages, so this one is left out",
                          f"rename it to {stem.rpartition('.')[0]}.md")
    # Sorting names, not Path objects: ten times faster with thousands of lessons.
    return list(map(_child_maker(folder), sorted(pages)))


def _child_maker(folder: Path):
    """name → folder / name. pathlib's own maker of a child from a plain name (what its glob uses) skips
    parsing the name again: 5 000 lessons' paths in a fifth of the time, on every build. A Python
    without it gets `/`, the same paths."""
    make = getattr(folder, "_make_child_relpath", None)
    return make if make is not None else folder.joinpath


def _names(paths: list[Path]) -> str:
    return ", ".join(p.name for p in paths[:8]) or "none"
