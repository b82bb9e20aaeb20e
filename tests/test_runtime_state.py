"""runtime/state.js under node: the suspend-data codec round-trips, stays far below SCORM 1.2's
4096 characters for 500 lessons (S12-D3: checked on the final string) and never throws on garbage."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

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
const garbage = [undefined, null, 42, {}, [], "", "garbage", "1", "1.", "2.c1.vAQ", "1.c!!", "1.cZZZZZ",
  "1.vA", "1.v@@@@", "1.c1.v" + "_".repeat(70000), "1..", ".1.c1", "1.C1", "\u00e9\u00e8", "1.c1.v\u0000",
  "1.c1\n.vAQ"];
out.garbage = garbage.map(g => { try { return state.decode(g, 8); } catch (e) { return "THREW " + e; } });
out.fresh = state.fresh();
console.log(JSON.stringify(out));
"""


def run_node() -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the runtime tests need Node.js (apt-get install nodejs)",
                    pytrace=False)
    result = subprocess.run([node, "-e", SCRIPT, str(STATE_JS)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def out() -> dict:
    return run_node()


def test_round_trip(out):
    back = out["sampleBack"]
    assert out["sample"].startswith("1."), "the encoding is versioned"
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
    assert fresh == {"version": 1, "current": 0, "viewed": [], "ext": {}}
    for value in out["garbage"]:
        assert value == fresh, value


def test_payload_is_safe_for_suspend_data(out):
    for text in (out["sample"], out["big"]):
        assert re.fullmatch(r"[A-Za-z0-9._-]+", text), text


# ---------------------------------------------------------------------------------------------
# runtime/adapters/scorm12.js under node with a fake LMS API: the strict SCORM 1.2 limits that
# scorm-again does not enforce (Q10, S12-D3), string results, discovery and the call sequence.

SCORM12_JS = STATE_JS.parent / "adapters" / "scorm12.js"

ADAPTER_SCRIPT = r"""
const vm = require('vm');
const fs = require('fs');
const code = fs.readFileSync(process.argv[1], 'utf8');

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
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the runtime tests need Node.js (apt-get install nodejs)",
                    pytrace=False)
    result = subprocess.run([node, "-e", ADAPTER_SCRIPT, str(SCORM12_JS)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


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
    assert calls[-1] == ["LMSFinish", ""] and calls[-2] == ["LMSCommit", ""]
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
    assert names[-2:] == ["LMSCommit", "LMSFinish"], "the session still finishes properly"
    assert ["LMSSetValue", "cmi.core.exit", "suspend"] in adapter["failedCalls"]


def test_scorm12_modes(adapter):
    assert sorted(set(adapter["reviewSets"])) == ["cmi.core.lesson_location", "cmi.core.session_time"]
    assert adapter["browseStatus"] == ["browsed"]
    assert adapter["passedStatus"] == []
    assert adapter["initFailed"] == {"connected": False}


def test_scorm12_timespan(adapter):
    assert adapter["times"] == ["0000:00:00.00", "0000:00:01.23", "0001:02:03.45", "9999:59:59.99"]
