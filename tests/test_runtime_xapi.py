"""runtime/xapi.js under node, with a scripted fetch, fake timers and a fake localStorage: ids, times,
the delivery rules of the statement queue (X3, X9), the State document and the session's end (nothing
after terminated), the interaction mapping (X6) and the context rules (C5-D2, C5-S2/S7/S11). The same code against a real LRS: tests/e2e/test_cmi5_lrs.py."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import node_json

XAPI_JS = Path(__file__).resolve().parent.parent / "themes" / "default" / "runtime" / "xapi.js"
PLAYER_JS = XAPI_JS.parent / "player.js"

SCRIPT = r"""
const nodeCrypto = require('crypto');
const store = {}, timers = [], calls = [], warnings = [], listeners = {}, assigned = [];
let answers = [], answered = 0, reads = 0;
const SID = 'https://w3id.org/xapi/cmi5/context/extensions/sessionid';
const REG = '0f6e8b2a-4c1d-4e7a-8b3c-2d9e1f0a5b6c', PUB = 'https://lms.example.com/au/publisher';
const COURSE = {title: 'The course', lessons: [{id: 'part-1', kind: 'lesson', title: 'Part 1'},
  {id: 'final', kind: 'quiz', title: 'Final check'}], questions: {},
  scenarios: {cake: {title: 'The birthday cake', scenes: {'no-cake': {title: 'The party is at four'}}}}};
const window = {
  crypto: {randomUUID: () => nodeCrypto.randomUUID(), getRandomValues: a => nodeCrypto.getRandomValues(a)},
  localStorage: {getItem: k => (k in store ? store[k] : null), setItem: (k, v) => { store[k] = String(v); },
                 removeItem: k => { delete store[k]; }, key: i => Object.keys(store)[i], get length() { return Object.keys(store).length; }},
  console: {warn: m => warnings.push(m)},
  setTimeout: (fn, ms) => { timers.push({fn, ms}); return timers.length; },
  clearTimeout: id => { if (id && timers[id - 1]) timers[id - 1].fn = null; },
  addEventListener(type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
  location: {assign: url => assigned.push(url)},
  fetch: (url, init) => {
    calls.push({url, method: init.method, headers: init.headers, keepalive: init.keepalive,
                body: init.body ? JSON.parse(init.body) : null});
    const [next, body] = [].concat(answers.shift());  // a status, or [status, body]
    if (next === 'network') return Promise.reject(new TypeError('Failed to fetch'));
    answered++;
    return Promise.resolve({status: next, ok: next >= 200 && next < 300, text: () => (reads++, Promise.resolve(body || ''))});
  },
};
global.window = window;
global.document = {documentElement: {lang: 'en-GB'}, addEventListener() {}};
process.argv.slice(1).forEach(file => require(file));  // player.js (Courseforge.keep), xapi.js
const X = window.Courseforge.xapi;
const tick = () => new Promise(r => setImmediate(r));
const dispatch = type => (listeners[type] || []).forEach(fn => fn({type}));
const fire = async () => { const t = timers.filter(t => t.fn); timers.length = 0; t.forEach(t => t.fn()); await tick(); };
const statement = n => ({id: X.uuid(), verb: {id: 'v/' + n}, n});
// The statements a queue's record holds; none (null) once all are delivered: the record is removed.
const stored = k => (k in store ? JSON.parse(store[k]).length : null);

(async () => {
  const out = {};
  out.durations = [0, 10, 5250, 65250, 3600000, 3661010, 123456789].map(X.duration);
  out.uuid = X.uuid();
  const saved = window.crypto.randomUUID;
  delete window.crypto.randomUUID;
  out.fallbackUuids = [X.uuid(), X.uuid()];
  window.crypto.randomUUID = saved;

  const client = new X.Client('https://lrs.example.com/xAPI///', 'Basic dG9rZW4=', 'reg act');
  answers = [503];
  client.send(statement('a')); await tick();
  out.afterFailure = {queued: client.queue.length, tries: client.queue[0].n, stored: stored('courseforge:xapi:reg act'),
                      timer: timers.filter(t => t.fn).map(t => t.ms)};
  answers = [409];
  await fire();
  out.after409 = {queued: client.queue.length, calls: calls.length};
  answers = [400];
  client.send(statement('b')); await tick(); await fire();
  out.after400 = {queued: client.queue.length, calls: calls.length, warnings: warnings.length};
  answers = ['network', 204, 200];
  client.send(statement('c')); await tick();
  const backoff = timers.filter(t => t.fn).map(t => t.ms);
  client.send(statement('d')); await tick(); await tick();
  out.afterNetwork = {backoff, queued: client.queue.length, calls: calls.length,
                      order: calls.slice(-3).map(c => c.body.n)};
  out.requests = calls.map(c => ({url: c.url, method: c.method, keepalive: c.keepalive, headers: c.headers}));

  // A queue left in localStorage by an earlier page goes out first, with the ids it had.
  store['courseforge:xapi:old'] = JSON.stringify([{s: {id: 'kept-1', verb: {id: 'v'}}, n: 1}]);
  const later = new X.Client('https://lrs.example.com/xAPI', 'Basic x', 'old');
  answers = [409, 204, 204];
  later.send(statement('e')); await tick(); await tick();
  out.resent = calls.slice(-2).map(c => c.body.n || c.body.id);
  out.resentLeft = later.queue.length;

  // 401: the credentials refused, not the statement: kept (for a launch with good ones) and tried
  // again after the backoff, never at once in a loop.
  const refused = new X.Client('https://lrs.example.com/xAPI', 'Basic c3RhbGU=', 'refused');
  const before401 = calls.length, warned401 = warnings.length;
  answers = [401];
  refused.send(statement('r')); await tick();
  out.after401 = {queued: refused.queue.length, stored: stored('courseforge:xapi:refused'),
                  calls: calls.length - before401, delay: refused.delay, waiting: !!refused.timer,
                  warned: warnings.length - warned401};
  answers = [401];
  await fire();
  out.after401Again = {calls: calls.length - before401, delay: refused.delay, queued: refused.queue.length};
  refused.auth = 'Basic Z29vZA==';
  answers = [200];
  await fire();
  out.after401Good = {calls: calls.length - before401, queued: refused.queue.length,
                      stored: stored('courseforge:xapi:refused')};

  // On pagehide: everything, the statement in flight too, as one keepalive batch, given up once sent;
  // nothing after it.
  const closing = new X.Client('https://lrs.example.com/xAPI/', 'Basic x', 'closing');
  answers = [500];
  closing.send(statement('f')); closing.send(statement('g')); closing.send(statement('h'));
  answers = [200];
  const inFlight = closing.inflight && closing.inflight.s.n;
  await closing.flush(1); await tick();
  const last = calls[calls.length - 1];
  out.flush = {inFlight, batch: last.body.map(s => s.n), keepalive: last.keepalive, left: closing.queue.map(i => i.s.n)};
  closing.send(statement('i')); await tick(); await fire();
  out.afterClose = calls[calls.length - 1] === last;

  // The LRS (or the LMS's proxy) down when the tab closes: the keepalive batch fails, unseen by the
  // page, which is gone. It stays in localStorage, marked sent; the next launch asks the LRS for its
  // last statement: not there, so it sends them again, same ids, before its own, and never the
  // earlier session's terminated (the LMS would end this session with it).
  const down = new X.Client('https://lrs.example.com/xAPI/', 'Basic x', 'down');
  answers = [503, 503];
  down.send(statement('o1')); await tick();
  down.send(statement('o2'));
  down.send(Object.assign(statement('end'), {verb: {id: 'http://adlnet.gov/expapi/verbs/terminated'}}));
  answers = ['network'];
  await down.flush(1); await tick();
  const kept = JSON.parse(store['courseforge:xapi:down']);
  out.down = {sent: calls[calls.length - 1].body.map(s => s.n), keepalive: calls[calls.length - 1].keepalive,
              kept: kept.map(i => [i.s.n, i.k, i.n > 0])};
  const ids = kept.map(i => i.s.id);
  let from = calls.length;
  const next = new X.Client('https://lrs.example.com/xAPI/', 'Basic y', 'down');
  answers = [404, 200, 409, 204];
  next.send(statement('new')); await tick(); await tick(); await tick(); await tick();
  const wire = c => [c.method, c.url.split('/xAPI/')[1], c.body && c.body.n];
  out.downNext = {calls: calls.slice(from).map(wire), ids: calls.slice(from + 1, from + 3).map(c => c.body && c.body.id),
                  kept: ids.slice(0, 2), left: next.queue.length, stored: stored('courseforge:xapi:down')};
  // The LRS up when the tab closed (the usual end): the batch arrived; the next launch finds its last
  // statement and sends none of it again.
  const up = new X.Client('https://lrs.example.com/xAPI/', 'Basic x', 'up');
  answers = [503];
  up.send(statement('u1')); await tick();
  up.send(Object.assign(statement('end'), {verb: {id: 'http://adlnet.gov/expapi/verbs/terminated'}}));
  up.post = (body, ka) => (calls.push({url: 'https://lrs.example.com/xAPI/statements', method: 'POST', keepalive: ka,
    body}), new Promise(() => {}));  // the page went away: its answer is never read
  up.flush(1); await tick();
  from = calls.length;
  const again = new X.Client('https://lrs.example.com/xAPI/', 'Basic y', 'up');
  answers = [[200, JSON.stringify(up.queue[0])], 204];
  again.send(statement('mine')); await tick(); await tick(); await tick();
  out.upNext = {calls: calls.slice(from).map(wire), left: again.queue.length, asked: up.queue[0] && up.queue[0].s.id};
  // The GET of a batch sent from an earlier page: still unknown after a 503, asked again after the backoff.
  store['courseforge:xapi:unsure'] = JSON.stringify([{s: statement('p'), n: 1, k: 1}]);
  const unsure = new X.Client('https://lrs.example.com/xAPI/', 'Basic y', 'unsure');
  from = calls.length;
  answers = [503];
  unsure.send(statement('q')); await tick();
  out.unsure = {calls: calls.slice(from).map(wire), delay: unsure.delay, kept: unsure.queue.map(i => [i.s.n, i.k])};
  answers = [[200, '{"statements": []}'], 200, 204];  // Ralph's answer to an id it does not hold
  await fire(); await tick(); await tick();
  out.unsureLater = {calls: calls.slice(from).map(wire), left: unsure.queue.length};

  // Batches past the keepalive budget go one after the other; after one fails, none (no overtaking).
  store['courseforge:xapi:batches'] = JSON.stringify(['j', 'k', 'l'].map(n => ({s: Object.assign(statement(n),
    {pad: 'x'.repeat(30000)}), n: 1})));
  const batches = new X.Client('https://lrs.example.com/xAPI/', 'Basic x', 'batches');
  const before = calls.length;
  answers = [200, 'network', 200];
  await batches.flush(); await tick(); await tick();
  out.batches = {sent: calls.slice(before).map(c => c.body.map(s => s.n)), left: batches.queue.map(i => i.s.n),
                 sizes: calls.slice(before).map(c => JSON.stringify(c.body).length),
                 keepalive: calls.slice(before).map(c => c.keepalive)};

  // The State document: one write at a time and a copy in localStorage, taken back when newer.
  const stateful = (key, doc) => {
    const t = Object.assign(new X.Tracker('cmi5', COURSE), {actor: {objectType: 'Agent', mbox: 'mailto:jo@example.com'},
      root: 'https://lms.example.com/act/1', base: 'https://lms.example.com/act/1', registration: REG, tracking: true,
      mastery: null, session: {start: Date.now()}, connected: true, started: Date.now(), template: {},
      where: {stateId: 'courseforge.resume'}, client: new X.Client('https://lrs.example.com/xAPI', 'Basic x', key)});
    t.resume(doc);
    return t;
  };
  store['courseforge:xapi:kept:state'] = JSON.stringify({location: 'final', data: 'mine', n: 5});
  out.resumed = [stateful('kept', {location: 'part-1', n: 4}).doc.location,
                 stateful('kept', {location: 'part-1', n: 6}).doc.location,
                 (({b, w, ...rest}) => rest)(stateful('none', null).doc)];
  // Two devices, one registration. Device A resumes the LRS's document (n 1), writes it (n 2), and its
  // page goes away while the LRS is down: two writes on its copy alone (n 4).
  const lrsDoc = {};
  const device = (key, saved) => { const t = stateful(key, saved ? JSON.parse(JSON.stringify(saved)) : null);
    t.client.request = (method, path, params, body) => { if (!lrsDown) Object.assign(lrsDoc, JSON.parse(JSON.stringify(body)));
      return Promise.resolve({status: lrsDown ? 503 : 204, ok: !lrsDown, text: ''}); };
    return t; };
  let lrsDown = false;
  const a1 = device('devA', {location: 'part-1', data: 'a-1', n: 1});
  a1.saveState({location: 'part-1', data: 'a-2'}); await tick();
  lrsDown = true;
  a1.saveState({location: 'part-1', data: 'a-3'}); await tick();
  a1.saveState({location: 'part-1', data: 'a-4'}, true);
  lrsDown = false;
  const copyA = store['courseforge:xapi:devA:state'];
  // Device B (another browser: its own storage) resumes the LRS's document and submits the final.
  const b1 = device('devB', lrsDoc);
  b1.saveState({location: 'final', data: 'b-submitted'}); await tick();
  out.devices = {lrs: [lrsDoc.n, lrsDoc.data], copyA: JSON.parse(copyA).n,
                 backOnA: device('devA', lrsDoc).doc.data};
  // Back on A, the LRS's document the one A's page started from (its writes never arrived), or the one
  // it wrote last (n 3: arrived, its answer lost): A's copy wins.
  store['courseforge:xapi:devA:state'] = copyA;
  out.devices.unchanged = device('devA', {location: 'part-1', data: 'a-1', n: 1}).doc.data;
  store['courseforge:xapi:devA:state'] = copyA;
  out.devices.own = device('devA', Object.assign(JSON.parse(copyA), {data: 'a-3', n: 3})).doc.data;
  const shape = c => [c.method, !!c.keepalive, c.method == 'PUT' ? c.body.location : [].concat(c.body).map(s => s.verb.id.split('/').pop())];
  // "Exit course": the State write in flight, then the final one, then the statements, terminated last.
  const exiting = stateful('exit', {n: 1});
  exiting.returnURL = 'https://lms.example.com/return';
  from = calls.length;
  answers = [204];
  exiting.saveState({location: 'part-1', data: 'a'});
  exiting.saveState({location: 'final', data: 'b'}, true);
  answers = [204, 200];
  out.exitResult = await exiting.terminate();
  out.exit = calls.slice(from).map(shape);
  out.assigned = assigned.slice();
  // Pagehide: no State write (it could arrive after terminated); the copy keeps it; one keepalive batch.
  const leaving = stateful('leave', {n: 1});
  from = calls.length;
  answers = [204, 200];
  leaving.saveState({location: 'part-1', data: 'a'});
  leaving.client.send(statement('m'));
  leaving.saveState({location: 'final', data: 'typed'}, true);
  dispatch('pagehide');
  answers = [200];
  leaving.terminate(); await tick(); await tick();
  dispatch('pageshow');
  out.leave = {calls: calls.slice(from).map(shape), queue: leaving.client.queue.length,
               copy: JSON.parse(store['courseforge:xapi:leave:state'])};

  const options = [{key: '0', text: 'True'}, {key: '1', text: 'False'}];
  out.interactions = [
    X.interaction({id: 'q', type: 'true-false', prompt: 'P', options, correct: ['0'], response: ['1']}, {}),
    X.interaction({id: 'q', type: 'choice', prompt: 'P', options: [{key: 'a', text: 'A'}, {key: 'b', text: 'B'}],
                   correct: ['a', 'b'], response: ['b']}, {type: 'multiple'}),
    X.interaction({id: 'q', type: 'matching', prompt: 'P', options: [{key: '0', text: 'L'}], targets: [{key: '0', text: 'R'}],
                   correct: ['0.0'], response: ['0.0']}, {}),
    X.interaction({id: 'q', type: 'fill-in', prompt: 'P', correct: ['Listen', 'hear'], response: 'listen'}, {caseSensitive: true}),
    X.interaction({id: 'q', type: 'fill-in', prompt: 'P', correct: [], response: 'A long answer'}, {type: 'reflection'}),
    X.interaction({id: 'q', type: 'likert', prompt: 'P', options: [{key: '0', text: 'No'}, {key: '1', text: 'Yes'}],
                   correct: [], response: ['1']}, {}),
    // A scenario decision (no question of the course) with two right options.
    X.interaction({id: 'shoes-call', type: 'choice', prompt: 'P', options: [{key: 'a', text: 'A'}, {key: 'b', text: 'B'},
                   {key: 'c', text: 'C'}], correct: ['a', 'c'], response: ['c']}, {}),
  ];

  // Statements as a tracker builds them, caught before the queue.
  const sent = [];
  const tracker = (profile, extra) => Object.assign(new X.Tracker(profile, COURSE), {
    profile, actor: {objectType: 'Agent', account: {homePage: 'https://lms.example.com', name: 'jo'}},
    root: 'https://lms.example.com/act/1', base: 'https://lms.example.com/act/1', registration: REG, tracking: true,
    mastery: null, session: {start: Date.now()}, client: {send: s => sent.push(s)}, started: Date.now(), before: 0,
    doc: {}, persist() {}, sid: '7a1a4c3e-0d5e-4b7a-9a1e-3f1f5f7e1c2d'}, extra);
  const take = () => sent.splice(0);
  const cmi5 = tracker('cmi5', {template: {registration: 'r-template',
    contextActivities: {grouping: {id: 'pub'}, category: [{id: 'other'}]}, extensions: {sid: 'S', mine: 'template wins'}}});
  cmi5.emit('initialized');
  cmi5.emit('passed', null, {success: true}, {ext: {mine: 'ours', extra: 1}});
  cmi5.emit('answered', {objectType: 'Activity', id: 'q'}, {}, {parent: 'page', grouping: 'au'});
  out.contexts = take().map(s => s.context);

  // The statements of one session: cmi5-defined on the root, cmi5-allowed on pages and questions.
  const run = t => {
    t.location = 'part-1';
    t.progress({viewed: 1, total: 3});
    t.location = 'final';
    t.progress({viewed: 3, total: 3});
    t.answer({id: 'q-tf', type: 'true-false', prompt: 'P', page: 'final', options: [{key: '0', text: 'True'}, {key: '1', text: 'False'}],
              correct: ['0'], response: ['1'], result: 'wrong', latencyMs: 4250, timestamp: new Date()});
    t.answer({id: 'kc', type: 'choice', prompt: 'P', page: 'part-1', options: [{key: 'a', text: 'A'}], correct: ['a'],
              response: ['a'], result: 'correct', latencyMs: 10});
    t.answer({id: 'q-like', type: 'likert', prompt: 'P', page: 'final', options: [{key: '0', text: 'No'}], correct: [],
              response: ['0'], result: 'neutral'});
    t.complete();
    t.score({raw: 50, min: 0, max: 100, scaled: 0.5, passed: false});
    t.score({raw: 90, min: 0, max: 100, scaled: 0.9, passed: true});
    t.score({raw: 100, min: 0, max: 100, scaled: 1, passed: true});
    t.terminate();
    return take();
  };
  const noFlush = {flush: () => Promise.resolve()};
  const c5 = tracker('cmi5', {mastery: 0.8, connected: true, template: {contextActivities: {grouping: [{id: PUB}]},
    extensions: {[SID]: 'S'}}});
  c5.client.flush = noFlush.flush;
  out.cmi5 = run(c5);
  const tc = tracker('tincan', {connected: true, rootType: 'https://adl/course', grouping: ['https://lms.example.com/prog']});
  tc.client.flush = noFlush.flush;
  out.tincan = run(tc);

  // terminate(): failed and terminated leave together, in one batch, neither overtaking the other.
  const ending = tracker('cmi5', {connected: true, mastery: 0.8,
    client: new X.Client('https://lrs.example.com/xAPI', 'Basic x', 'ending')});
  ending.score({raw: 1, min: 0, max: 10});
  const sentBefore = calls.length;
  answers = [200, 200];
  ending.terminate(); await tick(); await tick();
  out.ending = calls.slice(sentBefore).map(c => [].concat(c.body).map(s => s.verb.id.split('/').pop()));

  // Video statements (V1-V7): in Browse mode too (tracking false), nothing once the session ended.
  const video = tracker('cmi5', {tracking: false, template: {contextActivities: {grouping: [{id: PUB}]},
    extensions: {[SID]: 'S'}}});
  const clip = {scenario: 'cake', scene: 'no-cake', video: 'media/cake/no-cake.mp4', length: 29.7504, lang: 'en'};
  [
    {event: 'played', time: 0},
    {event: 'paused', time: 12.51234, progress: 0.42049, playedSegments: '0[.]12.51234'},
    {event: 'seeked', timeFrom: 12.5, timeTo: 14.0004, time: 14},
    {event: 'played', time: 14},
    {event: 'completed', time: 29.75, progress: 1.0000004, playedSegments: '0[.]12.5[,]14[.]29.75'},
    {event: 'initialized', time: 0},
    {event: 'terminated', time: 0},
    {event: 'volumechange', time: 0},
  ].forEach(e => video.media(Object.assign({}, clip, e)));
  video.media(Object.assign({}, clip, {scenario: 'elsewhere', scene: 'x', event: 'played', time: 1}));
  video.ended = true;
  video.media(Object.assign({}, clip, {event: 'played', time: 3}));
  out.video = take();
  await tick();
  out.reads = {answered, reads};
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""


@pytest.fixture(scope="module")
def out() -> dict:
    return node_json(SCRIPT, PLAYER_JS, XAPI_JS)


TINCAN_JS = XAPI_JS.parent / "adapters" / "tincan.js"

# Two learners, one browser profile, a TinCan launch without a registration (as many LMSs launch):
# Alice's page closes while the LRS is down (her statements and State copy wait in localStorage);
# Bob's launch must not get any of it; Alice's next launch gets all of it back.
SHARED = r"""
const nodeCrypto = require('crypto');
const store = {}, calls = [], listeners = {};
let down = false;
const window = {
  crypto: {randomUUID: () => nodeCrypto.randomUUID()},
  localStorage: {getItem: k => (k in store ? store[k] : null), setItem: (k, v) => { store[k] = String(v); },
                 removeItem: k => { delete store[k]; }, key: i => Object.keys(store)[i], get length() { return Object.keys(store).length; }},
  console: {warn() {}}, setTimeout: () => 0, clearTimeout() {},
  addEventListener(type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
  location: {search: ''},
  fetch: (url, init) => {
    calls.push({url, method: init.method, body: init.body && JSON.parse(init.body)});
    const status = down ? 503 : init.method == 'GET' ? 404 : 204;
    return Promise.resolve({status, ok: status < 300, text: () => Promise.resolve('')});
  },
};
global.window = window;
global.document = {documentElement: {lang: 'en'}, addEventListener() {}};
require(process.argv[1]);  // player.js: Courseforge.keep; the adapters registered come here instead
const adapters = [];
window.Courseforge.registerAdapter = d => adapters.push(d);
process.argv.slice(2).forEach(file => require(file));
const tick = () => new Promise(r => setImmediate(r));
const dispatch = type => (listeners[type] || []).forEach(fn => fn({type}));
const course = {title: 'C', lessons: [{id: 'p1', kind: 'lesson', title: 'P1'}, {id: 'p2', kind: 'lesson', title: 'P2'}],
  questions: {}, quizzes: {}};
const tincan = adapters[0];
const launch = (who, endpoint) => { window.location.search = '?' + new URLSearchParams({endpoint: endpoint || 'https://lrs.example.com/xAPI/',
  auth: 'Basic x', actor: JSON.stringify({name: who, mbox: 'mailto:' + who + '@example.com'}), activity_id: 'https://example.com/c'}); };
const who = c => [].concat(c.body).map(s => s.verb.id.split('/').pop() + ' by ' + s.actor.name);
(async () => {
  const out = {};
  launch('alice');
  const a = tincan.create(course); await a.init(); await tick();
  down = true;
  a.saveState({location: 'p2', data: 'alice-data'}); a.progress({viewed: 2, total: 2}); a.complete(); await tick();
  dispatch('pagehide'); a.terminate(); await tick(); dispatch('pageshow');
  down = false;
  let from = calls.length;
  launch('bob');
  const b = tincan.create(course); await b.init();
  out.bobResumes = b.loadState();
  b.saveState({location: 'p1', data: 'bob-data'}); b.progress({viewed: 2, total: 2}); b.complete(); await tick(); await tick();
  out.bob = {statements: calls.slice(from).filter(c => c.method == 'POST').map(who),
             puts: calls.slice(from).filter(c => c.method == 'PUT').map(c => [JSON.parse(new URL(c.url).searchParams.get('agent')).name, c.body.data])};
  dispatch('pagehide'); b.terminate(); await tick(); dispatch('pageshow');
  // Alice again, on another LRS: nothing of hers there either (a queue is sent where it was made).
  launch('alice', 'https://other-lrs.example.com/xAPI/');
  out.aliceElsewhere = (await (async () => { const o = tincan.create(course); await o.init(); return o.loadState(); })());
  from = calls.length;
  launch('alice');
  const back = tincan.create(course); await back.init(); await tick(); await tick(); await tick(); await tick();
  out.aliceBack = {resumes: back.loadState(), statements: calls.slice(from).filter(c => c.method == 'POST').flatMap(who),
                   asked: calls.slice(from).filter(c => c.method == 'GET').map(c => new URL(c.url).pathname.split('/').pop())};
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""


@pytest.fixture(scope="module")
def shared() -> dict:
    return node_json(SHARED, PLAYER_JS, XAPI_JS, TINCAN_JS)


def test_the_next_learner_on_a_shared_browser_gets_nothing_of_the_last_one(shared):
    # Bob resumed at Alice's page with her answers, her statements went out in his session, her
    # document was written to his State, and his completed was never sent ("already completed").
    assert shared["bobResumes"] == {"resumed": False}
    assert shared["bob"]["statements"] == [["initialized by bob"], ["experienced by bob"], ["completed by bob"]]
    assert shared["bob"]["puts"] == [["bob", "bob-data"], ["bob", "bob-data"]]
    assert shared["aliceElsewhere"]["resumed"] is False


def test_a_learner_gets_their_own_copy_and_queue_back_on_that_browser(shared):
    back = shared["aliceBack"]
    assert back["resumes"] == {"location": "p2", "data": "alice-data", "resumed": True}
    # Her statements of the closed page first (asked after, not there, so sent again), then her own.
    assert back["asked"] == ["state", "statements"]
    assert back["statements"] == ["experienced by alice", "completed by alice",
                                  "initialized by alice"]


UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_ids_and_durations(out):
    assert out["durations"] == ["PT0S", "PT0.01S", "PT5.25S", "PT1M5.25S", "PT1H", "PT1H1M1.01S", "PT34H17M36.79S"]
    assert UUID4.match(out["uuid"])
    assert all(UUID4.match(u) for u in out["fallbackUuids"]) and len(set(out["fallbackUuids"])) == 2


def test_network_and_server_errors_are_retried_with_backoff(out):
    assert out["afterFailure"] == {"queued": 1, "tries": 1, "stored": 1, "timer": [1000]}
    # 409 on a retry: an earlier try was stored, so the statement is delivered, not sent again.
    assert out["after409"] == {"queued": 0, "calls": 2}


def test_other_client_errors_are_dropped_and_never_retried(out):
    assert out["after400"]["queued"] == 0 and out["after400"]["calls"] == 3 and out["after400"]["warnings"] == 1


def test_a_401_keeps_the_statement_and_tries_again_after_the_backoff(out):
    assert out["after401"] == {"queued": 1, "stored": 1, "calls": 1, "delay": 1000, "waiting": True, "warned": 1}
    assert out["after401Again"] == {"calls": 2, "delay": 2000, "queued": 1}
    assert out["after401Good"] == {"calls": 3, "queued": 0, "stored": None}  # delivered: no `[]` kept


def test_a_new_statement_retries_at_once_and_order_is_kept(out):
    after = out["afterNetwork"]
    assert after["backoff"] == [1000] and after["queued"] == 0 and after["calls"] == 6
    assert after["order"] == ["c", "c", "d"]


def test_every_request_is_an_xapi_request_and_every_answer_is_read(out):
    for request in out["requests"]:
        assert request["url"] == "https://lrs.example.com/xAPI/statements"  # X2: one slash, endpoint's case
        # X9: keepalive only while the page goes away (unread keepalive answers exhaust Chromium's budget).
        assert request["method"] == "POST" and request["keepalive"] is False
        assert request["headers"]["X-Experience-API-Version"] == "1.0.3"  # X1
        assert request["headers"]["Authorization"] == "Basic dG9rZW4="
        assert request["headers"]["Content-Type"] == "application/json"
    assert out["reads"]["reads"] == out["reads"]["answered"] > 10


def test_a_queue_left_by_an_earlier_page_goes_first(out):
    assert out["resent"] == ["kept-1", "e"] and out["resentLeft"] == 0


def test_pagehide_flush_sends_everything_in_one_keepalive_batch_and_closes(out):
    assert out["flush"] == {"inFlight": "f", "batch": ["f", "g", "h"], "keepalive": True, "left": []}
    assert out["afterClose"] is True


def test_a_keepalive_batch_that_failed_is_sent_again_at_the_next_launch(out):
    # Closing the tab while the LRS was down lost the whole batch: it left the queue before it was sent.
    assert out["down"] == {"sent": ["o1", "o2", "end"], "keepalive": True,
                           "kept": [["o1", 1, True], ["o2", 1, True], ["end", 1, True]]}
    next_launch = out["downNext"]
    assert next_launch["calls"] == [["GET", "statements?statementId=" + next_launch["kept"][1], None],
                                    ["POST", "statements", "o1"], ["POST", "statements", "o2"],
                                    ["POST", "statements", "new"]]
    assert next_launch["ids"] == next_launch["kept"]  # the same statements, never a copy with a new id
    assert next_launch["left"] == 0 and next_launch["stored"] is None  # o2's 409 on a resend: delivered


def test_a_keepalive_batch_that_arrived_is_never_sent_again(out):
    assert out["upNext"]["calls"][0] == ["GET", "statements?statementId=" + out["upNext"]["asked"], None]
    assert out["upNext"]["calls"][1:] == [["POST", "statements", "mine"]] and out["upNext"]["left"] == 0


def test_a_kept_batch_unknown_after_a_503_is_asked_after_again_then_sent(out):
    assert out["unsure"]["calls"] == [["GET", out["unsure"]["calls"][0][1], None]]
    assert out["unsure"]["calls"][0][1].startswith("statements?statementId=")
    assert out["unsure"]["delay"] == 1000 and out["unsure"]["kept"] == [["p", 1], ["q", None]]
    assert [c[0] for c in out["unsureLater"]["calls"]] == ["GET", "GET", "POST", "POST"]
    assert out["unsureLater"]["left"] == 0


def test_flush_batches_go_in_order_and_stop_at_a_failure(out):
    assert out["batches"]["sent"] == [["j"], ["k"]] and out["batches"]["left"] == ["k", "l"]
    assert all(size <= 60_000 for size in out["batches"]["sizes"])  # within the 64 KiB keepalive budget
    assert out["batches"]["keepalive"] == [False, False]  # the page is alive: it waits for each answer


def test_the_newer_state_document_wins_at_resume(out):
    assert out["resumed"] == ["final", "part-1", {}]


def test_a_stale_copy_never_overwrites_progress_written_from_another_device(out):
    # Device A's copy (4 writes) won over B's document (3: A's 2, then B's final) and wrote it away.
    assert out["devices"]["lrs"] == [3, "b-submitted"] and out["devices"]["copyA"] == 4
    assert out["devices"]["backOnA"] == "b-submitted"
    # What the copy is for stays: writes the LRS never got win over the document they followed, and
    # over one written by the copy's own page (its answer lost as the page went away).
    assert out["devices"]["unchanged"] == "a-4" and out["devices"]["own"] == "a-4"


def test_exit_writes_the_state_before_terminated_then_returns(out):
    assert out["exit"] == [["PUT", False, "part-1"], ["PUT", False, "final"], ["POST", False, ["terminated"]]]
    assert out["exitResult"] == {"navigating": True} and out["assigned"] == ["https://lms.example.com/return"]


def test_pagehide_writes_no_state_after_terminated_and_keeps_a_copy(out):
    leave = out["leave"]
    assert leave["calls"] == [["PUT", False, "part-1"], ["POST", False, ["m"]], ["POST", True, ["m", "terminated"]]]
    assert leave["queue"] == 0
    assert leave["copy"]["location"] == "final" and leave["copy"]["data"] == "typed" and leave["copy"]["n"] >= 3


def test_terminate_sends_failed_and_terminated_together(out):
    assert out["ending"] == [["failed", "terminated"]]


def test_interactions(out):
    tf, choice, matching, fill, long_fill, likert, decision = out["interactions"]
    assert tf["definition"]["interactionType"] == "true-false"
    assert tf["definition"]["correctResponsesPattern"] == ["true"] and tf["response"] == "false"
    assert choice["definition"]["correctResponsesPattern"] == ["a[,]b"] and choice["response"] == "b"
    assert choice["definition"]["choices"] == [{"id": "a", "description": {"en-GB": "A"}},
                                               {"id": "b", "description": {"en-GB": "B"}}]
    assert choice["definition"]["name"] == {"en-GB": "P"}
    assert choice["definition"]["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert matching["definition"]["correctResponsesPattern"] == ["0[.]0"] and matching["response"] == "0[.]0"
    assert [c["id"] for c in matching["definition"]["source"]] == ["0"]
    assert [c["id"] for c in matching["definition"]["target"]] == ["0"]
    assert fill["definition"]["correctResponsesPattern"] == ["{case_matters=true}Listen", "{case_matters=true}hear"]
    assert long_fill["definition"]["interactionType"] == "long-fill-in"
    assert "correctResponsesPattern" not in long_fill["definition"] and long_fill["response"] == "A long answer"
    assert likert["definition"]["scale"][1] == {"id": "1", "description": {"en-GB": "Yes"}}
    assert "correctResponsesPattern" not in likert["definition"] and likert["response"] == "1"
    # X6: either right option of a single choice is right, as tincan.xml says: one pattern each.
    assert decision["definition"]["correctResponsesPattern"] == ["a", "c"] and decision["response"] == "c"


CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
ADL = "http://adlnet.gov/expapi/"
VIDEO = "https://w3id.org/xapi/video"
EXT = VIDEO + "/extensions/"
ROOT = "https://lms.example.com/act/1"
SID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
REG = "0f6e8b2a-4c1d-4e7a-8b3c-2d9e1f0a5b6c"
PUB = "https://lms.example.com/au/publisher"


def categories(statement: dict) -> list[str]:
    return [a["id"] for a in statement.get("context", {}).get("contextActivities", {}).get("category", [])]


def test_context_starts_from_the_template_and_only_adds(out):
    defined, moveon, allowed = out["contexts"]
    for context in (defined, moveon, allowed):
        assert context["registration"] == "r-template"  # never overwritten
        assert context["extensions"]["sid"] == "S" and context["extensions"]["mine"] == "template wins"
        assert context["contextActivities"]["grouping"][0] == {"id": "pub"}
    assert [a["id"] for a in defined["contextActivities"]["category"]] == ["other", CMI5_CATEGORY]
    assert [a["id"] for a in moveon["contextActivities"]["category"]] == ["other", CMI5_CATEGORY, MOVEON]
    assert moveon["extensions"]["extra"] == 1
    assert [a["id"] for a in allowed["contextActivities"]["category"]] == ["other"]
    assert [a["id"] for a in allowed["contextActivities"]["grouping"]] == ["pub", "au"]
    assert allowed["contextActivities"]["parent"] == [{"objectType": "Activity", "id": "page"}]


def valid_xapi(statement: dict) -> None:
    """Ralph's strict xAPI 1.0.3 model (IRIs, language maps, durations, interaction types, UUIDs)."""
    from ralph.models.xapi.base.statements import BaseXapiStatement
    BaseXapiStatement.model_validate(statement)


def verb_names(statements: list[dict]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]


def test_a_cmi5_session_defined_on_the_root_allowed_below_it(out):
    found = out["cmi5"]
    assert verb_names(found) == ["experienced", "progressed", "experienced", "answered", "answered", "answered",
                                 "completed", "passed", "terminated"]
    for statement in found:
        valid_xapi(statement)
        verb, cats = statement["verb"]["id"].rsplit("/", 1)[1], categories(statement)
        assert statement["verb"] == {"id": ADL + "verbs/" + verb, "display": {"en-US": verb}}
        assert statement["context"]["registration"] == REG
        assert statement["context"]["extensions"][SID] == "S"
        if verb in ("completed", "passed", "terminated"):
            assert statement["object"]["id"] == ROOT
            assert cats == [CMI5_CATEGORY] + ([MOVEON] if verb != "terminated" else [])  # C5-S2, C5-S7
        else:
            assert cats == [], f"{verb} is cmi5-allowed: no cmi5 category (C5-S11)"
    progressed = found[1]
    assert progressed["object"]["id"] == ROOT and progressed["result"]["extensions"] == {
        "https://w3id.org/xapi/cmi5/result/extensions/progress": 33}
    passed = found[7]
    assert passed["result"]["score"] == {"scaled": 0.9, "raw": 90, "min": 0, "max": 100}  # judged by masteryScore
    assert passed["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"] == 0.8
    assert "failed" not in verb_names(found), "a pass in the same session replaces the waiting fail"


def test_answered_statements(out):
    tf, kc, likert = (s for s in out["cmi5"] if s["verb"]["id"].endswith("/answered"))
    assert tf["object"]["id"] == ROOT + "/test/final/question/q-tf"
    assert tf["object"]["definition"]["interactionType"] == "true-false"
    assert tf["object"]["definition"]["correctResponsesPattern"] == ["true"]
    assert tf["result"] == {"response": "false", "success": False, "duration": "PT4.25S"}
    assert tf["context"]["contextActivities"]["parent"] == [{"objectType": "Activity", "id": ROOT + "/test/final"}]
    assert tf["context"]["contextActivities"]["grouping"][-1] == {"objectType": "Activity", "id": ROOT}
    assert kc["object"]["id"] == ROOT + "/lesson/part-1/question/kc" and kc["result"]["success"] is True
    assert "success" not in likert["result"] and likert["result"]["response"] == "0"  # neutral: nothing to judge
    assert likert["object"]["definition"]["scale"] == [{"id": "0", "description": {"en-GB": "No"}}]


def test_a_tincan_session_has_no_cmi5_categories(out):
    found = out["tincan"]
    assert verb_names(found) == verb_names(out["cmi5"])
    for statement in found:
        valid_xapi(statement)
        assert categories(statement) == []
        assert {"objectType": "Activity", "id": "https://lms.example.com/prog"} in \
            statement["context"]["contextActivities"]["grouping"]  # T-L4
    assert found[-1]["object"]["definition"]["type"] == "https://adl/course"
    passed = found[7]
    assert passed["result"]["success"] is True and "extensions" not in passed["context"]  # no masteryScore in TinCan


def video_model(statement: dict):
    """The Video Profile template a statement must match, as Ralph models it (RALPH video/statements.py)."""
    from ralph.models.xapi.video import statements as video
    verb = statement["verb"]["id"].rsplit("/", 1)[1]
    return {"played": video.VideoPlayed, "paused": video.VideoPaused, "seeked": video.VideoSeeked,
            "completed": video.VideoCompleted}[verb]


def test_video_statements_follow_the_video_profile(out):
    found = out["video"]
    # Browse mode (tracking off) still sends them: cmi5-allowed (§10.2.2); initialized/terminated and
    # unknown events are not sent (V7); nothing after the session ended.
    assert verb_names(found) == ["played", "paused", "seeked", "played", "completed", "played"]
    for statement in found:
        valid_xapi(statement)
        video_model(statement).model_validate(statement)
        verb = verb_names([statement])[0]
        assert statement["verb"]["id"] == (ADL + "verbs/completed" if verb == "completed" else VIDEO + "/verbs/" + verb)
        assert statement["object"]["definition"]["type"] == VIDEO + "/activity-type/video"  # V1
        context = statement["context"]
        assert categories(statement) == [VIDEO], "the profile category, no cmi5 category (V2, V7)"
        assert context["contextActivities"]["parent"] == [{"objectType": "Activity", "id": ROOT}]
        assert context["contextActivities"]["grouping"] == [{"id": PUB}]  # the template stays
        assert context["extensions"] == {SID: "S", EXT + "length": 29.75, EXT + "cc-subtitle-lang": "en",
                                         EXT + "session-id": "7a1a4c3e-0d5e-4b7a-9a1e-3f1f5f7e1c2d"}
    played, paused, seeked, _, completed, elsewhere = found
    assert played["object"]["id"] == ROOT + "/video/cake/no-cake"
    assert played["object"]["definition"]["name"] == {"en-GB": "The birthday cake: The party is at four"}
    assert played["result"] == {"extensions": {EXT + "time": 0}}
    assert paused["result"] == {"extensions": {EXT + "time": 12.512, EXT + "progress": 0.42,
                                               EXT + "played-segments": "0[.]12.512"}}  # V6: 3 decimals
    assert seeked["result"] == {"extensions": {EXT + "time-from": 12.5, EXT + "time-to": 14}}
    assert completed["result"] == {"completion": True, "duration": "PT28.25S", "extensions": {
        EXT + "time": 29.75, EXT + "progress": 1, EXT + "played-segments": "0[.]12.5[,]14[.]29.75"}}
    # A clip the course does not know still gets an IRI and a name (its package path).
    assert elsewhere["object"]["id"] == ROOT + "/video/elsewhere/x"
    assert elsewhere["object"]["definition"]["name"] == {"en-GB": "media/cake/no-cake.mp4"}
