"""Which attempts the SCORM adapters report per objective (runtime/lmsapi.js `submitted`): each graded
attempt the quiz records a save carries (state.js `fit`, whether or not the state fits the LMS's
limit) show submitted, once, even one with no answer at all, whose unanswered questions count as
wrong; a retake is reported again and its records updated in place; an attempt an earlier session
submitted (and reported) is not reported again after a reload; review mode and an ungraded page's
submission report nothing. Node over the runtime with the fake LMS of test_runtime_objectives.py.
CHECKLIST S04-D table, S12-D4."""
from __future__ import annotations

import pytest

from conftest import node_json
from test_runtime_objectives import HARNESS, RUNTIME, expected, records

SCRIPT = HARNESS + r"""
const state = require(process.argv[3]);
// The assessment is page 2, the survey page 3; f is hidden (not drawn) in every session here. `over`:
// another graded page's attempt in progress whose answers alone do not fit the LMS's limit (their keys
// are never left out), so that no save carries a state.
function data(attempt, submitted, page, over) {
  const quizzes = { [page || 2]: { attempt, seed: 7, submitted, score: submitted ? 0 : null, answers: [],
    graded: true } };
  if (over) quizzes[9] = { attempt: 1, seed: 1, submitted: false, score: null, graded: true,
    answers: Array.from({ length: 17000 }, () => ['0', '1', '2']) };
  return { current: 2, viewed: [0, 1, 2], quizzes };
}
// What the player's snapshot() hands the adapter: the state fitted to the LMS's limit (null when it
// cannot fit), and the quiz records, whether it fits or not.
function save(adapter, results, saved) {
  Object.keys(results).forEach(id => adapter.answer({ id, type: 'choice', correct: ['0'], response: ['0'],
    result: results[id], weighting: 1, page: 'final', graded: true, timestamp: new Date(0), latencyMs: 0 }));
  adapter.api.calls.length = 0;
  const fitted = state.fit(saved, adapter.maxDataLength);
  adapter.saveState({ location: 'final', data: fitted.data, quizzes: fitted.quizzes });
  return sets(adapter.api);
}
const mark = { 'cmi.scaled_passing_score': '0.6', 'cmi.student_data.mastery_score': '60' };
const resume = values => Object.assign({ 'cmi.entry': 'resume', 'cmi.core.entry': 'resume' }, mark, values);
const out = { edition, ids };
const all = { a: 'correct', b: 'correct', c: 'correct', e: 'correct' };
{
  const { adapter } = session(mark, ['q-f']);
  out.open = save(adapter, {}, data(1, false));
  out.blank = save(adapter, {}, data(1, true));
  out.blankAgain = save(adapter, {}, data(1, true));
  out.retakeOpen = save(adapter, {}, data(2, false));
  out.retake = save(adapter, all, data(2, true));
  out.blankRetake = save(adapter, {}, data(3, true));
  out.count = adapter.api.values['cmi.objectives._count'];
}
{
  const { adapter } = session(mark, ['q-f']);
  out.partly = save(adapter, { a: 'correct' }, data(1, true));
}
{
  // A reload after the first attempt was submitted (and reported): its state comes back submitted.
  const { api, adapter } = session(resume({ 'cmi.suspend_data': state.encode(data(1, true)),
    'cmi.objectives._count': '1', 'cmi.objectives.0.id': ids.one1, 'cmi.objectives.0.score.raw': '100' }), ['q-f']);
  out.loaded = adapter.loadState().data === state.encode(data(1, true));
  out.reloaded = save(adapter, {}, data(1, true));
  out.reloadedRetake = save(adapter, {}, data(2, true));
}
{
  // A reload mid-attempt: the second attempt, open, with its answers in the state.
  const { adapter } = session(resume({ 'cmi.suspend_data': state.encode(data(2, false)) }), ['q-f']);
  adapter.loadState();
  out.midAttempt = save(adapter, { a: 'wrong', b: 'correct' }, data(2, true));
}
{
  // A new attempt of the course (no resume): its state starts afresh, whatever suspend_data held.
  const { adapter } = session(Object.assign({ 'cmi.suspend_data': state.encode(data(1, true)) }, mark), ['q-f']);
  adapter.loadState();
  out.fresh = save(adapter, {}, data(1, true));
}
{
  // An unreadable suspend_data names no earlier submission.
  const { adapter } = session(resume({ 'cmi.suspend_data': 'not a state' }), ['q-f']);
  adapter.loadState();
  out.unreadable = save(adapter, {}, data(1, true));
}
{
  // A save whose state did not fit the limit reports the answered attempt; the next state that fits
  // shows it submitted, and it is not reported again, as blank.
  const { adapter } = session(mark, ['q-f']);
  out.unfitted = save(adapter, all, data(1, true, 2, true));
  out.fitted = save(adapter, {}, data(1, true));
  out.fittedRetake = save(adapter, {}, data(2, true));
}
{
  // Graded attempts alone over the limit all along: a blank retake submitted meanwhile fails the
  // objectives the first attempt passed, once, and so does a blank first attempt.
  const { adapter } = session(mark, ['q-f']);
  out.overSaved = state.fit(data(2, true, 2, true), adapter.maxDataLength).data;
  out.overAnswered = save(adapter, all, data(1, true, 2, true));
  out.overRetakeOpen = save(adapter, {}, data(2, false, 2, true));
  out.overBlankRetake = save(adapter, {}, data(2, true, 2, true));
  out.overBlankAgain = save(adapter, {}, data(2, true, 2, true));
  out.overFitted = save(adapter, {}, data(2, true));
  out.overBlankFirst = session(mark, ['q-f']).adapter;
  out.overBlankFirst = save(out.overBlankFirst, {}, data(1, true, 2, true));
}
{
  const { adapter } = session(Object.assign({ 'cmi.mode': 'review', 'cmi.core.lesson_mode': 'review' }, mark));
  out.review = save(adapter, {}, data(1, true));
}
{
  const { adapter } = session(mark);
  out.survey = save(adapter, {}, data(1, true, 3));
}
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module", params=["scorm2004", "scorm12"])
def run(request) -> dict:
    return node_json(SCRIPT, RUNTIME / "lmsapi.js", RUNTIME / "adapters" / f"{request.param}.js",
                     RUNTIME / "state.js")


def by_id(sets: list) -> dict[str, dict]:
    """The records written, keyed by their objective id (read from the .id writes of the same run)."""
    return {fields.pop("id"): fields for fields in records(sets).values()}


def test_a_blank_submission_fails_every_objective_its_questions_assess(run):
    ids = run["ids"]
    assert run["open"] == [], "an attempt still open reports nothing"
    # a, b, c and e are the attempt's graded questions (f was not drawn); none answered.
    assert by_id(run["blank"]) == {ids["one1"]: expected(run, 0, False), ids["one2"]: expected(run, 0, False),
                                   ids["two1"]: expected(run, 0, False)}
    assert run["blankAgain"] == [], "a submission is reported once, not at every save after it"


def test_a_partly_answered_attempt_counts_unanswered_questions_as_wrong(run):
    ids = run["ids"]
    # a (2 points) right, b, c, e unanswered: les-one#1 2 of 3 passes the 60 mark, the others 0.
    assert by_id(run["partly"]) == {ids["one1"]: expected(run, 67, True), ids["one2"]: expected(run, 0, False),
                                    ids["two1"]: expected(run, 0, False)}


def test_each_retake_updates_the_records_to_its_own_result(run):
    assert run["retakeOpen"] == []
    assert records(run["retake"]) == {0: expected(run, 100, True), 1: expected(run, 100, True),
                                      2: expected(run, 100, True)}, "found by id, in place"
    assert records(run["blankRetake"]) == {0: expected(run, 0, False), 1: expected(run, 0, False),
                                           2: expected(run, 0, False)}, "a blank retake after a pass fails them"
    assert run["count"] == "3"


def test_a_reload_does_not_report_an_earlier_submission_again(run):
    assert run["loaded"]
    assert run["reloaded"] == [], "the resumed state's submission was reported in its own session"
    ids, failed = run["ids"], expected(run, 0, False)
    assert records(run["reloadedRetake"]) == {
        0: failed, 1: {"id": ids["one2"], **failed}, 2: {"id": ids["two1"], **failed}
    }, "the LMS's record found by id, the others added after it"


def test_an_attempt_resumed_mid_way_is_reported_when_submitted(run):
    ids = run["ids"]
    assert by_id(run["midAttempt"]) == {ids["one1"]: expected(run, 0, False), ids["one2"]: expected(run, 50, False),
                                        ids["two1"]: expected(run, 0, False)}


def test_a_submission_reported_while_the_state_did_not_fit_is_not_reported_again_as_blank(run):
    ids, passed = run["ids"], expected(run, 100, True)
    assert by_id(run["unfitted"]) == {ids["one1"]: passed, ids["one2"]: passed, ids["two1"]: passed}
    assert run["fitted"] == [], "its answers were reported: the state that fits later says nothing new"
    assert records(run["fittedRetake"]) == {0: expected(run, 0, False), 1: expected(run, 0, False),
                                            2: expected(run, 0, False)}, "a blank retake after it still fails"


def test_a_new_course_attempt_reports_its_first_submission(run):
    assert len(records(run["fresh"])) == 3, "a suspend_data the LMS did not resume is no earlier submission"


def test_review_and_an_ungraded_page_report_nothing(run):
    assert run["review"] == []
    assert run["survey"] == []


def test_an_unreadable_resumed_state_names_no_earlier_submission(run):
    assert len(records(run["unreadable"])) == 3


def test_a_blank_retake_while_no_state_fits_fails_the_objectives_once(run):
    """Graded attempts alone over the limit (4 096 characters in SCORM 1.2): no save carried a state,
    so a blank retake, which sends no answer, was never reported and the objectives kept the first
    attempt's pass."""
    assert run["overSaved"] is None, "no save carries a state"
    failed, passed = expected(run, 0, False), expected(run, 100, True)
    assert records(run["overAnswered"]) == {0: {"id": run["ids"]["one1"], **passed},
                                            1: {"id": run["ids"]["one2"], **passed},
                                            2: {"id": run["ids"]["two1"], **passed}}
    assert run["overRetakeOpen"] == []
    assert records(run["overBlankRetake"]) == {0: failed, 1: failed, 2: failed}, "in place, failed"
    assert run["overBlankAgain"] == [], "reported once"
    assert run["overFitted"] == [], "the state that fits at last says nothing new"
    assert len(records(run["overBlankFirst"])) == 3 and set(map(str, records(run["overBlankFirst"]).values())) == {
        str({"id": v, **failed}) for v in (run["ids"]["one1"], run["ids"]["one2"], run["ids"]["two1"])}
