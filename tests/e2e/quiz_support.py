"""The quiz UI under an LRS (cmi5, TinCan): the shipped course built with its answer key, answered
through the real quiz UI with the helpers of test_quiz_scorm12.py, and what each `answered` statement
must then hold (CHECKLIST X6): the full cmi.interaction definition (the same one tincan.xml lists,
courseforge.exporters.tincan.interaction), the learner's response in xAPI delimiters, success.
"""
from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from courseforge.exporters.tincan import interaction
from courseforge.loader import load
from courseforge.model import Question

from .conftest_xapi import ACTIVITY, VERB, page_language
from .e2e_support import CONTENT
from .test_quiz_scorm12 import STRUCTURE, QuizPackage

DURATION = re.compile(r"^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?$")
KEYS = r"[0-9a-z]"
# X6 / SCORM 2004 response formats with the xAPI delimiters, per interaction type.
RESPONSE = {
    "true-false": r"true|false",
    "choice": rf"{KEYS}(\[,\]{KEYS})*",
    "likert": KEYS,
    "matching": rf"{KEYS}\[\.\]{KEYS}(\[,\]{KEYS}\[\.\]{KEYS})*",
    "sequencing": rf"{KEYS}(\[,\]{KEYS})*",
    "fill-in": r"[^\[\]]*",
    "long-fill-in": r"(?s).*",
}


def typography(text: str) -> str:
    """The runtime describes components with the page's labels, where Markdown's typographer made
    quotes curly; the model's Option.text keeps the source's straight ones. Same words either way."""
    return text.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))


@dataclass
class XapiQuiz:
    folders: dict[str, Path]  # unzipped package by standard: cmi5, tincan
    quiz: QuizPackage  # answers.json and the course JSON, as test_quiz_scorm12's helpers want them
    questions: dict[str, Question]  # the course model's questions by id
    page_of: dict[str, str]  # question id → the id of the page that holds it
    assessments: set[str]  # ids of assessment pages


def build_quiz_packages(root: Path) -> XapiQuiz:
    from courseforge.build import build
    made = build(CONTENT, root / "out", ["cmi5", "tincan"], answer_key=True)
    folders = {}
    for path in made:
        if path.suffix == ".zip":
            standard = path.stem.rsplit("-", 1)[1]
            with zipfile.ZipFile(path) as archive:
                archive.extractall(root / standard)
            folders[standard] = root / standard
    assert set(folders) == {"cmi5", "tincan"}, made
    answers = json.loads((root / "out" / "answers.json").read_text(encoding="utf-8"))
    html = (folders["cmi5"] / "index.html").read_text(encoding="utf-8")
    course = json.loads(re.search(r'<script type="application/json" id="cf-course">(.*?)</script>', html, re.S)[1])
    model = load(CONTENT)
    questions, page_of = {}, {}
    for page in [*model.lessons, *model.quizzes]:
        for question in page.questions:
            questions[question.id] = question
            page_of[question.id] = page.id
    return XapiQuiz(folders, QuizPackage(None, answers, course), questions, page_of, {q.id for q in model.quizzes})


def labels(page, qid: str) -> dict[str, str]:
    return {o["key"]: o["label"] for o in page.evaluate(STRUCTURE, qid)["options"]}


def xapi_response(xq: XapiQuiz, qid: str, inputs: dict, names: dict[str, str]) -> str:
    """What `result.response` must say for the inputs test_quiz_scorm12.plan() chose (X6)."""
    kind = xq.quiz.course["questions"][qid]["type"]
    if kind == "true-false":
        return names[inputs["check"][0]].lower()
    if kind in ("single", "multiple", "likert"):
        return "[,]".join(sorted(inputs["check"]))
    if kind == "matching":
        return "[,]".join(f"{k}[.]{v}" for k, v in sorted(inputs["select"].items()))
    if kind == "ordering":
        return "[,]".join(inputs["order"])
    return inputs["fill"]


def question_iri(xq: XapiQuiz, activity_id: str, qid: str) -> str:
    page = xq.page_of[qid]
    return f"{activity_id}/{'test' if page in xq.assessments else 'lesson'}/{page}/question/{qid}"


def answered(found: list[dict]) -> list[dict]:
    return [s for s in found if s["verb"]["id"] == VERB + "answered"]


def check_answered(statement: dict, xq: XapiQuiz, activity_id: str, qid: str, response: str,
                   success: bool | None) -> None:
    """One `answered` statement: object, full definition, response, success, duration, parent."""
    where = f"answered {qid} ({statement['id']})"
    question = xq.questions[qid]
    expected = interaction(question)
    definition = statement["object"]["definition"]
    lang = page_language(xq.folders["cmi5"])  # the shipped course's `language`
    assert statement["object"]["id"] == question_iri(xq, activity_id, qid), where
    assert definition["type"] == ACTIVITY + "cmi.interaction", where
    assert definition["interactionType"] == expected.type, where
    assert tuple(definition.get("correctResponsesPattern", ())) == expected.patterns, where
    lists = {k for k in definition if k in ("choices", "scale", "source", "target", "steps")}
    assert lists == {kind for kind, _ in expected.components}, where
    for kind, items in expected.components:
        got = [(c["id"], typography(c["description"][lang])) for c in definition[kind]]
        assert got == [(key, typography(text)) for key, text in items], f"{where}: {kind} {got} != {list(items)}"
    assert definition["name"][lang], where
    result = statement["result"]
    assert result["response"] == response, where
    assert re.fullmatch(RESPONSE[expected.type], result["response"]), where
    for pattern in expected.patterns:
        assert re.fullmatch(RESPONSE[expected.type], pattern.removeprefix("{case_matters=true}")), where
    assert result.get("success") is success, where
    assert DURATION.match(result["duration"]), where
    parent = statement["context"]["contextActivities"]["parent"]
    assert parent == [{"objectType": "Activity", "id": question_iri(xq, activity_id, qid).rsplit("/question/", 1)[0]}]
