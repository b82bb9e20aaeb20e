"""course.yml → CourseConfig. Unknown keys are errors: a typo must never pass silently."""
from __future__ import annotations

import re
from pathlib import Path

from courseforge.branding import read_branding
from courseforge.check.catalogue import IGNORABLE, ignore_hint
from courseforge.errors import Problems
from courseforge.fields import (FieldReader, check_indented_keys, check_keys, check_nested_keys, indented_key_problem,
                               unknown_key_hint)
from courseforge.model import CheckSettings, CourseConfig
from courseforge.sourcetext import SourceError, read_source
from courseforge.strings import read_overrides
from courseforge.yamltext import Mapping, YamlSyntaxError, item_lines, key_lines, key_nodes, load_mapping

COURSE_FILE = "course.yml"
KEYS = ("title", "identifier", "version", "language", "description", "authors",
        "mastery_score", "theme", "lessons", "assessments", "iri", "cmi5_au_per_lesson",
        "require_scenarios", "video_size", "package_budget_mb", "check",
        "one_question_per_screen", "branding", "strings")
# `check:` thresholds: (lowest, highest) accepted; defaults live in model.CheckSettings.
CHECK_LIMITS = {"reading_wpm": (80, 600), "question_seconds": (0, 600), "time_tolerance": (0, 1000),
                "max_grade": (1, 30), "max_sentence_words": (5, 200), "max_passive_percent": (0, 100)}
CHECK_KEYS = ("ignore", *CHECK_LIMITS)
BLOCKS = ("check", "branding", "strings")  # the settings written as `key: value` lines under them
# BCP 47 in the shape LMSs and <html lang> accept: en, en-GB, pt-BR, zh-Hant-TW.
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
VIDEO_SIZE = re.compile(r"^(\d{2,4})x(\d{2,4})$")
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
# The IMS content packaging schemas' limits (CHECKLIST S04-M4/M5, SCORM 1.2's imscp_rootv1p1p2.xsd
# titleType and manifest/@version): over them, every SCORM package would fail validation.
MAX_TITLE = 200
MAX_VERSION = 20
# An absolute http(s) IRI with no query, fragment or trailing slash: ids of lessons and questions are
# made by appending `/lesson/<id>` and the like, and LMSs key the course on it, so it must never move.
IRI = re.compile(r"^https?://[^\s/?#<>\"{}|\\^`]+(/[^\s?#<>\"{}|\\^`]*)?$")


def load_config(path: Path, problems: Problems
                ) -> tuple[CourseConfig, Mapping, dict[str, dict[str, int]], set[str]] | None:
    """The course's settings, its keys' lines, the lines of the keys of its blocks (`branding:`…), and
    the keys an author indented into a block value above them (said already: lost, not missing)."""
    try:
        text = read_source(path)
        mapping = load_mapping(text)
        nodes = key_nodes(text)
    except SourceError as exc:
        problems.error(path, exc.line, exc.problem, exc.hint)
        return None
    except YamlSyntaxError as exc:
        indented = None if exc.hint else indented_key_problem(text, exc.line, KEYS, blocks=BLOCKS)
        if indented is not None:
            problems.error(path, exc.line, *indented)
        else:
            problems.error(path, exc.line, f"YAML syntax error: {exc.problem}",
                           exc.hint or "check indentation and quote values that contain `:` or `#`")
        return None
    block_lines = {key: key_lines(node) for key, node in nodes.items() if key in BLOCKS}
    check_keys(mapping, KEYS, path, problems)
    lost = check_indented_keys(text, KEYS, path, problems, nodes=nodes)
    lost |= check_nested_keys(mapping, text, KEYS, path, problems, nodes=nodes, blocks=BLOCKS)
    read = FieldReader(mapping, path, problems, text, nodes)
    title = read.text("title", required=True)
    if title and len(title) > MAX_TITLE:
        problems.error(path, mapping.line("title"), f"title is {len(title)} characters long; SCORM allows {MAX_TITLE}",
                       "shorten it (the description can say the rest)")
    identifier = read.slug("identifier", required=True)
    version = read.text("version", "1.0.0")
    if isinstance(mapping.data.get("version"), (int, float)) and "version" in nodes:
        version = nodes["version"].value  # as written: `version: 1.10` is not version 1.1
    if version and not VERSION.match(version):
        problems.error(path, mapping.line("version"), f'version "{version}" has unusual characters',
                       'use letters, digits, dots and hyphens, e.g. "1.2.0"')
    elif version and len(version) > MAX_VERSION:
        problems.error(path, mapping.line("version"), f'version "{version}" is {len(version)} characters long; '
                       f"SCORM 1.2 allows {MAX_VERSION}", 'shorten it, e.g. "1.2.0-beta.3"')
    language = read.text("language", "en")
    if language and not LANGUAGE.match(language):
        problems.error(path, mapping.line("language"), f'language "{language}" is not a language tag',
                       "use a BCP 47 tag such as en, en-GB or fr")
    config = CourseConfig(
        title=title or "",
        identifier=identifier or "",
        version=version or "1.0.0",
        language=language or "en",
        description=read.text("description", "") or "",
        authors=read.text_list("authors", allow_single=True) or (),
        mastery_score=read.integer("mastery_score", 0, 100),
        theme=read.slug("theme", "default") or "default",
        lessons=read.text_list("lessons"),
        assessments=read.text_list("assessments"),
        iri=_iri(read, mapping, path, problems),
        cmi5_au_per_lesson=read.boolean("cmi5_au_per_lesson", False),
        require_scenarios=read.boolean("require_scenarios", False),
        video_size=_video_size(read, mapping, path, problems),
        package_budget_mb=read.integer("package_budget_mb", 1, 100_000) or 250,
        check=_check_settings(mapping, path, problems, block_lines.get("check", {}),
                              item_lines(nodes.get("check"), "ignore")),
        one_question_per_screen=read.boolean("one_question_per_screen", False),
        branding=read_branding(mapping.data.get("branding"), path, mapping.line("branding"), problems,
                               block_lines.get("branding")),
        strings=read_overrides(mapping.data.get("strings"), language or "en", path,
                               mapping.line("strings" if "strings" in mapping.data else "language"), problems,
                               block_lines.get("strings"), text),
    )
    return config, mapping, block_lines, lost


def _iri(read: FieldReader, mapping: Mapping, path: Path, problems: Problems) -> str | None:
    iri = read.text("iri")
    if iri is None:
        return None
    iri = iri.rstrip("/")
    if not IRI.match(iri):
        problems.error(path, mapping.line("iri"), f'iri "{iri}" is not an absolute http(s) IRI',
                       "use an address under a domain you control, e.g. https://learning.example.com/courses/empathy "
                       "(no spaces, query or #fragment)")
        return None
    return iri


def _video_size(read: FieldReader, mapping: Mapping, path: Path, problems: Problems) -> tuple[int, int]:
    text = read.text("video_size", "1280x720") or "1280x720"
    size = VIDEO_SIZE.match(text)
    width, height = (int(size.group(1)), int(size.group(2))) if size else (0, 0)
    if not size or width % 2 or height % 2 or min(width, height) < 64:
        problems.error(path, mapping.line("video_size"), f'video_size "{text}" is not a usable frame size',
                       "write WIDTHxHEIGHT with even numbers of at least 64, e.g. 1280x720 or 854x480")
        return 1280, 720
    return width, height


def _check_settings(mapping: Mapping, path: Path, problems: Problems, lines: dict[str, int],
                    ignore_lines: list[int]) -> CheckSettings:
    value = mapping.data.get("check")
    line = mapping.line("check")
    if value is None:
        return CheckSettings()
    if not isinstance(value, dict):
        problems.error(path, line, '"check" must be `key: value` lines',
                       "write e.g. `check: {ignore: [colour-only], max_grade: 9}`")
        return CheckSettings()
    for key in value:
        if key not in CHECK_KEYS:
            problems.error(path, lines.get(str(key), line), f'unknown key "{key}" under "check"',
                           unknown_key_hint(key, CHECK_KEYS))
    numbers = _check_numbers(value, line, path, problems, lines)
    ignore_line = lines.get("ignore", line)
    return CheckSettings(ignore=_ignored_rules(value.get("ignore"), ignore_line, ignore_lines, path, problems),
                         **numbers)


def _check_numbers(value: dict, line: int, path: Path, problems: Problems, lines: dict[str, int]) -> dict[str, int]:
    numbers = {}
    for key, (low, high) in CHECK_LIMITS.items():
        number = value.get(key)
        if number is None:
            continue
        if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
            problems.error(path, lines.get(key, line),
                           f'"check: {key}" is {number!r}, not a whole number from {low} to {high}',
                           f"write e.g. `{key}: {getattr(CheckSettings, key)}`")
        else:
            numbers[key] = number
    return numbers


def _ignored_rules(value: object, line: int, lines: list[int], path: Path, problems: Problems) -> tuple[str, ...]:
    """The rules `ignore:` names: a list (each item at its line), or one line of them, written as a
    `check: ignore` comment names them (`link-text, image-alt`)."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [name for name in re.split(r"[\s,]+", str(value)) if name]
    rules = []
    for index, item in enumerate(items):
        at = lines[index] if isinstance(value, list) and index < len(lines) else line
        # Names are matched whatever their case: rule ids are lower case, none differs from another
        # by case alone, and `Link-Text` refused with "did you mean link-text?" read as a riddle.
        name = str(item).lower()
        if name in IGNORABLE:
            rules.append(name)
        elif name == "all":
            # As on a line (`<!-- check: ignore all -->`), every rule; said at each run, since a review
            # that finds nothing by design would otherwise pass for a clean course.
            rules.append("all")
            problems.warn(path, at, '"check: ignore" names all, so `courseforge check` and `build --strict` '
                          "find nothing in this course", "name the rules or families to switch off instead, "
                          "or a line's `<!-- check: ignore all -->`", notice=True)
        else:
            problems.error(path, at, f'"check: ignore" names an unknown rule "{item}"', ignore_hint(item))
    return tuple(rules)
