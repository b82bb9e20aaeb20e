/*
 * courseforge xAPI core for adapters/cmi5.js and tincan.js (CHECKLIST X1-X10, C5-S, T-S, V1-V7).
 * Delivery: ids made before the first send; one statement at a time, in order; network/5xx/401
 * retried with backoff (at once on a new statement); 2xx, or 409 on a retry, delivered; other 4xx
 * dropped with a warning; the undelivered wait in localStorage for the next launch. Every answer's
 * body is read: Chromium counts an unread keepalive answer marked no-store against its 64 KiB
 * keepalive budget for as long as the page lives. Only what is sent while the page goes away is
 * keepalive, and that batch stays in localStorage until a later launch learns that it arrived.
 *
 * Written small on purpose: packages ship it minified but not renamed, and every byte counts against
 * the theme's budget (tests/test_theme_size.py). Hence classes, short local names (`t` is always
 * `this`) and arrow callbacks: every browser with fetch keepalive, which this file needs anyway, has them.
 */
(function (win, doc) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};
  // IRIs are identifiers, never fetched: written as scheme + rest.
  var ADL = 'http:' + '/' + '/adlnet.gov/expapi/', W3ID = 'https:' + '/' + '/w3id.org/xapi/';
  var VERB = ADL + 'verbs/', TYPE = ADL + 'activities/', CMI5 = W3ID + 'cmi5/', VIDEO = W3ID + 'video';
  var unloading, live, last = 0;

  var warn = text => win.console.warn('[courseforge xapi] ' + text);

  // UUID v4; getRandomValues where randomUUID is missing (plain-http pages are no secure context).
  function uuid() {
    var c = win.crypto;
    return c.randomUUID ? c.randomUUID() : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g,
      x => (x ^ c.getRandomValues(new Uint8Array(1))[0] & 15 >> x / 4).toString(16));
  }

  // X4: ISO 8601 duration, 0.01 s precision: PT1H2M5.25S.
  function dur(ms) {
    var cs = Math.max(0, Math.round(ms / 10)), h = Math.floor(cs / 36e4), m = Math.floor(cs / 6e3) % 60, s = cs % 6e3 / 100;
    return 'PT' + (h ? h + 'H' : '') + (m ? m + 'M' : '') + (s || !(h || m) ? s + 'S' : '');
  }

  // JSON in win.sessionStorage (cmi5.js's session; what outlives the tab goes through Courseforge.keep,
  // player.js): store(key) reads, store(key, value) writes. Storage may be missing or refuse
  // (sandboxed frames, quota): then null, and memory only.
  function store(key, value) {
    try {
      var s = win.sessionStorage;
      return value === undefined ? JSON.parse(s.getItem(key)) : s.setItem(key, JSON.stringify(value));
    } catch (e) { return null; }
  }

  function lang(text) {
    var map = {};
    map[doc.documentElement.lang || 'und'] = String(text);
    return map;
  }

  // An activity; an undefined type is left out when the statement is serialised.
  function act(id, name, type) {
    return { objectType: 'Activity', id, definition: { name: lang(name), type } };
  }

  // V6: seconds and ratios with at most 3 decimals.
  var round = n => Math.round(n * 1e3) / 1e3;

  // A short hash (two 32-bit ones) that tells learners apart in a storage key without writing them in it.
  var hash = text => [2166136261, 5381].map((h, i) => {
    for (var c of text) h = Math.imul(h ^ c.charCodeAt(0), i ? 33 : 16777619);
    return (h >>> 0).toString(36);
  }).join('');

  class Client {
    // `actor` (TinCan, where a launch need not have a registration): what this browser keeps is this
    // learner's at this LRS alone, another learner on the same browser never gets it (their IFI).
    constructor(endpoint, auth, key, actor) {
      var t = this, a = actor || 0, ac = a.account || 0;
      t.base = endpoint.replace(/\/+$/, '') + '/';  // X2: exactly one "/" before the resource
      t.auth = auth;
      t.key = 'courseforge:xapi:' + key + (actor ? ' ' + hash(JSON.stringify([t.base, a.mbox, a.mbox_sha1sum, a.openid, ac.homePage, ac.name])) : '');
      // An earlier session's terminated is never sent from this one: the LMS refuses every request of a
      // session after its terminated (cmi5 §9.3.8), and has closed that one (abandoned) by now.
      t.queue = [].concat(CF.keep(t.key) || []).filter(it => !/\/terminated$/.test(it.s.verb.id));
    }

    // Never rejects: {status, ok, text}, the body read whole; no answer at all is status 0.
    request(method, path, params, body, ka) {
      var t = this, headers = { 'X-Experience-API-Version': '1.0.3', Authorization: t.auth, 'Content-Type': 'application/json' }, q = [], k, v;  // X1
      for (k in params) if ((v = params[k]) != null) q.push(k + '=' + encodeURIComponent(typeof v == 'string' ? v : JSON.stringify(v)));
      return win.fetch(t.base + path + (q[0] ? '?' : '') + q.join('&'), { method, headers, keepalive: !!ka,
        cache: 'no-store', body: body && JSON.stringify(body) })
        .then(r => r.text().then(text => ({ status: r.status, ok: r.ok, text }))).catch(() => ({ status: 0 }));
    }

    get(path, params) {
      return this.request('GET', path, params).then(r => {
        if (r.status == 404) return null;
        if (!r.ok) throw Error('HTTP ' + r.status + ' ' + path);
        try { return JSON.parse(r.text); } catch (e) { return null; }  // an empty or broken document is no document
      });
    }

    post(body, ka) { return this.request('POST', 'statements', 0, body, ka); }

    // A queue all delivered is removed, not kept as `[]`: none is read as an empty queue.
    save() { var t = this; CF.keep(t.key, t.queue[0] ? t.queue : null); }

    drop(it) {
      var t = this;
      t.queue = t.queue.filter(x => x != it);
      t.save();
    }

    send(statement) {
      var t = this;
      t.queue.push({ s: statement, n: 0 });
      t.save();
      t.retry();
    }

    retry() {
      var t = this;
      win.clearTimeout(t.timer);
      t.timer = 0;
      t.pump();
    }

    // A keepalive batch of an earlier page (`k`, at the queue's head: every batch starts there) comes
    // first: its last statement asked for (a GET, which no LMS refuses after a terminated and which
    // changes nothing). Found: that batch arrived, and it held every one marked, as an LRS stores a
    // batch whole or not at all; dropped, never sent twice. Not found (or reading refused): sent again
    // one by one, same ids (an LRS keeps one copy of a statement; 409 on a retry: delivered).
    pump() {
      var t = this, it = t.queue[0], kept = t.queue.filter(x => x.k).pop();
      if (t.closed || t.inflight || t.timer || !it) return;
      t.inflight = it;
      if (!kept) it.n++;
      t.save();
      t.busy = (kept ? t.request('GET', 'statements', { statementId: kept.s.id }) : t.post(it.s)).then(r => {
        // 409 on a retry: an earlier try got there. 408, 429, 5xx and no answer: try again; so 401 too,
        // the credentials refused, not the statement (kept for a launch with good ones); other 4xx never.
        var s = r.status, ok = s > 199 && s < 300 || s == 409 && it.n > 1, no = !ok && s > 399 && s < 500 && s != 401 && s != 408 && s != 429;
        t.inflight = null;
        if (kept && (ok || no)) {
          // Found: the statement (or a StatementResult that lists it; Ralph answers an unknown id with an empty one).
          t.queue = t.queue.filter(x => !(ok && r.text.includes(kept.s.id) && x.k));
          t.queue.forEach(x => delete x.k);
          t.save();
          return t.pump();
        }
        if (no || s == 401) warn('refused ' + it.s.verb.id + ' ' + it.s.id + ': HTTP ' + s);
        if (ok || no) {
          t.delay = 0;
          t.drop(it);
          return t.pump();
        }
        t.delay = Math.min(6e4, (t.delay || 500) * 2);
        t.timer = win.setTimeout(() => { t.timer = 0; t.pump(); }, t.delay);
      });
    }

    // The end of a session, terminated last. With the page alive: batch after batch, each once the one
    // before was stored. On pagehide (`ka`) no answer can be waited for, and parallel requests may
    // overtake each other: one keepalive batch (the statement in flight too: an LRS keeps one copy of
    // a statement sent twice), within Chromium's 64 KiB keepalive budget, kept in localStorage marked
    // `k` (sent, maybe lost: an LRS down, a proxy's 5xx, 401) for the next launch to ask after (pump);
    // what does not fit waits, in order.
    flush(ka) {
      var t = this, batch = [], size = 0;
      t.closed = 1;
      win.clearTimeout(t.timer);
      t.queue.some(it => {
        var n = new Blob([JSON.stringify(it.s)]).size;
        if (batch[0] && size + n > 6e4) return 1;
        batch.push(it);
        size += n;
      });
      if (!batch[0]) return Promise.resolve();
      batch.forEach(it => (it.n++, it.k = it.k || ka));
      t.save();
      return t.post(batch.map(it => it.s), ka).then(r => r.ok && (batch.forEach(t.drop, t), !ka && t.flush()));
    }
  }

  // X6: the player's interaction i (SCORM vocabulary) and its question q (course JSON) as an xAPI
  // cmi.interaction definition + response. Keys never hold a ".", so one "[,]" join with "." → "[.]"
  // serves choice, sequencing and matching.
  function interaction(i, q) {
    var type = q.type == 'reflection' ? 'long-fill-in' : i.type, o = i.options || [], c = i.correct || [], r = i.response;
    var d = { name: lang(i.prompt || i.id), type: TYPE + 'cmi.interaction', interactionType: type };
    var kind = { choice: 'choices', sequencing: 'choices', likert: 'scale', matching: 'source' }[type];
    var list = l => l.map(x => ({ id: String(x.key), description: lang(x.text || x.key) }));
    var join = l => l.map(x => String(x).replace('.', '[.]')).join('[,]');
    var truth = l => l.slice(0, 1).map(k => '' + /^true$/i.test((o.filter(x => x.key === k)[0] || {}).text));
    if (type == 'true-false') {
      c = truth(c);
      if (r && r.map) r = truth(r);
    }
    if (kind) d[kind] = list(o);
    if (i.targets) d.target = list(i.targets);
    // Several right answers of a fill-in, or of a single choice (a scenario decision may have
    // several), are alternatives: one pattern each; a multiple choice's are one answer together.
    c = type == 'fill-in' ? c.map(x => (q.caseSensitive ? '{case_matters=true}' : '') + x) : type == 'choice' && q.type != 'multiple' ? c : c[0] ? [join(c)] : [];
    if (c[0]) d.correctResponsesPattern = c;
    return { definition: d, response: r == null ? null : r.map ? join(r) : String(r) };
  }

  /*
   * The adapter of both standards. Each supplies connect(), which sets client, actor, registration,
   * root (the object id), base (of lesson/question ids), where (our State document's parameters),
   * template, tracking (false in cmi5 Browse/Review), mastery (0..1|null), returnURL, scope
   * (page id|null), session ({start, init, done}) and calls resume(saved document).
   */
  class Tracker {
    constructor(name, course) {
      var t = this;
      t.name = name;
      t.course = course;
      t.maxDataLength = 65536;
      t.seen = {};
      t.grouping = [];
      t.keepSession = Object;
    }

    init() {
      var t = this, retry = () => t.client.retry();
      return t.connect().then(() => {
        var k = CF.localKey && CF.localKey(t.course), r = k && CF.keep(k);
        t.sid = uuid();  // V4: the video session-id, one per page session
        t.started = Date.now();
        t.connected = true;
        if (!t.session.init) {
          t.session.init = true;
          t.keepSession();
          t.emit('initialized');  // C5-S4: the first statement of the session
        }
        // The room's fallback record (the standalone adapter's, kept while no launch started: cmi5 reloaded
        // once ended, TinCan with the LRS out of reach) continues the document resumed: carried on. Then,
        // or when it does not (a session written since, maybe from another device, wins), it goes: should
        // a launch not start later, the fallback starts from this session's copy (CF.kept) instead.
        if (r && t.tracking && r.k + '' == t.from) t.carry(r);
        if (k) CF.keep(k, null);
        // Back online, or the page hidden (maybe for good) or shown again: waiting statements go now.
        win.addEventListener('online', retry);
        doc.addEventListener('visibilitychange', retry);
        return { connected: true };
      });
    }

    // The State document as the LRS has it, or this browser's copy when that is newer: the copy holds
    // what could not be sent before the page went away (see terminate). Newer: more writes (`n` counts
    // them) on the LRS's very document, the one the copy's page started from (`b`, its `n`) or one that
    // page wrote itself (`w`, its id; a write whose answer never came). A document written from another
    // device since is newer whatever the count: it wins. (A copy kept before `b` was: the count alone.)
    // `from`: the document's count and writer, which tell it apart from any other (see carry).
    resume(saved) {
      var t = this, mine = CF.keep(t.client.key + ':state'), n;
      saved = saved instanceof Object ? saved : {};
      n = saved.n || 0;
      t.doc = mine instanceof Object && mine.n > n && (mine.b == null || mine.b == n || mine.w == saved.w) ? mine : saved;
      t.from = [t.doc.n, t.doc.w] + '';
      t.doc.b = n;
      t.doc.w = uuid();
      t.before = +t.doc.time || 0;
    }

    // The fallback's record `r` (standalone.js) started from this very document (its `k`, the `from`
    // of the copy it started from): what the learner did there is this session's, as if done in it.
    // The document takes its place and progress, and is saved; the pages viewed there alone send their
    // `experienced` now (their time unknown: the statement's is now), since a report of the registration
    // reads which pages a learner experienced from them, and one that says progressed or completed must
    // not lack pages; then progressed and completed as the player's save() makes them of the pages viewed
    // (the record's `completed` is the player's complete()), and its graded result as the player reports
    // one: score() sends passed once per registration (failed at terminate, once, in this session alone:
    // the record is gone after it). A large course's page whose part has not come yet has no id: the
    // player (CF.player.load) brings its part, and its `experienced` follows then, should the session
    // still be on.
    // Then what the player handed the fallback to report (standalone.js later()): the answers given
    // there and the clips' events, each the very statement this session's answer() or media() makes of
    // it, in the order given and before the graded result, as a session sends an assessment's answers
    // before its passed. "Answered in the fallback" is that list, which starts empty with the fallback:
    // an answer of the session before (it was sent then) is not in it, whether or not the state still
    // holds it. A comparison of the record's state with this document would do worse: the state keeps
    // a question's last answer alone, so it would miss a check tried twice and an attempt retried (a
    // session sends each answer) and take an answer given again unchanged for none, and it lacks what
    // the statements need (a decision's options, an answer's latency, a clip's events). Never twice:
    // the record goes once carried (init), the statements wait in the queue with their ids. Sent now,
    // although the record keeps when (as text, which emit takes for no time): a statement of this session
    // belongs between its initialized and terminated (C5-S11), and the order of timestamps is the order
    // of sending (emit). The clips with a video session-id of their own (V4): they played in another
    // page than this one.
    carry(r) {
      var t = this, d = t.doc, L = t.course.lessons, s = r.score, v = data => CF.state.decode(data, L.length).viewed, was = v(d.data), now = v(r.data), sid = t.sid;
      d.location = r.location;
      if (r.data != null) d.data = r.data;
      now.forEach(i => was.includes(i) || (L[i].id ? t.saw(L[i].id) : CF.player && CF.player.load(i).then(() => t.saw(L[i].id), Object)));
      t.progress({ viewed: now.length, total: L.length });
      if (r.completed) t.complete();
      t.sid = uuid();
      // Only answer() or media(); garbage (a record written by hand) throws before a statement is made.
      [].concat(r.e || []).forEach(e => { try { t[e[0] == 'media' ? 'media' : 'answer'](e[1]); } catch (x) {} });
      t.sid = sid;
      if (s) t.score({ raw: s.raw, min: 0, max: 100, passed: s.passed });
      t.persist();
    }

    page(id) { return (this.course.lessons || []).filter(p => p.id === id)[0]; }

    spent() { var t = this; return t.before + Date.now() - t.started; }

    // Our State document (X10), written whole, one write at a time, and copied to localStorage; after
    // a failed write the next change writes again. `mine`: the copy only. Neither in a session that gives
    // no credit (cmi5 Browse/Review, `session.r`): what is done there (an assessment passed, a page reached)
    // would come back as the registration's own at its next Normal launch.
    persist(mine) {
      var t = this, d = t.doc;
      if (t.session.r) return;
      d.time = t.spent();
      d.n = (d.n || 0) + 1;
      CF.keep(t.client.key + ':state', d);
      if (mine) return;
      if (t.writing) return (t.dirty = true);
      t.dirty = false;
      return t.writing = t.client.request('PUT', 'activities/state', t.where, d).then(r => {
        t.writing = 0;
        if (r.ok && t.dirty) return t.persist();
        t.dirty = t.dirty || !r.ok;
      });
    }

    // The activity of page `id` (a lesson, or an assessment: quiz pages), or without an id the root.
    obj(id) {
      var t = this, page = t.page(id) || { title: id }, quiz = page.kind == 'quiz';
      return id ? act(t.base + (quiz ? '/test/' : '/lesson/') + id, page.title, TYPE + (quiz ? 'assessment' : 'lesson'))
        : act(t.root, t.rootName || t.course.title, t.rootType);
    }

    // C5-D2: the context starts from the template; ours is added to it, never overwriting. Without an
    // object the statement is about the root activity and cmi5-defined (the cmi5 category, C5-S2; with
    // moveOn where the result has success or completion, C5-S7); with one it is cmi5-allowed (C5-S11).
    // more: {parent, grouping, category: activity ids; ext: context extensions}.
    emit(verb, obj, res, more = {}, when) {
      var t = this, c = JSON.parse(JSON.stringify(t.template || {})), ca = c.contextActivities || {}, x = c.extensions || {};
      var cat = t.name == 'cmi5' && !obj && CMI5 + 'context/categories/', k, s = { id: uuid(), actor: t.actor,
        verb: { id: (/:/.test(verb) ? '' : VERB) + verb, display: { 'en-US': verb.split('/').pop() } }, object: obj || t.obj() };
      var add = (list, id) => {
        var l = [].concat(ca[list] || []);  // X7: lists, even where the template has a single activity
        if (id && !l.some(a => a && a.id === id)) l.push({ objectType: 'Activity', id });
        if (l[0]) ca[list] = l;
      };
      for (k in ca) add(k);
      if (t.registration && !c.registration) c.registration = t.registration;
      if (cat) add('category', cat + 'cmi5');
      if (cat && res && ('success' in res || 'completion' in res)) add('category', cat + 'moveon');
      t.grouping.concat(more.grouping).forEach(id => add('grouping', id));
      add('parent', more.parent);
      add('category', more.category);
      for (k in more.ext) if (!(k in x)) x[k] = more.ext[k];
      // xAPI: no empty objects.
      if (Object.keys(ca)[0]) c.contextActivities = ca;
      if (Object.keys(x)[0]) c.extensions = x;
      if (Object.keys(c)[0]) s.context = c;
      if (res && Object.keys(res)[0]) s.result = res;
      // X4: UTC with milliseconds, strictly increasing, so that their order is the order of sending. A time
      // that is no Date (none; an answer's, made text in the fallback's record: see carry) is now.
      last = Math.max(+when || Date.now(), last + 1);
      s.timestamp = new Date(last).toISOString();
      t.client.send(s);
    }

    // Whatever the document holds: the player ignores an unknown page and state.js decodes garbage as fresh.
    loadState() {
      var t = this, d = t.doc;
      return { location: t.scope || d.location, data: d.data, resumed: 'time' in d };
    }

    // `final`: terminate() follows at once and writes it (or, on pagehide, keeps the copy).
    saveState(snap, final) {
      var t = this;
      if (t.ended || !snap) return;
      t.location = t.doc.location = snap.location;
      if (snap.data != null) t.doc.data = snap.data;  // null: over the limit, the last that fitted stays
      t.persist(final);
    }

    // Page `id` experienced, once a session, while it tracks.
    saw(id) {
      var t = this;
      if (t.tracking && id && !t.seen[id]) {
        t.seen[id] = true;
        t.emit('experienced', t.obj(id), null, { parent: t.root });
      }
    }

    // `tracking` is false in cmi5 Browse/Review and once the session has ended.
    progress(info) {
      var t = this, d = t.doc, id = t.location, ext = {}, n;
      if (!t.tracking || !info) return;
      t.saw(id);
      // One AU per page: completed once the player counts its page done (a lesson shown, a survey sent…).
      if (t.scope) return id == t.scope && info.done && t.complete(1);
      n = Math.floor(100 * info.viewed / info.total) || 0;
      // C5-S10: never 100 (completed says that) and nothing once completed.
      if (d.completed || n >= 100 || n <= (d.progress || 0)) return;
      d.progress = ext[CMI5 + 'result/extensions/progress'] = n;
      t.persist();
      t.emit('progressed', t.obj(), { extensions: ext });
    }

    // C5-S5: once per registration, remembered in our State document. The player's complete() (every
    // page viewed) does not count in a one-AU-per-page launch: there the page shown is the AU.
    complete(page) {
      var t = this;
      if (!t.tracking || t.doc.completed || t.scope && !page) return;
      t.doc.completed = true;
      t.persist();
      t.emit('completed', null, { completion: true, duration: dur(t.spent()) });
    }

    // C5-S4/S5/S8: passed once per registration, judged by the LMS's masteryScore when it sent one
    // (TinCan has none: the assessment's own pass mark decides); failed waits for terminate so that
    // a later pass in the same session can still be reported.
    score(r) {
      var t = this, m = t.mastery, more = { ext: {} }, s, ok, res;
      if (!t.tracking || !r || t.doc.passed) return;
      s = typeof r.scaled == 'number' ? r.scaled : (r.raw - r.min) / (r.max - r.min);
      if (!(s >= 0 && s <= 1)) return warn('score not 0..1: ' + JSON.stringify(r));
      s = Math.round(s * 1e4) / 1e4;
      ok = m != null ? s >= m : !!r.passed;
      res = { score: [r.raw, r.min, r.max].every(Number.isInteger) && r.min <= r.raw && r.raw <= r.max && r.min < r.max ?
        { scaled: s, raw: r.raw, min: r.min, max: r.max } : { scaled: s }, success: ok, duration: dur(t.spent()) };  // C5-S9
      if (m != null) more.ext[CMI5 + 'context/extensions/masteryscore'] = m;
      if (!ok) return (t.failed = [res, more]);
      t.failed = null;
      t.doc.passed = true;
      t.persist();
      t.emit('passed', null, res, more);
    }

    answer(i) {
      var t = this, page, made, q, res = {};
      if (!t.tracking || !i || !i.id) return;
      page = t.obj(i.page || t.location).id;
      made = interaction(i, i.q || (t.course.questions || {})[i.id] || {});  // i.q: standalone.js answer()
      q = act(page + '/question/' + i.id);
      q.definition = made.definition;
      if (made.response != null) res.response = made.response;
      if (/^[cwi]/.test(i.result)) res.success = i.result == 'correct';  // correct, wrong/incorrect; not neutral
      if (i.latencyMs >= 0) res.duration = dur(i.latencyMs);
      t.emit('answered', q, res, { parent: page, grouping: t.root }, i.timestamp);
    }

    // V1-V7: a scenario clip's played/paused/seeked/completed, cmi5-allowed (also in Browse/Review:
    // §10.2.2 forbids only cmi5-defined statements there). Never the profile's initialized/terminated:
    // inside an AU session those verbs belong to the AU (C5-S4).
    media(m) {
      var t = this, e = m && m.event, E = VIDEO + '/extensions/', r = {}, c = {}, sc, scene;
      var seg = String(m && m.playedSegments || '').replace(/\d*\.\d+/g, round);
      var put = (map, key, n) => { if (n >= 0) map[E + key] = round(n); };
      if (t.ended || !/^(played|paused|seeked|completed)$/.test(e)) return;
      sc = (t.course.scenarios || {})[m.scenario] || {};
      scene = (sc.scenes || {})[m.scene] || {};
      if (e == 'seeked') {
        put(r, 'time-from', m.timeFrom);
        put(r, 'time-to', m.timeTo);
      } else put(r, 'time', m.time);
      if (e == 'paused' || e == 'completed') {
        put(r, 'progress', Math.min(1, m.progress));
        r[E + 'played-segments'] = seg;
      }
      r = { extensions: r };
      if (e == 'completed') {
        r.completion = true;
        // The time spent watching: the played segments.
        r.duration = dur(1e3 * seg.split('[,]').reduce((sum, p) => (p = p.split('[.]'), sum + (p[1] - p[0] || 0)), 0));
      }
      put(c, 'length', m.length);
      c[E + 'session-id'] = t.sid;
      if (m.lang) c[E + 'cc-subtitle-lang'] = m.lang;
      t.emit(e == 'completed' ? e : VIDEO + '/verbs/' + e, act(t.root + '/video/' + m.scenario + '/' + m.scene,
        [sc.title, scene.title || m.video].filter(Boolean).join(': '), VIDEO + '/activity-type/video'), r,
        { parent: t.root, category: VIDEO, ext: c });
    }

    // Exactly once and last (C5-S4), and nothing after it (cmi5 §9.3.8). From "Exit course" the page
    // waits for the statement and the State write in flight, writes the State document, sends the
    // statements, terminated last, then goes to cmi5's returnURL. On pagehide nothing can wait, and a
    // State write sent now could reach the LRS after terminated: the State document stays in this
    // browser (resume() takes it back) and the statements go as one keepalive batch.
    terminate() {
      var t = this, c = t.client, url = t.returnURL, write = () => t.writing ? t.writing.then(write) : t.persist();
      if (t.ended || !t.connected) return;
      c.closed = 1;  // failed and terminated wait for flush(), together: neither overtakes the other
      t.persist(1);
      if (t.failed) t.emit('failed', null, t.failed[0], t.failed[1]);
      t.emit('terminated', null, { duration: dur(Date.now() - t.session.start) });
      t.ended = t.session.done = true;
      t.tracking = false;
      t.keepSession();
      if (unloading) return c.flush(1);
      live = t;
      return Promise.resolve(c.busy).then(write).then(() => c.flush()).then(() => {
        live = 0;
        if (url) win.location.assign(url);
        return url && { navigating: true };
      });
    }
  }

  // Pagehide during an exit: what is left goes at once.
  var unload = e => {
    unloading = e.type == 'pagehide';
    if (unloading && live) live.client.flush(1);
  };
  win.addEventListener('pagehide', unload);
  win.addEventListener('pageshow', unload);

  CF.xapi = { Client, Tracker, uuid, duration: dur, interaction, store };
})(window, document);
