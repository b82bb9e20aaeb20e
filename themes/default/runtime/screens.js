/*
 * courseforge screens (classic script): what surrounds the pages. The cover (Start, or "Welcome
 * back — continue at <page>"), each page's state in the menu, the progress in the header, the
 * Next button's label, the course summary after the last page, and the menu itself. Reads the
 * player; never saves.
 */
(function (win, doc) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};
  var STATES = ['new', 'viewed', 'done', 'passed', 'failed'];

  function $(id) { return doc.getElementById(id); }

  function Screens(player) {
    this.p = player;
    this.S = player.strings;
    this.atEnd = false;
    this.coverNode = $('cf-cover');
    this.endNode = $('cf-complete');
    this.pagerNode = doc.querySelector('.cf-pager');
    var self = this;
    $('cf-start').addEventListener('click', function () { player.show(self.resumeAt); });
    $('cf-restart').addEventListener('click', function () { player.show(0); });
    $('cf-loading-retry').addEventListener('click', function () {
      if (self.retryAt >= 0) player.show(self.retryAt);
      else player.printAll();
    });
    $('cf-complete-list').addEventListener('click', function (event) {
      var link = event.target.closest('a');
      if (!link) return;
      event.preventDefault();
      player.show(player.indexOf(link.getAttribute('href').slice(8)));
    });
  }

  var S = Screens.prototype;

  S.onPage = function () { return !this.atEnd && this.coverNode.hidden; };

  // The first screen; `returning` (saved progress) turns Start into "continue at <page>".
  S.cover = function (start, returning) {
    var lesson = this.p.lessons[start], resume = $('cf-resume'), button = $('cf-start');
    this.resumeAt = start;
    this.hidePages();
    this.coverNode.hidden = false;
    resume.hidden = !returning;
    resume.textContent = CF.format(this.S.resume, { page: lesson ? lesson.title : '' });
    button.textContent = returning ? this.S['continue'] : this.S.start;
    $('cf-restart').hidden = !returning || start === 0;
    this.coverNode.querySelector('.cf-cover-actions').hidden = false;
    this.pagerNode.hidden = true;
    this.update();
  };

  // A page still loading (index), or that failed to load (`failed`); index -1: none.
  S.loading = function (index, failed) {
    var text = $('cf-loading-text'), retry = $('cf-loading-retry');
    var message = failed ? this.S.pageFailed : index < 0 ? '' : this.S.pageLoading;
    if (text.textContent !== message) text.textContent = message;
    text.parentNode.classList.toggle('is-active', !!message);
    retry.hidden = !failed;
    if (failed) retry.focus();
    this.retryAt = index;
  };

  S.hidePages = function () {
    this.p.lessons.forEach(function (lesson) {
      if (lesson.section) lesson.section.hidden = true;
      if (lesson.link) lesson.link.removeAttribute('aria-current');
    });
  };

  // A page is about to show: the cover and the summary go.
  S.leave = function () {
    this.coverNode.hidden = true;
    this.endNode.hidden = true;
    this.pagerNode.hidden = false;
    this.atEnd = false;
  };

  // Previous and Next around page `index`; Next names where it goes.
  S.pager = function (index) {
    var p = this.p, last = index === p.lessons.length - 1, next = $('cf-next');
    $('cf-prev').disabled = index === 0;
    next.hidden = false;
    $('cf-next-title').textContent = last ? this.S.nextSummary : p.lessons[index + 1].title;
  };

  S.summary = function () {
    var p = this.p;
    this.hidePages();
    this.atEnd = true;
    this.endNode.hidden = false;
    $('cf-prev').disabled = false;
    $('cf-next').hidden = true;
    p.setMenu(false);
    this.update();
    $('cf-complete-title').focus({ preventScroll: true });
    win.scrollTo(0, 0);
  };

  // A page's state (STATES) and whether it counts as done: a lesson once viewed; a scenario once
  // played to an ending; a survey once sent; an assessment once passed or out of attempts.
  S.state = function (i) {
    var p = this.p, lesson = p.lessons[i];
    var quiz = p.quiz && p.quiz.status(lesson.id);
    if (quiz) return quiz;
    if (p.scenarios && p.scenarios.status(lesson.id)) return { state: 'done', done: true };
    return p.viewed[i] ? { state: 'viewed', done: lesson.kind === 'lesson' } : { state: 'new', done: false };
  };

  S.update = function () {
    var p = this.p, self = this, total = p.lessons.length, done = 0, states = [];
    p.lessons.forEach(function (lesson, i) {
      var s = states[i] = self.state(i);
      if (s.done) done++;
      self.mark(lesson, s.state);
    });
    // "Course complete" waits for an open survey too, though the LMS may hear it sooner.
    var percent = total ? Math.round(done * 100 / total) : 0, complete = p.complete() && !this.openSurveys(states).length;
    var text = CF.format(this.S.progress, { done: done, total: total }) + ' · ' +
      CF.format(this.S.progressPercent, { percent: percent }) + (complete ? ' ' + this.S.progressDone : '');
    var node = $('cf-progress-text');
    if (node.textContent !== text) node.textContent = text;
    $('cf-progress-fill').style.width = percent + '%';
    p.ui.app.classList.toggle('cf-is-complete', complete);
    this.fillSummary(states, done);
  };

  S.mark = function (lesson, state) {
    if (!lesson.item) return;
    STATES.forEach(function (name) { lesson.item.classList.toggle('cf-state-' + name, name === state); });
    lesson.item.classList.toggle('is-viewed', state !== 'new');
    var label = lesson.item.querySelector('.cf-state'), text = '(' + this.S['state_' + state] + ')';
    if (label.textContent !== text) label.textContent = text;
  };

  // The summary's status: what the course still needs, or that it is complete.
  S.openSurveys = function (states) {
    var p = this.p;
    return p.lessons.filter(function (lesson, i) {
      return lesson.kind === 'quiz' && !p.course.quizzes[lesson.id].graded && !states[i].done;
    });
  };

  S.status = function (states) {
    var p = this.p, S = this.S, outcome = p.outcome(), open = this.openSurveys(states);
    if (p.complete() && open.length) return S.completeDone + ' ' + CF.format(S.surveyOpen, { page: open[0].title });
    if (!p.experienced()) return S.completeScenarios;
    if (outcome) return outcome.passed ? S.completeDone : outcome.done ? S.completeFailed : S.completePending;
    return p.viewedCount() === p.lessons.length ? S.completeDone : S.completeOpen;
  };

  S.fillSummary = function (states, done) {
    var p = this.p, S = this.S, outcome = p.outcome(), score = $('cf-complete-score'), list = $('cf-complete-list');
    $('cf-complete-text').textContent = this.status(states);
    score.hidden = !outcome || outcome.raw === null;
    if (!score.hidden) score.textContent = CF.format(S.summaryScore, { score: outcome.raw, pass: outcome.mark });
    $('cf-complete-done').textContent = CF.format(S.summaryDone, { done: done, total: p.lessons.length });
    list.textContent = '';
    p.lessons.forEach(function (lesson, i) {
      var item = doc.createElement('li'), link = doc.createElement('a'), state = doc.createElement('span');
      item.className = 'cf-state-' + states[i].state;
      link.href = '#lesson-' + lesson.id;
      link.textContent = lesson.title;
      state.className = 'cf-complete-state';
      state.textContent = S['state_' + states[i].state];
      link.appendChild(state);
      item.appendChild(link);
      list.appendChild(item);
    });
  };

  // The menu, built from the course data (a large course's pages are not all in the document, see
  // pageparts.py): one list per kind of page, numbered within it; returns page id → its link.
  var GROUPS = [['lessons', 'groupLessons'], ['practice', 'groupPractice'],
    ['assessment', 'groupAssessment'], ['survey', 'groupSurvey']];

  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  CF.menu = function (nav, course, S) {
    var links = {}, lists = {}, counts = {}, first = nav && nav.firstChild;
    if (!nav) return links;
    (course.lessons || []).forEach(function (page) {
      var key = page.kind === 'scenario' ? 'practice' : page.kind !== 'quiz' ? 'lessons'
        : course.quizzes[page.id].graded ? 'assessment' : 'survey';
      var list = lists[key] = lists[key] || el('ol', 'cf-menu');
      var item = el('li', 'cf-menu-item'), link = links[page.id] = el('a', 'cf-menu-link'), mark = el('span', 'cf-mark');
      counts[key] = (counts[key] || 0) + 1;
      link.href = '#lesson-' + page.id;
      mark.setAttribute('aria-hidden', 'true');
      // Spaces between the parts: the link's accessible name reads "3. Title (not started)".
      [el('span', 'cf-menu-number', counts[key] + '.'), ' ', el('span', 'cf-menu-title', page.title), ' ', mark,
        el('span', 'cf-state cf-sr-only', '(' + S.state_new + ')')].forEach(function (n) { link.append(n); });
      item.appendChild(link);
      list.appendChild(item);
    });
    GROUPS.forEach(function (g) {
      var list = lists[g[0]], heading = el('h2', 'cf-menu-group', S[g[1]]);
      if (!list) return;
      heading.id = 'cf-menu-' + g[0];
      list.setAttribute('aria-labelledby', heading.id);
      nav.insertBefore(heading, first);
      nav.insertBefore(list, first);
    });
    return links;
  };

  CF.Screens = Screens;
})(window, document);
