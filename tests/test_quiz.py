from pathlib import Path

import pytest

from courseforge.quiz import QuestionParser

SOURCE = Path("lesson.md")


def parse(block: str, line: int = 10):
    header, *lines = block.strip("\n").splitlines()
    problems = []
    parser = QuestionParser(lambda text, line: f"<p>{text}</p>", lambda text, line: text)
    question = parser.parse(header.lstrip(": ").strip(), lines, line, SOURCE,
                            lambda at, problem, hint: problems.append((at, problem, hint)))
    return question, problems


def test_single_choice_with_situation_feedback_explanation_and_points():
    q, problems = parse("""
::: question narrow-feet single
> A caller needs dressy shoes for a wedding.
Which detail matters most?
- [ ] The colour
  feedback: A preference, not the problem.
- [x] Her narrow feet
- [ ] The venue
explanation: It explains every failed order.
points: 2
""")
    assert problems == []
    assert (q.id, q.type, q.points, q.line) == ("narrow-feet", "single", 2, 10)
    assert q.scenario_html == "<p>A caller needs dressy shoes for a wedding.</p>"
    assert q.prompt_html == "<p>Which detail matters most?</p>"
    assert [(o.key, o.text, o.correct) for o in q.options] == [
        ("0", "The colour", False), ("1", "Her narrow feet", True), ("2", "The venue", False)]
    assert q.options[0].feedback_html == "A preference, not the problem." and q.options[1].feedback_html == ""
    assert q.explanation_html == "It explains every failed order." and q.graded


def test_multiple_response():
    q, problems = parse("::: question m multiple\nPick two\n- [x] A\n- [ ] B\n- [X] C\n")
    assert problems == [] and [o.correct for o in q.options] == [True, False, True]


def test_true_false():
    q, problems = parse("::: question tf true-false\nEmpathy is a fixed trait.\n- [ ] True\n- [x] False\n")
    assert problems == [] and [(o.text, o.correct) for o in q.options] == [("True", False), ("False", True)]


def test_fill_in_with_alternatives_and_case_rule():
    q, problems = parse("::: question f fill-in\nName it.\n= cognitive empathy\n=   Cognitive  Empathy \n"
                        "case: sensitive\n")
    assert problems == [] and q.answers == ("cognitive empathy", "Cognitive Empathy") and q.case_sensitive


def test_fill_in_is_case_insensitive_by_default():
    q, _ = parse("::: question f fill-in\nName it.\n= empathy\n")
    assert not q.case_sensitive


def test_matching():
    q, problems = parse("::: question mt matching\nMatch them.\n- Cognitive -> Understanding\n"
                        "- Affective -> Feeling\n- Compassionate -> Acting\n")
    assert problems == []
    assert [(a.key, a.text, b.key, b.text) for a, b in zip(q.options, q.targets)] == [
        ("0", "Cognitive", "0", "Understanding"), ("1", "Affective", "1", "Feeling"),
        ("2", "Compassionate", "2", "Acting")]


def test_ordering_keeps_the_right_order():
    q, problems = parse("::: question o ordering\nPut in order.\n1. Open\n2. Explore\n3. Act\n")
    assert problems == [] and [o.text for o in q.options] == ["Open", "Explore", "Act"]


def test_likert_default_and_custom_scale():
    q, problems = parse("::: question l likert\nThe course was useful.\n")
    assert problems == [] and len(q.options) == 5 and q.options[0].text == "Strongly disagree" and not q.graded
    q, problems = parse("::: question l likert\nUseful?\nscale: No | Somewhat | Yes\n")
    assert problems == [] and [o.text for o in q.options] == ["No", "Somewhat", "Yes"]


def test_objective_lines_are_kept_raw_in_order_for_any_type():
    q, problems = parse("::: question o single\nWhich?\nobjective: 2\n- [x] A\n- [ ] B\n"
                        "objective:  why-empathy#3 \nobjective: Explain why scripted lines backfire\n")
    assert problems == []
    assert q.objectives == ("2", "why-empathy#3", "Explain why scripted lines backfire")
    q, problems = parse("::: question r reflection\nRewrite the line.\nobjective: 3\n")
    assert problems == [] and q.objectives == ("3",) and q.prompt_html == "<p>Rewrite the line.</p>"


def test_a_question_without_objective_lines_has_none():
    q, _ = parse("::: question f fill-in\nName it.\n= empathy\n")
    assert q.objectives == ()


def test_reflection():
    q, problems = parse("::: question r reflection\nRecall your most memorable client challenge.\n")
    assert problems == [] and q.type == "reflection" and not q.graded and q.options == ()


@pytest.mark.parametrize("block,expected", [
    ("::: question q single\nWhich?\n- [ ] A\n- [ ] B\n", (10, 'question "q" has no correct option')),
    ("::: question q pick-one\nWhich?\n- [x] A\n", (10, 'unknown question type "pick-one"')),
    ("::: question q\nWhich?\n", (10, "`::: question q` needs a question id and a type")),
    ("::: question Q_1 single\nWhich?\n- [x] A\n- [ ] B\n", (10, 'question id "Q_1" is not a valid id')),
    ("::: question q single\nWhich?\n- [x] A\n- [x] B\n",
     (13, 'question "q" has 2 correct options but is `single` (line 12 is marked [x] too)')),
    ("::: question q single\nWhich?\n- [x] A\n", (10, 'question "q" has 1 option(s)')),
    ("::: question q matching\nMatch.\n- A -> 1\n- B ->\n- C -> 3\n", (13, "a matching pair is missing a side")),
    ("::: question q matching\nMatch.\n- A -> 1\n- B\n", (13, "a matching pair is missing a side")),
    ("::: question q fill-in\nName it.\n", (10, 'fill-in question "q" has no accepted answer')),
    ("::: question q true-false\nSo?\n- [x] Yes\n- [ ] No\n", (10, 'true-false question "q" needs exactly the options True and False')),
    ("::: question q ordering\nOrder.\n1. Only\n", (10, 'ordering question "q" needs at least two items')),
    ("::: question q single\n- [x] A\n- [ ] B\n", (10, 'question "q" has no question text')),
    ("::: question q single\nWhich?\n- [x] A\n- [ ] B\nstray words\n", (14, "unexpected text after the answers")),
    ("::: question q single\nWhich?\n- [x] A\n- [ ] B\npoints: lots\n", (14, "`points: lots` is not a whole number from 1 to 100")),
    ("::: question q likert\nOk?\nscale: Yes\n", (12, 'the scale of "q" needs 2 to 10 points')),
])
def test_errors_name_their_line(block, expected):
    _, problems = parse(block)
    assert [(line, problem) for line, problem, _ in problems][:1] == [expected]
    assert all(hint for _, _, hint in problems)


def test_more_than_36_options_do_not_fit_scorm_12():
    options = "\n".join(f"- [{'x' if i == 0 else ' '}] Option {i}" for i in range(37))
    _, problems = parse(f"::: question q single\nWhich?\n{options}\n")
    assert problems[0][1] == 'question "q" has 37 options'
