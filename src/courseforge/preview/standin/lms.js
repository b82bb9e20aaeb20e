/*
 * The preview's stand-in SCORM LMS: the API object (SCORM 1.2 `API`, SCORM 2004 `API_1484_11`) over a
 * flat data model kept in localStorage, so the learner survives relaunches and page reloads. It is a
 * preview, not a conformance test (that is scorm-again's job in the end-to-end tests): it accepts what
 * it is given and reports every call but the error readers to `onCall(name, element, value, data, refused)`
 * (`refused`: the error code and its text when the call failed, else '').
 */
(function (win) {
  'use strict';

  // Time spans in hundredths of a second, as each standard writes them: SCORM 1.2's HHHH:MM:SS.SS
  // and SCORM 2004's ISO 8601 duration (a year taken as 365 days, a month as 30, as LMSs do).
  // `parse` gives null for a value the standard does not allow.
  function pad(n, width) { return String(n).padStart(width, '0'); }

  var CLOCK_SPAN = {
    parse: function (text) {
      var got = /^(\d{2,4}):([0-5]\d):([0-5]\d)(\.\d{1,2})?$/.exec(text);
      return got && ((Number(got[1]) * 60 + Number(got[2])) * 60 + Number(got[3])) * 100 +
        Math.round(Number(got[4] || 0) * 100);
    },
    format: function (hundredths) {
      var seconds = Math.floor(hundredths / 100);
      return pad(Math.min(9999, Math.floor(seconds / 3600)), 4) + ':' + pad(Math.floor(seconds / 60) % 60, 2) + ':' +
        pad(seconds % 60, 2) + '.' + pad(hundredths % 100, 2);
    }
  };

  var NUMBER = '(\\d+(?:\\.\\d+)?)';
  var ISO_SPAN = {
    pattern: new RegExp('^P(?:' + NUMBER + 'Y)?(?:' + NUMBER + 'M)?(?:' + NUMBER + 'D)?(?:T(?:' + NUMBER + 'H)?(?:' +
      NUMBER + 'M)?(?:' + NUMBER + 'S)?)?$'),
    seconds: [31536000, 2592000, 86400, 3600, 60, 1],
    parse: function (text) {
      var got = this.pattern.exec(text), total = 0;
      if (!got || text === 'P' || /T$/.test(text)) return null;
      for (var i = 0; i < this.seconds.length; i++) total += Number(got[i + 1] || 0) * this.seconds[i];
      return Math.round(total * 100);
    },
    format: function (hundredths) {
      var seconds = Math.floor(hundredths / 100), rest = hundredths % 100;
      return 'PT' + Math.floor(seconds / 3600) + 'H' + Math.floor(seconds / 60) % 60 + 'M' + seconds % 60 +
        (rest ? '.' + pad(rest, 2) : '') + 'S';
    }
  };

  var MODELS = {
    scorm12: {
      global: 'API', prefix: 'LMS', finish: 'Finish', entry: 'cmi.core.entry', exit: 'cmi.core.exit',
      session: 'cmi.core.session_time', total: 'cmi.core.total_time', timespan: CLOCK_SPAN,
      limits: { 'cmi.suspend_data': 4096 },  // CMIString4096
      notOpen: '301', errors: { 0: 'No error', 101: 'General exception', 301: 'Not initialized' },
      defaults: function (course) {
        return { 'cmi.core.student_id': 'preview', 'cmi.core.student_name': 'Learner, Preview',
          'cmi.core.lesson_location': '', 'cmi.core.credit': 'credit', 'cmi.core.lesson_status': 'not attempted',
          'cmi.core.entry': 'ab-initio', 'cmi.core.score.raw': '', 'cmi.core.total_time': '0000:00:00.00',
          'cmi.core.lesson_mode': 'normal', 'cmi.suspend_data': '', 'cmi.launch_data': '',
          'cmi.student_data.mastery_score': this.packaged(course)['cmi.student_data.mastery_score'],
          'cmi.interactions._count': '0', 'cmi.objectives._count': '0' };
      },
      packaged: function (course) {
        return { 'cmi.student_data.mastery_score': course.masteryScore == null ? '' : String(course.masteryScore) };
      }
    },
    scorm2004: {
      global: 'API_1484_11', prefix: '', finish: 'Terminate', entry: 'cmi.entry', exit: 'cmi.exit',
      session: 'cmi.session_time', total: 'cmi.total_time', timespan: ISO_SPAN,
      limits: { 'cmi.suspend_data': 64000 },  // the smallest permitted maximum an LMS must keep
      // A session that ends other than suspended ends the learner's attempt: the next launch begins
      // a new one, with a new data model (SCORM 1.2 leaves this to the LMS; most keep the data).
      attempts: true,
      notOpen: '122', errors: { 0: 'No error', 101: 'General exception', 122: 'Not initialized' },
      defaults: function (course) {
        return { 'cmi.learner_id': 'preview', 'cmi.learner_name': 'Learner, Preview', 'cmi.location': '',
          'cmi.credit': 'credit', 'cmi.completion_status': 'unknown', 'cmi.success_status': 'unknown',
          'cmi.entry': 'ab-initio', 'cmi.mode': 'normal', 'cmi.suspend_data': '', 'cmi.launch_data': '',
          'cmi.total_time': 'PT0S', 'cmi.interactions._count': '0', 'cmi.objectives._count': '0',
          'cmi.scaled_passing_score': this.packaged(course)['cmi.scaled_passing_score'] };
      },
      packaged: function (course) {
        return { 'cmi.scaled_passing_score': course.masteryScore == null ? '' : String(course.masteryScore / 100) };
      }
    }
  };
  var COUNTED = /^(cmi\.(?:interactions|objectives))\.(\d+)\./;

  function PreviewLMS(kind, key, course, onCall) {
    this.model = MODELS[kind];
    this.course = course;
    this.key = key;
    this.onCall = onCall;
    this.data = this.kept() || this.model.defaults(course);
    this.error = '0';
    this.open = false;
    this.detached = false;  // a reset learner's old session must not write itself back
  }

  var P = PreviewLMS.prototype;

  // Each launch is of the latest build: the values an LMS takes from the package (the mastery score)
  // follow course.yml, as they would once the new package is imported.
  P.install = function (course) {
    var t = this, m = t.model, api = {};
    t.course = course;
    Object.assign(t.data, m.packaged(course));
    api[m.prefix + 'Initialize'] = function () { return t.initialize(); };
    api[m.prefix + m.finish] = function () { return t.finish(); };
    api[m.prefix + 'GetValue'] = function (element) { return t.get(String(element)); };
    api[m.prefix + 'SetValue'] = function (element, value) { return t.set(String(element), String(value)); };
    api[m.prefix + 'Commit'] = function () { return t.commit('Commit'); };
    api[m.prefix + 'GetLastError'] = function () { return t.error; };
    api[m.prefix + 'GetErrorString'] = function (code) { return m.errors[code] || ''; };
    api[m.prefix + 'GetDiagnostic'] = function (code) { return m.errors[code] || ''; };
    win.API = win.API_1484_11 = undefined;
    win[m.global] = api;
  };

  P.kept = function () {
    try { return JSON.parse(win.localStorage.getItem(this.key)); } catch (e) { return null; /* private mode */ }
  };

  P.initialize = function () {
    // Read again as the session starts: another tab of the preview that gave up the course for this
    // launch kept its learner's data as its course ended, after this LMS was made.
    var kept = this.detached ? null : this.kept();
    if (kept) this.data = Object.assign(kept, this.model.packaged(this.course));
    var m = this.model, ended = m.attempts && Object.prototype.hasOwnProperty.call(this.data, m.exit) &&
      this.data[m.exit] !== 'suspend';
    this.open = true;
    this.error = '0';
    if (ended) this.data = m.defaults(this.course);
    delete this.data[m.session];  // the last session's length is in total_time now
    this.data[m.entry] = this.data[m.exit] === 'suspend' ? 'resume' : this.started && !ended ? '' : 'ab-initio';
    this.started = true;
    this.onCall('Initialize', '', '', this.data, '');
    return 'true';
  };

  P.get = function (element) {
    if (!this.open) return this.fail(this.model.notOpen, '', 'GetValue', element, '');
    this.error = '0';
    var value = Object.prototype.hasOwnProperty.call(this.data, element) ? this.data[element] : '';
    this.onCall('GetValue', element, value, this.data, '');
    return value;
  };

  P.set = function (element, value) {
    if (!this.open) return this.fail(this.model.notOpen, 'false', 'SetValue', element, value);
    var counted = COUNTED.exec(element);
    if (counted && Number(counted[2]) >= Number(this.data[counted[1] + '._count'] || 0)) {
      this.data[counted[1] + '._count'] = String(Number(counted[2]) + 1);
    }
    this.data[element] = value;
    this.error = '0';
    this.onCall('SetValue', element, value, this.data, '');
    return 'true';
  };

  P.commit = function (name) {
    if (!this.open) return this.fail(this.model.notOpen, 'false', name, '', '');
    this.save();
    this.onCall(name, '', '', this.data, '');
    return 'true';
  };

  // As an LMS does when a session ends: its length joins the learner's total time.
  P.finish = function () {
    var m = this.model, spent = this.open ? m.timespan.parse(this.data[m.session] || '') : null;
    if (spent !== null) this.data[m.total] = m.timespan.format((m.timespan.parse(this.data[m.total]) || 0) + spent);
    var done = this.commit(m.finish);
    this.open = false;
    return done;
  };

  // A call the LMS refuses (made before Initialize or after the session ended) is shown too: it is
  // often the bug being looked for.
  P.fail = function (code, result, name, element, value) {
    this.error = code;
    this.onCall(name, element, value, this.data, code + ' ' + this.model.errors[code]);
    return result;
  };

  P.save = function () {
    if (this.detached) return;
    try { win.localStorage.setItem(this.key, JSON.stringify(this.data)); } catch (e) { /* kept in memory */ }
  };

  P.forget = function () {
    this.detached = true;
    try { win.localStorage.removeItem(this.key); } catch (e) { /* nothing kept */ }
  };

  win.PreviewLMS = PreviewLMS;
  win.PreviewLMS.kinds = Object.keys(MODELS);
})(window);
