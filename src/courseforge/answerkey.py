"""The answer key for subject-matter experts (Markdown) and answers.json for QA tools.

Both are written next to the packages, never inside them: a learner must not find the answers.
"""
from __future__ import annotations

import html
import json
import re

from courseforge.model import Course, Question

TAGS = re.compile(r"<[^>]+>")


def label(fragment: str) -> str:
    """What the learner sees: rendered inline Markdown without its tags."""
    return html.unescape(TAGS.sub("", fragment)).strip()


def correct_answer(question: Question):
    kind = question.type
    if kind in ("single", "true-false"):
        return next(label(o.html) for o in question.options if o.correct)
    if kind == "multiple":
        return [label(o.html) for o in question.options if o.correct]
    if kind == "ordering":
        return [label(o.html) for o in question.options]
    if kind == "matching":
        return {label(a.html): label(b.html) for a, b in zip(question.options, question.targets)}
    if kind == "fill-in":
        return question.answers[0]
    return None  # likert and reflection have no right answer


def answers_json(course: Course) -> bytes:
    answers = {q.id: correct_answer(q) for page in course.pages for q in page.questions}
    return (json.dumps(answers, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def answer_key_markdown(course: Course) -> bytes:
    lines = [f"# Answer key: {course.title}", "",
             f"Course `{course.id}`, version {course.config.version}. For reviewers only; not part of any package.", ""]
    for page in course.pages:
        if not page.questions:
            continue
        lines += [f"## {page.number}. {page.title}", ""]
        for question in page.questions:
            lines += _question_lines(question)
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def _question_lines(question: Question) -> list[str]:
    where = f"{question.source.name}:{question.line}"
    worth = f"{question.points} point{'s' * (question.points != 1)}" if question.graded else "not scored"
    lines = [f"### `{question.id}` ({question.type}, {worth}, {where})", ""]
    if question.scenario_html:
        lines += [f"> {label(question.scenario_html)}", ""]
    lines += [label(question.prompt_html), ""]
    for option in question.options if question.type not in ("matching", "ordering") else ():
        mark = "x" if option.correct else " "
        lines.append(f"- [{mark}] {label(option.html)}" + (f" — *{label(option.feedback_html)}*"
                                                           if option.feedback_html else ""))
    answer = correct_answer(question)
    if question.type == "ordering":
        lines += [f"{i}. {text}" for i, text in enumerate(answer, start=1)]
    elif question.type == "matching":
        lines += [f"- {left} → {right}" for left, right in answer.items()]
    elif question.type == "fill-in":
        rule = "case-sensitive" if question.case_sensitive else "any case"
        lines += [f"Accepted ({rule}): " + ", ".join(f"“{a}”" for a in question.answers)]
    if question.explanation_html:
        lines += ["", f"**Why:** {label(question.explanation_html)}"]
    return lines + [""]
