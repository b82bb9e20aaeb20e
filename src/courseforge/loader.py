"""Find and read every source of a course → Course. Collects all problems before failing."""
from __future__ import annotations

import re
import zlib
from pathlib import Path

from courseforge.assets import AssetCollector
from courseforge.config import COURSE_FILE, load_config
from courseforge.errors import Problems
from courseforge.fields import SLUG, FieldReader, check_keys
from courseforge.markdown import LessonMarkdown
from courseforge.model import Course, CourseConfig, Lesson
from courseforge.yamltext import Mapping, YamlSyntaxError, load_mapping

LESSON_DIR = "lessons"
LESSON_KEYS = ("id", "title", "objectives", "minutes")


def locate(source: Path) -> tuple[Path, Path] | None:
    """(course folder, project folder): a folder with course.yml, or one with content/course.yml."""
    for course_dir in (source, source / "content"):
        if (course_dir / COURSE_FILE).is_file():
            return course_dir, source
    return None


def load(source: Path) -> Course:
    source = Path(source)
    problems = Problems()
    found = locate(source)
    if found is None:
        problems.error(source, None, f"no {COURSE_FILE} here or in {source.name or '.'}/content/",
                       "run `courseforge build` in a course project, or pass the course folder")
        problems.raise_if_any()
    course_dir, project = found
    loaded = load_config(course_dir / COURSE_FILE, problems)
    if loaded is None:
        problems.raise_if_any()
    config, mapping = loaded
    files = _lesson_files(course_dir, config, mapping, problems)
    course = Course(config, course_dir, project)
    collector = AssetCollector(course_dir, problems)
    reader = LessonReader(LessonMarkdown(), collector, problems, frozenset(files))
    seen: dict[str, Path] = {}
    for number, path in enumerate(files, start=1):
        lesson = reader.read(path, number)
        if lesson is None:
            continue
        if lesson.id in seen:
            problems.error(path, reader.id_line, f'lesson id "{lesson.id}" is already used by {seen[lesson.id].name}',
                           "give each lesson a unique `id:` in its front matter")
        seen.setdefault(lesson.id, path)
        course.lessons.append(lesson)
    course.assets = collector.collected()
    problems.raise_if_any()
    course.warnings = problems.warnings
    return course


def _lesson_files(course_dir: Path, config: CourseConfig, mapping: Mapping, problems: Problems) -> list[Path]:
    folder = course_dir / LESSON_DIR
    present = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if config.lessons is None:
        if not present:
            problems.error(course_dir / COURSE_FILE, None, f"the course has no lessons in {LESSON_DIR}/",
                           f"add Markdown files such as {LESSON_DIR}/01-welcome.md")
        return present
    files: list[Path] = []
    for index, name in enumerate(config.lessons):
        line = mapping.line("lessons", index)
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()) or not name.endswith(".md"):
            problems.error(course_dir / COURSE_FILE, line, f'lesson "{name}" is not a .md file in {LESSON_DIR}/',
                           f"list file names inside {LESSON_DIR}/, e.g. 01-welcome.md")
        elif not path.is_file():
            problems.error(course_dir / COURSE_FILE, line, f'lesson file "{LESSON_DIR}/{name}" does not exist',
                           f"create it or fix the name (files there: {_names(present)})")
        elif path in files:
            problems.error(course_dir / COURSE_FILE, line, f'lesson "{name}" is listed twice',
                           "remove the second entry")
        else:
            files.append(path)
    if not config.lessons:
        problems.error(course_dir / COURSE_FILE, mapping.line("lessons"), "the lesson list is empty",
                       "list lesson files under `lessons:` or remove the key to use every file in name order")
    for path in present:
        if path.resolve() not in files:
            problems.warn(path, None, "this lesson is not listed in course.yml, so it is left out",
                          "add it under `lessons:` or delete the file")
    return files


def _names(paths: list[Path]) -> str:
    return ", ".join(p.name for p in paths[:8]) or "none"


class LessonReader:
    """Turns one lesson file into a Lesson, recording problems with their lines."""

    def __init__(self, markdown: LessonMarkdown, assets: AssetCollector, problems: Problems,
                 lesson_files: frozenset[Path]):
        self.markdown, self.assets, self.problems = markdown, assets, problems
        self.lesson_files = lesson_files
        self.id_line: int | None = None

    def read(self, path: Path, number: int) -> Lesson | None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problems.error(path, None, "the file is not UTF-8 text", "save it as UTF-8")
            return None
        parsed = self.markdown.parse(text)
        for line, problem, hint in parsed.problems:
            self.problems.error(path, line, problem, hint)
        front = self._front_matter(path, parsed.front_matter, parsed.front_matter_line)
        if front is None:
            return None
        html = self.markdown.render(parsed, self.assets.resolver(path, self.lesson_files))
        read = FieldReader(front, path, self.problems)
        self.id_line = front.line("id")
        return Lesson(
            id=read.slug("id", _default_id(path)) or _default_id(path),
            title=read.text("title", required=True) or path.stem,
            number=number,
            source=path,
            html=html,
            objectives=read.text_list("objectives") or (),
            minutes=read.integer("minutes", 1, 600),
        )

    def _front_matter(self, path: Path, text: str | None, line: int) -> Mapping | None:
        if text is None:
            self.problems.error(path, 1, "the lesson has no front matter",
                                "start the file with `---`, a `title: ...` line and `---`")
            return None
        try:
            front = load_mapping(text, line_offset=line - 1)
        except YamlSyntaxError as exc:
            self.problems.error(path, exc.line, f"YAML syntax error in the front matter: {exc.problem}",
                                "check indentation and quote values that contain `:` or `#`")
            return None
        check_keys(front, LESSON_KEYS, path, self.problems)
        return front


def _default_id(path: Path) -> str:
    # "03-Detecting cues.md" → "detecting-cues": the number orders files, it is not part of the id.
    stem = re.sub(r"^\d+[-_ ]*", "", path.stem).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    return slug if SLUG.match(slug) else f"lesson-{zlib.crc32(path.name.encode()):08x}"
