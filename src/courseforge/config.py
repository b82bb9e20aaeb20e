"""course.yml → CourseConfig. Unknown keys are errors: a typo must never pass silently."""
from __future__ import annotations

import re
from pathlib import Path

from courseforge.errors import Problems
from courseforge.fields import FieldReader, check_keys
from courseforge.model import CourseConfig
from courseforge.yamltext import Mapping, YamlSyntaxError, load_mapping

COURSE_FILE = "course.yml"
KEYS = ("title", "identifier", "version", "language", "description", "authors",
        "mastery_score", "theme", "lessons", "assessments")
# BCP 47 in the shape LMSs and <html lang> accept: en, en-GB, pt-BR, zh-Hant-TW.
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


def load_config(path: Path, problems: Problems) -> tuple[CourseConfig, Mapping] | None:
    try:
        mapping = load_mapping(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.error(path, None, "the file is not UTF-8 text", "save it as UTF-8")
        return None
    except YamlSyntaxError as exc:
        problems.error(path, exc.line, f"YAML syntax error: {exc.problem}",
                       "check indentation and quote values that contain `:` or `#`")
        return None
    check_keys(mapping, KEYS, path, problems)
    read = FieldReader(mapping, path, problems)
    title = read.text("title", required=True)
    identifier = read.slug("identifier", required=True)
    version = read.text("version", "1.0.0")
    if version and not VERSION.match(version):
        problems.error(path, mapping.line("version"), f'version "{version}" has unusual characters',
                       'use letters, digits, dots and hyphens, e.g. "1.2.0"')
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
    )
    return config, mapping
