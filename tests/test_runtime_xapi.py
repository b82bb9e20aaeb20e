"""runtime/xapi.js under node, with a scripted fetch, fake timers and a fake localStorage: ids, times,
the delivery rules of the statement queue (X3, X9), the interaction mapping (X6) and the context rules
(C5-D2, C5-S2/S7/S11). The same code against a real LRS: tests/e2e/test_cmi5_lrs.py."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

XAPI_JS = Path(__file__).resolve().parent.parent / "themes" / "default" / "runtime" / "xapi.js"

SCRIPT = r"""
const nodeCrypto = require('crypto');
const store = {}, timers = [], calls = [], warnings = [];
let answers = [];
const window = {
  crypto: {randomUUID: () => nodeCrypto.randomUUID(), getRandomValues: a => nodeCrypto.getRandomValues(a)},
  localStorage: {getItem: k => (k in store ? store[k] : null), setItem: (k, v) => { store[k] = String(v); }},
  console: {warn: m => warnings.push(m)},
  setTimeout: (fn, ms) => { timers.push({fn, ms}); return timers.length; },
  clearTimeout: id => { if (id && timers[id - 1]) timers[id - 1].fn = null; },
  addEventListener() {},
  location: {assign() {}},
  fetch: (url, init) => {
    calls.push({url, method: init.method, headers: init.headers, keepalive: init.keepalive,
                body: init.body ? JSON.parse(init.body) : null});
    const next = answers.shift();
    return next === 'network' ? Promise.reject(new TypeError('Failed to fetch'))
      : Promise.resolve({status: next, ok: next >= 200 && next < 300, text: () => Promise.resolve('')});
  },
};
global.window = window;
global.document = {documentElement: {lang: 'en-GB'}, addEventListener() {}};
require(process.argv[1]);
const X = window.Courseforge.xapi;
const tick = () => new Promise(r => setImmediate(r));
const fire = async () => { const t = timers.filter(t => t.fn); timers.length = 0; t.forEach(t => t.fn()); await tick(); };
const statement = n => ({id: X.uuid(), verb: {id: 'v/' + n}, n});

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
  out.afterFailure = {queued: client.queue.length, tries: client.queue[0].n, stored: JSON.parse(store['courseforge:xapi:reg act']).length,
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

  // terminate: everything but the statement in flight, as one keepalive batch; nothing after it.
  const closing = new X.Client('https://lrs.example.com/xAPI/', 'Basic x', 'closing');
  answers = [500];
  closing.send(statement('f')); closing.send(statement('g')); closing.send(statement('h'));
  answers = [200];
  const inFlight = closing.inflight && closing.inflight.s.n;
  await closing.flush(); await tick();
  const last = calls[calls.length - 1];
  out.flush = {inFlight, batch: last.body.map(s => s.n), keepalive: last.keepalive, left: closing.queue.map(i => i.s.n)};
  closing.send(statement('i')); await tick(); await fire();
  out.afterClose = calls[calls.length - 1] === last;

  const options = [{key: '0', text: 'True'}, {key: '1', text: 'False'}];
  out.interactions = [
    X.interaction({id: 'q', type: 'true-false', prompt: 'P', options, correct: ['0'], response: ['1']}, {}),
    X.interaction({id: 'q', type: 'choice', prompt: 'P', options: [{key: 'a', text: 'A'}, {key: 'b', text: 'B'}],
                   correct: ['a', 'b'], response: ['b']}, {}),
    X.interaction({id: 'q', type: 'matching', prompt: 'P', options: [{key: '0', text: 'L'}], targets: [{key: '0', text: 'R'}],
                   correct: ['0.0'], response: ['0.0']}, {}),
    X.interaction({id: 'q', type: 'fill-in', prompt: 'P', correct: ['Listen', 'hear'], response: 'listen'}, {caseSensitive: true}),
    X.interaction({id: 'q', type: 'fill-in', prompt: 'P', correct: [], response: 'A long answer'}, {type: 'reflection'}),
    X.interaction({id: 'q', type: 'likert', prompt: 'P', options: [{key: '0', text: 'No'}, {key: '1', text: 'Yes'}],
                   correct: [], response: ['1']}, {}),
  ];

  const tracker = new X.Tracker('cmi5', {title: 'T', lessons: []});
  Object.assign(tracker, {profile: 'cmi5', registration: 'r-1', template: {
    registration: 'r-template', contextActivities: {grouping: {id: 'pub'}, category: [{id: 'other'}]},
    extensions: {sid: 'S', mine: 'template wins'}}});
  out.contexts = {
    defined: tracker.context('defined'),
    moveon: tracker.context('moveon', {ext: {mine: 'ours', extra: 1}}),
    allowed: tracker.context('allowed', {parent: 'page', grouping: 'au'}),
  };
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""


@pytest.fixture(scope="module")
def out() -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the runtime tests need Node.js (apt-get install nodejs)", pytrace=False)
    result = subprocess.run([node, "-e", SCRIPT, str(XAPI_JS)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


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


def test_a_new_statement_retries_at_once_and_order_is_kept(out):
    after = out["afterNetwork"]
    assert after["backoff"] == [1000] and after["queued"] == 0 and after["calls"] == 6
    assert after["order"] == ["c", "c", "d"]


def test_every_request_is_an_xapi_keepalive_request(out):
    for request in out["requests"]:
        assert request["url"] == "https://lrs.example.com/xAPI/statements"  # X2: one slash, endpoint's case
        assert request["method"] == "POST" and request["keepalive"] is True  # X9
        assert request["headers"]["X-Experience-API-Version"] == "1.0.3"  # X1
        assert request["headers"]["Authorization"] == "Basic dG9rZW4="
        assert request["headers"]["Content-Type"] == "application/json"


def test_a_queue_left_by_an_earlier_page_goes_first(out):
    assert out["resent"] == ["kept-1", "e"] and out["resentLeft"] == 0


def test_flush_sends_the_rest_in_one_batch_and_closes(out):
    assert out["flush"] == {"inFlight": "f", "batch": ["g", "h"], "keepalive": True, "left": ["f"]}
    assert out["afterClose"] is True


def test_interactions(out):
    tf, choice, matching, fill, long_fill, likert = out["interactions"]
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


CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"


def test_context_starts_from_the_template_and_only_adds(out):
    defined, moveon, allowed = (out["contexts"][k] for k in ("defined", "moveon", "allowed"))
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
