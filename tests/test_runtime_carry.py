"""What the learner does in the fallback (the standalone adapter in a launch's room, while that launch cannot
start) reaches the LRS at the launch's next session, when the fallback's record continues the very State
document that session resumes (xapi.js carry()). Node over the runtime's TinCan adapter, its tracker and
the standalone adapter, against a scripted LRS that keeps State documents and statements: the player's
calls made by hand, as player.js makes them. In Chromium under Ralph: tests/e2e/test_xapi_carry.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import node_json

RUNTIME = Path(__file__).resolve().parent.parent / "themes" / "default" / "runtime"

# The scripted LRS, the runtime and the player's calls by hand (test_runtime_carry_answers.py runs its own
# scenarios after it).
PRELUDE = r"""
const memory = () => { const m = {};
  return {getItem: k => (k in m ? m[k] : null), setItem: (k, v) => { m[k] = String(v); }, removeItem: k => { delete m[k]; },
          key: i => Object.keys(m)[i], get length() { return Object.keys(m).length; }}; };
const listeners = {}, lrs = {up: true, state: {}, statements: []};
const reply = (status, text) => Promise.resolve({status, ok: status < 300, text: () => Promise.resolve(text)});
const window = global.window = {location: {search: ''}, localStorage: memory(), sessionStorage: memory(),
  console: {warn() {}}, crypto: require('crypto').webcrypto, setTimeout: () => 0, clearTimeout() {},
  addEventListener(type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
  // The LRS: State documents by registration, statements in the order they came.
  fetch: (url, init) => {
    if (!lrs.up) return Promise.reject(new TypeError('Failed to fetch'));
    const u = new URL(url), path = u.pathname.split('/xAPI/')[1], reg = u.searchParams.get('registration');
    if (path == 'activities/state') {
      if (init.method == 'GET') return reg in lrs.state ? reply(200, lrs.state[reg]) : reply(404, '');
      lrs.state[reg] = init.body;
      return reply(204, '');
    }
    if (path == 'statements' && init.method == 'POST') {
      lrs.statements.push(...[].concat(JSON.parse(init.body)));
      return reply(200, '[]');
    }
    return reply(404, '');
  }};
global.document = {documentElement: {lang: 'en'}, addEventListener() {}};
const adapters = [];
require(process.argv[1]);  // player.js: Courseforge.keep; the adapters registered come here instead
const CF = Object.assign(window.Courseforge, {registerAdapter: d => adapters.push(d)});
process.argv.slice(2).forEach(file => require(file));
const S = CF.state, by = name => adapters.filter(a => a.name === name)[0];
const tick = async () => { for (let i = 0; i < 8; i++) await new Promise(r => setImmediate(r)); };
const dispatch = type => (listeners[type] || []).forEach(fn => fn({type}));
const course = {id: 'c', version: '1', title: 'C', questions: {}, quizzes: {}, lessons: [
  {id: 'p1', kind: 'lesson', title: 'P1'}, {id: 'p2', kind: 'lesson', title: 'P2'}, {id: 'p3', kind: 'lesson', title: 'P3'},
  {id: 'final', kind: 'quiz', title: 'Final'}]};
const ids = course.lessons.map(l => l.id);
const actor = JSON.stringify({objectType: 'Agent', account: {homePage: 'https://lms.example.com', name: 'jo'}});
const launch = reg => { window.location.search = '?' + new URLSearchParams({endpoint: 'https://lrs.example.com/xAPI/',
  auth: 'Basic x', actor, registration: reg, activity_id: 'https://example.com/c'}); };
// What the player does on showing the last of `viewed` (page indexes): save, progress, complete once all are viewed.
const show = (a, viewed) => {
  a.saveState({location: ids[viewed[viewed.length - 1]], data: S.encode(Object.assign(S.fresh(), {viewed, current: viewed[viewed.length - 1]}))});
  if (a.progress) a.progress({viewed: viewed.length, total: ids.length, done: true});
  if (viewed.length == ids.length) a.complete();
};
const pass = (a, raw) => a.score({raw, min: 0, max: 100, scaled: raw / 100, passed: raw >= 80});
const leave = async a => { dispatch('pagehide'); a.terminate(); await tick(); dispatch('pageshow'); };
// A launch whose session starts: the tracker (init, loadState); `Browse`: it tracks nothing.
const start = async (reg, browse) => {
  launch(reg);
  const a = by('tincan').create(course);
  if (browse) { const c = a.connect; a.connect = function () { return c.call(this).then(() => { this.tracking = false; }); }; }
  await a.init();
  a.resumes = a.loadState();
  return a;
};
// A launch with the LRS out of reach: the tracker fails, the fallback runs in the launch's room.
const fallback = async (reg, load = true) => {
  launch(reg);
  lrs.up = false;
  await Promise.resolve().then(() => by('tincan').create(course).init()).catch(() => null);
  lrs.up = true;
  const f = by('standalone').create(course);
  f.init();
  f.resumes = load ? f.loadState() : null;
  return f;
};
const viewed = data => S.decode(data, ids.length).viewed;
const record = reg => { launch(reg); return CF.keep(CF.localKey(course)); };
const doc = reg => JSON.parse(lrs.state[reg] || 'null');
const sent = (reg, from) => lrs.statements.filter(s => s.context.registration == reg).slice(from || 0)
  .map(s => s.verb.id.split('/').pop() + (s.object.id.includes('/lesson/') || s.object.id.includes('/test/') ? ' ' + s.object.id.split('/').pop() : '')
    + (s.result && s.result.extensions ? ' ' + Object.values(s.result.extensions)[0] : '')
    + (s.result && s.result.score ? ' ' + s.result.score.raw : ''));
const count = reg => lrs.statements.filter(s => s.context.registration == reg).length;
// A session that views the first two pages and closes its tab (its last State write stays in the browser).
const first = async reg => { const a = await start(reg); show(a, [0]); show(a, [0, 1]); await tick(); await leave(a); return a; };
// A session of the launch, settled: [its tracker, what it has sent since it started (asked again: since then too)].
const session = async (reg, browse) => { const from = count(reg), a = await start(reg, browse); await tick(); return [a, () => sent(reg, from)]; };
"""

SCRIPT = PRELUDE + r"""
(async () => {
  const out = {};

  // The fallback views the third page and the assessment, passes it: the next session carries it on.
  let r = 'carried';
  await first(r);
  let f = await fallback(r);
  out.fallbackStarts = f.resumes.location;
  show(f, [0, 1, 2]); show(f, [0, 1, 2, 3]); pass(f, 100);
  let [a, since] = await session(r);
  out.carried = {resumes: a.resumes.location, viewed: viewed(a.resumes.data), sent: since(),
                 lrs: (d => [d.location, viewed(d.data), d.completed, d.passed])(doc(r)), record: record(r)};
  show(a, [0, 1, 2, 3]);  // the learner goes on to the page: nothing twice
  await tick();
  await leave(a);
  out.carried.after = since();
  [a, since] = await session(r);
  await leave(a);
  out.carried.next = since();

  // The fallback views the third page alone: progressed; its failed goes with terminated, once.
  r = 'partial';
  await first(r);
  f = await fallback(r);
  show(f, [0, 1, 2]); pass(f, 40);
  [a, since] = await session(r);
  out.partial = {sent: since()};
  await leave(a);
  out.partial.ended = since();
  [a, since] = await session(r);
  await leave(a);
  out.partial.next = since();

  // Reloaded again in the fallback: its own record, still the same copy's continuation.
  r = 'twice';
  await first(r);
  f = await fallback(r);
  show(f, [0, 1, 2]);
  f = await fallback(r);
  out.twiceStarts = f.resumes.location;
  show(f, [0, 1, 2, 3]);
  [a, since] = await session(r);
  out.twice = {resumes: a.resumes.location, sent: since()};

  // Two tabs: a fallback still open (A) while the launch's next session runs in another (B), which carries
  // A's record on and goes further. A writes its record again afterwards; B's tab then reloads, its session
  // over: that fallback starts where B's session left the learner (the copy), not from A's stale record,
  // and the session after it carries on what it does.
  r = 'two-tabs';
  await first(r);
  const tabA = await fallback(r);
  show(tabA, [0, 1, 2]);
  a = await start(r);
  await tick();
  show(a, [0, 1, 2, 3]);
  await tick();
  await leave(a);
  show(tabA, [0, 1, 2]);  // tab A, still open, writes its record again
  f = await fallback(r);
  out.twoTabs = {starts: f.resumes.location};
  pass(f, 100);
  show(f, [0, 1, 2, 3]);
  [a, since] = await session(r);
  out.twoTabs.resumes = a.resumes.location;
  out.twoTabs.sent = since();

  // Another device's session wrote the State document since: it wins, the record goes.
  r = 'elsewhere';
  await first(r);
  f = await fallback(r);
  show(f, [0, 1, 2]); show(f, [0, 1, 2, 3]); pass(f, 100);
  const other = doc(r);
  lrs.state[r] = JSON.stringify(Object.assign(other, {n: other.n + 1, w: 'another-device', location: 'p1'}));
  [a, since] = await session(r);
  out.elsewhere = {resumes: a.resumes.location, sent: since(), record: record(r), lrs: doc(r).location};
  // ... also when the other device's count is lower than this browser's copy (its writes never arrived).
  r = 'elsewhere-lower';
  await first(r);
  f = await fallback(r);
  show(f, [0, 1, 2]);
  lrs.state[r] = JSON.stringify(Object.assign(doc(r), {n: 1, w: 'another-device', b: 0, location: 'p1'}));
  [a, since] = await session(r);
  out.elsewhereLower = {resumes: a.resumes.location, sent: since()};

  // A record an earlier player made (no `k`): today's behaviour, dropped.
  r = 'older';
  await first(r);
  f = await fallback(r);
  show(f, [0, 1, 2]);
  launch(r);
  const old = CF.keep(CF.localKey(course));
  delete old.k;
  CF.keep(CF.localKey(course), old);
  [a, since] = await session(r);
  out.older = {resumes: a.resumes.location, sent: since(), record: record(r)};

  // A launch that never started before (no copy, no State document): the fallback from nothing continues
  // nothing; with a document from another device, it does not.
  r = 'fresh';
  f = await fallback(r);
  out.freshStarts = f.resumes.resumed;
  show(f, [0]); show(f, [0, 1]);
  [a, since] = await session(r);
  out.fresh = {resumes: a.resumes.location, sent: since()};
  r = 'fresh-elsewhere';
  f = await fallback(r);
  show(f, [0]); show(f, [0, 1]);
  lrs.state[r] = JSON.stringify({location: 'p3', n: 1, w: 'another-device', b: 0});
  [a, since] = await session(r);
  out.freshElsewhere = {resumes: a.resumes.location, sent: since()};

  // A session that tracks nothing (cmi5 Browse/Review): today's behaviour, dropped.
  r = 'browse';
  await first(r);
  f = await fallback(r);
  show(f, [0, 1, 2]);
  [a, since] = await session(r, true);
  out.browse = {resumes: a.resumes.location, sent: since(), record: record(r)};

  // Back from the back/forward cache (player.js: a fallback made without loadState, the player's state
  // in memory): its record continues the copy the session kept on pagehide.
  r = 'bfcache';
  await first(r);
  f = await fallback(r, false);
  show(f, [0, 1, 2]);
  [a, since] = await session(r);
  out.bfcache = {resumes: a.resumes.location, sent: since()};

  // Garbage in the record: never a crash, never a statement of it.
  const garbage = [null, 5, 'text', [], {k: 'x'}, {k: [1, 2, 3]}, {location: 5, data: 7, score: 'x', completed: 'yes'}];
  out.garbage = [];
  for (const [i, g] of garbage.entries()) {
    r = 'garbage-' + i;
    await first(r);
    launch(r);
    CF.keep(CF.localKey(course), g);
    [a, since] = await session(r);
    out.garbage.push({resumes: a.resumes.location, sent: since(), record: record(r)});
  }
  // ... and a record continuing the copy whose fields are garbage: the tracker copes.
  r = 'garbage-fields';
  await first(r);
  f = await fallback(r);
  launch(r);
  CF.keep(CF.localKey(course), Object.assign({location: 5, data: 7, score: {raw: 'x'}, completed: false}, {k: f.record.k}));
  [a, since] = await session(r);
  out.garbageFields = {resumes: a.resumes, sent: since()};

  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""


def run_carry(script: str) -> dict:
    """What `script` (PRELUDE and its scenarios) prints, run over the runtime files a carried session needs."""
    files = ["player.js", "state.js", "xapi.js", "adapters/tincan.js", "adapters/standalone.js"]
    return node_json(script, *(RUNTIME / f for f in files))


@pytest.fixture(scope="module")
def out() -> dict:
    return run_carry(SCRIPT)


def test_the_next_session_carries_the_fallback_on(out):
    carried = out["carried"]
    assert out["fallbackStarts"] == "p2"
    assert carried["resumes"] == "final" and carried["viewed"] == [0, 1, 2, 3]
    # The pages viewed in the fallback alone, completed (every page viewed: no progressed at 100), passed.
    assert carried["sent"] == ["initialized", "experienced p3", "experienced final", "completed", "passed 100"]
    assert carried["lrs"] == ["final", [0, 1, 2, 3], True, True]
    assert carried["record"] is None
    # Showing the page then sends nothing twice; the session after that nothing of the fallback.
    assert carried["after"] == carried["sent"] + ["terminated"]
    assert carried["next"] == ["initialized", "terminated"]


def test_progress_and_a_failed_result_are_carried_on_once(out):
    partial = out["partial"]
    assert partial["sent"] == ["initialized", "experienced p3", "progressed 75"]
    assert partial["ended"] == partial["sent"] + ["failed 40", "terminated"]
    assert partial["next"] == ["initialized", "terminated"]


def test_a_fallback_reloaded_keeps_continuing_the_same_copy(out):
    assert out["twiceStarts"] == "p3"
    assert out["twice"] == {"resumes": "final", "sent": ["initialized", "experienced p3", "experienced final",
                                                         "completed"]}


def test_a_fallback_tab_left_open_never_sets_a_later_fallback_back(out):
    assert out["twoTabs"] == {"starts": "final", "resumes": "final", "sent": ["initialized", "passed 100"]}


def test_a_document_written_since_from_another_device_wins(out):
    assert out["elsewhere"] == {"resumes": "p1", "sent": ["initialized"], "record": None, "lrs": "p1"}
    assert out["elsewhereLower"] == {"resumes": "p1", "sent": ["initialized"]}


def test_a_record_of_an_earlier_player_or_a_session_that_tracks_nothing_drops_it(out):
    assert out["older"] == {"resumes": "p2", "sent": ["initialized"], "record": None}
    assert out["browse"] == {"resumes": "p2", "sent": ["initialized"], "record": None}


def test_a_fallback_from_nothing_continues_nothing(out):
    assert out["freshStarts"] is False
    assert out["fresh"] == {"resumes": "p2", "sent": ["initialized", "experienced p1", "experienced p2",
                                                      "progressed 50"]}
    assert out["freshElsewhere"] == {"resumes": "p3", "sent": ["initialized"]}


def test_a_fallback_after_the_back_forward_cache_is_carried_on(out):
    assert out["bfcache"] == {"resumes": "p3", "sent": ["initialized", "experienced p3", "progressed 75"]}


def test_garbage_in_the_record_is_never_carried_on(out):
    for got in out["garbage"]:
        assert got == {"resumes": "p2", "sent": ["initialized"], "record": None}
    # A record that continues the copy, its fields garbage: no crash, no statement of them.
    assert out["garbageFields"]["sent"] == ["initialized"]
