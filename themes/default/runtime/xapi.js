/*
 * courseforge xAPI core for adapters/cmi5.js and tincan.js (CHECKLIST X1-X10, C5-S, T-S). Delivery:
 * ids made before the first send; one statement at a time, in order, keepalive; network/5xx retried
 * with backoff (at once on a new statement); 2xx, or 409 on a retry, delivered; other 4xx dropped
 * with a warning; terminate() posts the rest in keepalive batches; the undelivered wait in
 * localStorage for the next launch.
 */
(function (win, doc) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};
  // IRIs are identifiers, never fetched: written as scheme + rest.
  var VERB = 'http:' + '/' + '/adlnet.gov/expapi/verbs/';
  var TYPE = 'http:' + '/' + '/adlnet.gov/expapi/activities/';
  var CMI5 = 'https:' + '/' + '/w3id.org/xapi/cmi5/';
  var MAX_BATCH = 60000;  // keepalive bodies in flight share 64 KiB
  var unloading = false;
  var last = 0;

  function warn(message) {
    try { win.console.warn('[courseforge xapi] ' + message); } catch (e) { /* no console */ }
  }

  // UUID v4; getRandomValues where randomUUID is missing (plain-http pages are no secure context).
  function uuid() {
    var c = win.crypto, b, h = '';
    if (typeof c.randomUUID === 'function') return c.randomUUID();
    b = c.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1) + (i % 2 && i > 2 && i < 10 ? '-' : '');
    return h;
  }

  // X4: ISO 8601 duration, 0.01 s precision: PT1H2M5.25S.
  function duration(ms) {
    var cs = Math.max(0, Math.round(ms / 10)), h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60;
    var s = (cs % 6000) / 100;
    return 'PT' + (h ? h + 'H' : '') + (m ? m + 'M' : '') + (s || !(h || m) ? s + 'S' : '');
  }

  // X4: UTC with milliseconds, strictly increasing: timestamp order is the order of sending.
  function stamp(when) {
    last = Math.max(when ? +when : Date.now(), last + 1);
    return new Date(last).toISOString();
  }

  function storage(name) {
    try { var s = win[name]; s.getItem('x'); return s; } catch (e) { return null; }
  }

  function read(store, key) {
    try { return JSON.parse(store.getItem(key)); } catch (e) { return null; }
  }

  function write(store, key, value) {
    try { store.setItem(key, JSON.stringify(value)); } catch (e) { /* no storage: memory only */ }
  }

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  function lang(text) {
    var map = {};
    map[doc.documentElement.lang || 'und'] = String(text);
    return map;
  }

  function Client(endpoint, auth, key) {
    this.base = String(endpoint).replace(/\/+$/, '') + '/';  // X2: exactly one "/" before the resource
    this.auth = auth;
    this.key = 'courseforge:xapi:' + key;
    this.local = storage('localStorage');
    this.queue = [].concat(read(this.local, this.key) || []);
    this.delay = this.timer = 0;
  }

  var C = Client.prototype;

  C.request = function (method, path, params, body, keepalive) {
    var headers = { 'X-Experience-API-Version': '1.0.3', Authorization: this.auth };  // X1
    var query = Object.keys(params || {}).filter(function (k) { return params[k] != null; }).map(function (k) {
      var v = params[k];
      return encodeURIComponent(k) + '=' + encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v));
    }).join('&');
    var init = { method: method, headers: headers, keepalive: !!keepalive, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return win.fetch(this.base + path + (query ? '?' + query : ''), init);
  };

  C.getJSON = function (path, params) {
    return this.request('GET', path, params).then(function (r) {
      if (r.status === 404) return null;
      if (!r.ok) throw new Error('GET ' + path + ': HTTP ' + r.status);
      return r.text().then(function (text) { return text ? JSON.parse(text) : null; });
    });
  };

  C.drop = function (item) {
    var i = this.queue.indexOf(item);
    if (i >= 0) this.queue.splice(i, 1);
    write(this.local, this.key, this.queue);
  };

  C.send = function (statement) {
    this.queue.push({ s: statement, n: 0 });
    write(this.local, this.key, this.queue);
    this.retry();
  };

  C.retry = function () {
    win.clearTimeout(this.timer);
    this.timer = 0;
    this.pump();
  };

  function settled(item, status) {
    if ((status >= 200 && status < 300) || (status === 409 && item.n > 1)) return true;  // 409: an earlier try got there
    if (status < 400 || status >= 500 || status === 408 || status === 429) return false;
    warn('the LRS refused statement ' + item.s.id + ' (' + item.s.verb.id + '): HTTP ' + status + '; dropped');
    return true;
  }

  C.pump = function () {
    var self = this, item = this.queue[0];
    if (this.closed || this.inflight || this.timer || !item) return;
    this.inflight = item;
    item.n++;
    write(this.local, this.key, this.queue);
    this.request('POST', 'statements', null, item.s, true)
      .then(function (r) { return r.status; }, function () { return 0; })
      .then(function (status) {
        self.inflight = null;
        if (settled(item, status)) {
          self.delay = 0;
          self.drop(item);
          return self.pump();
        }
        self.delay = Math.min(60000, (self.delay || 500) * 2);
        self.timer = win.setTimeout(function () { self.timer = 0; self.pump(); }, self.delay);
      });
  };

  // The end of a session: all but the statement in flight, as keepalive batches (X9).
  C.flush = function () {
    var self = this, batches = [[]], size = 0;
    this.closed = true;
    win.clearTimeout(this.timer);
    this.queue.forEach(function (item) {
      var n = JSON.stringify(item.s).length;
      if (item === self.inflight) return;
      if (size + n > MAX_BATCH && size) batches.push([]), size = 0;
      batches[batches.length - 1].push(item);
      size += n;
      item.n++;
    });
    write(this.local, this.key, this.queue);
    return Promise.all(batches.filter(function (b) { return b.length; }).map(function (items) {
      var body = items.map(function (item) { return item.s; });
      return self.request('POST', 'statements', null, body, true).then(function (r) {
        if (r.ok) items.forEach(function (item) { self.drop(item); });
        return r.ok;
      }, function () { return false; });
    }));
  };

  function components(list) {
    return (list || []).map(function (o) { return { id: String(o.key), description: lang(o.text || o.key) }; });
  }

  function truth(i, key) {
    var found = (i.options || []).filter(function (o) { return o.key === key; })[0];
    return String(found ? found.text : key).toLowerCase() === 'true' ? 'true' : 'false';
  }

  // X6: the player's interaction (SCORM vocabulary) as an xAPI cmi.interaction definition + response.
  function interaction(i, question) {
    var type = question.type === 'reflection' ? 'long-fill-in' : i.type;
    var d = { name: lang(i.prompt || i.id), type: TYPE + 'cmi.interaction', interactionType: type };
    var correct = i.correct || [], pattern = null, response = i.response;
    var pairs = function (list) { return list.map(function (p) { return String(p).replace('.', '[.]'); }).join('[,]'); };
    if (type === 'true-false') {
      if (correct.length) pattern = [truth(i, correct[0])];
      response = Array.isArray(response) && response.length ? truth(i, response[0]) : response;
    } else if (type === 'choice' || type === 'sequencing') {
      d.choices = components(i.options);
      if (correct.length) pattern = [correct.join('[,]')];
    } else if (type === 'likert') {
      d.scale = components(i.options);
    } else if (type === 'matching') {
      d.source = components(i.options);
      d.target = components(i.targets);
      if (correct.length) pattern = [pairs(correct)];
      if (Array.isArray(response)) response = pairs(response);
    } else if (type === 'fill-in') {
      pattern = correct.map(function (text) { return (question.caseSensitive ? '{case_matters=true}' : '') + text; });
    }
    if (pattern && pattern.length) d.correctResponsesPattern = pattern;
    if (Array.isArray(response)) response = response.join('[,]');
    return { definition: d, response: response == null ? null : String(response) };
  }

  /*
   * The adapter of both standards. Each supplies connect(), which sets client, actor, registration,
   * root (the object id), base (of lesson/question ids), where (our State document's parameters),
   * template, profile, tracking (false in cmi5 Browse/Review), mastery (0..1|null), returnURL, scope
   * (page id|null), session ({start, init, done}) and calls resume(saved document).
   */
  function Tracker(name, course) {
    this.name = name;
    this.course = course || {};
    this.maxDataLength = 65536;
    this.seen = {};
    this.grouping = [];
    this.keepSession = Object;
  }

  var T = Tracker.prototype;

  T.init = function () {
    var self = this;
    return this.connect().then(function () {
      self.started = Date.now();
      self.connected = true;
      if (!self.session.init) {
        self.session.init = true;
        self.keepSession();
        self.emit('initialized', null, null, 'defined');  // C5-S4: the first statement of the session
      }
      win.addEventListener('online', function () { self.client.retry(); });
      doc.addEventListener('visibilitychange', function () { if (doc.hidden) self.client.retry(); });
      return { connected: true };
    });
  };

  T.resume = function (saved) {
    this.resumed = !!saved && typeof saved === 'object';
    this.doc = this.resumed ? saved : {};
    this.before = +this.doc.time || 0;
  };

  T.page = function (id) {
    return (this.course.lessons || []).filter(function (p) { return p.id === id; })[0];
  };

  T.spent = function () { return this.before + Date.now() - this.started; };

  // Our State document (X10), written whole; after a failed write the next change writes again.
  T.persist = function (keepalive) {
    var self = this;
    this.doc.time = this.spent();
    if (this.writing && !keepalive) return (this.dirty = true);
    this.dirty = false;
    this.writing = !keepalive;
    return this.client.request('PUT', 'activities/state', this.where, this.doc, keepalive)
      .then(function (r) { return r.ok; }, function () { return false; })
      .then(function (ok) {
        if (!keepalive) self.writing = false;
        if (ok && self.dirty) self.persist();
        self.dirty = self.dirty || !ok;
        return ok;
      });
  };

  T.rootObject = function () {
    var definition = { name: lang(this.rootName || this.course.title || this.root) };
    if (this.rootType) definition.type = this.rootType;
    return { objectType: 'Activity', id: this.root, definition: definition };
  };

  T.pageObject = function (id) {
    var page = this.page(id) || { title: id }, quiz = page.kind === 'quiz';
    return { objectType: 'Activity', id: this.base + (quiz ? '/test/' : '/lesson/') + id,
      definition: { name: lang(page.title), type: TYPE + (quiz ? 'assessment' : 'lesson') } };
  };

  // C5-D2: the template first, ours added to it, never overwriting; categories per C5-S2/S7/S11.
  T.context = function (kind, extra) {
    var c = copy(this.template || {}), ca = c.contextActivities = c.contextActivities || {}, k;
    var add = function (list, id) {
      var items = ca[list] = ca[list] || [];
      if (!items.some(function (a) { return a && a.id === id; })) items.push({ objectType: 'Activity', id: id });
    };
    for (k in ca) ca[k] = [].concat(ca[k]);  // X7: lists, even where the template has a single activity
    if (this.registration && !c.registration) c.registration = this.registration;
    if (this.profile === 'cmi5' && kind !== 'allowed') add('category', CMI5 + 'context/categories/cmi5');
    if (this.profile === 'cmi5' && kind === 'moveon') add('category', CMI5 + 'context/categories/moveon');
    this.grouping.forEach(function (id) { add('grouping', id); });
    extra = extra || {};
    if (extra.parent) add('parent', extra.parent);
    if (extra.grouping) add('grouping', extra.grouping);
    for (k in extra.ext) {
      c.extensions = c.extensions || {};
      if (!(k in c.extensions)) c.extensions[k] = extra.ext[k];
    }
    if (!Object.keys(ca).length) delete c.contextActivities;
    return c;
  };

  T.emit = function (verb, object, result, kind, extra, when) {
    var statement = { id: uuid(), actor: this.actor, verb: { id: VERB + verb, display: { 'en-US': verb } },
      object: object || this.rootObject(), context: this.context(kind, extra), timestamp: stamp(when) };
    if (!Object.keys(statement.context).length) delete statement.context;  // xAPI: no empty objects
    if (result) statement.result = result;
    this.client.send(statement);
  };

  T.loadState = function () {
    var d = this.doc;
    return { location: this.scope || (typeof d.location === 'string' ? d.location : null),
      data: typeof d.data === 'string' ? d.data : null, resumed: this.resumed };
  };

  T.saveState = function (snapshot) {
    if (this.ended || !snapshot) return false;
    if (snapshot.location != null) this.location = this.doc.location = String(snapshot.location);
    if (snapshot.data != null) this.doc.data = String(snapshot.data);
    this.persist();
    return true;
  };

  T.progress = function (info) {
    if (this.ended || !this.tracking || !info) return;
    var id = info.lessonId || this.location, ext = {};
    if (id && !this.seen[id]) {
      this.seen[id] = true;
      this.emit('experienced', this.pageObject(id), null, 'allowed', { parent: this.root });
    }
    if (this.scope) return id === this.scope && this.completed();  // one AU per page: shown = done
    var percent = info.total > 0 ? Math.floor(100 * info.viewed / info.total) : 0;
    // C5-S10: never 100 (completed says that) and nothing once completed.
    if (this.doc.completed || percent >= 100 || percent <= (this.doc.progress || 0)) return;
    this.doc.progress = ext[CMI5 + 'result/extensions/progress'] = percent;
    this.persist();
    this.emit('progressed', null, { extensions: ext }, 'allowed');
  };

  T.complete = function () {
    if (!this.scope) this.completed();
  };

  // C5-S5: once per registration, remembered in our State document.
  T.completed = function () {
    if (this.ended || !this.tracking || this.doc.completed) return;
    this.doc.completed = true;
    this.persist();
    this.emit('completed', null, { completion: true, duration: duration(this.spent()) }, 'moveon');
  };

  // C5-S4/S5/S8: passed once per registration, judged by the LMS's masteryScore when it sent one;
  // failed waits for terminate so that a later pass in the same session can still be reported.
  T.score = function (r) {
    if (this.ended || !this.tracking || !r || this.doc.passed) return;
    var scaled = typeof r.scaled === 'number' ? r.scaled : (r.raw - r.min) / (r.max - r.min);
    if (!(scaled >= 0 && scaled <= 1)) return warn('score ' + JSON.stringify(r) + ' not sent: scaled must be 0..1');
    scaled = Math.round(scaled * 10000) / 10000;
    var mastery = this.mastery, whole = function (n) { return typeof n === 'number' && Math.floor(n) === n; };
    var passed = typeof mastery === 'number' ? scaled >= mastery : !!r.passed, extra = { ext: {} };
    var score = whole(r.raw) && whole(r.min) && whole(r.max) && r.min <= r.raw && r.raw <= r.max && r.min < r.max ?
      { scaled: scaled, raw: r.raw, min: r.min, max: r.max } : { scaled: scaled };  // C5-S9
    var result = { score: score, success: passed, duration: duration(this.spent()) };
    if (typeof mastery === 'number' && this.profile === 'cmi5') extra.ext[CMI5 + 'context/extensions/masteryscore'] = mastery;
    if (!passed) return (this.failed = [result, extra]);
    this.failed = null;
    this.doc.passed = true;
    this.persist();
    this.emit('passed', null, result, 'moveon', extra);
  };

  T.answer = function (i) {
    if (this.ended || !this.tracking || !i || !i.id) return;
    var page = this.pageObject(i.page || this.location);
    var made = interaction(i, (this.course.questions || {})[i.id] || {}), result = {};
    if (made.response !== null) result.response = made.response;
    if (i.result === 'correct' || i.result === 'wrong') result.success = i.result === 'correct';
    if (i.latencyMs >= 0) result.duration = duration(i.latencyMs);
    this.emit('answered', { objectType: 'Activity', id: page.id + '/question/' + i.id, definition: made.definition },
      Object.keys(result).length ? result : null, 'allowed', { parent: page.id, grouping: this.root }, i.timestamp);
  };

  // Exactly once and last (C5-S4); then cmi5's returnURL, unless the page is already going away.
  T.terminate = function () {
    if (this.ended || !this.connected) return null;
    if (this.failed && this.tracking) this.emit('failed', null, this.failed[0], 'moveon', this.failed[1]);
    this.emit('terminated', null, { duration: duration(Date.now() - this.session.start) }, 'defined');
    this.ended = this.session.done = true;
    this.keepSession();
    var sent = Promise.all([this.client.flush(), this.persist(true)]), url = this.returnURL;
    var go = function () { win.location.assign(url); };
    if (url && !unloading) Promise.race([sent, new Promise(function (done) { win.setTimeout(done, 2000); })]).then(go, go);
    return sent;
  };

  win.addEventListener('pagehide', function () { unloading = true; });
  win.addEventListener('pageshow', function () { unloading = false; });

  CF.xapi = { Client: Client, Tracker: Tracker, uuid: uuid, duration: duration, interaction: interaction,
    read: read, write: write, storage: storage };
})(window, document);
