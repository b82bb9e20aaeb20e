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


def test_the_cover_time_counts_lessons_questions_and_role_plays(tmp_path):
    from conftest import default_files, write_course
    from courseforge.model import Clip
    from courseforge.render import estimated_minutes

    quiz = "---\nid: final\ntitle: Final\n---\n\n" + "".join(
        f"::: question q{n} true-false\nTrue?\n- [x] True\n- [ ] False\n:::\n\n" for n in range(4))
    course = load(write_course(tmp_path / "course", {**default_files(3), "assessments/01-final.md": quiz}))
    assert estimated_minutes(course, {}) == 3 * 5 + 4  # the lessons' own minutes, a minute a question
    course.scenarios = [SimpleNamespace()]  # one role-play of 90 s of clips: plus two minutes to decide
    clips = {("s", scene): Clip("s", scene, "", "", "", 45.0, (), "") for scene in ("a", "b")}
    assert estimated_minutes(course, clips) == 22  # 15 + 4 + 1.5 of clips + 2 to decide, rounded
