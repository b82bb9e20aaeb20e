"""A tiny course that `courseforge check` finds nothing in; each test adds one flaw."""
from __future__ import annotations

from pathlib import Path

from conftest import COURSE_YML, write_course
from courseforge.check import check_course
from courseforge.loader import load

LESSON = """\
---
id: {id}
title: Part {n}
objectives:
  - Name the first step of a call
minutes: 1
---

## What comes first

{body}

::: question kc-{id} single
Which step of a call comes first?
- [x] Listen
- [ ] Type
objective: 1
:::
"""
BODY = "Start every call by listening. Then act on what you heard."

SCENARIO = """\
title: A short call
characters:
  sam: {name: Sam, role: Customer}
scenes:
  start:
    lines:
      - sam: My order is late again.
    decision:
      options:
        - say: That is the second time. Let me fix it now.
          result: correct
          empathy: Cognitive.
          felt: Understood.
          feedback: You named what mattered.
          next: fixed
        - say: Please hold.
          result: {second_result}
          empathy: None shown.
          felt: Ignored.
          feedback: The cue went unanswered.
          next: {second_next}
  fixed:
    lines:
      - sam: Thank you.
"""


def lesson_text(id: str = "part-1", n: int = 1, body: str = BODY) -> str:
    return LESSON.format(id=id, n=n, body=body)


def clean_files() -> dict[str, str]:
    return {"course.yml": COURSE_YML, "lessons/01-part-1.md": lesson_text()}


def course(tmp_path: Path, files: dict[str, str | bytes | None] | None = None, name: str = "course") -> Path:
    merged = {**clean_files(), **(files or {})}
    return write_course(tmp_path / name, {k: v for k, v in merged.items() if v is not None})


def findings(folder: Path, rule: str | None = None, sources: Path | None = None) -> list:
    found = check_course(load(folder), sources).findings
    return [f for f in found if rule is None or f.rule == rule]


def single(qid: str, key: str, others: list[str], stem: str = "Which one?", key_at: int = 0) -> str:
    options = [f"- [ ] {text}" for text in others]
    options.insert(key_at, f"- [x] {key}")
    return f"::: question {qid} single\n{stem}\n" + "\n".join(options) + "\n:::\n\n"
