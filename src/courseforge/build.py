"""The pipeline, read top to bottom: load → render → package → (validated) zips in out/.

Nothing in `out` changes until every package is complete: zips are written to a temporary
folder beside it and renamed into place, so a failed build leaves the last good one intact.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from courseforge.answerkey import answer_key_markdown, answers_json
from courseforge.errors import ContentError
from courseforge.exporters import EXPORTERS
from courseforge.loader import load
from courseforge.render import render, shared_files
from courseforge.theme import Theme

FORMATS = tuple(EXPORTERS)
# Every standard-specific runtime file; a package carries only its own standard's.
ADAPTER_FILES = frozenset(path for exporter in EXPORTERS.values() for path in exporter.RUNTIME)


def build(source: Path, out: Path, formats: Iterable[str] = FORMATS,
          on_warning: Callable[[ContentError], None] | None = None, answer_key: bool = False) -> list[Path]:
    """Build every package of `formats` into `out`; with `answer_key`, the reviewers' files too."""
    course = load(Path(source))
    for warning in course.warnings:
        if on_warning:
            on_warning(warning)
    theme = Theme.for_course(course)
    shared = shared_files(course, theme)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".courseforge-", dir=out.parent))
    try:
        made = [_package(EXPORTERS[name], course, theme, shared, staging) for name in formats]
        if answer_key:
            made += _write_answer_key(course, staging)
        out.mkdir(exist_ok=True)
        for path in made:
            os.replace(path, out / path.name)
        return [out / path.name for path in made]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _package(exporter, course, theme, shared: dict[str, bytes], folder: Path) -> Path:
    files = {path: data for path, data in shared.items() if path not in ADAPTER_FILES or path in exporter.RUNTIME}
    return exporter.export(course, render(course, theme, exporter.STANDARD, files, exporter.RUNTIME), folder)


def _write_answer_key(course, folder: Path) -> list[Path]:
    key, answers = folder / "answer-key.md", folder / "answers.json"
    key.write_bytes(answer_key_markdown(course))
    answers.write_bytes(answers_json(course))
    return [key, answers]
