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


def test_teaching_lesson_reads_a_text_as_the_build_does():
    """`courseforge check` accepts an objective's text typed with a straight apostrophe where the
    lesson has a curly one; the missed question's link back to that lesson must not disappear."""
    lessons = [SimpleNamespace(id="views", objectives=("Explain a customer\u2019s view",))]
    assert teaching_lesson(question("explain a customer's view."), lessons) == "views"


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


def test_each_question_names_its_objectives_by_the_manifest_ids(tmp_path):
    """The SCORM adapters report objective results under exactly the ids the 2004 manifest declares
    (exporters/scorm2004.objective_ids), whichever way a question names them."""
    from conftest import default_files, lesson, write_course
    from courseforge.exporters.scorm2004 import objective_ids
    from courseforge.render import course_data

    check = ("::: question kc single\nWhich?\nobjective: 2\n- [x] This\n- [ ] That\n:::\n")
    files = {**default_files(2), "lessons/01-part-1.md": lesson("part-1", "Part 1", check).replace(
        "objectives:\n  - Learn about part 1", "objectives:\n  - Learn about part 1\n  - Tell one from another")}
    quiz = ("---\nid: final\ntitle: Final\n---\n\n"
            "::: question by-id single\nOne?\nobjective: part-2#1\nobjective: part-1#2\nobjective: part-2#1\n"
            "- [x] Yes\n- [ ] No\n:::\n\n"
            "::: question by-text true-false\nTwo?\nobjective: tell one from another.\n- [x] True\n- [ ] False\n:::\n\n"
            "::: question none single\nThree?\n- [x] Yes\n- [ ] No\n:::\n")
    course = load(write_course(tmp_path / "course", {**files, "assessments/01-final.md": quiz}))
    questions = course_data(course, "scorm2004")["questions"]
    assert questions["kc"]["objectives"] == ["part-1#2"], "a bare number: the holding lesson's objective"
    assert questions["by-id"]["objectives"] == ["part-2#1", "part-1#2"], "as written, once each"
    assert questions["by-text"]["objectives"] == ["part-1#2"]
    assert "objectives" not in questions["none"]
    named = {o for q in questions.values() for o in q.get("objectives", ())}
    assert named <= set(objective_ids(course))
