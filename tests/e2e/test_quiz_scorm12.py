"""Quizzes in the shipped course's SCORM 1.2 package under scorm-again: the final assessment answered
all right (passed, 100) and all wrong (failed, then out of attempts), suspended mid-assessment and
resumed, every interaction record checked against the answers given and the strict 1.2 formats,
knowledge checks with announced feedback, keyboard-only answering and axe-core before and after
feedback. answers.json (`build --answer-key`) says which label is right.
CHECKLIST S12-I1..I4, S12-R3, S12-R4, S12-R5, S12-D1, Q3, Q10."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from .e2e_support import (CONTENT, SESSION_TIME, Package, axe_violations, build_package, calls,
                          format_violations, launch, last_set, lesson_ids, open_lms, unzip, visible_lesson,
                          wait_for_call)
from .test_scorm12_lms import assert_api_clean

FINAL = "final-assessment"
FINAL_QUESTIONS = 25  # content/assessments/01-final-assessment.md, all drawn on every attempt
SURVEY = "feedback-survey"
FIRST_CHECK_PAGE = "why-empathy"  # the first lesson with knowledge checks (kc-why-second-agent), after the welcome
# What an LMS preloads for this package: its manifest carries adlcp:masteryscore 80.
PRELOAD = {"core": {"student_id": "learner-1", "student_name": "Learner, Test", "lesson_mode": "normal",
                    "credit": "credit"},
           "student_data": {"mastery_score": "80"}}

# S12-I2/I3 as strict LMSs (Moodle's scorm_12.js) check them; scorm-again accepts far more (Q10).
RESPONSE = {
    "true-false": r"[tf]",
    "choice": r"[0-9a-z](,[0-9a-z])*",
    "matching": r"[0-9a-z]\.[0-9a-z](,[0-9a-z]\.[0-9a-z])*",
    "sequencing": r"[0-9a-z](,[0-9a-z])*",
    "likert": r"[0-9a-z]",
    "fill-in": r".{0,255}",
}
CMI_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
IDENTIFIER = re.compile(r"^[A-Za-z0-9_-]{1,255}$")

STRUCTURE = """id => {
  const f = document.querySelector(`fieldset[data-question-id="${id}"]`);
  const t = n => [...n.childNodes].filter(c => !(c.classList && c.classList.contains('question-mark')))
    .map(c => c.textContent).join('').replace(/\\s+/g, ' ').trim();
  return {
    type: f.dataset.type,
    options: [...f.querySelectorAll('.question-option')].map(o => ({key: o.dataset.key, label: t(o.querySelector('label'))})),
    pairs: [...f.querySelectorAll('.question-pair')].map(p => ({key: p.dataset.key, label: t(p.querySelector('label')),
      choices: [...p.querySelectorAll('option')].filter(o => o.value).map(o => ({value: o.value, label: t(o)}))})),
    items: [...f.querySelectorAll('.question-item')].map(i => ({key: i.dataset.key, label: t(i.querySelector('.question-item-text'))}))
  };
}"""

SNAPSHOT = """page => [...document.querySelectorAll(`#lesson-${page} fieldset.question:not([hidden])`)].map(f => ({
  id: f.dataset.questionId,
  number: f.querySelector('.question-number').textContent,
  options: [...f.querySelectorAll('.question-option')].map(o => o.dataset.key).join(''),
  checked: [...f.querySelectorAll('input:checked')].map(i => i.value),
  text: (f.querySelector('input[type=text], textarea') || {}).value || '',
  selects: [...f.querySelectorAll('select')].map(s => s.value),
  moved: !!f.querySelector('.question-order.is-moved')
}))"""


@dataclass
class QuizPackage:
    package: Package
    answers: dict  # answers.json: question id → the right label(s)
    course: dict  # the course JSON the player reads


@pytest.fixture(scope="module")
def quiz(tmp_path_factory, server) -> QuizPackage:
    root = tmp_path_factory.mktemp("quiz")
    zip_path = build_package(CONTENT, root / "out", answer_key=True)
    folder = unzip(zip_path, root / "unzipped")
    prefix = server.mount("quiz", folder)
    answers = json.loads((root / "out" / "answers.json").read_text(encoding="utf-8"))
    html = (folder / "index.html").read_text(encoding="utf-8")
    course = json.loads(re.search(r'<script type="application/json" id="cf-course">(.*?)</script>', html, re.S)[1])
    return QuizPackage(Package(zip_path, folder, prefix + "index.html", lesson_ids(folder)), answers, course)


# ---------------------------------------------------------------------------------------------
# Helpers


def norm(text: str) -> str:
    return " ".join(text.split())


def go_to(sco, page_id: str) -> None:
    sco.click(f'a[href="#lesson-{page_id}"]')
    sco.wait_for_function("id => !document.getElementById('lesson-' + id).hidden", arg=page_id)


def shown_questions(sco, page_id: str) -> list[str]:
    return [q["id"] for q in sco.evaluate(SNAPSHOT, page_id)]


def plan(sco, qid: str, right_answer, right: bool = True) -> dict:
    """The inputs that give the right (or a wrong) answer: {"check": [keys]}, {"fill": text} or
    {"select": {item key: value}} or {"order": [item keys]}, found from the labels answers.json names."""
    info = sco.evaluate(STRUCTURE, qid)
    kind = info["type"]
    options = {norm(o["label"]): o["key"] for o in info["options"]}
    if kind in ("single", "true-false"):
        key = options[norm(right_answer)]
        return {"check": [key if right else next(k for k in sorted(options.values()) if k != key)]}
    if kind == "multiple":
        keys = sorted(options[norm(label)] for label in right_answer)
        return {"check": keys if right else [next(k for k in sorted(options.values()) if k not in keys)]}
    if kind == "fill-in":
        return {"fill": right_answer if right else "not an accepted answer"}
    if kind == "matching":
        pairs = {norm(p["label"]): p for p in info["pairs"]}
        chosen = {}
        for left, target in right_answer.items():
            pair = pairs[norm(left)]
            chosen[pair["key"]] = next(c["value"] for c in pair["choices"] if c["label"] == norm(target))
        if not right:  # every item given another item's match
            keys = sorted(chosen)
            chosen = dict(zip(keys, [chosen[k] for k in keys[1:] + keys[:1]]))
        return {"select": chosen}
    if kind == "ordering":
        keys = {norm(p["label"]): p["key"] for p in info["items"]}
        order = [keys[norm(label)] for label in right_answer]
        return {"order": order if right else order[::-1]}
    if kind == "likert":
        return {"check": [info["options"][3]["key"]]}
    return {"fill": "A customer whose parcel was lost twice: she needed me to say so first.\nThen a fix."}


def apply(sco, qid: str, inputs: dict) -> None:
    """Answer with the pointer and Playwright's form helpers (the keyboard test does without)."""
    for key in inputs.get("check", []):
        sco.check(f"#q-{qid}-{key}")
    if "fill" in inputs:
        sco.fill(f"#q-{qid}-text", inputs["fill"])
    for key, value in inputs.get("select", {}).items():
        sco.select_option(f"#q-{qid}-{key}", value)
    for position, key in enumerate(inputs.get("order", [])):
        reorder(sco, qid, key, position)


def item_order(sco, qid: str) -> list[str]:
    return sco.evaluate("id => [...document.querySelectorAll(`#q-${id} .question-item`)].map(i => i.dataset.key)", qid)


def reorder(sco, qid: str, key: str, position: int, press=None) -> bool:
    """Move item `key` to `position` (0 first) with its Move up / Move down buttons (or, with
    `press`, by keyboard on them: Enter on the focused button); whether it moved."""
    for _ in range(20):
        now = item_order(sco, qid).index(key)
        if now == position:
            return _ > 0
        button = f"#q-{qid}-{key}-{'up' if now > position else 'down'}"
        if press:
            sco.focus(button)
            press("Enter")
        else:
            sco.click(button)
    pytest.fail(f"{qid}: {key} never reached position {position}")


def answer_page(sco, quiz: QuizPackage, page_id: str, right: bool = True, limit: int | None = None) -> dict:
    given = {}
    for qid in shown_questions(sco, page_id)[:limit]:
        given[qid] = plan(sco, qid, quiz.answers.get(qid), right)
        apply(sco, qid, given[qid])
    return given


def submit(sco, page_id: str) -> str:
    sco.click(f"#lesson-{page_id} .quiz-submit")
    status = f"#lesson-{page_id} .quiz-status"
    # Focus goes to the result card at the top of the page.
    sco.wait_for_function("s => document.activeElement === document.querySelector(s)", arg=f"#lesson-{page_id} .quiz-result")
    return sco.inner_text(status)


def expected(quiz: QuizPackage, qid: str, inputs: dict, labels: dict) -> tuple[str | None, str]:
    """(correct_responses.0.pattern, student_response) in SCORM 1.2 format, from the course JSON."""
    q = quiz.course["questions"][qid]
    kind = q["scormType"]
    tf = lambda key: "t" if labels[key].lower() == "true" else "f"  # noqa: E731
    if kind == "true-false":
        return tf(q["correct"][0]), tf(inputs["check"][0])
    if kind in ("choice", "likert"):
        return (",".join(q["correct"]) if "correct" in q else None), ",".join(sorted(inputs["check"]))
    if kind == "matching":
        return ",".join(q["correct"]), ",".join(f"{k}.{v}" for k, v in sorted(inputs["select"].items()))
    if kind == "sequencing":
        order = inputs["order"]
        return ",".join(q["correct"]), ",".join(order)
    text = " ".join(inputs["fill"].split())[:255]
    return (q["answers"][0] if q["type"] == "fill-in" else None), text


def interactions(page) -> list[dict]:
    """Every cmi.interactions.n record from the recorded LMSSetValue calls, each field in call order."""
    records: dict[int, list] = {}
    for call in calls(page):
        if call["fn"] == "LMSSetValue" and call["args"][0].startswith("cmi.interactions."):
            assert call["result"] == "true" and call["error"] == "0", f"scorm-again refused {call}"
            index, field = re.fullmatch(r"cmi\.interactions\.(\d+)\.(.+)", call["args"][0]).groups()
            records.setdefault(int(index), []).append((field, call["args"][1]))
    assert sorted(records) == list(range(len(records))), "interactions written at n = _count, one after another"
    out = []
    for index in sorted(records):
        fields = records[index]
        names = [name for name, _ in fields]
        assert names[:2] == ["id", "type"], f"S12-I1: .id first, then .type: {names}"
        assert len(set(names)) == len(names), names
        out.append(dict(fields))
    return out


def check_record(record: dict) -> None:
    """The strict SCORM 1.2 format of one interaction record (S12-I2, S12-I3, S12-D4)."""
    kind = record["type"]
    assert IDENTIFIER.match(record["id"]), record
    assert kind in RESPONSE, record
    assert re.fullmatch(RESPONSE[kind], record["student_response"]), record
    if "correct_responses.0.pattern" in record:
        assert re.fullmatch(RESPONSE[kind], record["correct_responses.0.pattern"]), record
    assert record["result"] in ("correct", "wrong", "neutral"), record
    assert re.fullmatch(r"-?\d{1,3}(\.\d+)?", record["weighting"]) and -100 <= float(record["weighting"]) <= 100
    assert SESSION_TIME.match(record["latency"]), record
    assert CMI_TIME.match(record["time"]), record


def check_interactions(page, sco, quiz: QuizPackage, given: dict, result: str, graded: bool = True) -> list:
    records = [r for r in interactions(page) if r["id"] in given]
    assert [r["id"] for r in records] == list(given), "one record per answered question, in page order"
    for record in records:
        qid = record["id"]
        q = quiz.course["questions"][qid]
        labels = {o["key"]: o["label"] for o in sco.evaluate(STRUCTURE, qid)["options"]}
        check_record(record)
        pattern, response = expected(quiz, qid, given[qid], labels)
        assert record["type"] == q["scormType"]
        assert record.get("correct_responses.0.pattern") == pattern, record
        assert record["student_response"] == response, record
        assert record["result"] == ("neutral" if q["type"] in ("likert", "reflection") else result), record
        assert record["weighting"] == str(q["points"] if graded and q["graded"] else 0), record
    return records


def finish(page) -> list[dict]:
    page.evaluate("cfLMS.unload()")
    wait_for_call(page, "LMSFinish")
    return assert_api_clean(page)


def score_calls(page) -> list:
    return [(c["args"][0], c["args"][1]) for c in calls(page)
            if c["fn"] == "LMSSetValue" and (c["args"][0].startswith("cmi.core.score") or c["args"][0] ==
                                              "cmi.core.lesson_status")]


# ---------------------------------------------------------------------------------------------
# The final assessment


def test_all_right_passes_with_100(lms_context, server, quiz):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=PRELOAD)
    go_to(sco, FINAL)
    assert sco.inner_text(f"#lesson-{FINAL} .quiz-status") == "Attempt 1 of 3."
    assert len(shown_questions(sco, FINAL)) == FINAL_QUESTIONS
    given = answer_page(sco, quiz, FINAL, right=True)
    assert len(given) == FINAL_QUESTIONS
    status = submit(sco, FINAL)
    assert "100%" in status and "you passed" in status
    assert not sco.is_visible(f"#lesson-{FINAL} .quiz-retry")
    assert not sco.is_visible(f"#lesson-{FINAL} .quiz-submit")
    # Passed and show_answers: every question says it is right, with its explanation.
    assert sco.evaluate(f"[...document.querySelectorAll('#lesson-{FINAL} .question-result')]"
                        ".every(p => p.textContent === 'Correct.')")
    assert sco.is_visible(f"#lesson-{FINAL} .question-feedback .question-explanation")
    assert sco.evaluate(f"[...document.querySelectorAll('#lesson-{FINAL} fieldset.question')].every(f => f.disabled)")
    check_interactions(page, sco, quiz, given, "correct")
    assert score_calls(page)[-4:] == [("cmi.core.score.raw", "100"), ("cmi.core.score.min", "0"),
                                      ("cmi.core.score.max", "100"), ("cmi.core.lesson_status", "passed")]
    finish(page)
    cmi = page.evaluate("cfLMS.cmi()")
    assert cmi["core"]["lesson_status"] == "passed"
    assert (cmi["core"]["score"]["raw"], cmi["core"]["score"]["min"], cmi["core"]["score"]["max"]) == ("100", "0", "100")
    # Passed, yet pages are still to visit: the attempt goes on (S12-R5; test_learner_walk.py).
    assert last_set(page, "cmi.core.exit") == "suspend", "pages still to visit: suspend"
    watch.assert_clean()


def test_all_wrong_fails_then_runs_out_of_attempts(lms_context, server, quiz):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=PRELOAD)
    go_to(sco, FINAL)
    given = answer_page(sco, quiz, FINAL, right=False)
    status = submit(sco, FINAL)
    assert "Your score is 0%" in status and "attempts left: 2" in status
    check_interactions(page, sco, quiz, given, "wrong")
    assert score_calls(page)[-4:] == [("cmi.core.score.raw", "0"), ("cmi.core.score.min", "0"),
                                      ("cmi.core.score.max", "100"), ("cmi.core.lesson_status", "failed")]
    # Attempts left: which were wrong is shown, the right answers and explanations are not.
    assert sco.evaluate(f"[...document.querySelectorAll('#lesson-{FINAL} fieldset.question:not([hidden]) "
                        ".question-result')].every(p => p.textContent === 'Incorrect.')")
    assert sco.locator(f"#lesson-{FINAL} .question-mark").count() == 0
    assert sco.locator(f"#lesson-{FINAL} .question-feedback .question-explanation").count() == 0

    # Retry: a new attempt with a new draw/order, nothing filled in, Submit back.
    for attempt in (2, 3):
        sco.click(f"#lesson-{FINAL} .quiz-retry")
        assert sco.inner_text(f"#lesson-{FINAL} .quiz-status") == f"Attempt {attempt} of 3."
        assert sco.evaluate("document.activeElement.closest('fieldset') !== null"), "focus moves to the first question"
        snapshot = sco.evaluate(SNAPSHOT, FINAL)
        assert not any(q["checked"] or q["text"] or any(q["selects"]) or q["moved"] for q in snapshot)
        answer_page(sco, quiz, FINAL, right=False)
        status = submit(sco, FINAL)
    assert "You have no attempts left." in status
    assert not sco.is_visible(f"#lesson-{FINAL} .quiz-retry")
    # No attempts left and show_answers: now the right answers are shown.
    assert sco.locator(f"#lesson-{FINAL} .question-mark.is-right, #lesson-{FINAL} .question-mark.is-fix").count() >= FINAL_QUESTIONS
    # A wrong row gets the right position or match, never a tick.
    assert sco.locator(f"#lesson-{FINAL} .question-item .is-right, #lesson-{FINAL} .question-pair .is-right").count() == 0
    assert sco.locator(f"#lesson-{FINAL} .question-feedback .question-explanation").count() == FINAL_QUESTIONS
    assert len(interactions(page)) == 3 * FINAL_QUESTIONS
    finish(page)
    cmi = page.evaluate("cfLMS.cmi()")
    assert cmi["core"]["lesson_status"] == "failed"
    assert cmi["core"]["score"]["raw"] == "0"
    assert last_set(page, "cmi.core.exit") == "", "no attempts left: the attempt is over"
    watch.assert_clean()


def test_walking_every_page_without_submitting_stays_incomplete(lms_context, server, quiz):
    """A course with a graded quiz reports passed/failed from it, never `completed` (S12-R3)."""
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=PRELOAD)
    for page_id in quiz.package.lesson_ids[1:]:
        go_to(sco, page_id)
    sco.click("#cf-next")  # on to the course summary
    assert sco.is_visible("#cf-complete")
    assert "Pass the assessment" in sco.inner_text("#cf-complete")
    finish(page)
    cmi = page.evaluate("cfLMS.cmi()")
    assert cmi["core"]["lesson_status"] == "incomplete"
    assert last_set(page, "cmi.core.exit") == "suspend"
    assert score_calls(page) == [("cmi.core.lesson_status", "incomplete")]
    watch.assert_clean()


def test_suspended_mid_assessment_resumes_same_questions_and_answers(lms_context, server, quiz):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=PRELOAD)
    go_to(sco, "three-kinds-of-empathy")
    apply(sco, "kc-kinds-conditions", plan(sco, "kc-kinds-conditions", quiz.answers["kc-kinds-conditions"]))
    sco.click("#q-kc-kinds-conditions .question-check")
    go_to(sco, FINAL)
    order = shown_questions(sco, FINAL)
    # Some answers of every kind (one of each first: the draw order is shuffled), one of them
    # deliberately wrong, and a few left open.
    kind_of = {qid: sco.evaluate(STRUCTURE, qid)["type"] for qid in order}
    firsts = list({kind_of[qid]: qid for qid in reversed(order)}.values())
    chosen = (firsts + [qid for qid in order if qid not in firsts])[:12]
    given = {}
    for qid in chosen:
        given[qid] = plan(sco, qid, quiz.answers.get(qid), True)
        apply(sco, qid, given[qid])
    wrong = next(qid for qid in order if qid not in given)
    apply(sco, wrong, plan(sco, wrong, quiz.answers[wrong], right=False))
    before = sco.evaluate(SNAPSHOT, FINAL)
    assert {kind_of[qid] for qid in given} == set(kind_of.values()), kind_of
    finish(page)
    assert last_set(page, "cmi.core.exit") == "suspend"
    assert page.evaluate("cfLMS.cmi()")["core"]["lesson_status"] == "incomplete"
    assert not any(name.startswith("cmi.core.score") for name, _ in score_calls(page))
    assert [r["id"] for r in interactions(page)] == ["kc-kinds-conditions"], "nothing of the open attempt recorded"
    saved = page.evaluate("cfLMS.nextLaunch()")
    assert len(saved["suspend_data"]) <= 4096
    page.close()

    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=saved)
    assert visible_lesson(sco) == FINAL
    after = sco.evaluate(SNAPSHOT, FINAL)
    assert [q["id"] for q in after] == order, "same questions in the same order"
    assert after == before, "same option order and the same answers filled in"
    assert sco.inner_text(f"#lesson-{FINAL} .quiz-status") == "Attempt 1 of 3."
    assert sco.is_visible(f"#lesson-{FINAL} .quiz-submit")
    # The knowledge check came back checked, with its feedback.
    assert sco.inner_text("#q-kc-kinds-conditions .question-result") == "Correct."
    # Finish the attempt: the rest answered right, the wrong one stays wrong.
    for qid in [q for q in order if q not in given and q != wrong]:
        apply(sco, qid, plan(sco, qid, quiz.answers[qid]))
    status = submit(sco, FINAL)
    points = {qid: quiz.course["questions"][qid]["points"] for qid in order}
    score = round((sum(points.values()) - points[wrong]) * 100 / sum(points.values()))
    assert f"Your score is {score}%" in status
    records = interactions(page)
    assert [r["id"] for r in records] == order
    assert [r["result"] for r in records].count("wrong") == 1
    finish(page)
    assert page.evaluate("cfLMS.cmi()")["core"]["lesson_status"] == ("passed" if score >= 80 else "failed")
    watch.assert_clean()


def test_draw_and_order_survive_a_resume(lms_context, server, make_course, package_factory):
    """A pool: `draw: 3` of 6 with shuffle; the draw is fixed per attempt and comes back on resume."""
    questions = "\n".join(
        f"::: question pool-{n} single\nPool question {n}?\n- [x] Right {n}\n- [ ] Wrong {n}\n- [ ] Other {n}\n:::\n"
        for n in range(1, 7))
    folder = make_course({"assessments/01-pool.md": "---\ntitle: Pool\ndraw: 3\nshuffle: true\nattempts: 1\n"
                                                   "show_answers: false\n---\n\nThree of six.\n\n" + questions},
                         lessons=1)
    package = package_factory(folder)
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, package)
    go_to(sco, "pool")
    before = sco.evaluate(SNAPSHOT, "pool")
    assert len(before) == 3 and before[0]["number"] == "Question 1 of 3"
    assert "Questions: 3" in sco.inner_text("#lesson-pool .lesson-meta")
    assert sco.locator("#lesson-pool fieldset.question[hidden]").count() == 3
    sco.check(f"#q-{before[0]['id']}-0")  # Right
    sco.check(f"#q-{before[1]['id']}-1")  # Wrong
    before = sco.evaluate(SNAPSHOT, "pool")
    finish(page)
    saved = page.evaluate("cfLMS.nextLaunch()")
    page.close()
    page = open_lms(context, server)
    sco = launch(page, package, preload=saved)
    assert sco.evaluate(SNAPSHOT, "pool") == before
    sco.click("#lesson-pool .quiz-submit")
    assert sco.inner_text("#lesson-pool .quiz-status") == (
        "Questions not answered yet: 1. Select Submit again to submit anyway.")
    status = submit(sco, "pool")
    assert "Your score is 33%" in status and "You have no attempts left" in status
    # One attempt, failed, show_answers off: wrong is said, the answer is not.
    assert sco.locator("#lesson-pool .question-mark").count() == 0
    results = [sco.inner_text(f"#q-{q['id']} .question-result") for q in before]
    assert results == ["Correct.", "Incorrect.", "Not answered."]
    finish(page)
    assert page.evaluate("cfLMS.cmi()")["core"]["lesson_status"] == "failed"
    watch.assert_clean()


# ---------------------------------------------------------------------------------------------
# Knowledge checks, the survey, keyboard and axe


def test_knowledge_check_gives_announced_feedback(lms_context, server, quiz):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=PRELOAD)
    go_to(sco, FIRST_CHECK_PAGE)
    qid = "kc-why-second-agent"
    box = f"#q-{qid} .question-feedback"
    assert sco.get_attribute(box, "aria-live") == "polite"
    assert sco.inner_text(box) == "" and not sco.is_visible(f"#q-{qid} .question-store")
    assert sco.inner_text(f"#q-{qid} .question-check") == "Check answer"
    # Nothing chosen: Check waits.
    assert sco.is_disabled(f"#q-{qid} .question-check")
    wrong = plan(sco, qid, quiz.answers[qid], right=False)
    apply(sco, qid, wrong)
    assert not sco.is_disabled(f"#q-{qid} .question-check")
    # A first wrong answer: try again, with the chosen option's feedback as a hint, the answer kept back.
    sco.click(f"#q-{qid} .question-check")
    assert sco.inner_text(f"{box} .question-result") == "Not quite — try again."
    assert sco.is_visible(f"{box} .question-option-feedback") and sco.locator(f"{box} .question-explanation").count() == 0
    assert sco.locator(f"#q-{qid} .question-mark").count() == 0
    # A second wrong one: now the right answer and the explanation.
    sco.click(f"#q-{qid} .question-check")
    assert sco.inner_text(f"{box} .question-result") == "Incorrect."
    assert sco.locator(f"#q-{qid} .question-mark.is-right").count() == 1
    assert sco.is_visible(f"{box} .question-option-feedback") and sco.is_visible(f"{box} .question-explanation")
    right = plan(sco, qid, quiz.answers[qid])
    apply(sco, qid, right)
    assert sco.inner_text(box) == "", "a changed answer clears the old feedback"
    sco.click(f"#q-{qid} .question-check")
    assert sco.inner_text(f"{box} .question-result") == "Correct."
    records = [r for r in interactions(page) if r["id"] == qid]
    assert [r["result"] for r in records] == ["wrong", "wrong", "correct"], "each check is a journal record (S12-I4)"
    for record in records:
        check_record(record)
        assert record["weighting"] == "0", "knowledge checks are not scored"
    assert records[2]["student_response"] == records[2]["correct_responses.0.pattern"] == right["check"][0]
    finish(page)
    assert page.evaluate("cfLMS.cmi()")["core"]["lesson_status"] == "incomplete"
    watch.assert_clean()


def test_survey_records_likert_and_reflections(lms_context, server, quiz):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=PRELOAD)
    go_to(sco, SURVEY)
    found = {"before": axe_violations(sco)}
    qid = "survey-memorable-challenge"
    sco.fill(f"#q-{qid}-text", "x" * 300)
    assert len(sco.input_value(f"#q-{qid}-text")) == 250, "SCORM 1.2 keeps 255 characters: maxlength 250"
    assert sco.inner_text(f"#q-{qid}-count") == "250 of 250 characters"
    given = answer_page(sco, quiz, SURVEY)
    assert sco.inner_text(f"#q-{qid}-count") == f"{len(given[qid]['fill'])} of 250 characters"
    status = submit(sco, SURVEY)
    assert status == "Thank you: your answers have been recorded."
    found["after"] = axe_violations(sco)
    records = check_interactions(page, sco, quiz, given, "neutral", graded=False)
    assert {r["type"] for r in records} == {"likert", "fill-in"}
    assert not any("correct_responses.0.pattern" in r for r in records), "no right answer to a survey"
    assert not any(name.startswith("cmi.core.score") for name, _ in score_calls(page)), "a survey is not scored"
    finish(page)
    saved = page.evaluate("cfLMS.nextLaunch()")
    page.close()
    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=saved)
    assert sco.input_value(f"#q-{qid}-text") == given[qid]["fill"], "survey answers are kept"
    assert sco.inner_text(f"#lesson-{SURVEY} .quiz-status") == status
    report = "\n\n".join(f"[{state}]\n{format_violations(v)}" for state, v in found.items() if v)
    assert not report, "axe-core found WCAG violations:\n" + report
    watch.assert_clean()


def test_nothing_gives_the_answer_away_before_answering(lms_context, server, quiz):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=PRELOAD)
    ids = [qid for qid in quiz.course["questions"]]
    assert sco.evaluate("document.querySelectorAll('fieldset.question').length") == len(ids)
    for page_id in quiz.package.lesson_ids:
        go_to(sco, page_id)
        # Feedback and explanations wait, hidden, until the answer is checked or submitted.
        assert sco.evaluate(f"[...document.querySelectorAll('#lesson-{page_id} .question-store')]"
                            ".every(s => s.hidden && s.offsetParent === null)")
        assert sco.locator(f"#lesson-{page_id} .question-mark, #lesson-{page_id} .question-result").count() == 0
    for qid in ids:
        info = sco.evaluate(STRUCTURE, qid)
        right = quiz.answers[qid]
        if info["type"] == "matching":
            listed = [c["label"] for c in info["pairs"][0]["choices"]]
            assert listed != [norm(t) for t in right.values()], f"{qid}: targets listed in answer order"
        if info["type"] == "ordering":
            assert [p["label"] for p in info["items"]] != [norm(t) for t in right], f"{qid}: items in answer order"
    finish(page)  # zero API errors to the end, dismissal included
    watch.assert_clean()


def tab_to(sco, keyboard, selector: str) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(200):
        keyboard.press("Tab")
        if sco.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_keyboard_only_answering(lms_context, server, quiz):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=PRELOAD)
    keyboard = page.keyboard

    def check(qid: str) -> str:
        tab_to(sco, keyboard, f"#q-{qid} .question-check")
        keyboard.press("Enter")
        return sco.inner_text(f"#q-{qid} .question-result")

    # Radio: into the group with Tab, arrows move and choose.
    go_to(sco, FIRST_CHECK_PAGE)
    qid = "kc-why-second-agent"
    keys = [o["key"] for o in sco.evaluate(STRUCTURE, qid)["options"]]
    target = plan(sco, qid, quiz.answers[qid])["check"][0]
    tab_to(sco, keyboard, f"#q-{qid} input")
    for _ in range(keys.index(target)):
        keyboard.press("ArrowDown")
    if keys.index(target) == 0:
        keyboard.press("Space")
    assert check(qid) == "Correct."

    # Checkboxes: Tab to each right one, Space ticks it.
    go_to(sco, "three-kinds-of-empathy")
    qid = "kc-kinds-conditions"
    for key in plan(sco, qid, quiz.answers[qid])["check"]:
        tab_to(sco, keyboard, f"#q-{qid}-{key}")
        keyboard.press("Space")
    assert check(qid) == "Correct."

    # Selects (matching): arrows change the choice of a focused select.
    qid = "kc-kinds-develop"
    for key, value in plan(sco, qid, quiz.answers[qid])["select"].items():
        tab_to(sco, keyboard, f"#q-{qid}-{key}")
        for _ in range(10):
            if sco.input_value(f"#q-{qid}-{key}") == value:
                break
            keyboard.press("ArrowDown")
        assert sco.input_value(f"#q-{qid}-{key}") == value
    assert check(qid) == "Correct."

    # Ordering: Enter on an item's Move up / Move down, each move announced.
    go_to(sco, "trait-and-situational")
    qid = "kc-trait-habit-path"
    order = plan(sco, qid, quiz.answers[qid])["order"]
    tab_to(sco, keyboard, f"#q-{qid} .question-move")
    for position, key in enumerate(order):
        if reorder(sco, qid, key, position, press=keyboard.press):
            last = (key, position)
        assert sco.evaluate("document.activeElement.classList.contains('question-move')"), "focus stays on the button"
    assert item_order(sco, qid) == order
    label = sco.inner_text(f"#q-{qid}-{last[0]}")
    assert sco.inner_text(f"#q-{qid} .question-live") == f"{label}: position {last[1] + 1} of {len(order)}."
    assert sco.get_attribute(f"#q-{qid} .question-live", "aria-live") == "assertive"
    assert check(qid) == "Correct."

    # Text: type it, as a learner might: another case, a hyphen, an article, a full stop.
    go_to(sco, "interaction-checklist")
    qid = "kc-checklist-skipped"
    tab_to(sco, keyboard, f"#q-{qid}-text")
    keyboard.type("  The " + quiz.answers[qid].upper().replace(" ", "-") + ". ")
    assert check(qid) == "Correct.", "fill-in ignores case, hyphens, a leading article and punctuation"

    records = interactions(page)
    assert [r["id"] for r in records] == ["kc-why-second-agent", "kc-kinds-conditions", "kc-kinds-develop",
                                          "kc-trait-habit-path", "kc-checklist-skipped"]
    assert all(r["result"] == "correct" for r in records)
    for record in records:
        check_record(record)
    finish(page)  # zero API errors to the end, dismissal included
    watch.assert_clean()


def test_no_wcag_violations_on_questions(lms_context, server, quiz):
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=PRELOAD)
    found: dict[str, list] = {}
    go_to(sco, FIRST_CHECK_PAGE)
    qid = "kc-why-second-agent"
    found["lesson with a knowledge check"] = axe_violations(sco)
    apply(sco, qid, plan(sco, qid, quiz.answers[qid], right=False))
    sco.click(f"#q-{qid} .question-check")
    found["knowledge check, feedback shown"] = axe_violations(sco)
    go_to(sco, "three-kinds-of-empathy")
    for qid in ("kc-kinds-conditions", "kc-kinds-develop"):
        apply(sco, qid, plan(sco, qid, quiz.answers[qid], right=False))
        sco.click(f"#q-{qid} .question-check")
    found["multiple and matching, feedback shown"] = axe_violations(sco)
    go_to(sco, FINAL)
    found["assessment"] = axe_violations(sco)
    answer_page(sco, quiz, FINAL, right=False, limit=10)
    sco.click(f"#lesson-{FINAL} .quiz-submit")
    # An ordering list always holds an answer (its order as shown); every other question left is open.
    left = [q for q in shown_questions(sco, FINAL)[10:] if quiz.course["questions"][q]["type"] != "ordering"]
    assert f"Questions not answered yet: {len(left)}." in sco.inner_text(f"#lesson-{FINAL} .quiz-status")
    submit(sco, FINAL)
    found["assessment submitted, attempts left"] = axe_violations(sco)
    sco.click(f"#lesson-{FINAL} .quiz-retry")
    answer_page(sco, quiz, FINAL, right=True)
    submit(sco, FINAL)
    found["assessment passed, answers shown"] = axe_violations(sco)
    report = "\n\n".join(f"[{state}]\n{format_violations(v)}" for state, v in found.items() if v)
    assert not report, "axe-core found WCAG violations:\n" + report
    finish(page)  # zero API errors to the end, dismissal included
    watch.assert_clean()


NORMALISED = [  # (typed, accepted, case sensitive) that must match
    ("frame-of-reference", "frame of reference", False),
    ("The frame of reference.", "frame of reference", False),
    ("  an   APPLE! ", "apple", False),
    ("“Prepare”", "Prepare", False),
    ("re\u2013frame", "re-frame", False),
    ("The Prepare stage", "prepare-stage", False),
    ("the Frame.", "Frame", True),
]
DIFFERENT = [  # ... and that must not
    ("frame", "Frame", True),
    ("frames of reference", "frame of reference", False),
    ("a", "an", False),
    ("theatre", "atre", False),
]


def test_fill_in_normaliser(file_context, shipped_package):
    """The one normaliser every fill-in result comes from (quiz.js), whatever the standard."""
    context, watch = file_context
    page = context.new_page()
    page.goto((shipped_package.folder / "index.html").as_uri())
    page.wait_for_function("() => window.Courseforge && Courseforge.normalizeAnswer")
    same = "([a, b, cs]) => Courseforge.normalizeAnswer(a, cs) === Courseforge.normalizeAnswer(b, cs)"
    assert [case for case in NORMALISED if not page.evaluate(same, list(case))] == []
    assert [case for case in DIFFERENT if page.evaluate(same, list(case))] == []
    watch.assert_clean()


def test_ordering_by_drag(lms_context, server, quiz):
    """The pointer way: an item dragged onto another's lower half lands after it, announced."""
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, quiz.package, preload=PRELOAD)
    go_to(sco, "trait-and-situational")
    qid = "kc-trait-habit-path"
    order = plan(sco, qid, quiz.answers[qid])["order"]
    for position, key in enumerate(order):
        now = item_order(sco, qid)
        if now.index(key) == position:
            continue
        target = sco.locator(f'#q-{qid} .question-item[data-key="{now[position]}"]')
        box = target.bounding_box()
        sco.locator(f'#q-{qid} .question-item[data-key="{key}"] .question-item-text').drag_to(
            target, target_position={"x": box["width"] / 2, "y": 4})
        assert item_order(sco, qid).index(key) == position, (key, position, item_order(sco, qid))
        assert sco.inner_text(f"#q-{qid} .question-live").endswith(f"position {position + 1} of {len(order)}.")
    sco.click(f"#q-{qid} .question-check")
    assert sco.inner_text(f"#q-{qid} .question-result") == "Correct."
    finish(page)
    watch.assert_clean()
