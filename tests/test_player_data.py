"""What the player learns from the course JSON (render.py) beyond the pages: which lesson teaches an
assessment question (shared contract 4's `objective:` lines) and the interface strings."""
from __future__ import annotations

from types import SimpleNamespace
from pathlib import Path

from courseforge.loader import load
from courseforge.render import teaching_lesson

CONTENT = Path(__file__).resolve().parent.parent / "content"


def question(*objectives: str):
    return SimpleNamespace(objectives=objectives)


def test_teaching_lesson_from_objective_lines():
    lessons = load(CONTENT).lessons
    first, third = [lesson for lesson in lessons if len(lesson.objectives) >= 2][0:3:2]
    assert teaching_lesson(question(f"{third.id}#2"), lessons) == third.id
    # An objective's text, in any case and spacing, with or without a full stop.
    text = "  " + first.objectives[1].upper().replace(" ", "  ") + "."
    assert teaching_lesson(question(text), lessons) == first.id
    # The first line that resolves wins; what resolves to nothing gives no link.
    assert teaching_lesson(question("no-such-lesson#1", f"{third.id}#1"), lessons) == third.id
    assert teaching_lesson(question(f"{third.id}#{len(third.objectives) + 1}"), lessons) is None
    assert teaching_lesson(question("2"), lessons) is None, "a bare number names the assessment's own objectives"
    assert teaching_lesson(question(), lessons) is None
    assert teaching_lesson(SimpleNamespace(), lessons) is None, "a Question without objective lines"
