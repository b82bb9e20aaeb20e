"""runtime/state.js under node: the suspend-data codec round-trips, stays far below SCORM 1.2's
4096 characters for 500 lessons and for a course of 200 questions in mid-attempt (S12-D3: checked on
the final string), degrades by its stated rule when free text would overflow, decodes version 1 and
never throws on garbage. Then runtime/adapters/scorm12.js with a fake LMS API."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import node_json

STATE_JS = Path(__file__).resolve().parent.parent / "themes" / "default" / "runtime" / "state.js"
SESSION_TIME = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")

SCRIPT = r"""
const state = require(process.argv[1]);
const out = {};
const sample = {current: 3, viewed: [0, 1, 2, 3, 9, 17], ext: {q: "a1-b2_c3"}};
out.sample = state.encode(sample);
out.sampleBack = state.decode(out.sample);
const all = Array.from({length: 500}, (_, i) => i);
out.big = state.encode({current: 499, viewed: all});
out.bigBack = state.decode(out.big, 500);
out.clamped = state.decode(state.encode({current: 7, viewed: [1, 6, 7]}), 5);
out.roundTrips = true;
for (let n = 0; n < 70; n++) {
  const viewed = Array.from({length: n}, (_, i) => i).filter(i => (i * 7) % 3 !== 1);
  const back = state.decode(state.encode({current: n, viewed}));
  if (back.current !== n || JSON.stringify(back.viewed) !== JSON.stringify(viewed)) out.roundTrips = false;
}
const garbage = [undefined, null, 42, {}, [], "", "garbage", "1", "1.", "4.c1.vAQ", "1.c!!", "1.cZZZZZ",
  "1.vA", "1.v@@@@", "1.c1.v" + "_".repeat(70000), "1..", ".1.c1", "1.C1", "\u00e9\u00e8", "1.c1.v\u0000",
  "1.c1\n.vAQ", "2.a", "2.a1~2", "2.k*-z", "2.k*--1", "2.aX~1~1~~", "2.k!", "2.a1~1~1~~~a\u00e9",
  "2.kab.k*a b", "1.c1.a1~1~1~~~ab~c!d", "3.s1~d~start~0", "3.s~d~start~0~0", "3.s1~d~Start~0~0",
  "3.s1~d~a.b~0~0", "3.s1~d~start~0~0~0~0~0", "3.s1~d~start~0~0~A", "3.s1~d~start~zzzzzzzz~0"];
out.garbage = garbage.map(g => { try { return state.decode(g, 8); } catch (e) { return "THREW " + e; } });
out.fresh = state.fresh();
out.v1 = state.decode("1.c3.vDw.qabc", 10);
out.v1Again = state.encode(out.v1);
console.log(JSON.stringify(out));
"""


def run_node() -> dict:
    return node_json(SCRIPT, STATE_JS)


@pytest.fixture(scope="module")
def out() -> dict:
    return run_node()


def test_round_trip(out):
    back = out["sampleBack"]
    assert out["sample"].startswith("3."), "the encoding is versioned"
    assert back["current"] == 3
    assert back["viewed"] == [0, 1, 2, 3, 9, 17]
    assert back["ext"] == {"q": "a1-b2_c3"}, "fields a version does not know survive a round trip"
    assert out["roundTrips"]


def test_500_lessons_fit_scorm12(out):
    assert len(out["big"]) < 4096
    assert len(out["big"]) < 200, f"far below the limit, got {len(out['big'])}"
    assert out["bigBack"]["current"] == 499
    assert out["bigBack"]["viewed"] == list(range(500))


def test_decode_clamps_to_course_size(out):
    assert out["clamped"]["viewed"] == [1]
    assert out["clamped"]["current"] == 0


def test_garbage_gives_fresh_state(out):
    fresh = out["fresh"]
    assert fresh == {"version": 3, "current": 0, "viewed": [], "ext": {}, "quizzes": {}, "checks": [],
                     "scenarios": {}}
    for value in out["garbage"]:
        assert value == fresh, value


def test_version_1_still_decodes(out):
    assert out["v1"]["current"] == 3 and out["v1"]["viewed"] == [0, 1, 2, 3]
    assert out["v1"]["ext"] == {"q": "abc"} and out["v1"]["quizzes"] == {} and out["v1"]["checks"] == []
    assert out["v1Again"] == "3.c3.vDw.qabc", "a version-1 state is written back as version 3"


def test_payload_is_safe_for_suspend_data(out):
    for text in (out["sample"], out["big"]):
        assert re.fullmatch(r"[A-Za-z0-9._-]+", text), text


# ---------------------------------------------------------------------------------------------
# Quiz answers in the state: 200 questions in mid-attempt under 4096, and the degradation rule.

QUIZ_SCRIPT = r"""
const state = require(process.argv[1]);
const KEYS = '0123456789abcdefghijklmnopqrstuvwxyz';
const TEXTS = ["Frame of reference, I'd say!", "the Explore stage (step three)", "Her narrow feet \u2013 not colour",
  "Compassionate empathy: act now", "Prepare, then open the call..."];
const GRADED = ['single', 'multiple', 'true-false', 'fill-in', 'matching', 'ordering'];
function answer(type, n) {
  switch (type) {
    case 'single': return [KEYS[n % 5]];
    case 'multiple': return ['0', '2', KEYS[3 + n % 3]];
    case 'true-false': return [String(n % 2)];
    case 'fill-in': return TEXTS[n % TEXTS.length];
    case 'matching': return n % 4 ? ['2', '0', '1', '4', '3'] : ['2', '', '1', '', ''];
    case 'ordering': return ['1', '0', '2', '3', '5', '4'];
    case 'likert': return [String(n % 5)];
    default: return ('In my first month a customer rang about a refund, three times. She needed me to say ' +
      'that I understood, before anything else. ' + n).slice(0, 150);
  }
}
// 8 lessons x 5 knowledge checks, a graded final of 150 questions (138 answered so far, the last
// 12 open) and a survey of 10 (8 Likert items, 2 reflections of about 150 characters): 200.
function course(options) {
  options = options || {};
  const s = state.fresh();
  s.current = 8;
  s.viewed = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  s.checks = Array.from({length: 40}, (_, n) => answer(GRADED[n % 6], n));
  s.quizzes[8] = {attempt: 2, seed: 2147483000, submitted: false, score: 65, graded: true,
    answers: Array.from({length: 150}, (_, n) => n >= 138 ? null :
      options.longGraded && GRADED[n % 6] === 'fill-in' ? 'x'.repeat(240) + ', done!' : answer(GRADED[n % 6], n))};
  s.quizzes[9] = {attempt: 1, seed: 77, submitted: false, score: null, graded: false,
    answers: Array.from({length: 10}, (_, n) => n < 2 || options.longSurvey ?
      (options.longSurvey ? ('What I learned: ' + n + ' ').repeat(20).slice(0, 250) : answer('reflection', n)) : answer('likert', n))};
  return s;
}
const out = {};
const mid = course();
out.mid = state.encode(mid);
out.midFit = state.fit(mid, 4096);
out.midBack = state.decode(out.mid, 10);
out.midAnswers = mid.quizzes[8].answers;
out.midChecks = mid.checks;
out.midSurvey = mid.quizzes[9].answers;
const long = course({longSurvey: true});
const before = JSON.stringify(long);
out.longFull = state.encode(long).length;
out.longFit = state.fit(long, 4096);
out.longBack = state.decode(out.longFit.data, 10);
out.untouched = JSON.stringify(long) === before;
const graded = course({longGraded: true, longSurvey: true});
out.gradedFull = state.encode(graded).length;
out.gradedFit = state.fit(graded, 4096);
out.gradedBack = state.decode(out.gradedFit.data, 10);
out.gradedAnswers = graded.quizzes[8].answers;
const huge = state.fresh();
huge.quizzes[0] = {attempt: 1, seed: 1, submitted: false, score: null, graded: true,
  answers: Array.from({length: 3000}, () => ['1'])};
huge.quizzes[4] = {attempt: 3, seed: 5, submitted: true, score: 0, graded: true, answers: []};
out.hugeFit = state.fit(huge, 4096);
out.hugeUntouched = out.hugeFit.quizzes !== huge.quizzes;
out.unlimited = state.fit(long, 0).data === state.encode(long);
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def quiz_state() -> dict:
    return node_json(QUIZ_SCRIPT, STATE_JS)


def test_200_questions_mid_attempt_fit_scorm12(quiz_state):
    data = quiz_state["mid"]
    print(f"200 questions in mid-attempt: {len(data)} characters of suspend_data")
    assert len(data) < 4096, len(data)
    assert len(data) < 3000, f"room to spare for longer texts, got {len(data)}"
    fitted = quiz_state["midFit"]
    assert (fitted["data"], fitted["dropped"], fitted["backup"]) == (data, [], {})
    assert re.fullmatch(r"[A-Za-z0-9._~!*-]+", data)


def test_quiz_answers_round_trip(quiz_state):
    back = quiz_state["midBack"]
    assert back["current"] == 8 and back["viewed"] == list(range(9))
    final = back["quizzes"]["8"]
    assert (final["attempt"], final["seed"], final["submitted"], final["score"]) == (2, 2147483000, False, 65)
    # Trailing open questions are left out of the string; everything else comes back as it was.
    assert final["answers"] == quiz_state["midAnswers"][:138]
    assert back["quizzes"]["9"]["answers"] == quiz_state["midSurvey"]
    assert back["checks"] == quiz_state["midChecks"]


def test_overflow_drops_ungraded_texts_first(quiz_state):
    fitted = quiz_state["longFit"]
    assert quiz_state["longFull"] > 4096, "the scenario must overflow to test anything"
    assert fitted["data"] is not None and len(fitted["data"]) <= 4096
    assert fitted["dropped"] == ["check texts", "survey texts"]
    assert fitted["backup"] == {}
    back = quiz_state["longBack"]
    assert back["quizzes"]["8"]["answers"] == quiz_state["midAnswers"][:138], "graded answers untouched"
    assert all(a is None for a in back["quizzes"]["9"]["answers"])
    assert all(a is None or isinstance(a, list) for a in back["checks"]), "knowledge-check keys kept"
    assert quiz_state["untouched"], "fit works on a copy"


def test_overflow_never_cuts_a_graded_text_short(quiz_state):
    fitted = quiz_state["gradedFit"]
    assert quiz_state["gradedFull"] > 4096
    assert fitted["data"] is not None and len(fitted["data"]) <= 4096
    assert fitted["dropped"] == ["check texts", "survey texts", "knowledge checks", "survey answers",
                                 "submitted answers", "graded texts"]
    answers = quiz_state["gradedAnswers"]
    texts = {str(n): a for n, a in enumerate(answers) if isinstance(a, str)}
    assert fitted["backup"] == {"8": texts}, "every graded text comes back whole, for the player to keep"
    kept = quiz_state["gradedBack"]["quizzes"]["8"]["answers"]
    for n, a in enumerate(answers[:138]):
        assert kept[n] == (None if isinstance(a, str) else a)


def test_graded_keys_that_cannot_fit_are_not_saved(quiz_state):
    assert quiz_state["hugeFit"]["data"] is None, "never a truncated or partial graded attempt"
    # A save tells the adapter its quiz records all the same: the attempts it reports by (runtime/lmsapi.js).
    records = quiz_state["hugeFit"]["quizzes"]
    assert [(p, records[p]["attempt"], records[p]["submitted"]) for p in sorted(records)] == [
        ("0", 1, False), ("4", 3, True)]
    assert quiz_state["hugeUntouched"], "a copy, which the player's later changes leave as it was"
    assert quiz_state["unlimited"], "no limit, nothing dropped"


# ---------------------------------------------------------------------------------------------
# Scenarios in the state (version 3): experienced marks, the current scene, its clip's position and
# progress (CHECKLIST V8); versions 1 and 2 still decode; the 200-question budget still holds.

SCENARIO_SCRIPT = r"""
const state = require(process.argv[1]);
const out = {};
const s = state.fresh();
s.current = 9;
s.viewed = [0, 8, 9, 10];
s.scenarios = {8: {done: true, scene: 'side-by-side', time: 12.34, progress: 0.4567, path: '20'},
  9: {done: false, scene: 'the-call', time: 0, progress: 0, seed: 35, path: 'No~path!'}, 10: {done: true, scene: '', time: 0, progress: 0},
  11: {done: true, scene: 'Not.A~scene!', time: -3, progress: 7}};
out.encoded = state.encode(s);
out.back = state.decode(out.encoded, 11);
out.again = state.encode(out.back);
out.clamped = state.decode(out.encoded, 9).scenarios;
out.v2 = state.decode('2.c1.vAw.a1~1~5~s~80~a.k0.sx', 4);
out.v2Again = state.encode(out.v2);
out.v1 = state.decode('1.c2.vBw', 4);
// The 200-question course of QUIZ_SCRIPT's budget test, plus four scenarios part-way through.
const KEYS = '0123456789abcdefghijklmnopqrstuvwxyz';
const big = state.fresh();
big.current = 12;
big.viewed = Array.from({length: 13}, (_, i) => i);
big.checks = Array.from({length: 40}, (_, n) => [KEYS[n % 5]]);
big.quizzes[12] = {attempt: 2, seed: 2147483000, submitted: false, score: 65, graded: true,
  answers: Array.from({length: 150}, (_, n) =>
    n % 6 === 3 ? 'the Explore stage (step three)' : ['0', '2', KEYS[n % 5 + 3]])};
big.quizzes[13] = {attempt: 1, seed: 77, submitted: false, score: null, graded: false,
  answers: Array.from({length: 10}, (_, n) => n < 2 ? 'x'.repeat(150) : [String(n % 5)])};
for (let i = 8; i < 12; i++) {
  big.scenarios[i] = {done: i % 2 === 0, scene: 'consequence-scene-' + i, time: 95.25, progress: 0.8};
}
out.budget = state.fit(big, 4096);
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def scenario_state() -> dict:
    return node_json(SCENARIO_SCRIPT, STATE_JS)


def test_scenarios_round_trip(scenario_state):
    encoded = scenario_state["encoded"]
    assert encoded == "3.c9.vAQc.s8~d~side-by-side~3f~1a~~20!9~~the-call~0~0~z!a~d~~0~0!b~d~~~2s", encoded
    assert re.fullmatch(r"[A-Za-z0-9._~!*-]+", encoded)
    back = scenario_state["back"]["scenarios"]
    # The path so far (option indexes in base 36) is kept; one that is not such a string is not written.
    assert back == {"8": {"done": True, "scene": "side-by-side", "time": 12.3, "progress": 0.46, "path": "20"},
                    "9": {"done": False, "scene": "the-call", "time": 0, "progress": 0, "seed": 35},
                    "10": {"done": True, "scene": "", "time": 0, "progress": 0}}, \
        "pages past the course's end are dropped; a bad scene id or time is not written, progress is at most 1"
    assert scenario_state["again"] == encoded.split("!b~")[0], "stable once decoded"
    assert scenario_state["clamped"] == {"8": back["8"]}


def test_versions_1_and_2_still_decode(scenario_state):
    v2 = scenario_state["v2"]
    assert v2["current"] == 1 and v2["viewed"] == [0, 1] and v2["scenarios"] == {}
    assert v2["quizzes"]["1"]["score"] == 288 and v2["checks"] == [["0"]]
    assert v2["ext"] == {"s": "x"}, "an `s` field of version 2 is not a scenario record"
    assert scenario_state["v2Again"] == "3.c1.vAw.a1~1~5~s~80~a.k0", "written back as version 3"
    assert scenario_state["v1"]["viewed"] == [0, 1, 2] and scenario_state["v1"]["scenarios"] == {}


def test_scenarios_keep_the_200_question_budget(scenario_state):
    fitted = scenario_state["budget"]
    assert fitted["dropped"] == [] and fitted["backup"] == {}
    print(f"200 questions and 4 scenarios in mid-attempt: {len(fitted['data'])} characters of suspend_data")
    assert len(fitted["data"]) < 3000, len(fitted["data"])
    assert fitted["data"].count("consequence-scene-") == 4


# ---------------------------------------------------------------------------------------------
# runtime/adapters/scorm12.js under node with a fake LMS API: the strict SCORM 1.2 limits that
# scorm-again does not enforce (Q10, S12-D3), string results, discovery and the call sequence.

SCORM12_JS = STATE_JS.parent / "adapters" / "scorm12.js"
LMSAPI_JS = STATE_JS.parent / "lmsapi.js"

ADAPTER_SCRIPT = r"""
const vm = require('vm');
const fs = require('fs');
// The adapter after the API finder it uses (runtime/lmsapi.js), as the package loads them.
const code = process.argv.slice(1).map(f => fs.readFileSync(f, 'utf8')).join('\n');

function fakeAPI(values, failures) {
  const api = { calls: [], values: Object.assign({}, values), last: '0' };
  const rec = (fn, args, result) => { api.calls.push([fn].concat(args)); return result; };
  api.LMSInitialize = a => rec('LMSInitialize', [a], failures.init ? (api.last = '101', 'false') : 'true');
  api.LMSFinish = a => rec('LMSFinish', [a], 'true');
  api.LMSCommit = a => rec('LMSCommit', [a], 'true');
  api.LMSGetValue = el => { api.last = '0'; return rec('LMSGetValue', [el], api.values[el] || ''); };
  api.LMSSetValue = (el, v) => {
    if (failures.set && failures.set === el) { api.last = '405'; return rec('LMSSetValue', [el, v], 'false'); }
    api.last = '0'; api.values[el] = v; return rec('LMSSetValue', [el, v], 'true');
  };
  api.LMSGetLastError = () => api.last;
  api.LMSGetErrorString = c => 'Error ' + c;
  api.LMSGetDiagnostic = c => 'Diagnostic ' + c;
  return api;
}

function load(win) {
  const warnings = [];
  const console = { warn: m => warnings.push(String(m)), error: m => warnings.push('ERROR ' + m) };
  const sandbox = { window: win, console, Date };
  win.Courseforge = {};
  win.console = console;
  vm.runInNewContext(code, sandbox);
  return { CF: win.Courseforge, warnings };
}

function chain(depth, api, crossOriginAt) {
  // A window whose API sits `depth` parents up; the window at crossOriginAt throws on .API.
  const wins = [];
  for (let i = 0; i <= depth; i++) wins.push({});
  for (let i = 0; i <= depth; i++) {
    const w = wins[i];
    w.parent = i < depth ? wins[i + 1] : w;
    if (i === crossOriginAt) Object.defineProperty(w, 'API', { get() { throw new Error('SecurityError'); } });
  }
  if (api) wins[depth].API = api;
  return wins;
}

const out = {};

// Discovery through parents, past a cross-origin frame.
{
  const api = fakeAPI({}, {});
  const wins = chain(5, api, 2);
  const { CF } = load(wins[0]);
  out.parentFound = CF.scorm12.findAPI() === api;
}
// Discovery through opener (popup launch), and through top.opener.
{
  const api = fakeAPI({}, {});
  const opener = chain(2, api, -1)[0];
  const w = { opener };
  w.parent = w; w.top = w;
  const { CF } = load(w);
  out.openerFound = CF.scorm12.findAPI() === api;
  const inner = {};
  const top = { opener, parent: null };
  top.parent = top;
  inner.parent = top; inner.top = top;
  const loaded = load(inner);
  out.topOpenerFound = loaded.CF.scorm12.findAPI() === api;
}
// Bounded climb: a parent chain that never ends does not hang and finds nothing.
{
  let made = 0;
  const endless = () => ({ get parent() { made++; return endless(); } });
  const w = endless();
  const { CF } = load(w);
  out.endlessFound = CF.scorm12.findAPI();
  out.endlessClimbed = made;
}

function session(values, failures) {
  const api = fakeAPI(values, failures || {});
  const w = { API: api };
  w.parent = w;
  const { CF, warnings } = load(w);
  const adapter = new CF.scorm12.Adapter(api);
  return { api, adapter, warnings };
}

// First launch: incomplete + commit; limits refused, never truncated; finish once.
{
  const { api, adapter, warnings } = session({
    'cmi.core.lesson_status': 'not attempted', 'cmi.core.lesson_mode': 'normal' });
  out.init = adapter.init();
  out.afterInit = api.calls.slice();
  api.calls.length = 0;
  out.saveLong = adapter.saveState({ location: 'x'.repeat(256), data: 'y'.repeat(4097) });
  out.saveLongCalls = api.calls.slice();
  api.calls.length = 0;
  out.saveOk = adapter.saveState({ location: 'l'.repeat(255), data: 'd'.repeat(4096) });
  out.saveOkCalls = api.calls.slice();
  api.calls.length = 0;
  adapter.complete();
  out.completeCalls = api.calls.slice();
  api.calls.length = 0;
  adapter.terminate({ finished: true });
  adapter.terminate({ finished: true });
  out.saveAfter = adapter.saveState({ location: 'a', data: 'b' });
  out.terminateCalls = api.calls.slice();
  out.warnings = warnings;
}
// "Exit course" (the page stays): a commit before LMSFinish; a final save (pagehide) commits nothing.
{
  const { api, adapter } = session({ 'cmi.core.lesson_status': 'incomplete', 'cmi.core.lesson_mode': 'normal' });
  adapter.init();
  api.calls.length = 0;
  adapter.saveState({ location: 'two', data: '1.c1.vAw' }, true);
  out.finalSaveCalls = api.calls.slice();
  api.calls.length = 0;
  adapter.terminate({ finished: false, exit: true });
  out.exitCalls = api.calls.slice();
}
// A failing SetValue is logged with code, string and diagnostic; the session goes on.
{
  const { api, adapter, warnings } = session({ 'cmi.core.lesson_status': 'incomplete', 'cmi.core.entry': 'resume',
    'cmi.core.lesson_location': 'two', 'cmi.suspend_data': '1.c1.vAw' }, { set: 'cmi.suspend_data' });
  adapter.init();
  out.resumeLoad = adapter.loadState();
  out.failedSave = adapter.saveState({ location: 'two', data: '1.c1.vAw' });
  out.failedWarnings = warnings;
  adapter.terminate({ finished: false });
  out.failedCalls = api.calls.filter(c => c[0] !== 'LMSGetValue' && c[0] !== 'LMSGetLastError');
}
// Review mode writes nothing but location and session time; browse sets browsed.
{
  const { api, adapter } = session({ 'cmi.core.lesson_status': 'completed', 'cmi.core.lesson_mode': 'review' });
  adapter.init();
  adapter.saveState({ location: 'one', data: '1.c0.vAQ' });
  adapter.complete();
  adapter.terminate({ finished: true });
  out.reviewSets = api.calls.filter(c => c[0] === 'LMSSetValue').map(c => c[1]);
}
{
  const { api, adapter } = session({ 'cmi.core.lesson_status': 'not attempted', 'cmi.core.lesson_mode': 'browse' });
  adapter.init();
  adapter.complete();
  adapter.terminate({ finished: true });
  out.browseStatus = api.calls.filter(c => c[0] === 'LMSSetValue' && c[1] === 'cmi.core.lesson_status').map(c => c[2]);
}
// A passed status from an earlier attempt is never replaced by completed.
{
  const { api, adapter } = session({ 'cmi.core.lesson_status': 'passed' });
  adapter.init();
  adapter.complete();
  out.passedStatus = api.calls.filter(c => c[0] === 'LMSSetValue' && c[1] === 'cmi.core.lesson_status');
}
// LMSInitialize answering "false" means not connected (the player falls back to standalone).
{
  const { adapter } = session({}, { init: true });
  out.initFailed = adapter.init();
}
{
  const { CF } = load((() => { const w = {}; w.parent = w; return w; })());
  const t = CF.scorm12.timespan;
  out.times = [t(0), t(1234), t(3723450), t(1e15)];
}
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def adapter() -> dict:
    return node_json(ADAPTER_SCRIPT, LMSAPI_JS, SCORM12_JS)


def test_scorm12_discovery(adapter):
    assert adapter["parentFound"], "API not found on a parent past a cross-origin frame"
    assert adapter["openerFound"], "API not found through window.opener"
    assert adapter["topOpenerFound"], "API not found through window.top.opener"
    assert adapter["endlessFound"] is None
    assert adapter["endlessClimbed"] <= 1000, "discovery must stop climbing (S12-A1)"


def test_scorm12_first_launch_and_limits(adapter):
    assert adapter["init"] == {"connected": True}
    calls = adapter["afterInit"]
    assert calls[0] == ["LMSInitialize", ""]
    assert ["LMSSetValue", "cmi.core.lesson_status", "incomplete"] in calls
    assert calls[-1] == ["LMSCommit", ""]
    # Over the limits: refused (reported as failure), nothing written, never truncated.
    assert adapter["saveLong"] is False
    written = [c[1] for c in adapter["saveLongCalls"] if c[0] == "LMSSetValue"]
    assert "cmi.core.lesson_location" not in written and "cmi.suspend_data" not in written
    assert any("lesson_location" in w and "refused" in w for w in adapter["warnings"])
    assert any("suspend_data" in w and "refused" in w for w in adapter["warnings"])
    # At the limits: written as is.
    assert adapter["saveOk"] is True
    ok = {c[1]: c[2] for c in adapter["saveOkCalls"] if c[0] == "LMSSetValue"}
    assert len(ok["cmi.core.lesson_location"]) == 255 and len(ok["cmi.suspend_data"]) == 4096
    assert ok["cmi.core.exit"] == "suspend"
    assert adapter["saveOkCalls"][-1] == ["LMSCommit", ""]


def test_scorm12_completion_and_finish(adapter):
    assert ["LMSSetValue", "cmi.core.lesson_status", "completed"] in adapter["completeCalls"]
    assert ["LMSSetValue", "cmi.core.exit", ""] in adapter["completeCalls"]
    calls = adapter["terminateCalls"]
    assert [c[0] for c in calls].count("LMSFinish") == 1, "LMSFinish exactly once"
    # Contract 2 (pagehide): session_time and exit, then LMSFinish; no commit, a synchronous request.
    assert calls[-1] == ["LMSFinish", ""] and "LMSCommit" not in [c[0] for c in calls]
    assert ["LMSSetValue", "cmi.core.exit", ""] in calls
    assert adapter["saveAfter"] is False, "no API call after LMSFinish (S12-A3)"
    session_time = [c[2] for c in calls if c[0] == "LMSSetValue" and c[1] == "cmi.core.session_time"]
    assert len(session_time) == 1 and SESSION_TIME.match(session_time[0])
    assert not [w for w in adapter["warnings"] if w.startswith("ERROR")]


def test_scorm12_errors_are_logged_not_fatal(adapter):
    assert adapter["resumeLoad"] == {"location": "two", "data": "1.c1.vAw", "resumed": True}
    assert adapter["failedSave"] is False
    text = "\n".join(adapter["failedWarnings"])
    assert "405" in text and "Error 405" in text and "Diagnostic 405" in text
    names = [c[0] for c in adapter["failedCalls"]]
    assert names[-1] == "LMSFinish", "the session still finishes properly"
    assert ["LMSSetValue", "cmi.core.exit", "suspend"] in adapter["failedCalls"]


def test_scorm12_exit_commits_first_and_a_final_save_never(adapter):
    saved = adapter["finalSaveCalls"]
    assert ["LMSSetValue", "cmi.core.lesson_location", "two"] in saved and ["LMSSetValue", "cmi.suspend_data", "1.c1.vAw"] in saved
    assert "LMSCommit" not in [c[0] for c in saved]
    names = [c[0] for c in adapter["exitCalls"]]
    assert names[-2:] == ["LMSCommit", "LMSFinish"], names  # Q1 where the page stays
    assert ["LMSSetValue", "cmi.core.exit", "suspend"] in adapter["exitCalls"]


def test_scorm12_modes(adapter):
    assert sorted(set(adapter["reviewSets"])) == ["cmi.core.lesson_location", "cmi.core.session_time"]
    assert adapter["browseStatus"] == ["browsed"]
    assert adapter["passedStatus"] == []
    assert adapter["initFailed"] == {"connected": False}


def test_scorm12_timespan(adapter):
    assert adapter["times"] == ["0000:00:00.00", "0000:00:01.23", "0001:02:03.45", "9999:59:59.99"]


# ---------------------------------------------------------------------------------------------
# runtime/adapters/scorm12.js: interactions and score (S12-I1..I4, S12-R3, S12-R4, Q3).

INTERACTION_SCRIPT = r"""
const vm = require('vm');
const fs = require('fs');
// The adapter after the API finder it uses (runtime/lmsapi.js), as the package loads them.
const code = process.argv.slice(1).map(f => fs.readFileSync(f, 'utf8')).join('\n');
function session(values) {
  const api = { calls: [], values: Object.assign({ 'cmi.interactions._count': '0' }, values) };
  api.LMSInitialize = () => (api.calls.push(['LMSInitialize']), 'true');
  api.LMSFinish = () => (api.calls.push(['LMSFinish']), 'true');
  api.LMSCommit = () => (api.calls.push(['LMSCommit']), 'true');
  api.LMSGetValue = el => api.values[el] || '';
  api.LMSSetValue = (el, v) => {
    api.calls.push(['LMSSetValue', el, v]);
    api.values[el] = v;
    const m = /^cmi\.interactions\.(\d+)\.id$/.exec(el);
    if (m) api.values['cmi.interactions._count'] = String(+m[1] + 1);
    return 'true';
  };
  api.LMSGetLastError = () => '0';
  api.LMSGetErrorString = () => '';
  api.LMSGetDiagnostic = () => '';
  const win = { API: api, Courseforge: {}, console: { warn() {} } };
  win.parent = win;
  vm.runInNewContext(code, { window: win, console: win.console, Date });
  const course = { quizzes: { final: { graded: true }, survey: { graded: false } },
    questions: { 'q-single': { type: 'single' }, 'q-multiple': { type: 'multiple' } } };
  return { api, adapter: new win.Courseforge.scorm12.Adapter(api, course) };
}
const at = new Date(2024, 0, 2, 9, 5, 7);
const base = { latencyMs: 83450, timestamp: at, page: 'final', graded: true, weighting: 2 };
const tf = [{ key: '0', text: 'True' }, { key: '1', text: 'False' }];
const items = [
  { id: 'q-single', type: 'choice', correct: ['2'], response: ['1'], result: 'wrong' },
  { id: 'q-multiple', type: 'choice', correct: ['0', '2', '3'], response: ['0', '2', '3'], result: 'correct' },
  { id: 'q-tf', type: 'true-false', options: tf, correct: ['1'], response: ['0'], result: 'wrong' },
  { id: 'q-match', type: 'matching', correct: ['0.0', '1.1', '2.2'], response: ['0.0', '1.2', '2.1'], result: 'wrong' },
  { id: 'q-order', type: 'sequencing', correct: ['0', '1', '2', '3'], response: ['0', '1', '2', '3'], result: 'correct' },
  { id: 'q-fill', type: 'fill-in', correct: ['frame of reference', 'a frame of reference'], response: '  Frame of\nreference ', result: 'correct' },
  { id: 'q-likert', type: 'likert', correct: [], response: ['3'], result: 'neutral', weighting: 0, graded: false },
  { id: 'q-reflect', type: 'fill-in', correct: [], response: 'line one\nline two ' + 'x'.repeat(300), result: 'neutral', weighting: 0 },
  // A scenario decision (no question of the course) with two right options: either one is right.
  { id: 'shoes-call', type: 'choice', correct: ['a', 'c'], response: ['c'], result: 'correct', weighting: 0, graded: false }
];
const out = {};
{
  const { api, adapter } = session({ 'cmi.core.lesson_status': 'not attempted', 'cmi.student_data.mastery_score': '80' });
  adapter.init();
  out.passMark = adapter.passMark;
  api.calls.length = 0;
  items.forEach(i => adapter.answer(Object.assign({}, base, i)));
  out.interactions = api.calls.slice();
  api.calls.length = 0;
  adapter.complete();
  out.complete = api.calls.slice();
  adapter.score({ raw: 75, min: 0, max: 100, scaled: 0.75, passed: true });
  out.scoreLow = api.calls.slice();
  api.calls.length = 0;
  adapter.score({ raw: 100, min: 0, max: 100, scaled: 1, passed: true });
  out.scoreHigh = api.calls.slice();
  out.finished = adapter.finished;
}
{
  const { api, adapter } = session({ 'cmi.core.lesson_status': 'passed', 'cmi.core.entry': 'resume' });
  adapter.init();
  api.calls.length = 0;
  adapter.score({ raw: 40, min: 0, max: 100, scaled: 0.4, passed: false });
  out.keepPass = api.calls.slice();
}
{
  const { api, adapter } = session({ 'cmi.core.lesson_status': 'completed', 'cmi.core.lesson_mode': 'review' });
  adapter.init();
  adapter.answer(Object.assign({}, base, items[0]));
  adapter.score({ raw: 100, min: 0, max: 100, scaled: 1, passed: true });
  out.review = api.calls.filter(c => c[0] === 'LMSSetValue');
}
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def recorded() -> dict:
    return node_json(INTERACTION_SCRIPT, LMSAPI_JS, SCORM12_JS)


def test_interactions_in_scorm12_format(recorded):
    records: dict[str, list] = {}
    for fn, element, value in recorded["interactions"]:
        assert fn == "LMSSetValue"
        n, field = re.fullmatch(r"cmi\.interactions\.(\d+)\.(.+)", element).groups()
        records.setdefault(n, []).append((field, value))
    assert list(records) == [str(n) for n in range(9)], "n = _count, read before each record"
    got = {dict(fields)["id"]: fields for fields in records.values()}
    common = [("result", None), ("weighting", None), ("latency", "0000:01:23.45"), ("time", "09:05:07")]

    def expect(qid, pattern, response, result, weighting="2"):
        patterns = [pattern] if isinstance(pattern, str) else pattern or []
        fields = [("id", qid), ("type", None)] + [(f"correct_responses.{n}.pattern", p) for n, p in enumerate(patterns)]
        fields += [("student_response", response)] + common
        actual = got[qid]
        assert [f for f, _ in actual] == [f for f, _ in fields], actual
        values = dict(actual)
        assert values["result"] == result and values["weighting"] == weighting
        for name, value in fields:
            if value is not None:
                assert values[name] == value, (qid, name, values[name])
        return values

    assert expect("q-single", "2", "1", "wrong")["type"] == "choice"
    expect("q-multiple", "0,2,3", "0,2,3", "correct")
    assert expect("q-tf", "f", "t", "wrong")["type"] == "true-false"
    expect("q-match", "0.0,1.1,2.2", "0.0,1.2,2.1", "wrong")
    assert expect("q-order", "0,1,2,3", "0,1,2,3", "correct")["type"] == "sequencing"
    # Several accepted texts, or right options of a single choice, are alternatives: one pattern each.
    expect("q-fill", ["frame of reference", "a frame of reference"], "Frame of reference", "correct")
    assert expect("shoes-call", ["a", "c"], "c", "correct", "0")["type"] == "choice"
    assert expect("q-likert", None, "3", "neutral", "0")["type"] == "likert"
    reflection = expect("q-reflect", None, None, "neutral", "0")["student_response"]
    assert len(reflection) == 255 and reflection.startswith("line one line two xxx"), "one line, never over 255"


def test_scored_course_status_follows_the_mastery_score(recorded):
    assert recorded["complete"] == [], "a course with a graded quiz never reports `completed`"
    assert recorded["scoreLow"] == [["LMSSetValue", "cmi.core.score.raw", "75"],
                                    ["LMSSetValue", "cmi.core.score.min", "0"],
                                    ["LMSSetValue", "cmi.core.score.max", "100"],
                                    ["LMSSetValue", "cmi.core.lesson_status", "failed"]], \
        "the LMS's mastery score (80) decides, as the LMS itself would (S12-R4, Q3)"
    assert recorded["passMark"] == 80, "the player's quiz pages judge by the LMS's mark too (quiz.js mark)"
    assert recorded["scoreHigh"][0] == ["LMSSetValue", "cmi.core.score.raw", "100"]
    assert recorded["scoreHigh"][-1] == ["LMSSetValue", "cmi.core.lesson_status", "passed"]
    assert recorded["finished"] is True, "passed: exit '' from now on"
    assert recorded["keepPass"] == [], "a pass from an earlier attempt is never turned into a fail"
    assert recorded["review"] == [], "review mode records nothing"


LARGE = r"""
const state = require(process.argv[1]);
const out = {};
const total = 50000, range = n => Array.from({length: n}, (_, i) => i);
out.all = state.encode({current: total - 1, viewed: range(total)});
out.allBack = state.decode(out.all, total);
const gaps = range(total).filter(i => i % 100 !== 7 && i < 45000);
out.gaps = state.encode({current: 44000, viewed: gaps});
out.gapsBack = state.decode(out.gaps, total).viewed.join() === gaps.join();
const alternate = range(6000).filter(i => i % 2);
out.alternate = state.encode({current: 1, viewed: alternate});
out.alternateBack = state.decode(out.alternate, total).viewed.join() === alternate.join();
out.small = range(70).map(n => state.encode({current: n, viewed: range(n)}));
out.garbage = ["3.r", "3.r5-2", "3.r1-2-3", "3.r1~", "3.r-1", "3.r0-zzzz", "3.rA"].map(g => state.decode(g, 8));
out.ext = state.encode({current: 0, viewed: [], ext: {r: "1-2", q: "x"}});
// Every 50th page skipped: neither runs nor the bitset fit; an assessment is half answered.
const scattered = {current: 48000, viewed: range(total).filter(i => i % 50 !== 7), ext: {}, checks: [], scenarios: {},
  quizzes: {49990: {attempt: 1, seed: 3, submitted: false, score: null, graded: true, answers: [['1'], 'the Explore stage']}}};
out.scatteredFull = state.encode(scattered).length;
out.scatteredFit = state.fit(scattered, 4096);
out.scatteredBack = state.decode(out.scatteredFit.data, total);
out.scatteredKept = out.scatteredBack.viewed.join() === scattered.viewed.slice(0, out.scatteredBack.viewed.length).join();
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def large_state() -> dict:
    return node_json(LARGE, STATE_JS)


def test_50000_pages_fit_scorm12_as_runs(large_state):
    """A course of thousands of pages (pageparts.py): viewed pages go as runs, far below 4096."""
    assert large_state["all"] == "3.c12kv.r0-12kv"
    assert large_state["allBack"]["viewed"] == list(range(50000)) and large_state["allBack"]["current"] == 49999
    assert ".r" in large_state["gaps"] and len(large_state["gaps"]) < 4096 and large_state["gapsBack"]
    assert re.fullmatch(r"[A-Za-z0-9._~-]+", large_state["gaps"])


def test_runs_only_where_shorter_and_smaller_courses_unchanged(large_state):
    # Every other page viewed: the bitset is shorter, and it stays.
    assert ".v" in large_state["alternate"] and ".r" not in large_state["alternate"] and large_state["alternateBack"]
    assert all(".v" in text and ".r" not in text for text in large_state["small"])
    assert large_state["small"][9] == "3.c9.v_wE"
    for value in large_state["garbage"]:
        assert value["viewed"] == [] and value["ext"] == {}, value
    assert large_state["ext"] == "3.c0.v.qx", "a saved unknown field named r is not written back as runs"


def test_pages_viewed_here_and_there_in_a_huge_course_never_stop_the_saving(large_state):
    """Before, a state that could not fit was not saved at all (the learner lost everything since);
    now the marks of the later viewed pages go, the place and the assessment in progress stay."""
    fitted, back = large_state["scatteredFit"], large_state["scatteredBack"]
    assert large_state["scatteredFull"] > 4096
    assert fitted["data"] is not None and len(fitted["data"]) <= 4096
    assert fitted["dropped"][-2:] == ["graded texts", "viewed pages"]
    assert back["current"] == 48000
    assert back["quizzes"]["49990"]["answers"] == [["1"]] and fitted["backup"] == {"49990": {"1": "the Explore stage"}}
    assert large_state["scatteredKept"] and len(back["viewed"]) > 1000, "the earliest pages' marks are kept"

