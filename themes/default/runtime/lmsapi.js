/*
 * What the SCORM 1.2 and 2004 adapters share. Finding the LMS's API object (CHECKLIST S12-A1,
 * S04-A1): through this window's parents first, then through the opener's (a course launched in a
 * popup), a bounded climb in which every property access is guarded: a cross-origin window throws.
 * And calling it: the two editions name their calls differently but use them the same way; their
 * objective records (cmi.objectives) are alike too.
 */
(function (win) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};
  var MAX_CLIMB = 500;

  function parentOf(w) {
    try {
      var p = w.parent;
      return p && p !== w ? p : null;
    } catch (e) {
      return null;
    }
  }

  function openerOf(w) {
    try { return w && w.opener ? w.opener : null; } catch (e) { return null; }
  }

  // `name`: the API object's name (API, API_1484_11); `method`: one it must have to count.
  CF.findLmsApi = function (name, method) {
    function apiOn(w) {
      try {
        var api = w[name];
        if (api && typeof api[method] === 'function') return api;
      } catch (e) { /* cross-origin */ }
      return null;
    }
    function climb(w) {
      for (var i = 0; w && i <= MAX_CLIMB; i++) {
        var api = apiOn(w);
        if (api) return api;
        w = parentOf(w);
      }
      return null;
    }
    var api = climb(win) || climb(openerOf(win));
    if (!api) {
      var top = null;
      try { top = win.top; } catch (e) { /* ignore */ }
      api = climb(openerOf(top));
    }
    return api;
  };

  // An attempt's result per objective its graded questions assess (render.py names them): the share of
  // their points earned, an unanswered question counting as wrong as in the page's score. The
  // attempt's questions are those its page shows (a draw hides the others).
  CF.objectiveShares = function (course, page, results) {
    var out = {}, doc = win.document, quiz = (course.quizzes || {})[page] || {};
    (quiz.questions || []).forEach(function (id) {
      var q = (course.questions || {})[id] || {}, node = doc && doc.getElementById('q-' + id);
      if (!q.graded || node && node.hidden) return;
      (q.objectives || []).forEach(function (o) {
        var s = out[o] = out[o] || { earned: 0, points: 0 };
        s.points += q.points;
        if (results[id] === 'correct') s.earned += q.points;
      });
    });
    return out;
  };

  // Gives an adapter's prototype the guarded calls (lastError, report, call, get, set, setWithin,
  // active) under its edition's names: `names` maps getValue, setValue, getLastError, getErrorString
  // and getDiagnostic to the API's own; `quiet`: an error code get() takes for an empty value.
  // Results are strings and only "true" is success; a failure is read (code, string, diagnostic),
  // logged, and the course carries on (S12-A2, S12-A4, S04-A1).
  CF.lmsCalls = function (proto, tag, names, quiet) {
    function warn(message) {
      try { win.console.warn('[courseforge ' + tag + '] ' + message); } catch (e) { /* no console */ }
    }

    proto.lastError = function () {
      try { return String(this.api[names.getLastError]()); } catch (e) { return ''; }
    };

    proto.report = function (what, code) {
      var api = this.api;
      var message = '';
      var diagnostic = '';
      try { message = String(api[names.getErrorString](code)); } catch (e) { /* ignore */ }
      try { diagnostic = String(api[names.getDiagnostic](code)); } catch (e) { /* ignore */ }
      warn(what + ' failed: error ' + code + (message ? ' (' + message + ')' : '') +
        (diagnostic && diagnostic !== message ? ': ' + diagnostic : ''));
    };

    // An objective's record (cmi.objectives.n, the same in both editions): found by id, as the LMS
    // may have made it (from a 2004 manifest, or in an earlier session), else added at n = _count; so a
    // retake or a resumed attempt updates it in place.
    proto.objective = function (id) {
      var at = this.objectiveAt, n;
      if (!at) {
        at = this.objectiveAt = {};
        for (n = parseInt(this.get('cmi.objectives._count'), 10) || 0; n--;) at[this.get('cmi.objectives.' + n + '.id')] = n;
      }
      if (!(id in at)) {
        n = parseInt(this.get('cmi.objectives._count'), 10) || 0;
        if (!this.set('cmi.objectives.' + n + '.id', id)) return null;
        at[id] = n;
      }
      return 'cmi.objectives.' + at[id] + '.';
    };

    // The graded pages submitted since the last save, as the player's quiz records say ({page index:
    // {attempt, submitted, …}}, state.js): those a save carries, whether or not its state fit the
    // LMS's limit, or the resumed state's. A blank attempt sends no answer that would tell. `seen`:
    // each page's last submitted attempt, the resumed state's included, so that none is reported
    // twice (the second time as blank).
    proto.submitted = function (records) {
      var seen = this.seen = this.seen || {}, lessons = this.course.lessons || [], quizzes = this.course.quizzes || {};
      return Object.keys(records || {}).filter(function (p) {
        var r = records[p], page = quizzes[(lessons[p] || {}).id], was = seen[p];
        if (r.submitted) seen[p] = r.attempt;
        return r.submitted && was !== r.attempt && page && page.graded;
      }).map(function (p) { return lessons[p].id; });
    };

    // What a resumed session's state (`data`, suspend_data) submitted was reported in its own session.
    proto.resume = function (data) {
      if (CF.state) this.submitted(CF.state.decode(data).quizzes);
    };

    // Initialize, Commit, Terminate and their 1.2 names: one empty-string argument.
    proto.call = function (fn) {
      var result;
      try {
        result = this.api[fn]('');
      } catch (e) {
        warn(fn + ' threw: ' + e);
        return false;
      }
      if (String(result) === 'true') return true;
      this.report(fn + '("")', this.lastError());
      return false;
    };

    proto.get = function (element) {
      var value;
      try {
        value = this.api[names.getValue](element);
      } catch (e) {
        warn(names.getValue + '("' + element + '") threw: ' + e);
        return '';
      }
      var code = this.lastError();
      if (code && code !== '0' && code !== quiet) this.report(names.getValue + '("' + element + '")', code);
      return value === null || value === undefined ? '' : String(value);
    };

    proto.set = function (element, value) {
      var result;
      try {
        result = this.api[names.setValue](element, String(value));
      } catch (e) {
        warn(names.setValue + '("' + element + '") threw: ' + e);
        return false;
      }
      if (String(result) === 'true') return true;
      this.report(names.setValue + '("' + element + '", "' + value + '")', this.lastError());
      return false;
    };

    // S12-D1/D3, S04-D1: a value over its limit is refused, never truncated; the LMS keeps the previous one.
    proto.setWithin = function (element, value, limit) {
      value = String(value);
      if (value.length <= limit) return this.set(element, value);
      warn(element + ' of ' + value.length + ' characters refused (limit ' + limit + ')');
      return false;
    };

    // A save the LMS refused (a failed commit) is said in the player's header until one goes
    // through (each save sends everything again); only the SCORM adapters hear of such a refusal.
    proto.saved = function (ok) {
      var note = win.document && win.document.getElementById('cf-unsaved');  // none where tests run it bare
      if (note) note.hidden = ok;
      return ok;
    };

    proto.active = function () {
      return this.initialized && !this.terminated;
    };

    // The launch's room (player.js) is its learner's, whom the LMS names only in a session it starts
    // (no learner id: the course's own keys, as always). It is kept for the tab, in sessionStorage,
    // which a reload of this tab finds and no other tab does: the frame reloaded after LMSFinish or
    // Terminate, which the LMS refuses to start again, carries on in its launch's room. A tab that kept
    // none (no launch started in it, no sessionStorage) gets a room of its own, never the course's keys:
    // there one learner's leftovers would show to the next on a shared browser.
    proto.inRoom = function (learner) {
      CF.room = learner ? ' ' + learner : '';
      try { win.sessionStorage.setItem(roomKey(this.course), CF.room); } catch (e) { /* no sessionStorage */ }
    };

    proto.refused = function () {
      var key = roomKey(this.course), room = ' tab ' + Math.random().toString(36).slice(2);
      try {
        var kept = win.sessionStorage.getItem(key);
        if (kept === null) win.sessionStorage.setItem(key, room);
        else room = kept;
      } catch (e) { /* no sessionStorage: this page's own room */ }
      CF.room = room;
      return { connected: false };
    };
  };

  function roomKey(course) {
    return 'courseforge:room:' + course.id + '@' + course.version;
  }
})(window);
