"""Courseforge.keep (runtime/player.js), the one way the runtime writes what a browser keeps for a
launch (xapi.js's statement queue and State copy, quiz.js's backup, the standalone adapter's progress),
under node with a localStorage that has a quota, as Chromium's does (some 5 million characters an
origin; QuotaExceededError past it). Every launch of every course of an LMS's origin shares it and
nothing used to remove a record: once full, every later write failed, silently. keep stamps when a
page first wrote a record (`courseforge:used`) and, when a write does not fit, removes records of other
launches until it does: empty (delivered) queues first, then the least recently written, records of
older players (no stamp) before any stamped one, backups of graded texts last; never this page's
records, a queue still holding statements, the preview's records or another key of the origin.
In Chromium, under Ralph and scorm-again: tests/e2e/test_storage_full.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import node_json

PLAYER_JS = Path(__file__).resolve().parent.parent / "themes" / "default" / "runtime" / "player.js"
STANDALONE_JS = PLAYER_JS.parent / "adapters" / "standalone.js"

SCRIPT = r"""
// A Storage with a quota in characters (keys and values, as Chromium counts them, at 2 bytes each).
const removed = [];  // every key removed, in order
function storage(quota) {
  const m = new Map(), size = () => [...m].reduce((n, [k, v]) => n + k.length + v.length, 0);
  return {
    getItem: k => (m.has(k) ? m.get(k) : null),
    setItem(k, v) {
      v = String(v);
      if (size() - (m.has(k) ? k.length + m.get(k).length : 0) + k.length + v.length > quota) {
        throw Object.assign(new Error("Setting the value of '" + k + "' exceeded the quota."), {name: 'QuotaExceededError'});
      }
      m.set(k, v);
    },
    removeItem: k => { if (m.delete(k)) removed.push(k); },
    key: i => [...m.keys()][i] ?? null,
    get length() { return m.size; },
    dump: () => Object.fromEntries(m),
  };
}
const [PLAYER, STANDALONE] = process.argv.slice(1);
global.document = {addEventListener() {}};
const window = global.window = {addEventListener() {}, console: {warn() {}}};
let clock = 1000;
Date.now = () => clock;
// A new page: player.js (and the standalone adapter) loaded afresh, knowing nothing of what pages before read.
function page(store) {
  for (const file of [PLAYER, STANDALONE]) delete require.cache[require.resolve(file)];
  window.Courseforge = {};
  Object.defineProperty(window, 'localStorage', {configurable: true, get: () => store});
  require(PLAYER);
  const adapters = [];
  window.Courseforge.registerAdapter = d => adapters.push(d);
  require(STANDALONE);
  return Object.assign(window.Courseforge, {standalone: adapters[0]});
}
const used = store => JSON.parse(store.getItem('courseforge:used'));
const pad = n => 'x'.repeat(n);
const out = {};

// Stamps: the first write of a record in a page, not later ones; a queue never; a record removed is
// forgotten, and stamped again when written again.
{
  const s = storage(1e6);
  let CF = page(s);
  const rec = 'courseforge:https://c.example/x@1 r1', q = 'courseforge:xapi:r1 a1', b = 'courseforge-backup:https://c.example/x@1 r1';
  out.written = [CF.keep(rec, {location: 'p1', data: '3.c0'}), s.getItem(rec)];
  clock = 2000;
  CF.keep(rec, {location: 'p2'});
  CF.keep(q, [{s: {id: 'a'}, n: 0}]);
  CF.keep(b, {0: {a: 1, s: 5, t: {0: 'text'}}});
  out.stampsFirst = used(s);
  clock = 3000;
  CF.keep(q, null);
  CF.keep(b, null);
  out.afterRemoval = {index: used(s), queue: s.getItem(q), backup: s.getItem(b)};
  clock = 4000;
  CF.keep(b, {0: {a: 2, s: 5, t: {0: 'again'}}});
  out.restamped = used(s);
  CF = page(s);
  clock = 5000;
  CF.keep(rec, {location: 'p3'});
  out.nextPage = used(s);
  out.read = [CF.keep(rec), CF.keep('courseforge:none'), (s.setItem('courseforge:bad', '{'), CF.keep('courseforge:bad'))];
}

// A full origin: what a write removes, in order, and what it never does.
{
  const s = storage(4000), put = (k, v, t) => { s.setItem(k, v); if (t) stamps[k] = t; }, stamps = {};
  put('someone-else', pad(300));                                                   // not ours
  put('courseforge:preview:https://c.example/x:scorm12', '{"cmi":"' + pad(300) + '"}');  // the preview's LMS
  put('courseforge:xapi:r0 a0', JSON.stringify([{s: {id: 'undelivered', pad: pad(300)}, n: 1}]));  // never dropped
  put('courseforge:xapi:r1 a1', '[]');                                             // delivered: garbage
  put('courseforge:https://c.example/x@1 r2', JSON.stringify({data: pad(300)}));   // an older player's: no stamp
  put('courseforge-backup:https://c.example/x@1 r3', JSON.stringify({0: {t: pad(300)}}));  // no stamp, a backup
  put('courseforge:xapi:r4 a4:state', JSON.stringify({data: pad(300)}), 400);
  put('courseforge:xapi:r5 a5:state', JSON.stringify({data: pad(300)}), 500);
  put('courseforge:https://c.example/x@1 r6', JSON.stringify({data: pad(300)}), 600);
  put('courseforge:xapi:r7 a7:state', JSON.stringify({data: pad(300)}));           // this page's, read below
  put('courseforge:used', JSON.stringify(stamps));
  const before = Object.keys(s.dump()), free = 4000 - Object.entries(s.dump()).reduce((n, [k, v]) => n + k.length + v.length, 0);
  const CF = page(s);
  clock = 9000;
  out.ownRead = CF.keep('courseforge:xapi:r7 a7:state').data.length;
  const gone = () => removed.filter(k => before.includes(k));  // in the order they went
  removed.length = 0;
  const mine = 'courseforge:xapi:r8 a8:state';
  out.free = free;
  out.first = {ok: CF.keep(mine, {data: pad(free + 100)}), gone: gone(), index: used(s)};
  out.second = {ok: CF.keep(mine, {data: pad(free + 900)}), gone: gone(), index: used(s)};
  out.third = {ok: CF.keep(mine, {data: pad(free + 1500)}), gone: gone()};
  out.tooBig = {ok: CF.keep(mine, {data: pad(9000)}), gone: gone(), kept: s.getItem(mine).length, left: Object.keys(s.dump()).sort()};
  // An undelivered queue of this page goes in even now: only another launch's records made room.
  out.queue = CF.keep('courseforge:xapi:r8 a8', [{s: {id: 'new'}, n: 0}]);
}

// No room to make: a write fails (false), nothing but courseforge records of other launches is touched;
// the standalone adapter then says this browser keeps nothing (the notice), as with no storage at all.
{
  const s = storage(200);
  s.setItem('someone-else', pad(180));
  const CF = page(s);
  const fallback = CF.standalone.create({id: 'https://c.example/x', version: '1'});
  out.full = {write: CF.keep('courseforge:https://c.example/x@1', {data: pad(100)}), init: fallback.init(),
              left: s.dump()};
  const t = storage(2000);
  t.setItem('courseforge:https://c.example/y@1 r1', pad(1960));
  const CF2 = page(t);
  const made = CF2.standalone.create({id: 'https://c.example/x', version: '1'});
  out.roomMade = {init: made.init(), left: t.dump()};
}

// The standalone adapter on a launch that did not start: its own record and the launch's copy of its
// State document (Courseforge.kept) are both the launch's, the copy older than any other record.
{
  const s = storage(3000);
  s.setItem('courseforge:xapi:r a:state', JSON.stringify({location: 'p2', data: pad(900)}));
  s.setItem('courseforge:https://c.example/x@1 r a', JSON.stringify({location: 'p3', data: pad(900)}));
  s.setItem('courseforge:https://c.example/x@1 other', JSON.stringify({data: pad(900)}));
  s.setItem('courseforge:used', JSON.stringify({'courseforge:https://c.example/x@1 other': 500}));
  const CF = page(s);
  Object.assign(CF, {room: ' r a', kept: 'courseforge:xapi:r a:state'});
  const fallback = CF.standalone.create({id: 'https://c.example/x', version: '1'});
  out.fallback = {init: fallback.init(), resumes: fallback.loadState().location};
  removed.length = 0;
  out.fallback.write = fallback.saveState({location: 'p4', data: pad(1500)});
  out.fallback.gone = [...removed];
}

// Storage refused (a sandboxed frame's getter throws; Safari's old private mode throws on every
// write): null and false, never an exception.
{
  const refusing = {get length() { return 0; }, key: () => null, getItem: () => null, removeItem() {},
                    setItem() { throw Object.assign(new Error('quota 0'), {name: 'QuotaExceededError'}); }};
  let CF = page(refusing);
  out.refusing = [CF.keep('courseforge:a'), CF.keep('courseforge:a', {x: 1}), CF.keep('courseforge:a', null)];
  window.Courseforge = {};
  delete require.cache[require.resolve(PLAYER)];
  Object.defineProperty(window, 'localStorage', {configurable: true, get: () => { throw new Error('SecurityError'); }});
  require(PLAYER);
  CF = window.Courseforge;
  out.none = [CF.keep('courseforge:a'), CF.keep('courseforge:a', {x: 1}), CF.keep('courseforge:a', null)];
}

// Thousands of random origins and writes (seeded): whatever the records, their times and sizes, a
// write removes a prefix of the order (rank, then time, an unstamped record first), never a record
// it must not, and fails only when every record it may remove is gone.
{
  let seed = 12345;
  const rnd = n => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor(seed / 2147483648 * n); };
  const problems = [];
  let wrote = 0, refused = 0, removals = 0;
  for (let round = 0; round < 3000 && problems.length < 5; round++) {
    const quota = 500 + rnd(4000), s = storage(quota), stamps = {}, kinds = {};
    const kinds_ = ['foreign', 'preview', 'undelivered', 'delivered', 'record', 'copy', 'backup', 'own'];
    for (let i = 0, n = rnd(12); i < n; i++) {
      const kind = kinds_[rnd(kinds_.length)], size = rnd(400);
      const key = {foreign: 'app:' + i, preview: 'courseforge:preview:c' + i, undelivered: 'courseforge:xapi:u' + i,
                   delivered: 'courseforge:xapi:d' + i, record: 'courseforge:https://c.example/' + i + '@1 r',
                   copy: 'courseforge:xapi:c' + i + ':state', backup: 'courseforge-backup:https://c.example/' + i + '@1 r',
                   own: 'courseforge:xapi:o' + i + ':state'}[kind];
      const value = kind == 'undelivered' ? JSON.stringify([{s: {id: pad(size)}, n: 1}]) : kind == 'delivered' ? '[]'
        : JSON.stringify({data: pad(size)});
      try { s.setItem(key, value); } catch (e) { continue; }
      kinds[key] = kind;
      if (rnd(3)) stamps[key] = rnd(5) * 100;  // ties too
    }
    try { s.setItem('courseforge:used', JSON.stringify(stamps)); } catch (e) { /* no room for it: no stamps */ }
    const stamped = JSON.parse(s.getItem('courseforge:used') || '{}');
    const CF = page(s);
    Object.keys(kinds).filter(k => kinds[k] == 'own').forEach(k => CF.keep(k));  // this page's, read
    const before = s.dump(), rank = k => (before[k] == '[]' ? 0 : /^courseforge-/.test(k) ? 2 : 1);
    const may = Object.keys(before).filter(k => ['delivered', 'record', 'copy', 'backup'].includes(kinds[k]))
      .sort((a, b) => rank(a) - rank(b) || (stamped[a] || 0) - (stamped[b] || 0));
    removed.length = 0;
    clock = 100000 + round;
    const key = 'courseforge:xapi:mine' + rnd(2) + (rnd(2) ? ':state' : ''), value = rnd(4) ? {data: pad(rnd(1500))} : [{s: {id: 'x'}, n: 0}];
    const ok = CF.keep(key, value), gone = removed.filter(k => k in before), after = s.dump();
    const say = text => problems.push({round, text, quota, before: Object.keys(before), gone, key});
    ok ? wrote++ : refused++;
    removals += gone.length;
    if (ok !== (after[key] === JSON.stringify(value))) say('says ' + ok);
    if (gone.some(k => !may.includes(k))) say('removed one it must not');
    // Ties (same rank and time) may go in either order: compare the ranks and times of the sequence.
    const at = k => [rank(k), stamped[k] || 0].join();
    if (gone.map(at).join('|') != may.slice(0, gone.length).map(at).join('|')) say('out of order');
    if (!ok && gone.length != may.length) say('failed with records left to remove');
    for (const k in before) if (!gone.includes(k) && k != 'courseforge:used' && after[k] !== before[k] && k != key) say('changed ' + k);
  }
  out.random = {problems, wrote, refused, removals};
}

// A broken index (another program's, a half write): no stamps, and written afresh.
out.brokenIndex = ['{', '5', 'null', '[1]', '"text"'].map(text => {
  const s = storage(1e5);
  s.setItem('courseforge:used', text);
  clock = 7000;
  return [page(s).keep('courseforge:xapi:r a:state', {n: 1}), used(s)];
});
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def out() -> dict:
    return node_json(SCRIPT, PLAYER_JS, STANDALONE_JS)


REC = "courseforge:https://c.example/x@1 r1"
BACKUP = "courseforge-backup:https://c.example/x@1 r1"


def test_a_record_is_written_as_json_as_before(out):
    assert out["written"] == [True, '{"location":"p1","data":"3.c0"}']
    assert out["read"] == [{"location": "p3"}, None, None]


def test_a_page_stamps_the_first_write_of_a_record_and_never_a_queue(out):
    assert out["stampsFirst"] == {REC: 1000, BACKUP: 2000}
    # Removed (a delivered queue, a backup no longer needed): gone; its stamp goes when the index is
    # next written, and a record written again after it was removed is stamped again.
    assert out["afterRemoval"] == {"index": {REC: 1000, BACKUP: 2000}, "queue": None, "backup": None}
    assert out["restamped"] == {REC: 1000, BACKUP: 4000}
    assert out["nextPage"] == {REC: 5000, BACKUP: 4000}


FOREIGN = ["someone-else", "courseforge:preview:https://c.example/x:scorm12", "courseforge:xapi:r0 a0"]
ORDER = ["courseforge:xapi:r1 a1", "courseforge:https://c.example/x@1 r2", "courseforge:xapi:r4 a4:state",
         "courseforge:xapi:r5 a5:state", "courseforge:https://c.example/x@1 r6",
         "courseforge-backup:https://c.example/x@1 r3"]


def test_a_write_that_does_not_fit_removes_other_launches_records_until_it_does(out):
    # 100 characters more than the room left: the empty queue (a few characters) and the oldest record
    # (an older player's, no stamp) go; the stamped ones stay.
    assert out["first"]["ok"] is True
    assert out["first"]["gone"] == ORDER[:2]
    assert out["first"]["index"] == {"courseforge:xapi:r4 a4:state": 400, "courseforge:xapi:r5 a5:state": 500,
                                      "courseforge:https://c.example/x@1 r6": 600,
                                      "courseforge:xapi:r8 a8:state": 9000}
    # Larger: the least recently written next, one at a time; a backup of graded texts last of all.
    assert out["second"]["ok"] is True and out["second"]["gone"] == ORDER[:4]
    assert out["third"]["ok"] is True and out["third"]["gone"] == ORDER


def test_what_a_write_never_removes(out):
    # Too big for any room that can be made: not written (the last record stays), and all that is
    # left is this page's (read or written), the undelivered queue, the preview's and the foreign key.
    too_big = out["tooBig"]
    assert too_big["ok"] is False and too_big["gone"] == ORDER
    assert too_big["kept"] == len('{"data":""}') + out["free"] + 1500
    assert too_big["left"] == sorted([*FOREIGN, "courseforge:used", "courseforge:xapi:r7 a7:state",
                                      "courseforge:xapi:r8 a8:state"])
    assert out["ownRead"] == 300
    assert out["queue"] is True


def test_no_room_to_make_is_a_failed_write_and_the_notice(out):
    assert out["full"] == {"write": False, "init": {"connected": False, "persistent": False},
                           "left": {"someone-else": "x" * 180}}
    # Room made for the probe (another launch's record gone, and the index written without it): the
    # standalone adapter keeps progress.
    assert out["roomMade"] == {"init": {"connected": False, "persistent": True}, "left": {"courseforge:used": "{}"}}


def test_refused_or_missing_storage_is_null_and_false(out):
    assert out["refusing"] == [None, False, True]
    assert out["none"] == [None, False, False]


def test_a_broken_index_counts_as_no_stamps_and_is_written_afresh(out):
    for ok, index in out["brokenIndex"]:
        assert ok is True and index == {"courseforge:xapi:r a:state": 7000}


def test_the_fallback_s_launch_copy_is_the_launch_s_too(out):
    # Resumed from its own record, the copy unstamped (an older player's): another launch's record goes.
    assert out["fallback"] == {"init": {"connected": False, "persistent": True}, "resumes": "p3", "write": True,
                               "gone": ["courseforge:https://c.example/x@1 other"]}


def test_random_origins_and_writes_keep_every_rule(out):
    random = out["random"]
    assert random["problems"] == []
    # The cases cover writes that fit at once, after removals, and not at all.
    assert random["wrote"] > 1000 and random["refused"] > 100 and random["removals"] > 1000, random
