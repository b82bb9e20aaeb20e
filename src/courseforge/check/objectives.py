"""Objectives are assessed: `objective:` lines of questions resolved to the lessons' objectives.

A question names what it checks as a number (the Nth objective of its own lesson), `lesson-id#N`,
or the objective's text. A reference that resolves to nothing is an error, not a finding.
"""
from __future__ import annotations

import difflib
import functools
import re

from courseforge.check.findings import Finding, finding
from courseforge.check.review import Review
from courseforge.errors import ContentError, ContentErrors, Location
from courseforge.model import Course, Lesson, Question

REFERENCE = re.compile(r"^(?:([a-z0-9][a-z0-9-]*)#)?(\d+)$")
Objective = tuple[str, int]  # lesson id, 0-based index


def resolve(review: Review) -> list[tuple[Question, set[Objective]]]:
    """Each question with the objectives it names; raises ContentErrors for references that miss."""
    lessons = {lesson.id: lesson for lesson in review.course.lessons}
    # Made when a question first names an objective by its text or misses: most name a number.
    by_text = functools.cache(lambda: _by_text(review.course.lessons))
    resolved, errors = [], []
    for page in review.course.pages:
        home = page if isinstance(page, Lesson) else None
        for question in page.questions:
            covered = set()
            for raw in question.objectives:
                target, problem = _target(raw, home, lessons, by_text)
                if target is None:
                    errors.append(_error(review, question, raw, problem, by_text()))
                covered |= {target} - {None}
            resolved.append((question, covered))
    if errors:
        raise ContentErrors(errors)
    return resolved


def named_objectives(course: Course) -> dict[str, list[str]]:
    """Each question's objectives as the packages name them, `<lesson id>#<n>` (the SCORM 2004
    manifest's ids), by question id; for the questions that name any. The build has resolved every
    reference already (check_course), so one that misses names nothing here."""
    lessons = {lesson.id: lesson for lesson in course.lessons}
    by_text = functools.cache(lambda: _by_text(course.lessons))
    named = {}
    for page in course.pages:
        home = page if isinstance(page, Lesson) else None
        for question in page.questions:
            targets = [_target(raw, home, lessons, by_text)[0] for raw in question.objectives]
            ids = list(dict.fromkeys(f"{lesson_id}#{index + 1}" for lesson_id, index in filter(None, targets)))
            if ids:
                named[question.id] = ids
    return named


def _by_text(lessons: list[Lesson]) -> dict[str, Objective]:
    """Every objective by its text, normalized: the first lesson's where two share one."""
    by_text: dict[str, Objective] = {}
    for lesson in lessons:
        for index, text in enumerate(lesson.objectives):
            by_text.setdefault(objective_text(text), (lesson.id, index))
    return by_text


def _target(raw: str, home: Lesson | None, lessons: dict, by_text) -> tuple[Objective | None, str]:
    """`by_text()`: _by_text() of the course's lessons."""
    reference = REFERENCE.match(raw)
    if reference is None:
        own = [i for i, text in enumerate(home.objectives) if objective_text(text) == objective_text(raw)] if home else []
        found = (home.id, own[0]) if own else by_text().get(objective_text(raw))  # two lessons may share a text
        return found, "matches no lesson objective"
    lesson_id, number = reference.group(1), int(reference.group(2))
    lesson = lessons.get(lesson_id) if lesson_id else home
    if lesson is None:
        return None, (f'names lesson "{lesson_id}", which does not exist' if lesson_id
                      else "is a number, but the question is not in a lesson")
    if not 1 <= number <= len(lesson.objectives):
        return None, f'asks for objective {number}, but lesson "{lesson.id}" has {len(lesson.objectives)}'
    return (lesson.id, number - 1), ""


def _error(review: Review, question: Question, raw: str, problem: str, by_text: dict) -> ContentError:
    return ContentError(Location(question.source, _line_of(review, question, raw)),
                        f'`objective: {raw}` of question "{question.id}" {problem}', _hint(raw, by_text, review))


def _hint(raw: str, by_text: dict, review: Review) -> str:
    close = difflib.get_close_matches(objective_text(raw), list(by_text), n=1, cutoff=0.6)
    if close:
        lesson_id, index = by_text[close[0]]
        return f"did you mean {lesson_id}#{index + 1}? write a number, `lesson-id#N` or an objective's exact text"
    ids = ", ".join(lesson.id for lesson in review.course.lessons[:6])
    return f"write the objective's number in this lesson, `lesson-id#N` (lessons: {ids}) or its exact text"


def _line_of(review: Review, question: Question, raw: str) -> int:
    lines = review.lines(question.source)
    for number in range(question.line, len(lines) + 1):
        text = lines[number - 1].strip()
        if text.startswith("objective:") and text[len("objective:"):].strip() == raw:
            return number
    return question.line


def objective_text(text: str) -> str:
    """An objective's text as a reference to it is matched (here and in the player's data, render.py)."""
    return " ".join(text.lower().replace("’", "'").split()).rstrip(".")


def _assessing(review: Review) -> set[Objective]:
    """Objectives named by a question with a right answer, in a lesson or a graded assessment."""
    pages = [*review.course.lessons, *(quiz for quiz in review.course.quizzes if quiz.graded)]
    counted = {id(question) for page in pages for question in page.questions if question.graded}
    return set().union(*[covered for question, covered in review.resolved if id(question) in counted])


def unassessed_objectives(review: Review) -> list[Finding]:
    assessed = _assessing(review)
    found = []
    for lesson in review.course.lessons:
        front = review.page(lesson).front
        for index, text in enumerate(lesson.objectives):
            if (lesson.id, index) not in assessed:
                line = front.line("objectives", index) if front else None
                found.append(finding("objective-unassessed", lesson.source, line,
                                     f'objective {index + 1} of "{lesson.id}" is assessed by no graded question: "{text}"',
                                     f"add `objective: {index + 1}` to a knowledge check here, or "
                                     f"`objective: {lesson.id}#{index + 1}` to an assessment question"))
    return found


def unassessed_lessons(review: Review) -> list[Finding]:
    covers = {id(question): covered for question, covered in review.resolved}
    found = []
    for lesson in review.course.lessons:
        checks = [q for q in lesson.questions if q.graded]
        if not checks or not lesson.objectives:  # most lessons of a large course: nothing to look up
            continue
        own = set().union(*[covers[id(q)] for q in checks])
        if not any(target[0] == lesson.id for target in own):
            found.append(finding("lesson-unassessed", lesson.source, checks[0].line,
                                 f'the questions of "{lesson.id}" ' + ("do not check its objective"
                                 if len(lesson.objectives) == 1 else f"check none of its {len(lesson.objectives)} objectives"),
                                 "add `objective: N` to the knowledge checks that test objective N"))
    return found


RULES = {"objective-unassessed": unassessed_objectives, "lesson-unassessed": unassessed_lessons}
PAGE_RULES: dict = {}  # both look across lessons and questions
