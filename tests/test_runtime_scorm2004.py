"""runtime/adapters/scorm2004.js under node with a fake API_1484_11: discovery, the 2004 time
formats, the 64 000/1000-character limits, 403 on never-set elements, the session end with and without
navigation support, and review mode. What needs a real LMS is in tests/e2e/test_scorm2004_lms.py.
CHECKLIST S04-A1..A4, S04-D1..D3, S04-E1, S04-R5, S04-S5."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import node_json

ADAPTER_JS = Path(__file__).resolve().parent.parent / "themes" / "default" / "runtime" / "adapters" / "scorm2004.js"

SCRIPT = r"""
const vm = require('vm');
// The adapter after the API finder it uses (runtime/lmsapi.js), as the package loads them.
const code = process.argv.slice(1).map(f => require('fs').readFileSync(f, 'utf8')).join('\n');

function fakeAPI(values, refuse) {
  const api = { calls: [], values: Object.assign({}, values), last: '0' };
  const rec = (fn, args, result) => { api.calls.push([fn].concat(args)); return result; };
  for (const fn of ['Initialize', 'Terminate', 'Commit']) api[fn] = a => (api.last = '0', rec(fn, [a], 'true'));
  api.GetValue = el => {
    api.last = el in api.values ? '0' : '403';
    return rec('GetValue', [el], api.values[el] || '');
  };
  api.SetValue = (el, v) => {
    if (refuse.includes(el)) { api.last = '401'; return rec('SetValue', [el, v], 'false'); }
    api.last = '0'; api.values[el] = v; return rec('SetValue', [el, v], 'true');
  };
  api.GetLastError = () => api.last;
  api.GetErrorString = c => 'Error ' + c;
  api.GetDiagnostic = c => 'Diagnostic ' + c;
  return api;
}

function load(win) {
  const warnings = [];
  const listeners = {};
  win.console = { warn: m => warnings.push(String(m)) };
  win.addEventListener = (type, fn) => { listeners[type] = fn; };
  win.Courseforge = {};
  vm.runInNewContext(code, { window: win, Date });
  return { CF: win.Courseforge, warnings, listeners };
}

function session(values, refuse) {
  const api = fakeAPI(values, refuse || []);
  const w = { API_1484_11: api };
  w.parent = w;
  const loaded = load(w);
  return Object.assign({ api, adapter: new loaded.CF.scorm2004.Adapter(api, {}) }, loaded);
}

const out = {};
{
  // Parents past a cross-origin frame, then the opener; an object without Initialize is no API.
  const api = fakeAPI({}, []);
  const wins = [{}, {}, {}];
  wins.forEach((w, i) => { w.parent = wins[i + 1] || w; });
  Object.defineProperty(wins[1], 'API_1484_11', { get() { throw new Error('SecurityError'); } });
  wins[2].API_1484_11 = api;
  out.parentFound = load(wins[0]).CF.scorm2004.findAPI() === api;
  const popup = { opener: wins[0], API_1484_11: { Initialize: 'not a function' } };
  popup.parent = popup;
  out.openerFound = load(popup).CF.scorm2004.findAPI() === api;
}
{
  const { CF } = load((() => { const w = {}; w.parent = w; return w; })());
  const s = CF.scorm2004;
  out.durations = [0, 1234, 3723450, 90061000].map(s.duration);
  out.timestamp = s.timestamp(new Date(Date.UTC(2025, 0, 31, 14, 5, 9, 987)));
}
{
  // First launch: 403 on never-set elements is an empty value, not a warning.
  const { api, adapter, warnings } = session({ 'cmi.mode': 'normal', 'cmi.completion_status': 'unknown',
                                              'cmi.entry': 'ab-initio' }, ['adl.nav.request']);
  out.init = adapter.init();
  out.load = adapter.loadState();
  out.afterInit = api.calls.slice();
  api.calls.length = 0;
  out.saveLong = adapter.saveState({ location: 'x'.repeat(1001), data: 'y'.repeat(64001) });
  out.saveOk = adapter.saveState({ location: 'l'.repeat(1000), data: 'd'.repeat(64000) });
  out.saveCalls = api.calls.map(c => c.slice(0, 2).concat(c[2] === undefined ? [] : [String(c[2]).length]));
  api.calls.length = 0;
  // An LMS without navigation requests: Exit still terminates, and nothing says it navigates.
  out.exit = adapter.terminate({ finished: false, exit: true });
  out.exitCalls = api.calls.slice();
  out.again = adapter.terminate({ finished: true });
  out.warnings = warnings;
}
{
  // Dismissal: a save after pagehide sets values without Commit; Terminate alone persists them.
  const { api, adapter, listeners } = session({ 'cmi.mode': 'normal', 'cmi.completion_status': 'incomplete' });
  adapter.init();
  api.calls.length = 0;
  listeners.pagehide();
  adapter.saveState({ location: 'two', data: 'abc' });
  adapter.terminate({ finished: false });
  out.dismissCalls = api.calls.map(c => c[0] + ' ' + (c[1] || ''));
}
{
  const { api, adapter } = session({ 'cmi.mode': 'review', 'cmi.entry': '', 'cmi.location': 'two' });
  adapter.init();
  out.reviewLoad = adapter.loadState();
  adapter.saveState({ location: 'three', data: 'x' });
  adapter.progress({ viewed: 1, total: 2 });
  adapter.complete();
  adapter.answer({ id: 'q', type: 'choice', response: ['a'], correct: ['a'], result: 'correct' });
  adapter.score({ raw: 90, passed: true });
  adapter.terminate({ finished: true });
  out.reviewSets = api.calls.filter(c => c[0] === 'SetValue').map(c => c[1]);
}
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def out() -> dict:
    return node_json(SCRIPT, ADAPTER_JS.parent.parent / "lmsapi.js", ADAPTER_JS)


def test_discovery(out):
    assert out["parentFound"], "API_1484_11 not found on a parent past a cross-origin frame"
    assert out["openerFound"], "API_1484_11 not found through window.opener"


def test_time_formats(out):
    assert out["durations"] == ["PT0H0M0.00S", "PT0H0M1.23S", "PT1H2M3.45S", "PT25H1M1.00S"]
    assert out["timestamp"] == "2025-01-31T14:05:09.98Z"
    assert all(re.fullmatch(r"PT\d+H\d+M\d+\.\d{2}S", d) for d in out["durations"])


def test_first_launch_reads_and_marks_incomplete(out):
    assert out["init"] == {"connected": True}
    assert out["load"] == {"location": None, "data": None, "resumed": False}
    calls = out["afterInit"]
    assert calls[0] == ["Initialize", ""] and [c[0] for c in calls].count("Initialize") == 1
    assert ["SetValue", "cmi.completion_status", "incomplete"] in calls
    assert calls[calls.index(["SetValue", "cmi.completion_status", "incomplete"]) + 1] == ["Commit", ""]
    assert not any("403" in w for w in out["warnings"]), "a never-set element is not an error (S04-A4)"


def test_limits_refused_never_truncated(out):
    assert out["saveLong"] is False and out["saveOk"] is True
    written = [c for c in out["saveCalls"] if c[0] == "SetValue" and c[1] in ("cmi.location", "cmi.suspend_data")]
    assert written == [["SetValue", "cmi.location", 1000], ["SetValue", "cmi.suspend_data", 64000]]
    assert any("cmi.location" in w and "refused" in w for w in out["warnings"])
    assert any("cmi.suspend_data" in w and "refused" in w for w in out["warnings"])


def test_exit_without_navigation_support_still_terminates(out):
    assert out["exit"] is None, "the LMS refused adl.nav.request: the player shows its own end screen"
    names = [c[0] for c in out["exitCalls"]]
    assert names[-2:] == ["Commit", "Terminate"] and names.count("Terminate") == 1
    assert ["SetValue", "cmi.exit", "suspend"] in out["exitCalls"]
    assert out["again"] is None
    assert any("adl.nav.request" in w and "401" in w for w in out["warnings"])


def test_dismissal_never_commits(out):
    assert "Commit " not in out["dismissCalls"], out["dismissCalls"]
    assert out["dismissCalls"][-3:] == ["SetValue cmi.session_time", "SetValue cmi.exit", "Terminate "]


def test_review_mode_writes_only_location_and_time(out):
    assert out["reviewLoad"] == {"location": "two", "data": None, "resumed": False}
    assert sorted(set(out["reviewSets"])) == ["cmi.location", "cmi.session_time"]
