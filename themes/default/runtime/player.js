/*
 * courseforge player (classic script, no build step). Knows no e-learning standard: it shows one
 * lesson at a time, tracks which lessons were viewed and talks to whichever adapter registered
 * (runtime/adapters/*.js) through Courseforge.registerAdapter. Adapter methods may return values
 * or Promises; the player awaits them one after the other. What surrounds the pages (cover, menu
 * states, progress, course summary) is runtime/screens.js.
 *
 * An adapter whose launch covers one page of the course, not all of it, names that page by its id
 * (`scope`): the player then shows that page alone, without the cover, the menu or a way to another
 * page, and after it the summary of that page with its way out (`covers`).
 *
 * An adapter that finds its launch names it in Courseforge.room (' ' + what tells the launch apart, as
 * soon as it starts: xAPI before any answer of the LMS, SCORM from the learner id once connected, before
 * any state is read): what this browser keeps for the launch (the standalone adapter's progress when the
 * launch cannot start, quiz.js's backup of graded texts) is keyed with it, so that one registration's,
 * AU's or learner's record never shows in another. No room (a course opened from file://, an LMS that
 * names no learner): the keys are those of the course alone, as they always were. Every such record
 * is read and written through Courseforge.keep (below), which makes room for it in a full origin.
 *
 * Written small, as every runtime file: packages ship them minified but not renamed, and each byte
 * counts against the theme's budget (tests/test_theme_size.py). Hence classes, arrow callbacks and
 * `t` for `this` in a method using it more than once; every browser the player runs in has them.
 */
(function (win, doc) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};
  var adapters = [];

  CF.registerAdapter = definition => {
    if (definition && definition.name && typeof definition.create === 'function') adapters.push(definition);
  };
  (CF.pendingAdapters || []).forEach(CF.registerAdapter);
  CF.pendingAdapters = [];

  function warn(message, error) {
    try { win.console.warn('[courseforge] ' + message + (error ? ': ' + error : '')); } catch (e) { /* none */ }
  }

  function readJSON(id) {
    var node = doc.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { warn('cannot read #' + id, e); return null; }
  }

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (all, key) =>
      Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all);
  }
  CF.format = format;

  // What this browser keeps for a launch in localStorage (xapi.js's statement queue and State copy,
  // quiz.js's backup, the standalone adapter's progress) goes through keep: keep(key) reads a record
  // (JSON, else null), keep(key, value) writes it (null removes it) and says whether it is stored.
  // The courses of an LMS usually share one origin and its quota (Chromium: some 5 million characters)
  // and records outlive their launch, so `courseforge:used` holds when a page first wrote each (not a
  // queue: one holding statements is never removed, an empty one is garbage), and a write that does
  // not fit removes records of other launches until it fits: empty queues first, then the least
  // recently written (an older player's records have no time: the oldest), backups of graded texts
  // last. Never removed: what this page read or wrote (its launch's), a queue holding statements
  // (they are never dropped), the preview's records (courseforge:preview:…), other keys of the origin.
  var USED = 'courseforge:used', mine = {};
  CF.keep = (key, value) => {
    var s, u, list, gone, ok, stamp;
    var used = () => {
      if (!u) {
        try { u = JSON.parse(s.getItem(USED)); } catch (e) { /* garbage: no times */ }
        u = u && u.constructor == Object ? u : {};
      }
      return u;
    };
    // The records a write may make room with, the first to go first: [rank, time, key].
    var others = () => {
      var l = [], i, k, v;
      used();
      for (i = 0; i < s.length; i++) {
        v = s.getItem(k = s.key(i));
        if (/^courseforge(-backup)?:(?!preview:|used$)/.test(k) && !mine[k] && (v[0] != '[' || v == '[]')) {
          l.push([v == '[]' ? 0 : /^courseforge-/.test(k) ? 2 : 1, +u[k] || 0, k]);
        }
      }
      return l.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    };
    var put = (k, v) => {
      for (;;) {
        try {
          v == null ? s.removeItem(k) : s.setItem(k, v);
          return true;
        } catch (e) {
          if (!(list = list || others())[0]) return false;
          s.removeItem(gone = list.shift()[2]);
          delete u[gone];
        }
      }
    };
    try {
      s = win.localStorage;
      mine[key] = mine[key] || 1;
      if (value === undefined) return JSON.parse(s.getItem(key));
      ok = put(key, value == null ? null : JSON.stringify(value));
      stamp = ok && value != null && !value.map && mine[key] != 2;
      // A record removed is stamped again once written again: the index forgets what is gone.
      mine[key] = value == null ? 1 : stamp ? 2 : mine[key];
      if (stamp || gone) {
        used();
        if (stamp) u[key] = Date.now();
        for (var k in u) if (s.getItem(k) == null) delete u[k];
        put(USED, JSON.stringify(u));
      }
      return ok;
    } catch (e) {
      return value === undefined ? null : false;
    }
  };

  // Adapter choice: every adapter that detects its environment, standard ones before the fallback.
  // `narrow` hears the page a launch covers as soon as the adapter knows it (from its launch URL),
  // before the LMS answers: no menu or cover shows meanwhile, for a click to lead off that page.
  function connect(course, narrow) {
    var ordered = adapters.filter(a => !a.fallback)
      .concat(adapters.filter(a => a.fallback));
    var i = 0;
    function next() {
      if (i >= ordered.length) return Promise.resolve({ adapter: null, connected: false });
      var definition = ordered[i++];
      var detected = false;
      try { detected = !!definition.detect(); } catch (e) { warn(definition.name + ' detect failed', e); }
      if (!detected) return next();
      // An LMS launched the course, yet its session did not start (one ended by a reload, say).
      if (!definition.fallback) CF.refused = 1;
      var adapter;
      return Promise.resolve()
        .then(() => {
          adapter = definition.create(course);
          var started = adapter.init();
          narrow(adapter.scope || CF.scope);
          return started;
        })
        .then(result => {
          if (result && result.connected) return { adapter: adapter, connected: true };
          if (definition.fallback) return { adapter: adapter, connected: false, result: result || {} };
          return next();
        }, error => {
          warn(definition.name + ' init failed', error);
          // The one page a launch that did not start covers still bounds what the learner sees.
          CF.scope = CF.scope || adapter && adapter.scope;
          return next();
        });
    }
    return next();
  }

  // The notice of a launch that did not start (or has ended), given the fallback's init() result `r`: a
  // launch that keeps a copy for the fallback (Courseforge.kept, xapi.js) carries what the learner does
  // now on to its next session (noticeCarried), when this browser keeps records and the launch reports
  // at all (not cmi5's Browse/Review: Courseforge.review); else nothing of it is ever sent (noticeEnded).
  var ended = (strings, r) => strings[CF.kept && !CF.review && (r || 0).persistent !== false ? 'noticeCarried' : 'noticeEnded'];

  class Player {
    constructor(course, strings) {
      var t = this;
      t.course = course;
      t.strings = strings;
      t.adapter = null;
      t.connected = false;
      t.queue = Promise.resolve();
      t.current = -1;
      t.viewed = {};
      t.state = CF.state.fresh();
      t.completeReported = false;
      t.terminated = false;
      t.ready = false;
      t.lessons = [];
      t.parts = [];
      t.wanted = -1;
      t.only = -1;  // the one page the launch covers, or -1: all of them
      var check = 0, n = 0;
      // A large course names each part once (pageparts.py): its pages stand here from the start, by
      // number, and learn their ids and titles when it arrives (receive). `check`: the number of the
      // page's first knowledge check, `n`: a lesson's number.
      (course.lessons || []).forEach(entry => {
        var part = entry.part && { path: entry.part, first: t.lessons.length, size: entry.pages, check: check };
        if (part) t.parts.push(part);
        for (var k = 0; k < (part ? part.size : 1); k++) {
          var section = !part && doc.getElementById('lesson-' + entry.id), kind = part ? 'lesson' : entry.kind || 'lesson';
          t.lessons.push(part ? { id: (entry.ids || [])[k], title: (entry.titles || [])[k], kind: kind, part: part, n: ++n } : {
            id: entry.id, title: entry.title, kind: kind, check: check, n: kind === 'lesson' ? ++n : 0,
            section: section, heading: section && section.querySelector('h1')
          });
        }
        check += entry.checks || 0;
      });
      t.lessonCount = n;
      course.lessons = t.lessons;  // adapters find a page's title by its id there (xapi.js)
      CF.menu(doc.getElementById('cf-nav'), t, strings);
      t.ui = {
        app: doc.getElementById('cf-app'),
        prev: doc.getElementById('cf-prev'),
        next: doc.getElementById('cf-next'),
        toggle: doc.getElementById('cf-menu-toggle'),
        notice: doc.getElementById('cf-notice'),
        exits: ['cf-exit', 'cf-exit-end'].map(id => doc.getElementById(id)).filter(Boolean),
        print: doc.getElementById('cf-print')
      };
    }

    // Adapter calls run one after another, in order, even when an adapter is asynchronous.
    enqueue(method, argument) {
      var t = this, adapter = t.adapter;
      if (!adapter || typeof adapter[method] !== 'function') return t.queue;
      t.queue = t.queue.then(() => adapter[method](argument)).catch(error => {
        warn(adapter.name + '.' + method + ' failed', error);
      });
      return t.queue;
    }

    start() {
      var t = this, start, returning, narrow = id => t.ui.app.classList.toggle('cf-one', (t.only = t.indexOf(id)) >= 0);
      t.bind();
      // The adapter's calls, "Exit course" among them, wait for the launch: an exit clicked before the LMS
      // answered would otherwise end nothing, and leave the learner on the closed screen while it starts.
      return t.queue = connect(t.course, narrow).then(link => {
        t.adapter = link.adapter;
        t.connected = link.connected;
        narrow((t.adapter || 0).scope || CF.scope);
        if (!t.connected && t.ui.notice) {
          if (link.result && link.result.persistent === false && t.strings.noticeNoStorage) {
            t.ui.notice.textContent = t.strings.noticeNoStorage;
          }
          if (CF.refused) t.ui.notice.textContent = ended(t.strings, link.result);
          t.ui.notice.hidden = false;
        }
        return t.adapter ? t.adapter.loadState() : null;
      }).catch(error => {
        warn('cannot load saved progress', error);
        return null;
      }).then(saved => {
        saved = saved || {};
        var total = t.lessons.length;
        t.state = CF.state.decode(saved.data, total);
        t.state.viewed.forEach(i => { t.viewed[i] = true; });
        if (CF.Quizzes) t.quiz = new CF.Quizzes(t);
        if (CF.Scenarios) t.scenarios = new CF.Scenarios(t);
        start = t.indexOf(saved.location);
        returning = saved.location != null || t.state.viewed.length > 0;
        if (start < 0) start = t.state.current;
        t.screens = new CF.Screens(t);
        // The first page's part comes while the learner reads the cover; "continue at" waits for its title.
        var first = t.load(Math.max(0, start)).catch(() => { /* asked again when shown */ });
        return returning && first;
      }).then(() => {
        // A page the learner chose from the menu meanwhile wins over the cover; a launch of one page opens on it.
        if (t.only >= 0) t.show(t.only);
        else if (t.wanted < 0) t.screens.cover(start, returning);
        t.ready = true;
      });
    }

    // A page still in its part has no id yet: no id names it.
    indexOf(id) {
      var t = this;
      for (var i = 0; id != null && i < t.lessons.length; i++) if (t.lessons[i].id === id) return i;
      return -1;
    }

    // Whether page i is one this launch covers (one page, or all of them): the pager leads to no other.
    covers(i) {
      var t = this;
      return !!t.lessons[i] && (t.only < 0 || i === t.only);
    }

    viewedCount() {
      var t = this, n = 0;
      for (var i = 0; i < t.lessons.length; i++) if (t.viewed[i]) n++;
      return n;
    }

    // A large course's lessons come in parts (pageparts.py): a part is a classic script calling
    // Courseforge.addPages, so it loads from file:// as well as from an LMS. Resolves once the page
    // is in the document; a part that failed may be asked for again.
    load(index) {
      var lesson = this.lessons[index], part = lesson && lesson.part;
      if (!lesson || lesson.section) return Promise.resolve(lesson);
      if (!part) return Promise.reject(new Error('no part: ' + lesson.id));
      if (!part.loading) {
        var script = doc.createElement('script');
        part.loading = new Promise((resolve, reject) => {
          script.onload = resolve;
          script.onerror = () => { reject(new Error('cannot load ' + part.path)); };
          script.src = part.path;
          doc.head.appendChild(script);
        }).catch(error => {
          delete part.loading;
          script.remove();
          throw error;
        });
      }
      return part.loading.then(() => {
        if (!lesson.section) throw new Error(part.path + ' lacks page ' + (index + 1));
        return lesson;
      });
    }

    // A part's pages, in order: their ids, titles and menu links; their sections go into the document
    // before the next page there (a printout follows the course), their questions' data joins the course's.
    receive(data) {
      var t = this, holder = doc.createElement('template'), after = doc.getElementById('cf-complete');
      var part = t.parts.filter(p => p.path === data.part)[0], check = part && part.check;
      if (!part || part.here) return;
      part.here = true;
      t.course.questions = Object.assign(t.course.questions || {}, data.questions);
      for (var i = part.first + part.size; i < t.lessons.length; i++) {
        if (t.lessons[i].section) { after = t.lessons[i].section; break; }
      }
      if (part.list) part.list.textContent = '';
      (data.pages || []).slice(0, part.size).forEach((entry, k) => {
        var index = part.first + k, lesson = t.lessons[index];
        lesson.id = entry.id;
        lesson.title = entry.title;
        lesson.check = check;
        check += entry.checks || 0;
        if (part.list) CF.menu.item(lesson, index, part.list, t.strings);
        holder.innerHTML = (data.sections || {})[entry.id] || '';
        var section = holder.content.querySelector('section');
        if (!section) return;
        after.parentNode.insertBefore(section, after);
        lesson.section = section;
        lesson.heading = section.querySelector('h1');
        if (t.quiz) t.quiz.attach(lesson, index, false);
      });
      if (t.screens) t.screens.refresh();
    }

    // Every page in the document, then the browser's print dialog: the whole course on paper.
    printAll() {
      var t = this, loads = [];
      t.lessons.forEach((lesson, i) => { if (!lesson.section) loads.push(t.load(i)); });
      return Promise.all(loads).then(() => { win.print(); }, error => {
        warn('cannot print', error);
        if (t.screens) t.screens.loading(-1, true);
      });
    }

    show(index) {
      var t = this, total = t.lessons.length;
      if (!total) return;
      index = t.only < 0 ? Math.max(0, Math.min(total - 1, index | 0)) : t.only;
      var lesson = t.lessons[index], was = t.lessons[t.wanted] || {};
      t.wanted = index;
      // Coming into a part opens its group, so the menu shows where the learner is; a group they
      // closed stays closed while they stay in its part.
      if (lesson.part && lesson.part !== was.part) CF.menu.expand(t, lesson.part, true);
      if (!lesson.section) {
        t.screens.loading(index, false);
        t.load(index).then(() => {
          if (t.wanted === index) t.show(index);
        }, error => {
          warn('cannot load ' + lesson.id, error);
          if (t.wanted === index) t.screens.loading(index, true);
        });
        return;
      }
      t.screens.loading(-1, false);
      if (t.quiz) t.quiz.show(lesson.id);
      if (t.scenarios) t.scenarios.show(lesson.id);
      t.current = index;
      t.viewed[index] = true;
      t.screens.leave();
      t.screens.hidePages();
      lesson.section.hidden = false;
      lesson.section.classList.add('cf-shown');  // what a launch of one page prints (courseforge.css)
      if (lesson.link) lesson.link.setAttribute('aria-current', 'page');
      t.screens.pager(index);
      t.setMenu(false);
      t.updateProgress();
      if (lesson.heading) lesson.heading.focus({ preventScroll: true });
      win.scrollTo(0, 0);
      t.save();
      // The next page's part comes while this one is read, so Next shows it at once.
      if (t.covers(index + 1)) t.load(index + 1).catch(() => { /* asked again when shown */ });
    }

    // The course's graded result (quiz.js): null when it has no graded quiz, else {raw, passed, done}.
    outcome() {
      var t = this;
      return t.quiz ? t.quiz.outcome() : null;
    }

    // Every scenario experienced, or the course does not require it (scenario.js).
    experienced() {
      var t = this;
      return !t.scenarios || t.scenarios.done();
    }

    // Finished, the attempt over: complete (below), or a graded quiz out of attempts; a pass with pages
    // still to visit is not, else the LMS would start the next launch blank (SCORM's exit, S04-R4).
    finished() {
      var t = this, outcome = t.outcome();
      return t.complete() || !!outcome && outcome.done && !outcome.passed && t.experienced();
    }

    // The graded result goes to the adapter only once every required scenario was experienced:
    // SCORM 1.2 has one status, and a pass would complete the course.
    report() {
      var t = this, o = t.outcome();
      if (o && o.raw !== null && t.experienced()) {
        t.enqueue('score', { raw: o.raw, min: 0, max: 100, scaled: o.raw / 100, passed: o.passed });
      }
    }

    // Course complete as the LMS hears it: every page viewed, and passed when there is a graded
    // assessment, and every required scenario experienced.
    complete() {
      var t = this, outcome = t.outcome(), all = t.viewedCount() === t.lessons.length;
      return all && (outcome ? outcome.passed : true) && t.experienced();
    }

    updateProgress() {
      var t = this;
      if (t.screens) t.screens.update();
    }

    // The state as the adapter stores it, made to fit its limit (state.js `fit` says what goes first),
    // and the quiz records it reports attempts from: a blank one sends no answer, and a state that does
    // not fit is not saved, yet its submission is the learner's result all the same.
    snapshot() {
      var t = this, indexes = [];
      for (var i = 0; i < t.lessons.length; i++) if (t.viewed[i]) indexes.push(i);
      t.state.current = t.current;
      t.state.viewed = indexes;
      var limit = t.adapter && t.adapter.maxDataLength;
      var fitted = CF.state.fit(t.state, limit);
      // A state that cannot fit has had every step left out first.
      if (fitted.dropped.length) {
        warn('progress data over ' + limit + ' characters: left out ' + fitted.dropped.join(', ') +
          (fitted.data === null ? '; not saved' : ''));
      }
      if (t.quiz) t.quiz.backup(fitted.backup);
      return { location: t.lessons[t.current].id, data: fitted.data, quizzes: fitted.quizzes };
    }

    save() {
      var t = this;
      t.pending = false;
      t.enqueue('saveState', t.snapshot());
      var indexes = t.state.viewed;
      // `done`: a launch of one page is complete when its summary says so (screens.js state()): a
      // lesson once shown, a survey once sent, an assessment once passed or out of attempts.
      t.enqueue('progress', { viewed: indexes.length, total: t.lessons.length,
        done: t.only < 0 || t.screens.state(t.only).done });
      if (indexes.length === t.lessons.length && t.experienced() && !t.completeReported) {
        t.completeReported = true;
        t.enqueue('complete');
      }
    }

    // The session's end, once: on pagehide, or from "Exit course" (`exit`). A pending save is final:
    // the adapter must not need a synchronous request for it (the page may be going away).
    finish(exit) {
      var t = this;
      if (t.terminated || !t.adapter) return;
      t.terminated = true;
      try {
        // Text typed a moment ago (saved after a pause) must not be lost to a closing window.
        if (t.pending) t.adapter.saveState(t.snapshot(), true);
        var result = t.adapter.terminate({ finished: t.finished(), exit: !!exit });
        if (result && typeof result.catch === 'function') result.catch(e => { warn('terminate failed', e); });
        return result;
      } catch (e) {
        warn('terminate failed', e);
      }
    }

    // "Exit course": after the adapter's calls in hand, end the session; then, unless the adapter
    // sends the window elsewhere (cmi5's returnURL), the closed screen, and a popup closes itself.
    exit() {
      var t = this;
      if (!t.exiting) {
        t.ui.exits.forEach(b => { b.disabled = true; });
        t.exiting = t.queue.then(() => t.finish(true)).catch(e => {
          warn('exit failed', e);
        }).then(result => {
          if (result && result.navigating) return;
          var screen = doc.getElementById('cf-closed');
          Array.prototype.forEach.call(doc.body.children, node => { node.hidden = node !== screen; });
          if (screen) screen.querySelector('h1').focus();
          if (win.opener) win.close();
        });
      }
      return t.exiting;
    }

    menuOpen() {
      return this.ui.app.classList.contains('cf-menu-open');
    }

    setMenu(open) {
      var t = this;
      if (!t.ui.toggle) return;
      t.ui.app.classList.toggle('cf-menu-open', open);
      t.ui.toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    }

    bind() {
      var t = this, ui = t.ui;
      if (ui.prev) ui.prev.addEventListener('click', () => { t.show(t.current - (t.screens.atEnd ? 0 : 1)); });
      if (ui.next) {
        ui.next.addEventListener('click', () => {
          if (t.covers(t.current + 1)) t.show(t.current + 1);
          else t.screens.summary();
        });
      }
      ui.app.addEventListener('click', event => { t.follow(event); });
      ui.exits.forEach(button => { button.addEventListener('click', () => { t.exit(); }); });
      t.bindPrint();
      if (ui.toggle) {
        ui.toggle.addEventListener('click', () => {
          var open = !t.menuOpen();
          t.setMenu(open);
          if (open) {
            var current = t.lessons[t.current];
            if (current && current.link) current.link.focus();
          }
        });
      }
      // Escape anywhere closes an open menu, focus back on its button (the disclosure pattern); a key
      // something else took (defaultPrevented), or an Escape with the menu closed, is left alone.
      doc.addEventListener('keydown', event => {
        if (/^Esc/.test(event.key) && !event.defaultPrevented && t.menuOpen()) {
          t.setMenu(false);
          ui.toggle.focus();
        }
      });
      win.addEventListener('pagehide', () => { t.finish(); });
      // Back from the back/forward cache: an LMS session, ended on pagehide, stays ended. As after a
      // reload, the learner carries on with the fallback adapter (in the launch's room: what they do
      // now is kept in this browser, for an xAPI launch's next session to carry on), and the notice says so.
      win.addEventListener('pageshow', event => {
        if (!event.persisted) return;
        if (t.connected) {
          t.connected = false;
          t.adapter = adapters.filter(a => a.fallback)[0].create(t.course);
          var r = t.adapter.init();
          if (ui.notice) {
            ui.notice.textContent = ended(t.strings, r);
            ui.notice.hidden = false;
          }
        }
        t.terminated = false;
      });
    }

    // A click on a page's link (the menu's, the summary's, an assessment's to a lesson): that page, or
    // back to it from the menu.
    follow(event) {
      var t = this, link = event.target.closest('a[data-page]'), index = link && +link.getAttribute('data-page');
      if (!link || !t.screens) return;
      event.preventDefault();
      var lesson = t.lessons[index];
      if (index === t.current && t.screens.onPage()) { t.setMenu(false); if (lesson.heading) lesson.heading.focus(); return; }
      t.show(index);
    }

    // Printing a course whose pages are not all here: "Print the whole course" (and Ctrl+P, which
    // the page answers the same way) loads them first; the browser's own Print menu prints what is
    // here, with a note at the top saying so. A launch of one page prints that page alone: none is missing.
    bindPrint() {
      var t = this, button = t.ui.print, missing = () => t.only < 0 && t.lessons.some(l => !l.section);
      if (!t.parts.length) return;
      if (button) {
        button.hidden = false;
        button.addEventListener('click', () => { t.printAll(); });
      }
      doc.addEventListener('keydown', event => {
        if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === 'p' || event.key === 'P') && missing()) {
          event.preventDefault();
          t.printAll();
        }
      });
      win.addEventListener('beforeprint', () => { doc.documentElement.classList.toggle('cf-print-partial', missing()); });
      win.addEventListener('afterprint', () => { doc.documentElement.classList.remove('cf-print-partial'); });
    }
  }

  CF.Player = Player;

  // A part of the course's pages has arrived (see Player.load).
  CF.addPages = data => {
    if (CF.player && data) CF.player.receive(data);
  };

  function boot() {
    if (CF.player || !CF.state) return;
    var course = readJSON('cf-course');
    if (!course || !course.lessons) return;
    doc.documentElement.classList.add('cf-js');
    // The side menu sticks under the header, as tall as its title's lines make it (--cf-head, in the CSS).
    var head = doc.querySelector('.cf-header');
    if (head && win.ResizeObserver) new ResizeObserver(() => doc.documentElement.style.setProperty('--cf-head', head.offsetHeight + 'px')).observe(head);
    CF.player = new Player(course, readJSON('cf-strings') || {});
    CF.ready = CF.player.start().catch(error => { warn('player failed to start', error); });
  }

  // Deferred scripts run while readyState is "interactive"; DOMContentLoaded follows the last one,
  // so every adapter has registered by then. "load" covers a player added after that event.
  if (doc.readyState === 'complete') win.setTimeout(boot, 0);
  else {
    doc.addEventListener('DOMContentLoaded', boot);
    win.addEventListener('load', boot);
  }
})(window, document);
