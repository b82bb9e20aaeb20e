"""Objective-level results (runtime/adapters/scorm2004.js and scorm12.js under node with a fake LMS
API that keeps cmi.objectives and cmi.interactions as arrays): a submitted graded attempt reports, for
each objective its questions assess, the share of their points earned, passed/failed against the pass
mark, under the manifest's ids (2004) or CMIIdentifiers (1.2); a record is found by id, so an LMS's
records, a retake and a resumed session update it in place. CHECKLIST S04-D table, S04-I3, S12-D4."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import node_json

RUNTIME = Path(__file__).resolve().parent.parent / "themes" / "default" / "runtime"

# The fake LMS, the course and a session of either edition; test_runtime_submissions.py uses them too.
HARNESS = r"""
const vm = require('vm');
const fs = require('fs');
const code = process.argv.slice(1).map(f => fs.readFileSync(f, 'utf8')).join('\n');
const edition = process.argv[2].endsWith('scorm2004.js') ? '2004' : '1.2';
const P = edition === '2004' ? '' : 'LMS';

// An LMS that keeps what it is given; a record's .id may only be added at n = _count (as scorm-again).
function fakeAPI(values) {
  const api = { calls: [], values: Object.assign({}, values) };
  const count = list => +(api.values['cmi.' + list + '._count'] || 0);
  api[P + 'Initialize'] = () => 'true';
  api[P + (edition === '2004' ? 'Terminate' : 'Finish')] = () => 'true';
  api[P + 'Commit'] = () => (api.calls.push(['Commit']), 'true');
  api[P + 'GetValue'] = el => el in api.values ? api.values[el] : '';
  api[P + 'SetValue'] = (el, v) => {
    const m = /^cmi\.(objectives|interactions)\.(\d+)\.(.+)$/.exec(el);
    if (m && +m[2] > count(m[1]) || m && +m[2] === count(m[1]) && m[3] !== 'id') return 'false';
    if (m && +m[2] === count(m[1])) api.values['cmi.' + m[1] + '._count'] = String(+m[2] + 1);
    api.calls.push(['SetValue', el, v]);
    api.values[el] = v;
    return 'true';
  };
  for (const fn of ['GetLastError', 'GetErrorString', 'GetDiagnostic']) api[P + fn] = () => '0';
  return api;
}

// A lesson's two objectives; the assessment: a (2 points) assesses #1, b #2, c both; d is a likert
// item naming #1 (no right answer: no points); e assesses #3 and is left unanswered; f assesses #4 and
// is not in the attempt when the page hides it (a draw). A knowledge check k names #1. The pages are
// in `lessons`, by index as the player's state names them (player.js puts its own there); s is a survey's.
const course = {
  masteryScore: 80,
  lessons: [{ id: 'les-one' }, { id: 'les-two' }, { id: 'final' }, { id: 'survey' }],
  quizzes: { final: { graded: true, passingScore: 60, questions: ['a', 'b', 'c', 'd', 'e', 'f'] },
    survey: { graded: false, questions: ['s'] } },
  questions: {
    a: { type: 'single', graded: true, points: 2, page: 'final', objectives: ['les-one#1'] },
    b: { type: 'single', graded: true, points: 1, page: 'final', objectives: ['les-one#2'] },
    c: { type: 'single', graded: true, points: 1, page: 'final', objectives: ['les-one#1', 'les-one#2'] },
    d: { type: 'likert', graded: false, points: 1, page: 'final', objectives: ['les-one#1'] },
    e: { type: 'single', graded: true, points: 1, page: 'final', objectives: ['les-two#1'] },
    f: { type: 'single', graded: true, points: 1, page: 'final', objectives: ['les-two#2'] },
    k: { type: 'single', graded: true, points: 1, page: 'les-one', objectives: ['les-one#1'] },
    s: { type: 'likert', graded: false, points: 1, page: 'survey', objectives: ['les-one#1'] }
  }
};

function session(values, hidden) {
  const api = fakeAPI(Object.assign({ 'cmi.mode': 'normal', 'cmi.core.lesson_mode': 'normal',
    'cmi.interactions._count': '0' }, values));
  const win = { API: api, API_1484_11: api, Courseforge: {}, console: { warn() {} }, addEventListener() {} };
  win.parent = win;
  win.document = { getElementById: id => ({ hidden: (hidden || []).indexOf(id) >= 0 }) };
  vm.runInNewContext(code, { window: win, console: win.console, Date, atob, btoa });
  const CF = win.Courseforge;
  const adapter = new (edition === '2004' ? CF.scorm2004 : CF.scorm12).Adapter(api, course);
  adapter.init();
  api.calls.length = 0;
  return { api, adapter };
}

function attempt(adapter, results, graded) {
  Object.keys(results).forEach(id => adapter.answer({ id, type: 'choice', correct: ['0'], response: ['0'],
    result: results[id], weighting: 1, page: course.questions[id].page, graded: graded !== false,
    timestamp: new Date(0), latencyMs: 0 }));
  adapter.saveState({ location: 'final', data: 'x' });
}

const sets = api => api.calls.filter(c => c[0] === 'SetValue' && c[1].startsWith('cmi.objectives.')).map(c => [c[1], c[2]]);
const ids = edition === '2004' ? { one1: 'les-one#1', one2: 'les-one#2', two1: 'les-two#1', two2: 'les-two#2' }
  : { one1: 'les-one_1', one2: 'les-one_2', two1: 'les-two_1', two2: 'les-two_2' };
"""

SCRIPT = HARNESS + r"""
const out = { edition, ids };
{
  // The LMS has records already: 2004's from the manifest (unknown), in its own order.
  const { api, adapter } = session({ 'cmi.scaled_passing_score': '0.6', 'cmi.student_data.mastery_score': '60',
    'cmi.objectives._count': '2', 'cmi.objectives.0.id': ids.two2, 'cmi.objectives.1.id': ids.one2 }, ['q-f']);
  attempt(adapter, { k: 'correct' }, false);
  out.check = sets(api);
  out.checkInteraction = api.calls.filter(c => /^cmi\.interactions\.0\.objectives/.test(c[1] || '')).map(c => [c[1], c[2]]);
  api.calls.length = 0;
  attempt(adapter, { a: 'correct', b: 'wrong', c: 'correct', d: 'neutral', f: 'correct' });
  out.first = sets(api);
  out.firstCommitLast = api.calls[api.calls.length - 1][0] === 'Commit';
  out.interactionObjectives = api.calls.filter(c => /^cmi\.interactions\.\d+\.objectives\./.test(c[1] || '')).map(c => [c[1], c[2]]);
  api.calls.length = 0;
  attempt(adapter, { a: 'wrong', b: 'correct', c: 'correct', e: 'correct' });
  out.retake = sets(api);
  api.calls.length = 0;
  adapter.saveState({ location: 'final', data: 'x' });
  out.plainSave = sets(api);
  out.values = api.values;
}
{
  // A new session of the same attempt: the LMS kept the records; a retake updates them in place.
  const { api, adapter } = session(Object.assign({}, out.values, { 'cmi.scaled_passing_score': '0.6',
    'cmi.student_data.mastery_score': '60', 'cmi.interactions._count': '0' }), ['q-f']);
  attempt(adapter, { a: 'correct', b: 'correct', c: 'correct', e: 'wrong' });
  out.resumed = sets(api);
}
{
  // No pass mark from the LMS: the assessment's own.
  const { api, adapter } = session({});
  attempt(adapter, { a: 'correct', b: 'wrong', c: 'wrong', e: 'correct' });
  out.ownMark = sets(api);
}
{
  const { api, adapter } = session({ 'cmi.mode': 'review', 'cmi.core.lesson_mode': 'review' });
  attempt(adapter, { a: 'correct', b: 'wrong' });
  out.review = sets(api);
}
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module", params=["scorm2004", "scorm12"])
def run(request) -> dict:
    return node_json(SCRIPT, RUNTIME / "lmsapi.js", RUNTIME / "adapters" / f"{request.param}.js")


def records(sets: list) -> dict[int, dict]:
    """The cmi.objectives.n writes as {n: {field: value}}, each record's fields in call order."""
    out: dict[int, dict] = {}
    for element, value in sets:
        n, field = re.fullmatch(r"cmi\.objectives\.(\d+)\.(.+)", element).groups()
        out.setdefault(int(n), {})[field] = value
    return out


def expected(run: dict, raw: int, passed: bool) -> dict:
    if run["edition"] == "2004":
        return {"score.scaled": f"{raw / 100:g}", "score.raw": str(raw), "score.min": "0", "score.max": "100",
                "success_status": "passed" if passed else "failed", "completion_status": "completed"}
    return {"score.raw": str(raw), "score.min": "0", "score.max": "100", "status": "passed" if passed else "failed"}


def test_a_knowledge_check_reports_no_objective(run):
    assert run["check"] == [], "ungraded answers leave cmi.objectives alone"
    if run["edition"] == "2004":
        assert run["checkInteraction"] == [["cmi.interactions.0.objectives.0.id", "les-one#1"]]


def test_an_attempt_reports_each_objective_it_assesses(run):
    ids = run["ids"]
    got = records(run["first"])
    # les-one#1: a (2) and c (1) right: 3 of 3. les-one#2: b (1) wrong, c (1) right: 1 of 2, below 60.
    # les-two#1: e left unanswered counts as wrong. les-two#2: f was not in the attempt (hidden): untouched.
    assert got == {
        1: expected(run, 50, False),
        2: {"id": ids["one1"], **expected(run, 100, True)},
        3: {"id": ids["two1"], **expected(run, 0, False)},
    }, "the LMS's records found by id (0 and 1), new ones added at n = _count, the .id first"
    assert run["firstCommitLast"], "the records go out with the save's commit"
    assert run["plainSave"] == [], "a save with no submitted attempt since writes no objective"


def test_a_retake_updates_the_same_records(run):
    ids = run["ids"]
    # a wrong (2 of 3 lost), b and c right, e right.
    assert records(run["retake"]) == {2: expected(run, 33, False), 1: expected(run, 100, True),
                                      3: expected(run, 100, True)}
    assert run["values"]["cmi.objectives._count"] == "4"
    assert [run["values"][f"cmi.objectives.{n}.id"] for n in range(4)] == [
        ids["two2"], ids["one2"], ids["one1"], ids["two1"]]


def test_a_resumed_session_finds_its_records_by_id(run):
    assert records(run["resumed"]) == {2: expected(run, 100, True), 1: expected(run, 100, True),
                                       3: expected(run, 0, False)}, "no .id written again, nothing appended"


def test_without_the_lms_pass_mark_the_assessment_own_mark_decides(run):
    got = records(run["ownMark"])
    # passingScore 60 (not the course's 80): les-one#1 2 of 3 → 67 passes; les-one#2 0 of 2 fails.
    by_id = {fields["id"]: fields for fields in got.values()}
    assert by_id[run["ids"]["one1"]] == {"id": run["ids"]["one1"], **expected(run, 67, True)}
    assert by_id[run["ids"]["one2"]] == {"id": run["ids"]["one2"], **expected(run, 0, False)}


def test_review_mode_reports_no_objective(run):
    assert run["review"] == []


def test_scorm2004_interactions_name_their_objectives(run):
    if run["edition"] != "2004":
        assert run["interactionObjectives"] == [], "1.2: the journal records answers only"
        return
    # Interactions 1..5 of this session (0 was the knowledge check): a, b, c, d, f.
    assert run["interactionObjectives"] == [
        ["cmi.interactions.1.objectives.0.id", "les-one#1"],
        ["cmi.interactions.2.objectives.0.id", "les-one#2"],
        ["cmi.interactions.3.objectives.0.id", "les-one#1"], ["cmi.interactions.3.objectives.1.id", "les-one#2"],
        ["cmi.interactions.4.objectives.0.id", "les-one#1"],
        ["cmi.interactions.5.objectives.0.id", "les-two#2"],
    ]
