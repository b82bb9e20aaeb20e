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
    $('cf-start').addEventListener('click', () => { player.show(self.resumeAt); });
    $('cf-restart').addEventListener('click', () => { player.show(0); });
    $('cf-loading-retry').addEventListener('click', () => {
      if (self.retryAt >= 0) player.show(self.retryAt);
      else player.printAll();
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
    resume.textContent = CF.format(this.S.resume, { page: lesson ? this.name(lesson) : '' });
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

  // A page's title; a lesson whose part has not come yet goes by its number.
  S.name = function (lesson) {
    return lesson.title || CF.format(this.S.lessonMeta, { n: lesson.n, total: this.p.lessonCount });
  };

  // A part has come: its pages' states in the menu, and Next's label.
  S.refresh = function () {
    this.update();
    if (this.onPage()) this.pager(this.p.current);
  };

  S.hidePages = function () {
    this.p.lessons.forEach(lesson => {
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
    $('cf-next-title').textContent = last ? this.S.nextSummary : this.name(p.lessons[index + 1]);
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
    // A lesson is done once viewed, and says so; another page opened but not finished stays "viewed".
    if (p.viewed[i] && lesson.kind === 'lesson') return { state: 'done', done: true };
    return { state: p.viewed[i] ? 'viewed' : 'new', done: false };
  };

  S.update = function () {
    var p = this.p, self = this, total = p.lessons.length, done = 0, states = [];
    p.lessons.forEach((lesson, i) => {
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
    STATES.forEach(name => { lesson.item.classList.toggle('cf-state-' + name, name === state); });
    lesson.item.classList.toggle('is-viewed', state !== 'new');
    var label = lesson.item.querySelector('.cf-state'), text = '(' + this.S['state_' + state] + ')';
    if (label.textContent !== text) label.textContent = text;
  };

  // The summary's status: what the course still needs, or that it is complete.
  S.openSurveys = function (states) {
    var p = this.p;
    return p.lessons.filter((lesson, i) =>
      lesson.kind === 'quiz' && !p.course.quizzes[lesson.id].graded && !states[i].done);
  };

  S.status = function (states) {
    var p = this.p, S = this.S, outcome = p.outcome(), open = this.openSurveys(states);
    if (p.complete() && open.length) return S.completeDone + ' ' + CF.format(S.surveyOpen, { page: open[0].title });
    if (!p.experienced()) return S.completeScenarios;
    if (outcome) return outcome.passed ? S.completeDone : outcome.done ? S.completeFailed : S.completePending;
    return p.viewedCount() === p.lessons.length ? S.completeDone : S.completeOpen;
  };

  S.fillSummary = function (states, done) {
    var p = this.p, S = this.S, self = this, outcome = p.outcome(), score = $('cf-complete-score'), list = $('cf-complete-list');
    $('cf-complete-text').textContent = this.status(states);
    score.hidden = !outcome || outcome.raw === null;
    if (!score.hidden) score.textContent = CF.format(S.summaryScore, { score: outcome.raw, pass: outcome.mark });
    $('cf-complete-done').textContent = CF.format(S.summaryDone, { done: done, total: p.lessons.length });
    if (p.parts.length && !this.atEnd) return;  // thousands of lines in a large course: only when shown
    list.textContent = '';
    p.lessons.forEach((lesson, i) => {
      var item = el('li', 'cf-state-' + states[i].state), link = item.appendChild(el('a', '', self.name(lesson)));
      link.href = '#lesson-' + (lesson.id || '');
      link.setAttribute('data-page', i);
      link.appendChild(el('span', 'cf-complete-state', S['state_' + states[i].state]));
      list.appendChild(item);
    });
  };

  // The menu, built from the player's pages (a large course's are not all in the document, see
  // pageparts.py): one list per kind of page, numbered within it; a part's pages are a group whose
  // button shows them, loading the part first.
  var GROUPS = [['lessons', 'groupLessons'], ['practice', 'groupPractice'],
    ['assessment', 'groupAssessment'], ['survey', 'groupSurvey']];

  var el = CF.el = (tag, className, text) => {  // assessment.js too
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  };

  CF.menu = (nav, p, S) => {
    var lists = {}, counts = {}, first = nav && nav.firstChild;
    if (!nav) return;
    p.lessons.forEach((page, i) => {
      var key = page.kind === 'scenario' ? 'practice' : page.kind !== 'quiz' ? 'lessons'
        : p.course.quizzes[page.id].graded ? 'assessment' : 'survey';
      var list = lists[key] = lists[key] || el('ol', 'cf-menu'), part = page.part, n = counts[key] = (counts[key] || 0) + 1;
      if (!part) return CF.menu.item(page, i, list, S, n);
      if (part.list) return;
      var item = list.appendChild(el('li', 'cf-menu-item'));
      var button = part.button = item.appendChild(el('button', 'cf-menu-link cf-menu-part',
        CF.format(S.menuPart, { first: n, last: n + part.size - 1 })));
      part.list = item.appendChild(el('ol', 'cf-menu'));
      part.list.id = 'cf-part-' + i;
      part.list.hidden = true;
      button.type = 'button';
      button.setAttribute('aria-controls', part.list.id);
      button.setAttribute('aria-expanded', 'false');
      button.addEventListener('click', () => { CF.menu.expand(p, part, part.list.hidden); });
    });
    GROUPS.forEach(g => {
      var list = lists[g[0]], heading = el('h2', 'cf-menu-group', S[g[1]]);
      if (!list) return;
      heading.id = 'cf-menu-' + g[0];
      list.setAttribute('aria-labelledby', heading.id);
      nav.insertBefore(heading, first);
      nav.insertBefore(list, first);
    });
  };

  // Page i's line in `list`, numbered n (a lesson in a part: its number among the lessons).
  CF.menu.item = (page, i, list, S, n) => {
    var item = page.item = list.appendChild(el('li', 'cf-menu-item')), link = page.link = el('a', 'cf-menu-link');
    var mark = el('span', 'cf-mark');
    link.href = '#lesson-' + page.id;
    link.setAttribute('data-page', i);
    mark.setAttribute('aria-hidden', 'true');
    // Spaces between the parts: the link's accessible name reads "3. Title (not started)".
    [el('span', 'cf-menu-number', (n || page.n) + '.'), ' ', el('span', 'cf-menu-title', page.title), ' ', mark,
      el('span', 'cf-state cf-sr-only', '(' + S.state_new + ')')].forEach(node => { link.append(node); });
    item.appendChild(link);
  };

  // A part's group opened or closed; opened before its part is here, it says the part is loading
  // (or could not be: closing and opening it again tries again).
  CF.menu.expand = (p, part, open) => {
    var list = part.list;
    if (!list) return;
    list.hidden = !open;
    part.button.setAttribute('aria-expanded', open);
    if (!open || part.here) return;
    list.textContent = '';
    var note = list.appendChild(el('li', 'cf-menu-note', p.strings.pageLoading));
    p.load(part.first).catch(() => { note.textContent = p.strings.pageFailed; });
  };

  CF.Screens = Screens;
})(window, document);
