/*
 * courseforge SCORM 2004 4th Edition adapter (classic script). The player talks to it through the
 * adapter interface (init, loadState, saveState, progress, complete, answer, score, media, terminate);
 * it alone knows the LMS API. Checklist items: S04-A1..A4, S04-D1..D4, S04-I1..I3, S04-R1..R5, S04-S5,
 * S04-E1, Q1, Q2, Q8, Q13.
 */
(function (win) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};
  var MAX_LOCATION = 1000;
  var MAX_SUSPEND = 64000;
  var NOT_INITIALIZED = '403';
  // SPMs of correct_responses per interaction type (RTE 4.2.9): more patterns than this may be refused.
  var MAX_PATTERNS = { 'fill-in': 5, choice: 10 };
  var RESULT = { correct: 'correct', wrong: 'incorrect', neutral: 'neutral' };
  // Set on pagehide, heard before the player's own listener (this script runs first): a save made
  // while the page goes away must not Commit, since Chromium refuses its synchronous request (Q2).
  var dismissed = false;
  win.addEventListener('pagehide', function () { dismissed = true; });
  win.addEventListener('pageshow', function () { dismissed = false; });

  // Parents, then the opener (runtime/lmsapi.js).
  function findAPI() {
    return CF.findLmsApi('API_1484_11', 'Initialize');
  }

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  // S04-D2: timeinterval(second,10,2), this session only: PT1H2M3.45S.
  function duration(ms) {
    var cs = Math.max(0, Math.round(ms / 10));
    return 'PT' + Math.floor(cs / 360000) + 'H' + Math.floor(cs / 6000) % 60 + 'M' +
      Math.floor(cs / 100) % 60 + '.' + pad(cs % 100) + 'S';
  }

  // S04-D3: at most 2 fractional digits, the zone after them (toISOString's 3 digits are invalid).
  function timestamp(date) {
    return date.toISOString().slice(0, 22) + 'Z';
  }

  // A localized string on one line; it may not start with "{" (read as a {lang=…} delimiter).
  function text(value, limit) {
    return String(value === null || value === undefined ? '' : value).replace(/\s+/g, ' ').trim()
      .replace(/^\{+/, '').slice(0, limit);
  }

  function id(value) {
    return String(value).replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 250) || 'interaction';
  }

  // S04-I2: true-false answers are the options labelled True/False.
  function truth(i, key) {
    var option = (i.options || []).filter(function (o) { return o.key === key; })[0];
    return String(option ? option.text : key).toLowerCase() === 'true' ? 'true' : 'false';
  }

  // S04-I2: a learner_response (or one correct pattern) in the 2004 format of its type.
  function response(i, type, value) {
    if (type === 'long-fill-in') return text(typeof value === 'string' ? value : value[0], 4000);
    if (type === 'fill-in') return text(typeof value === 'string' ? value : value[0], 250).replace(/\[,\]/g, ',');
    if (type === 'true-false') return truth(i, value[0]);
    if (type === 'likert') return String(value[0] || '');
    return value.map(function (key) { return String(key).replace('.', '[.]'); }).join('[,]');
  }

  function patterns(i, type, question) {
    var correct = i.correct || [];
    if (!correct.length || type === 'likert' || type === 'long-fill-in') return [];
    var one = function (k) { return response(i, type, [k]); };
    if (type === 'fill-in') {
      var prefix = question.caseSensitive ? '{case_matters=true}' : '';
      return correct.slice(0, MAX_PATTERNS['fill-in']).map(function (k) { return prefix + one(k); });
    }
    // Several right options of a single choice (a scenario decision) are alternatives, one pattern each.
    if (type === 'choice' && question.type !== 'multiple') return correct.slice(0, MAX_PATTERNS.choice).map(one);
    return [response(i, type, correct)];
  }

  function Scorm2004Adapter(api, course) {
    this.name = 'scorm2004';
    this.api = api;
    this.course = course || {};
    this.scored = Object.keys(this.course.quizzes || {}).some(function (k) { return course.quizzes[k].graded; });
    this.passing = null;
    this.maxDataLength = MAX_SUSPEND;
    this.mode = 'normal';
    this.initialSuccess = '';
    this.initialized = false;
    this.terminated = false;
    this.finished = false;
    this.startedAt = 0;
    this.attempts = {};  // page id → {question id: result} of the graded answers not yet reported
    this.objectiveAt = null;  // objective id → its index n in cmi.objectives
  }

  var proto = Scorm2004Adapter.prototype;
  // S04-A4/S04-E1: a never-set element answers "" with 403; that is an empty value, not a failure.
  CF.lmsCalls(proto, 'scorm2004', {
    getValue: 'GetValue', setValue: 'SetValue', getLastError: 'GetLastError',
    getErrorString: 'GetErrorString', getDiagnostic: 'GetDiagnostic'
  }, NOT_INITIALIZED);

  proto.writes = function () {
    return this.active() && this.mode === 'normal';
  };

  // S04-A2: Initialize once, then the reads the course needs.
  proto.init = function () {
    if (!this.api) return { connected: false };
    if (!this.call('Initialize')) {
      // Discover again once (the LMS may have replaced its API object), then give up (in the room
      // this tab kept of its launch: a reload after Terminate, runtime/lmsapi.js).
      var again = findAPI();
      if (!again || again === this.api) return this.refused();
      this.api = again;
      if (!this.call('Initialize')) return this.refused();
    }
    this.initialized = true;
    this.startedAt = Date.now();
    // What this browser keeps for the launch (quiz.js's backup, player.js) is this learner's: on a shared
    // browser the next learner's launch neither shows nor removes it. Kept for a reload (runtime/lmsapi.js).
    this.inRoom(this.get('cmi.learner_id'));
    this.mode = this.get('cmi.mode') || 'normal';
    this.initialSuccess = this.get('cmi.success_status');
    this.passed = this.initialSuccess === 'passed';
    var passing = this.scored ? this.get('cmi.scaled_passing_score') : '';
    if (passing !== '' && !isNaN(+passing)) this.passMark = Math.round((this.passing = +passing) * 1e4) / 100;
    var completion = this.get('cmi.completion_status');
    if (this.mode === 'normal' && (completion === 'not attempted' || completion === 'unknown' || completion === '')) {
      // S04-R1: the attempt has started; committed at once so a closed window is not "completed".
      this.set('cmi.completion_status', 'incomplete');
      this.call('Commit');
    }
    return { connected: true };
  };

  proto.loadState = function () {
    var empty = { location: null, data: null, resumed: false };
    if (!this.active()) return empty;
    var resumed = this.get('cmi.entry') === 'resume';
    if (!resumed && this.mode !== 'review') return empty;
    var location = this.get('cmi.location') || null, data = this.get('cmi.suspend_data') || null;
    this.resume(data);
    return { location: location, data: data, resumed: resumed };
  };

  // S04-R4: suspend keeps location and suspend_data for the next launch; normal ends the attempt.
  proto.exitValue = function (finished) {
    return finished ? 'normal' : 'suspend';
  };

  // Every page change commits the state with session_time and exit already current, so the
  // dismissal path needs no request of its own (Q2). `final`: Terminate follows at once and persists.
  proto.saveState = function (snapshot, final) {
    if (!this.active()) return false;
    this.objectives(snapshot && snapshot.quizzes);
    var ok = true;
    var location = snapshot && snapshot.location;
    var data = snapshot && snapshot.data;
    if (location !== null && location !== undefined) ok = this.setWithin('cmi.location', location, MAX_LOCATION) && ok;
    if (this.mode !== 'review') {
      if (data !== null && data !== undefined) ok = this.setWithin('cmi.suspend_data', data, MAX_SUSPEND) && ok;
      ok = this.set('cmi.exit', this.exitValue(this.finished)) && ok;
    }
    this.set('cmi.session_time', duration(Date.now() - this.startedAt));
    return this.saved(dismissed || final ? ok : this.call('Commit') && ok);  // on dismissal, Terminate persists it
  };

  proto.progress = function (p) {
    if (!this.writes() || !p || !p.total) return;
    this.set('cmi.progress_measure', String(Math.round(Math.min(1, p.viewed / p.total) * 10000) / 10000));
  };

  // S04-R1: completed once every page is viewed; success is the assessment's business alone. The
  // attempt is finished (exit normal) once completed and, with a graded quiz, passed too.
  proto.complete = function () {
    if (!this.active()) return;
    this.completed = true;
    if (!this.scored || this.passed) this.finished = true;
    if (this.mode !== 'normal') return;
    this.set('cmi.completion_status', 'completed');
    if (this.finished) this.set('cmi.exit', 'normal');
    this.call('Commit');
  };

  // S04-I1..I3: one journal record per answer at n = _count; .id first, then .type; no commit here
  // (the player saves, and so commits, right after).
  proto.answer = function (i) {
    if (!this.writes() || !i || !i.id) return;
    var question = (this.course.questions || {})[i.id] || {};
    var type = question.type === 'reflection' ? 'long-fill-in' : i.type;
    var at = 'cmi.interactions.' + (parseInt(this.get('cmi.interactions._count'), 10) || 0) + '.';
    this.set(at + 'id', id(i.id));
    this.set(at + 'type', type);
    if (i.prompt) this.set(at + 'description', text(i.prompt, 250));
    this.set(at + 'timestamp', timestamp(i.timestamp || new Date()));
    var self = this;
    patterns(i, type, question).forEach(function (pattern, n) {
      self.set(at + 'correct_responses.' + n + '.pattern', pattern);
    });
    this.set(at + 'weighting', String(i.weighting || 0));
    this.set(at + 'learner_response', response(i, type, i.response || []));
    this.set(at + 'result', RESULT[i.result] || 'neutral');
    this.set(at + 'latency', duration(i.latencyMs || 0));
    // S04-I3: the objectives the question assesses, under cmi.objectives' ids, at most 10.
    (question.objectives || []).slice(0, 10).forEach(function (o, m) { self.set(at + 'objectives.' + m + '.id', o); });
    if (i.graded) (this.attempts[i.page] = this.attempts[i.page] || {})[i.id] = i.result;
  };

  // The submitted attempts' results per objective, before the save that follows them commits
  // (`records`, the player's quiz records, say which were submitted: a blank one has no answers; S04-D
  // table): scaled 0..1 with raw/min/max as the course's score, success against the same mark.
  proto.objectives = function (records) {
    var pages = this.attempts, self = this, course = this.course;
    this.attempts = {};
    this.submitted(records).forEach(function (page) { pages[page] = pages[page] || {}; });
    if (!this.writes()) return;
    Object.keys(pages).forEach(function (page) {
      var found = CF.objectiveShares(course, page, pages[page]), quiz = (course.quizzes || {})[page] || {};
      var mark = self.passing !== null ? self.passing : (quiz.passingScore == null ? course.masteryScore || 0 : quiz.passingScore) / 100;
      Object.keys(found).forEach(function (id) {
        var at = self.objective(id), raw = found[id].points ? Math.round(found[id].earned * 100 / found[id].points) : 0;
        if (!at) return;
        self.set(at + 'score.scaled', String(raw / 100));
        self.set(at + 'score.raw', String(raw));
        self.set(at + 'score.min', '0');
        self.set(at + 'score.max', '100');
        self.set(at + 'success_status', raw / 100 >= mark ? 'passed' : 'failed');
        self.set(at + 'completion_status', 'completed');
      });
    });
  };

  // S04-R2: scaled 0..1 with raw/min/max; success from the LMS's passing score when it has one,
  // since it would otherwise override the SCO. A pass from an earlier session stays a pass.
  proto.score = function (r) {
    if (!this.writes() || !r) return;
    var raw = Math.max(0, Math.min(100, Math.round(r.raw)));
    var scaled = raw / 100;
    var passed = this.passing !== null ? scaled >= this.passing : !!r.passed;
    if (this.initialSuccess === 'passed' && !passed) return;
    this.set('cmi.score.scaled', String(scaled));
    this.set('cmi.score.raw', String(raw));
    this.set('cmi.score.min', '0');
    this.set('cmi.score.max', '100');
    this.set('cmi.success_status', passed ? 'passed' : 'failed');
    this.passed = this.passed || passed;
    this.finished = this.finished || passed && !!this.completed;  // pages still to visit: suspend
  };

  // Scenario clips: as in SCORM 1.2, their position and progress live in suspend_data (CHECKLIST V8).
  proto.media = function () {};

  // S04-S5: leave through the LMS's sequencer: suspend the whole course while unfinished, end it
  // once finished. An LMS without navigation support refuses the element; then nothing navigates.
  proto.navigate = function (finished) {
    return this.set('adl.nav.request', finished ? 'exitAll' : 'suspendAll');
  };

  // Contract: on pagehide only session_time, exit and Terminate (which persists): no Commit, whose
  // synchronous request the browser would refuse during dismissal. The learner's Exit is no
  // dismissal: commit first (Q1), ask the LMS to navigate, then terminate.
  proto.terminate = function (options) {
    if (!this.initialized || this.terminated) return null;
    var finished = !!(options && options.finished) || this.finished;
    var leaving = !!(options && options.exit);
    this.set('cmi.session_time', duration(Date.now() - this.startedAt));
    if (this.mode !== 'review') this.set('cmi.exit', this.exitValue(finished));
    var navigating = leaving && this.navigate(finished);
    if (leaving) this.call('Commit');
    this.terminated = true;
    return this.call('Terminate') && navigating ? { navigating: true } : null;
  };

  var found = null;
  CF.scorm2004 = { findAPI: findAPI, duration: duration, timestamp: timestamp, response: response,
    Adapter: Scorm2004Adapter };
  var definition = {
    name: 'scorm2004',
    detect: function () {
      found = findAPI();
      return !!found;
    },
    create: function (course) {
      return new Scorm2004Adapter(found || findAPI(), course);
    }
  };
  if (typeof CF.registerAdapter === 'function') CF.registerAdapter(definition);
  else (CF.pendingAdapters = CF.pendingAdapters || []).push(definition);
})(window);
