/*
 * courseforge player state codec (classic script; also loadable with node's require).
 * encode(state) -> string; decode(string, total?) -> state (never throws: garbage gives fresh());
 * fit(state, limit) -> {data, dropped, backup, quizzes}: the encoding made to fit the adapter's limit,
 * and a copy of the quiz records (their attempts, submitted or not), which a save tells the adapter of
 * even when no encoding fits.
 *
 * state = {version: 3, current, viewed: [page index], ext: {letter: string}, checks: [answer],
 *   quizzes: {page index: {attempt, seed, submitted, score, graded (not stored), answers: [answer]}},
 *   scenarios: {page index: {done (experienced), scene (current scene id, '' after an ending),
 *   time (its video position, s), progress (0..1 of its video watched), seed (its options' order),
 *   path (the choices made this attempt: per decision met, its chosen option's index in base 36)}}}
 * An answer is null, a text, or one key per chosen option (sorted) / matched item (target key) /
 * ordered item (position n as key n-1), '' where none. checks: lesson questions in page order;
 * quiz answers: the page's question order.
 * Wire: "3.c<current>.v<viewed bitset, base64url>.a<quizzes>.k<checks>.s<scenarios>", numbers base 36.
 * A course of thousands of pages writes "r<viewed runs>" for "v" when shorter: "first-last" or one
 * page, joined by "~" (its bitset, a character per 6 pages, would not fit SCORM 1.2's 4096).
 * Scenarios: "page~d(one)~scene~time in tenths of a second~progress in percent~seed~path" joined by
 * "!" (records without the seed or the path, as earlier players wrote them, still decode). Quizzes:
 * "page~attempt~seed~s(ubmitted)~score~answer~…" joined by "!"; checks: answers joined by "~";
 * trailing empty answers left out. Answer: keys ('_' for none), or "*" + text with [A-Za-z0-9] kept,
 * space "_", other characters "-" + 2 or "--" + 4 base-36 digits. Unknown letters are kept in ext
 * and written back; versions 1 ("1.c….v…") and 2 (no scenarios) still decode. Only [A-Za-z0-9._~!*-]
 * is written.
 */
(root => {
  'use strict';

  var VERSION = '3';
  var SCENE = /^[a-z0-9-]{0,63}$/;
  var PATH = /^[0-9a-z]{0,100}$/;
  var PAYLOAD = /^[A-Za-z0-9_~!*-]*$/;
  var MAX_PAGES = 100000;

  // Not what encode writes: decode's catch turns it into fresh().
  function bad() { throw new Error('not a courseforge state'); }

  function fresh() {
    return { version: 3, current: 0, viewed: [], ext: {}, quizzes: {}, checks: [], scenarios: {} };
  }

  // The viewed bitset as base64url without padding (atob rejects a length of 4n + 1, as it should).
  function bytesToBase64url(bytes) {
    var text = btoa(String.fromCharCode.apply(null, bytes));  // at most MAX_PAGES / 8 arguments
    return text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '');
  }

  function base64urlToBytes(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) bad();
    return atob(text.replace(/-/g, '+').replace(/_/g, '/')).split('').map(c => c.charCodeAt(0));
  }

  function isIndex(n) {
    return typeof n === 'number' && n >= 0 && n < MAX_PAGES && Math.floor(n) === n;
  }

  function number(n) {
    return typeof n === 'number' && n >= 0 && n < 2147483648 && Math.floor(n) === n ? n.toString(36) : '';
  }

  function readNumber(text) {
    if (!/^[0-9a-z]{0,7}$/.test(text)) bad();
    return text ? parseInt(text, 36) : null;
  }

  function encodeAnswer(a) {
    if (typeof a === 'string') {
      return a && '*' + a.replace(/[^A-Za-z0-9]/g, c => {
        var n = c.charCodeAt(0);
        return c === ' ' ? '_' : n < 1296 ? '-' + ('0' + n.toString(36)).slice(-2) : '--' + ('000' + n.toString(36)).slice(-4);
      });
    }
    return (a || []).map(key => /^[0-9a-z]$/.test(key) ? key : '_').join('');
  }

  function decodeAnswer(text) {
    if (!text) return null;
    if (text.charAt(0) !== '*') {
      if (!/^[0-9a-z_]+$/.test(text)) bad();
      return text.split('').map(c => c === '_' ? '' : c);
    }
    text = text.slice(1);
    if (!/^([A-Za-z0-9_]|-[0-9a-z]{2}|--[0-9a-z]{4})*$/.test(text)) bad();
    return text.replace(/_|--(....)|-(..)/g, (all, long, short) =>
      all === '_' ? ' ' : String.fromCharCode(parseInt(long || short, 36)));
  }

  function answers(list) {
    list = (list || []).map(encodeAnswer);
    while (list.length && !list[list.length - 1]) list.pop();
    return list;
  }

  function encode(state) {
    state = state || {};
    var current = isIndex(state.current) ? state.current : 0;
    var bytes = [];
    var viewed = state.viewed || [];
    for (var i = 0; i < viewed.length; i++) {
      var n = viewed[i];
      if (!isIndex(n)) continue;
      while (bytes.length <= n >> 3) bytes.push(0);
      bytes[n >> 3] |= 1 << (n & 7);
    }
    var v = bytesToBase64url(bytes), runs = [], first = -1;
    for (i = 0; i <= bytes.length * 8; i++) {
      if (bytes[i >> 3] & (1 << (i & 7))) { if (first < 0) first = i; } else if (first >= 0) {
        runs.push(number(first) + (i - 1 > first ? '-' + number(i - 1) : ''));
        first = -1;
      }
    }
    runs = runs.join('~');
    // Smaller courses' state reads as it always did.
    var fields = [VERSION, 'c' + current.toString(36), v.length > 512 && runs.length < v.length ? 'r' + runs : 'v' + v];
    var records = (key, map, write) => {
      map = map || {};
      var list = Object.keys(map).filter(p => isIndex(+p)).sort((a, b) => a - b)
        .map(p => [number(+p)].concat(write(map[p])).join('~'));
      if (list.length) fields.push(key + list.join('!'));
    };
    records('a', state.quizzes, q =>
      [number(q.attempt), number(q.seed), q.submitted ? 's' : '', number(q.score)].concat(answers(q.answers)));
    var checks = answers(state.checks);
    if (checks.length) fields.push('k' + checks.join('~'));
    records('s', state.scenarios, s => {
      var path = PATH.test(s.path || '') ? s.path || '' : '';
      return [s.done ? 'd' : '', SCENE.test(s.scene) ? s.scene : '', number(Math.round(s.time * 10)),
        number(Math.round(Math.min(1, s.progress) * 100))].concat(s.seed || path ? [s.seed ? number(s.seed) : ''] : [],
        path ? [path] : []);
    });
    var ext = state.ext || {};
    Object.keys(ext).sort().forEach(key => {
      var value = String(ext[key]);
      if (/^[bd-jl-qtuw-z]$/.test(key) && PAYLOAD.test(value)) fields.push(key + value);
    });
    return fields.join('.');
  }

  function decode(text, total) {
    try {
      if (typeof text !== 'string' || text.length > 65536) return fresh();
      var fields = text.split('.');
      var v2 = fields[0] === '2' || fields[0] === VERSION;
      if (!v2 && fields[0] !== '1') return fresh();
      var state = fresh();
      for (var f = 1; f < fields.length; f++) {
        var key = fields[f].charAt(0);
        var value = fields[f].slice(1);
        if (!/^[a-z]$/.test(key) || !(v2 ? PAYLOAD : /^[A-Za-z0-9_-]*$/).test(value)) return fresh();
        if (key === 'c') {
          if (!/^[0-9a-z]{1,4}$/.test(value)) return fresh();
          state.current = parseInt(value, 36);
        } else if (key === 'v') {
          var bytes = base64urlToBytes(value);
          for (var b = 0; b < bytes.length; b++) {
            for (var bit = 0; bit < 8; bit++) if (bytes[b] & (1 << bit)) state.viewed.push(b * 8 + bit);
          }
        } else if (key === 'r') {
          value.split('~').forEach(run => {
            var ends = run.split('-'), n = readNumber(ends[0]), last = ends.length > 1 ? readNumber(ends[1]) : n;
            if (ends.length > 2 || !isIndex(n) || !isIndex(last) || last < n) bad();
            for (; n <= last; n++) state.viewed.push(n);
          });
        } else if (v2 && key === 'a') {
          value.split('!').forEach(record => {
            var p = record.split('~');
            if (p.length < 5 || !p[0]) bad();
            state.quizzes[readNumber(p[0])] = { attempt: readNumber(p[1]) || 1, seed: readNumber(p[2]) || 0,
              submitted: p[3] === 's', score: readNumber(p[4]), answers: p.slice(5).map(decodeAnswer) };
          });
        } else if (v2 && key === 'k') {
          state.checks = value.split('~').map(decodeAnswer);
        } else if (fields[0] === VERSION && key === 's') {
          value.split('!').forEach(record => {
            var p = record.split('~');
            if (p.length < 5 || p.length > 7 || !p[0] || !SCENE.test(p[2])) bad();
            var record = state.scenarios[readNumber(p[0])] = { done: p[1] === 'd', scene: p[2], time: readNumber(p[3]) / 10,
              progress: Math.min(1, readNumber(p[4]) / 100) };
            if (p[5]) record.seed = readNumber(p[5]);
            if (p[6] && PATH.test(p[6])) record.path = p[6];
          });
        } else {
          state.ext[key] = value;
        }
      }
      if (typeof total === 'number' && total >= 0) {
        state.viewed = state.viewed.filter(n => n < total);
        if (state.current >= total) state.current = 0;
        for (var p in state.quizzes) if (+p >= total) delete state.quizzes[p];
        for (p in state.scenarios) if (+p >= total) delete state.scenarios[p];
      }
      return state;
    } catch (e) {
      return fresh();
    }
  }

  // Over the limit, these go in turn until the encoding fits: knowledge-check texts, ungraded
  // pages' (surveys') texts, all knowledge checks, all ungraded pages' answers, the answers of
  // submitted graded attempts (their interactions and score are recorded), the texts of graded
  // attempts in progress, and last the viewed marks of the later pages (a course of tens of
  // thousands). Graded texts are never cut short: `backup` ({page: {question: text}}) hands them to
  // the player to keep elsewhere. Keys of graded attempts in progress are never dropped: if they
  // alone do not fit, data is null (nothing saved).
  function fit(state, limit) {
    var work = JSON.parse(JSON.stringify(state)), backup = {}, dropped = [];
    var quizzes = work.quizzes || {}, data = encode(work);
    var text = a => typeof a === 'string' ? null : a;
    var none = () => null;
    var each = (which, change) => {
      Object.keys(quizzes).forEach(p => {
        var q = quizzes[p];
        if (which(q)) q.answers = (q.answers || []).map((a, i) => change(a, i, p));
      });
    };
    var steps = {
      'check texts': () => { work.checks = (work.checks || []).map(text); },
      'survey texts': () => { each(q => !q.graded, text); },
      'knowledge checks': () => { work.checks = []; },
      'survey answers': () => { each(q => !q.graded, none); },
      'submitted answers': () => { each(q => q.graded && q.submitted, none); },
      'graded texts': () => {
        each(q => q.graded && !q.submitted, (a, i, p) => {
          if (typeof a === 'string' && a) (backup[p] = backup[p] || {})[i] = a;
          return text(a);
        });
      },
      // Tens of thousands of pages viewed here and there: the marks of the later pages (the player
      // lists them in page order) go, halves at a time.
      'viewed pages': () => {
        while (work.viewed.length && encode(work).length > limit) work.viewed.length >>= 1;
      }
    };
    for (var step in steps) {
      if (!limit || data.length <= limit) break;
      steps[step]();
      dropped.push(step);
      data = encode(work);
    }
    return { data: !limit || data.length <= limit ? data : null, dropped: dropped, backup: backup, quizzes: quizzes };
  }

  var api = { encode: encode, decode: decode, fresh: fresh, fit: fit };
  if (root) {
    root.Courseforge = root.Courseforge || {};
    root.Courseforge.state = api;
  }
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
})(typeof window !== 'undefined' ? window : typeof globalThis !== 'undefined' ? globalThis : null);
