"""The answers given in the fallback (the standalone adapter in a launch's room, while that launch cannot start)
reach the LRS as `answered` at the launch's next session, with the clips' video statements: the fallback's
record keeps each answer and clip event the player hands it, and the session that carries the record on
(xapi.js carry()) sends each the way a live session sends it, before the assessment's passed or failed,
once. Node over the runtime's TinCan adapter, its tracker and the standalone adapter, against
test_runtime_carry.py's scripted LRS; in Chromium under Ralph: tests/e2e/test_xapi_carry.py.
"""
from __future__ import annotations

import pytest

from test_runtime_carry import PRELUDE, run_carry

SCRIPT = PRELUDE + r"""
// The LRS's statements resource failing (503), its State resource up: a session starts, its statements wait.
const fetch0 = window.fetch;
window.fetch = (url, init) => lrs.refuse && url.includes('/statements') ? reply(503, '') : fetch0(url, init);
// An interaction as question.js makes it: a single choice of two options, `a` right; answered `key`, a while ago.
const ask = (id, page, key) => ({id, type: 'choice', prompt: 'Question ' + id, options: [{key: 'a', text: 'Yes'}, {key: 'b', text: 'No'}],
  correct: ['a'], response: [key], result: key == 'a' ? 'correct' : 'wrong', weighting: 0, latencyMs: 1500,
  timestamp: new Date(Date.UTC(2020, 0, 1)), page, graded: page == 'final'});
// The player's answer and media calls: skipped where the adapter has no such method (player.js enqueue).
const give = (adapter, i) => adapter.answer && adapter.answer(i), play = (adapter, m) => adapter.media && adapter.media(m);
// A clip's event as scenario.js hands it to the adapter.
const clip = (event, time) => ({event, scenario: 'shoes', scene: 'start', video: 'media/shoes.mp4', time, progress: time / 10,
  length: 10, playedSegments: time ? '0[.]' + time : ''});
const stored = reg => lrs.statements.filter(s => s.context.registration == reg);
// What each statement says: its verb, for an answer its question, response and success.
// What each statement says: its verb; for an answer its question, response and success; a page's id, a
// progress, a score.
const said = list => list.map(s => { const v = s.verb.id.split('/').pop(), x = s.result || {};
  return v + (v == 'answered' ? ' ' + s.object.id.split('/').pop() + ' ' + x.response + ' ' + x.success : '')
    + (v == 'experienced' ? ' ' + s.object.id.split('/').pop() : '') + (v == 'progressed' ? ' ' + Object.values(x.extensions)[0] : '')
    + (x.score ? ' ' + x.score.raw : ''); });
const since = (reg, from) => said(stored(reg).slice(from));
// A session of the launch, settled: [its tracker, what it has sent since it started].
const carrying = async reg => { const from = count(reg), a = await start(reg); await tick(); return [a, () => since(reg, from)]; };
let sent2;

(async () => {
  const out = {};

  // Live: k1 wrong, k2 right, on the first two pages. The fallback: k1 changed (right now), k2 left as it was,
  // k3 checked twice on the third page, the assessment failed, retried and passed.
  let r = 'answers', from, a, f;
  a = await start(r);
  show(a, [0]); give(a, ask('k1', 'p1', 'b'));
  show(a, [0, 1]); give(a, ask('k2', 'p2', 'a'));
  await tick();
  await leave(a);
  out.live = since(r, 0);
  f = await fallback(r);
  give(f, ask('k1', 'p1', 'a'));
  show(f, [0, 1, 2]);
  give(f, ask('k3', 'p3', 'b')); give(f, ask('k3', 'p3', 'a'));
  show(f, [0, 1, 2, 3]);
  give(f, ask('q1', 'final', 'b')); give(f, ask('q2', 'final', 'b')); pass(f, 0);
  give(f, ask('q1', 'final', 'a')); give(f, ask('q2', 'final', 'a')); pass(f, 100);
  from = count(r);
  a = await start(r);
  await tick();
  await leave(a);
  out.carried = since(r, from);
  const carried = stored(r).slice(from);
  out.stamps = carried.map(s => s.timestamp);
  out.record = record(r);
  from = count(r);
  a = await start(r);
  await tick();
  await leave(a);
  out.third = since(r, from);
  // The same answer in a live session of another registration: the same statement but for its id and time.
  a = await start('live');
  show(a, [0, 1, 2, 3]);
  give(a, ask('q1', 'final', 'a'));
  await tick();
  const strip = s => s && JSON.stringify(Object.assign({}, s, {id: 0, timestamp: 0, context: Object.assign({}, s.context, {registration: 0})}));
  const live = stored('live').filter(s => s.verb.id.endsWith('answered'))[0];
  out.same = !!live && strip(live) == strip(carried.filter(s => s.verb.id.endsWith('answered'))[5]);  // q1 right
  out.liveStatement = live;
  await leave(a);

  // Reloaded in the fallback: the answers of both pages go, in order.
  r = 'reloaded';
  await first(r);
  f = await fallback(r);
  give(f, ask('k1', 'p1', 'a'));
  show(f, [0, 1, 2]);
  f = await fallback(r);
  give(f, ask('k3', 'p3', 'b'));
  show(f, [0, 1, 2]);
  [a, sent2] = await carrying(r);
  out.reloaded = sent2().filter(v => v.startsWith('answered'));

  // Back from the back/forward cache (a fallback made without loadState): its answers go too.
  r = 'bfcache';
  await first(r);
  f = await fallback(r, false);
  show(f, [0, 1, 2]);
  give(f, ask('k3', 'p3', 'a'));
  [a, sent2] = await carrying(r);
  out.bfcache = sent2();

  // The carrying session's statements refused for a while (503) and its tab closed: the next session sends
  // them with the ids they were given, once, and carries nothing again.
  r = 'retried';
  await first(r);
  f = await fallback(r);
  give(f, ask('k1', 'p1', 'a'));
  show(f, [0, 1, 2]);
  lrs.refuse = true;
  from = count(r);
  a = await start(r);
  await tick();
  const queued = a.client.queue.filter(it => it.s.verb.id.endsWith('answered')).map(it => it.s.id);
  await leave(a);
  lrs.refuse = false;
  a = await start(r);
  await tick();
  await leave(a);
  const answered = stored(r).slice(from).filter(s => s.verb.id.endsWith('answered'));
  out.retried = {queued: queued.length, ids: answered.map(s => s.id).join() == queued.join(), sent: since(r, from)};

  // A large course: the question's data comes with its page's part, which the fallback had and the next
  // session may not have yet. A multiple choice's right answers are one pattern, a reflection long-fill-in.
  r = 'parts';
  await first(r);
  f = await fallback(r);
  course.questions = {m1: {type: 'multiple'}, r1: {type: 'reflection'}};
  give(f, Object.assign(ask('m1', 'p3', 'a'), {correct: ['a', 'b'], response: ['a', 'b']}));
  give(f, Object.assign(ask('r1', 'p3', 'a'), {type: 'fill-in', correct: [], response: 'A thought', result: 'neutral'}));
  show(f, [0, 1, 2]);
  course.questions = {};
  from = count(r);
  a = await start(r);
  await tick();
  out.parts = stored(r).slice(from).filter(s => s.verb.id.endsWith('answered'))
    .map(s => [s.object.definition.interactionType, s.object.definition.correctResponsesPattern || null, s.result.response]);

  // Clips played in the fallback: their video statements, with a video session-id of their own.
  r = 'clips';
  await first(r);
  f = await fallback(r);
  show(f, [0, 1, 2]);
  play(f, clip('played', 0)); play(f, clip('paused', 4));
  from = count(r);
  a = await start(r);
  await tick();
  const videos = stored(r).slice(from).filter(s => s.object.id.includes('/video/'));
  const sid = s => s.context.extensions['https://w3id.org/xapi/video/extensions/session-id'];
  out.clips = {sent: since(r, from), object: videos[0] && videos[0].object.id,
               ours: videos.length == 2 && sid(videos[0]) == sid(videos[1]), other: !!videos[0] && sid(videos[0]) != a.sid && !!a.sid};

  // A course opened with no LMS (no launch, no copy): nothing ever sends its answers, and its record keeps none.
  const kept = CF.kept;
  delete CF.kept;
  f = by('standalone').create(course);
  f.init();
  f.loadState();
  f.saveState({location: 'p1', data: null});
  give(f, ask('k1', 'p1', 'a')); play(f, clip('played', 0));
  out.plain = CF.keep(CF.localKey(course));
  CF.kept = kept;

  // Garbage in the record's answers: never a crash, never a statement of it; what the record holds besides
  // goes, and so does a well-formed answer among the garbage.
  const garbage = ['text', 5, {}, [null], [5], ['x'], [['answer']], [['answer', 5]], [['answer', 'text']], [['answer', {}]],
    [['answer', {id: 'k1', type: 'choice', options: 5}]], [['terminate', {}]], [['carry', {e: []}]], [['media', {}]],
    [['media', {event: 'ended'}]], [null, ['answer', ask('k1', 'p1', 'a')], 5]];
  out.garbage = [];
  for (const [i, g] of garbage.entries()) {
    r = 'garbage-' + i;
    await first(r);
    f = await fallback(r);
    show(f, [0, 1, 2]);
    CF.keep(CF.localKey(course), Object.assign(f.record, {e: g}));
    [a, sent2] = await carrying(r);
    out.garbage.push(sent2());
  }

  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""


@pytest.fixture(scope="module")
def out() -> dict:
    return run_carry(SCRIPT)


def test_each_answer_given_in_the_fallback_is_answered_before_passed(out):
    assert out["live"] == ["initialized", "experienced p1", "progressed 25", "answered k1 b false",
                           "experienced p2", "progressed 50", "answered k2 a true", "terminated"]
    # k1 changed: the new answer; k2 left as given live: nothing (sent then); k3 checked twice and the
    # assessment's two attempts: each answer, in the order given, before passed (the graded result).
    assert out["carried"] == ["initialized", "experienced p3", "experienced final", "completed", "answered k1 a true",
                              "answered k3 b false", "answered k3 a true", "answered q1 b false", "answered q2 b false",
                              "answered q1 a true", "answered q2 a true", "passed 100", "terminated"]
    assert out["record"] is None
    assert out["third"] == ["initialized", "terminated"], "a third launch sends nothing more"


def test_a_carried_answer_is_the_statement_a_live_session_sends(out):
    assert out["same"] is True
    live = out["liveStatement"]
    assert live["object"]["id"] == "https://example.com/c/test/final/question/q1"
    assert live["result"] == {"response": "a", "success": True, "duration": "PT1.5S"}
    assert live["context"]["contextActivities"]["parent"] == [{"objectType": "Activity", "id": "https://example.com/c/test/final"}]
    # Sent now, in order after the session's initialized (the first), not at the time the answer was given.
    stamps = out["stamps"]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps) and stamps[0] > "2020-01-02", stamps


def test_a_carried_answer_keeps_its_question_s_data_for_a_next_session_without_it(out):
    assert out["parts"] == [["choice", ["a[,]b"], "a[,]b"], ["long-fill-in", None, "A thought"]]


def test_the_answers_of_a_fallback_reloaded_or_back_from_the_cache_are_carried(out):
    assert out["reloaded"] == ["answered k1 a true", "answered k3 b false"]
    assert out["bfcache"] == ["initialized", "experienced p3", "progressed 75", "answered k3 a true"]


def test_a_retried_queue_sends_the_carried_answers_once_with_their_ids(out):
    retried = out["retried"]
    assert retried["queued"] == 1 and retried["ids"] is True
    # The carrying session's statements, then the next session's (its initialized first), nothing twice.
    assert retried["sent"] == ["initialized", "experienced p3", "progressed 75", "answered k1 a true",
                               "initialized", "terminated"], retried["sent"]


def test_clips_played_in_the_fallback_send_their_video_statements(out):
    clips = out["clips"]
    assert clips["sent"] == ["initialized", "experienced p3", "progressed 75", "played", "paused"]
    assert clips["object"] == "https://example.com/c/video/shoes/start"
    assert clips["ours"] is True and clips["other"] is True


def test_a_course_without_an_lms_keeps_no_answers_to_send(out):
    assert "e" not in out["plain"] and out["plain"]["location"] == "p1"


def test_garbage_in_the_record_s_answers_is_never_sent(out):
    *garbage, mixed = out["garbage"]
    for got in garbage:
        assert got == ["initialized", "experienced p3", "progressed 75"]
    assert mixed == ["initialized", "experienced p3", "progressed 75", "answered k1 a true"]
