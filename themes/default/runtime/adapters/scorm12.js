/*
 * courseforge SCORM 1.2 adapter (classic script). The player talks to it through the adapter
 * interface (init, loadState, saveState, progress, complete, answer, score, terminate); it alone knows
 * the LMS API. Checklist items: S12-A1..A5, S12-D1..D4, S12-I1..I4, S12-R1..R6, Q1..Q3, Q5, Q8, Q10.
 */
(function (win) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};
  var MAX_LOCATION = 255;
  var MAX_SUSPEND = 4096;

  // Parents, then the opener (runtime/lmsapi.js).
  function findAPI() {
    return CF.findLmsApi('API', 'LMSInitialize');
  }

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = '0' + s;
    return s;
  }

  // S12-D2: CMITimespan HHHH:MM:SS.SS for this session only; hours capped at 9999 (S12-D1).
  function timespan(ms) {
    var cs = Math.max(0, Math.round(ms / 10));
    var cap = ((9999 * 60 + 59) * 60 + 59) * 100 + 99;
    if (cs > cap) cs = cap;
    return pad(Math.floor(cs / 360000), 4) + ':' + pad(Math.floor(cs / 6000) % 60, 2) + ':' +
      pad(Math.floor(cs / 100) % 60, 2) + '.' + pad(cs % 100, 2);
  }

  // S12-I2: CMITime, the time of day.
  function clock(date) {
    return pad(date.getHours(), 2) + ':' + pad(date.getMinutes(), 2) + ':' + pad(date.getSeconds(), 2);
  }

  // S12-I3: a response or pattern in the 1.2 format of its type; CMIString255 on one line.
  function pattern(i, value) {
    if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim().slice(0, 255);
    if (i.type === 'fill-in') return pattern(i, String(value[0] || ''));
    return value.map(function (key) {
      if (i.type !== 'true-false') return key;
      var option = (i.options || []).filter(function (o) { return o.key === key; })[0];
      return String(option ? option.text : key).toLowerCase() === 'true' ? 't' : 'f';
    }).join(',').slice(0, 255);
  }

  function Scorm12Adapter(api, course) {
    this.name = 'scorm12';
    this.api = api;
    // A course with a graded quiz reports passed/failed from its score, never `completed` (S12-R3).
    this.scored = !!course && Object.keys(course.quizzes || {}).some(function (id) { return course.quizzes[id].graded; });
    this.course = course || {};
    this.questions = this.course.questions || {};
    this.mastery = null;
    this.maxDataLength = MAX_SUSPEND;
    this.mode = 'normal';
    this.initialStatus = '';
    this.initialized = false;
    this.terminated = false;
    this.finished = false;
    this.startedAt = 0;
    this.attempts = {};  // page id → {question id: result} of the graded answers not yet reported
    this.objectiveAt = null;  // objective id → its index n in cmi.objectives
  }

  var proto = Scorm12Adapter.prototype;
  CF.lmsCalls(proto, 'scorm12', {
    getValue: 'LMSGetValue', setValue: 'LMSSetValue', getLastError: 'LMSGetLastError',
    getErrorString: 'LMSGetErrorString', getDiagnostic: 'LMSGetDiagnostic'
  });

  proto.init = function () {
    if (!this.api) return { connected: false };
    if (!this.call('LMSInitialize')) {
      // S12-E1: discover again once (the LMS may have replaced its API object), then give up (in the
      // room this tab kept of its launch: a reload after LMSFinish, runtime/lmsapi.js).
      var again = findAPI();
      if (!again || again === this.api) return this.refused();
      this.api = again;
      if (!this.call('LMSInitialize')) return this.refused();
    }
    this.initialized = true;
    this.startedAt = Date.now();
    // What this browser keeps for the launch (quiz.js's backup, player.js) is this learner's: on a shared
    // browser the next learner's launch neither shows nor removes it. Kept for a reload (runtime/lmsapi.js).
    this.inRoom(this.get('cmi.core.student_id'));
    this.mode = this.get('cmi.core.lesson_mode') || 'normal';
    var status = this.get('cmi.core.lesson_status');
    this.initialStatus = status;
    this.passed = status === 'passed';
    var mastery = this.scored ? this.get('cmi.student_data.mastery_score') : '';
    if (mastery !== '' && !isNaN(+mastery)) this.mastery = this.passMark = +mastery;
    if (this.mode !== 'review' && (status === 'not attempted' || status === '' || (status === 'browsed' && this.mode === 'normal'))) {
      // S12-R1 / Q5 (and S12-R6 for browse mode): mark the attempt started and commit at once.
      this.set('cmi.core.lesson_status', this.mode === 'browse' ? 'browsed' : 'incomplete');
      this.call('LMSCommit');
    }
    return { connected: true };
  };

  proto.loadState = function () {
    var empty = { location: null, data: null, resumed: false };
    if (!this.active()) return empty;
    var resumed = this.get('cmi.core.entry') === 'resume';
    if (!resumed && this.mode !== 'review') return empty;
    var location = this.get('cmi.core.lesson_location') || null, data = this.get('cmi.suspend_data') || null;
    this.resume(data);
    return { location: location, data: data, resumed: resumed };
  };

  // S12-D2, S12-R5: session_time and exit always say what LMSFinish would, so that a commit is
  // never missing them should the last call of the session be lost.
  proto.stamp = function (finished) {
    var ok = this.set('cmi.core.session_time', timespan(Date.now() - this.startedAt));
    if (this.mode !== 'review') ok = this.set('cmi.core.exit', finished ? '' : 'suspend') && ok;
    return ok;
  };

  // `final`: the session ends right after (terminate's LMSFinish persists): no commit, which would be
  // a synchronous request while the page may be going away.
  proto.saveState = function (snapshot, final) {
    if (!this.active()) return false;
    this.objectives(snapshot && snapshot.quizzes);
    var ok = true;
    var location = snapshot && snapshot.location;
    var data = snapshot && snapshot.data;
    if (location !== null && location !== undefined) {
      ok = this.setWithin('cmi.core.lesson_location', location, MAX_LOCATION) && ok;
    }
    if (this.mode !== 'review' && data !== null && data !== undefined) {
      ok = this.setWithin('cmi.suspend_data', data, MAX_SUSPEND) && ok;
    }
    ok = this.stamp(this.finished) && ok;
    return this.saved((final || this.call('LMSCommit')) && ok);
  };

  proto.progress = function () {
    // SCORM 1.2 has no progress measure; status and suspend_data carry it.
  };

  // A scored course: every page viewed finishes the attempt once passed (exit '', S12-R5), and
  // sets no status (S12-R3).
  proto.complete = function () {
    if (!this.active() || this.finished) return;
    this.completed = true;
    if (this.scored && !this.passed) return;
    this.finished = true;
    if (this.mode === 'review') return;
    // S12-R2: completed; never overwrite a passed/failed result from an earlier attempt (S12-R3).
    if (this.mode === 'normal' && !this.scored && this.initialStatus !== 'passed' && this.initialStatus !== 'failed') {
      this.set('cmi.core.lesson_status', 'completed');
    }
    this.stamp(true);
    this.call('LMSCommit');
  };

  // S12-I1..I4: one journal record per answer at n = _count; .id first, then .type; no commit here
  // (the player saves, and so commits, right after).
  proto.answer = function (i) {
    if (!this.active() || this.mode === 'review' || !i || !i.id) return;
    var n = parseInt(this.get('cmi.interactions._count'), 10) || 0;
    var at = 'cmi.interactions.' + n + '.';
    this.set(at + 'id', String(i.id).replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255));
    this.set(at + 'type', i.type);
    // The right answers of a single choice (a scenario decision may have several) and of a fill-in
    // are alternatives, one pattern each, as in 2004; a multiple choice's are one answer together.
    var right = i.correct || [], single = { choice: (this.questions[i.id] || {}).type !== 'multiple', 'fill-in': 1 };
    (single[i.type] ? right.map(function (k) { return [k]; }) : right.length ? [right] : []).forEach(function (k, n) {
      this.set(at + 'correct_responses.' + n + '.pattern', pattern(i, k));
    }, this);
    this.set(at + 'student_response', pattern(i, i.response || []));
    this.set(at + 'result', i.result);
    this.set(at + 'weighting', String(i.weighting || 0));
    this.set(at + 'latency', timespan(i.latencyMs || 0));
    this.set(at + 'time', clock(i.timestamp || new Date()));
    if (i.graded && this.mode === 'normal') (this.attempts[i.page] = this.attempts[i.page] || {})[i.id] = i.result;
  };

  // S12-D4: an objective id as a CMIIdentifier. Lesson ids are slugs ([a-z0-9-]), so `#` → `_` is
  // one to one: "why-empathy#2" → "why-empathy_2".
  function objectiveId(id) {
    return String(id).replace('#', '_');
  }

  // The submitted attempts' results per objective, before the save that follows them commits
  // (`records`, the player's quiz records, say which were submitted: a blank one has no answers): raw 0-100
  // as the course's score, passed/failed against the same mark (S12-R3). Objectives no graded
  // question assesses get no record: 1.2 declares none in the manifest, and a `not attempted`
  // record would only say so for ever.
  proto.objectives = function (records) {
    var pages = this.attempts, self = this, course = this.course;
    this.attempts = {};
    this.submitted(records).forEach(function (page) { pages[page] = pages[page] || {}; });
    if (this.mode !== 'normal') return;
    Object.keys(pages).forEach(function (page) {
      var found = CF.objectiveShares(course, page, pages[page]), quiz = (course.quizzes || {})[page] || {};
      var mark = self.mastery !== null ? self.mastery : quiz.passingScore == null ? course.masteryScore || 0 : quiz.passingScore;
      Object.keys(found).forEach(function (id) {
        var at = self.objective(objectiveId(id)), raw = found[id].points ? Math.round(found[id].earned * 100 / found[id].points) : 0;
        if (!at) return;
        self.set(at + 'score.raw', String(raw));
        self.set(at + 'score.min', '0');
        self.set(at + 'score.max', '100');
        self.set(at + 'status', raw >= mark ? 'passed' : 'failed');
      });
    });
  };

  // S12-R3/R4: raw 0-100 and passed/failed agreeing with the LMS's mastery score, which it would
  // otherwise use to rewrite the status. A pass from an earlier attempt is never turned into a fail.
  proto.score = function (r) {
    if (!this.active() || this.mode === 'review' || !r) return;
    var raw = Math.max(0, Math.min(100, Math.round(r.raw)));
    var passed = this.mastery !== null ? raw >= this.mastery : !!r.passed;
    if (this.initialStatus === 'passed' && !passed) return;
    this.set('cmi.core.score.raw', String(raw));
    this.set('cmi.core.score.min', '0');
    this.set('cmi.core.score.max', '100');
    if (this.mode === 'normal') this.set('cmi.core.lesson_status', passed ? 'passed' : 'failed');
    this.passed = this.passed || passed;
    this.finished = this.finished || passed && !!this.completed;  // pages still to visit: suspend
  };

  // Q2: on pagehide nothing may need a synchronous request (Chromium refuses synchronous XHR during
  // page dismissal): session_time and exit, then LMSFinish, which persists (scorm-again posts it as a
  // beacon); every commit before carried the same values. From the Exit control the page stays, so
  // a commit comes first for LMSs that persist only on commit (Q1).
  proto.terminate = function (options) {
    if (!this.initialized || this.terminated) return;
    this.stamp(!!(options && options.finished) || this.finished);
    if (options && options.exit) this.call('LMSCommit');
    this.terminated = true;
    this.call('LMSFinish');
  };

  var found = null;
  CF.scorm12 = { findAPI: findAPI, timespan: timespan, clock: clock, pattern: pattern, Adapter: Scorm12Adapter };
  var definition = {
    name: 'scorm12',
    detect: function () {
      found = findAPI();
      return !!found;
    },
    create: function (course) {
      return new Scorm12Adapter(found || findAPI(), course);
    }
  };
  if (typeof CF.registerAdapter === 'function') CF.registerAdapter(definition);
  else (CF.pendingAdapters = CF.pendingAdapters || []).push(definition);
})(window);
