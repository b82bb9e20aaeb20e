/*
 * courseforge player (classic script, no build step). Knows no e-learning standard: it shows one
 * lesson at a time, tracks which lessons were viewed and talks to whichever adapter registered
 * (runtime/adapters/*.js) through Courseforge.registerAdapter. Adapter methods may return values
 * or Promises; the player awaits them one after the other. What surrounds the pages (cover, menu
 * states, progress, course summary) is runtime/screens.js.
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

  // Adapter choice: every adapter that detects its environment, standard ones before the fallback.
  function connect(course) {
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
          return adapter.init();
        })
        .then(result => {
          if (result && result.connected) return { adapter: adapter, connected: true };
          if (definition.fallback) return { adapter: adapter, connected: false, result: result || {} };
          return next();
        }, error => {
          warn(definition.name + ' init failed', error);
          return next();
        });
    }
    return next();
  }

  function Player(course, strings) {
    this.course = course;
    this.strings = strings;
    this.adapter = null;
    this.connected = false;
    this.queue = Promise.resolve();
    this.current = -1;
    this.viewed = {};
    this.state = CF.state.fresh();
    this.completeReported = false;
    this.terminated = false;
    this.ready = false;
    this.lessons = [];
    this.parts = [];
    this.wanted = -1;
    var self = this, check = 0, n = 0;
    // A large course names each part once (pageparts.py): its pages stand here from the start, by
    // number, and learn their ids and titles when it arrives (receive). `check`: the number of the
    // page's first knowledge check, `n`: a lesson's number.
    (course.lessons || []).forEach(entry => {
      var part = entry.part && { path: entry.part, first: self.lessons.length, size: entry.pages, check: check };
      if (part) self.parts.push(part);
      for (var k = 0; k < (part ? part.size : 1); k++) {
        var section = !part && doc.getElementById('lesson-' + entry.id), kind = part ? 'lesson' : entry.kind || 'lesson';
        self.lessons.push(part ? { id: (entry.ids || [])[k], title: (entry.titles || [])[k], kind: kind, part: part, n: ++n } : {
          id: entry.id, title: entry.title, kind: kind, check: check, n: kind === 'lesson' ? ++n : 0,
          section: section, heading: section && section.querySelector('h1')
        });
      }
      check += entry.checks || 0;
    });
    this.lessonCount = n;
    course.lessons = this.lessons;  // adapters find a page's title by its id there (xapi.js)
    CF.menu(doc.getElementById('cf-nav'), this, strings);
    this.ui = {
      app: doc.getElementById('cf-app'),
      prev: doc.getElementById('cf-prev'),
      next: doc.getElementById('cf-next'),
      toggle: doc.getElementById('cf-menu-toggle'),
      notice: doc.getElementById('cf-notice'),
      exits: ['cf-exit', 'cf-exit-end'].map(id => doc.getElementById(id)).filter(Boolean),
      print: doc.getElementById('cf-print')
    };
  }

  var proto = Player.prototype;

  // Adapter calls run one after another, in order, even when an adapter is asynchronous.
  proto.enqueue = function (method, argument) {
    var adapter = this.adapter;
    if (!adapter || typeof adapter[method] !== 'function') return this.queue;
    this.queue = this.queue.then(() => adapter[method](argument)).catch(error => {
      warn(adapter.name + '.' + method + ' failed', error);
    });
    return this.queue;
  };

  proto.start = function () {
    var self = this, start, returning;
    this.bind();
    return connect(this.course).then(link => {
      self.adapter = link.adapter;
      self.connected = link.connected;
      if (!self.connected && self.ui.notice) {
        if (link.result && link.result.persistent === false && self.strings.noticeNoStorage) {
          self.ui.notice.textContent = self.strings.noticeNoStorage;
        }
        if (CF.refused) self.ui.notice.textContent = self.strings.noticeEnded;
        self.ui.notice.hidden = false;
      }
      return self.adapter ? self.adapter.loadState() : null;
    }).catch(error => {
      warn('cannot load saved progress', error);
      return null;
    }).then(saved => {
      saved = saved || {};
      var total = self.lessons.length;
      self.state = CF.state.decode(saved.data, total);
      self.state.viewed.forEach(i => { self.viewed[i] = true; });
      if (CF.Quizzes) self.quiz = new CF.Quizzes(self);
      if (CF.Scenarios) self.scenarios = new CF.Scenarios(self);
      start = self.indexOf(saved.location);
      returning = saved.location != null || self.state.viewed.length > 0;
      if (start < 0) start = self.state.current;
      self.screens = new CF.Screens(self);
      // The first page's part comes while the learner reads the cover; "continue at" waits for its title.
      var first = self.load(Math.max(0, start)).catch(() => { /* asked again when shown */ });
      return returning && first;
    }).then(() => {
      // A page the learner chose from the menu meanwhile wins over the cover.
      if (self.wanted < 0) self.screens.cover(start, returning);
      self.ready = true;
    });
  };

  // A page still in its part has no id yet: no id names it.
  proto.indexOf = function (id) {
    for (var i = 0; id != null && i < this.lessons.length; i++) if (this.lessons[i].id === id) return i;
    return -1;
  };

  proto.viewedCount = function () {
    var n = 0;
    for (var i = 0; i < this.lessons.length; i++) if (this.viewed[i]) n++;
    return n;
  };

  // A large course's lessons come in parts (pageparts.py): a part is a classic script calling
  // Courseforge.addPages, so it loads from file:// as well as from an LMS. Resolves once the page
  // is in the document; a part that failed may be asked for again.
  proto.load = function (index) {
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
  };

  // A part's pages, in order: their ids, titles and menu links; their sections go into the document
  // before the next page there (a printout follows the course), their questions' data joins the course's.
  proto.receive = function (data) {
    var self = this, holder = doc.createElement('template'), after = doc.getElementById('cf-complete');
    var part = this.parts.filter(p => p.path === data.part)[0], check = part && part.check;
    if (!part || part.here) return;
    part.here = true;
    this.course.questions = Object.assign(this.course.questions || {}, data.questions);
    for (var i = part.first + part.size; i < this.lessons.length; i++) {
      if (this.lessons[i].section) { after = this.lessons[i].section; break; }
    }
    if (part.list) part.list.textContent = '';
    (data.pages || []).slice(0, part.size).forEach((entry, k) => {
      var index = part.first + k, lesson = self.lessons[index];
      lesson.id = entry.id;
      lesson.title = entry.title;
      lesson.check = check;
      check += entry.checks || 0;
      if (part.list) CF.menu.item(lesson, index, part.list, self.strings);
      holder.innerHTML = (data.sections || {})[entry.id] || '';
      var section = holder.content.querySelector('section');
      if (!section) return;
      after.parentNode.insertBefore(section, after);
      lesson.section = section;
      lesson.heading = section.querySelector('h1');
      if (self.quiz) self.quiz.attach(lesson, index, false);
    });
    if (this.screens) this.screens.refresh();
  };

  // Every page in the document, then the browser's print dialog: the whole course on paper.
  proto.printAll = function () {
    var self = this, loads = [];
    this.lessons.forEach((lesson, i) => { if (!lesson.section) loads.push(self.load(i)); });
    return Promise.all(loads).then(() => { win.print(); }, error => {
      warn('cannot print', error);
      if (self.screens) self.screens.loading(-1, true);
    });
  };

  proto.show = function (index) {
    var total = this.lessons.length, self = this;
    if (!total) return;
    index = Math.max(0, Math.min(total - 1, index | 0));
    var lesson = this.lessons[index], was = this.lessons[this.wanted] || {};
    this.wanted = index;
    // Coming into a part opens its group, so the menu shows where the learner is; a group they
    // closed stays closed while they stay in its part.
    if (lesson.part && lesson.part !== was.part) CF.menu.expand(this, lesson.part, true);
    if (!lesson.section) {
      this.screens.loading(index, false);
      this.load(index).then(() => {
        if (self.wanted === index) self.show(index);
      }, error => {
        warn('cannot load ' + lesson.id, error);
        if (self.wanted === index) self.screens.loading(index, true);
      });
      return;
    }
    this.screens.loading(-1, false);
    if (this.quiz) this.quiz.show(lesson.id);
    if (this.scenarios) this.scenarios.show(lesson.id);
    this.current = index;
    this.viewed[index] = true;
    this.screens.leave();
    this.screens.hidePages();
    lesson.section.hidden = false;
    if (lesson.link) lesson.link.setAttribute('aria-current', 'page');
    this.screens.pager(index);
    this.setMenu(false);
    this.updateProgress();
    if (lesson.heading) lesson.heading.focus({ preventScroll: true });
    win.scrollTo(0, 0);
    this.save();
    // The next page's part comes while this one is read, so Next shows it at once.
    if (index + 1 < total) this.load(index + 1).catch(() => { /* asked again when shown */ });
  };

  // The course's graded result (quiz.js): null when it has no graded quiz, else {raw, passed, done}.
  proto.outcome = function () {
    return this.quiz ? this.quiz.outcome() : null;
  };

  // Every scenario experienced, or the course does not require it (scenario.js).
  proto.experienced = function () {
    return !this.scenarios || this.scenarios.done();
  };

  // Finished: every page viewed; with a graded quiz, passed or out of attempts instead; and
  // with requireScenarios, every scenario experienced.
  proto.finished = function () {
    var outcome = this.outcome();
    return (outcome ? outcome.done : this.viewedCount() === this.lessons.length) && this.experienced();
  };

  // The graded result goes to the adapter only once every required scenario was experienced:
  // SCORM 1.2 has one status, and a pass would complete the course.
  proto.report = function () {
    var o = this.outcome();
    if (o && o.raw !== null && this.experienced()) {
      this.enqueue('score', { raw: o.raw, min: 0, max: 100, scaled: o.raw / 100, passed: o.passed });
    }
  };

  // Course complete as the LMS hears it: every page viewed, and passed when there is a graded
  // assessment, and every required scenario experienced.
  proto.complete = function () {
    var outcome = this.outcome(), all = this.viewedCount() === this.lessons.length;
    return all && (outcome ? outcome.passed : true) && this.experienced();
  };

  proto.updateProgress = function () {
    if (this.screens) this.screens.update();
  };

  // The state as the adapter stores it, made to fit its limit (state.js `fit` says what goes first),
  // and the quiz records it reports attempts from: a blank one sends no answer, and a state that does
  // not fit is not saved, yet its submission is the learner's result all the same.
  proto.snapshot = function () {
    var indexes = [];
    for (var i = 0; i < this.lessons.length; i++) if (this.viewed[i]) indexes.push(i);
    this.state.current = this.current;
    this.state.viewed = indexes;
    var limit = this.adapter && this.adapter.maxDataLength;
    var fitted = CF.state.fit(this.state, limit);
    // A state that cannot fit has had every step left out first.
    if (fitted.dropped.length) {
      warn('progress data over ' + limit + ' characters: left out ' + fitted.dropped.join(', ') +
        (fitted.data === null ? '; not saved' : ''));
    }
    if (this.quiz) this.quiz.backup(fitted.backup);
    return { location: this.lessons[this.current].id, data: fitted.data, quizzes: fitted.quizzes };
  };

  proto.save = function () {
    this.pending = false;
    this.enqueue('saveState', this.snapshot());
    var indexes = this.state.viewed;
    this.enqueue('progress', { viewed: indexes.length, total: this.lessons.length });
    if (indexes.length === this.lessons.length && this.experienced() && !this.completeReported) {
      this.completeReported = true;
      this.enqueue('complete');
    }
  };

  // The session's end, once: on pagehide, or from "Exit course" (`exit`). A pending save is final:
  // the adapter must not need a synchronous request for it (the page may be going away).
  proto.finish = function (exit) {
    if (this.terminated || !this.adapter) return;
    this.terminated = true;
    try {
      // Text typed a moment ago (saved after a pause) must not be lost to a closing window.
      if (this.pending) this.adapter.saveState(this.snapshot(), true);
      var result = this.adapter.terminate({ finished: this.finished(), exit: !!exit });
      if (result && typeof result.catch === 'function') result.catch(e => { warn('terminate failed', e); });
      return result;
    } catch (e) {
      warn('terminate failed', e);
    }
  };

  // "Exit course": after the adapter's calls in hand, end the session; then, unless the adapter
  // sends the window elsewhere (cmi5's returnURL), the closed screen, and a popup closes itself.
  proto.exit = function () {
    var self = this;
    if (!this.exiting) {
      this.ui.exits.forEach(b => { b.disabled = true; });
      this.exiting = this.queue.then(() => self.finish(true)).catch(e => {
        warn('exit failed', e);
      }).then(result => {
        if (result && result.navigating) return;
        var screen = doc.getElementById('cf-closed');
        Array.prototype.forEach.call(doc.body.children, node => { node.hidden = node !== screen; });
        if (screen) screen.querySelector('h1').focus();
        if (win.opener) win.close();
      });
    }
    return this.exiting;
  };

  proto.menuOpen = function () {
    return this.ui.app.classList.contains('cf-menu-open');
  };

  proto.setMenu = function (open) {
    if (!this.ui.toggle) return;
    this.ui.app.classList.toggle('cf-menu-open', open);
    this.ui.toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  };

  proto.bind = function () {
    var self = this;
    var ui = this.ui;
    if (ui.prev) ui.prev.addEventListener('click', () => { self.show(self.current - (self.screens.atEnd ? 0 : 1)); });
    if (ui.next) {
      ui.next.addEventListener('click', () => {
        if (self.current < self.lessons.length - 1) self.show(self.current + 1);
        else self.screens.summary();
      });
    }
    ui.app.addEventListener('click', event => { self.follow(event); });
    ui.exits.forEach(button => { button.addEventListener('click', () => { self.exit(); }); });
    this.bindPrint();
    if (ui.toggle) {
      ui.toggle.addEventListener('click', () => {
        var open = !self.menuOpen();
        self.setMenu(open);
        if (open) {
          var current = self.lessons[self.current];
          if (current && current.link) current.link.focus();
        }
      });
    }
    // Escape anywhere closes an open menu, focus back on its button (the disclosure pattern); a key
    // something else took (defaultPrevented), or an Escape with the menu closed, is left alone.
    doc.addEventListener('keydown', event => {
      if (/^Esc/.test(event.key) && !event.defaultPrevented && self.menuOpen()) {
        self.setMenu(false);
        ui.toggle.focus();
      }
    });
    win.addEventListener('pagehide', () => { self.finish(); });
    // Back from the back/forward cache: an LMS session stays finished, local progress carries on.
    win.addEventListener('pageshow', event => {
      if (event.persisted && !self.connected) self.terminated = false;
    });
  };

  // A click on a page's link (the menu's, the summary's, an assessment's to a lesson): that page, or
  // back to it from the menu.
  proto.follow = function (event) {
    var link = event.target.closest('a[data-page]'), index = link && +link.getAttribute('data-page');
    if (!link || !this.screens) return;
    event.preventDefault();
    var lesson = this.lessons[index];
    if (index === this.current && this.screens.onPage()) { this.setMenu(false); if (lesson.heading) lesson.heading.focus(); return; }
    this.show(index);
  };

  // Printing a course whose pages are not all here: "Print the whole course" (and Ctrl+P, which
  // the page answers the same way) loads them first; the browser's own Print menu prints what is
  // here, with a note at the top saying so.
  proto.bindPrint = function () {
    var self = this, button = this.ui.print, missing = () => self.lessons.some(l => !l.section);
    if (!this.parts.length) return;
    if (button) {
      button.hidden = false;
      button.addEventListener('click', () => { self.printAll(); });
    }
    doc.addEventListener('keydown', event => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === 'p' || event.key === 'P') && missing()) {
        event.preventDefault();
        self.printAll();
      }
    });
    win.addEventListener('beforeprint', () => { doc.documentElement.classList.toggle('cf-print-partial', missing()); });
    win.addEventListener('afterprint', () => { doc.documentElement.classList.remove('cf-print-partial'); });
  };

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
