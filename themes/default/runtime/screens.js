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

  class Screens {
    constructor(player) {
      var t = this;
      t.p = player;
      t.S = player.strings;
      t.atEnd = false;
      t.coverNode = $('cf-cover');
      t.endNode = $('cf-complete');
      t.pagerNode = doc.querySelector('.cf-pager');
      // A launch of one page (player.js `only`): its summary is that page's, named so, and Next says so.
      if (player.only >= 0) t.S.nextSummary = $('cf-complete-title').textContent = t.S.partSummary;
      $('cf-start').addEventListener('click', () => { player.show(t.resumeAt); });
      $('cf-restart').addEventListener('click', () => { player.show(0); });
      $('cf-loading-retry').addEventListener('click', () => {
        if (t.retryAt >= 0) player.show(t.retryAt);
        else player.printAll();
      });
    }

    onPage() { var t = this; return !t.atEnd && t.coverNode.hidden; }

    // The first screen; `returning` (saved progress) turns Start into "continue at <page>".
    cover(start, returning) {
      var t = this, lesson = t.p.lessons[start], resume = $('cf-resume'), button = $('cf-start');
      t.resumeAt = start;
      t.hidePages();
      t.coverNode.hidden = false;
      resume.hidden = !returning;
      // It describes Start ("Continue" says not where to), hidden or not: empty for a first visit.
      resume.textContent = returning ? CF.format(t.S.resume, { page: lesson ? t.name(lesson) : '' }) : '';
      button.textContent = returning ? t.S['continue'] : t.S.start;
      $('cf-restart').hidden = !returning || start === 0;
      t.coverNode.querySelector('.cf-cover-actions').hidden = false;
      t.pagerNode.hidden = true;
      t.update();
    }

    // A page still loading (index), or that failed to load (`failed`); index -1: none.
    loading(index, failed) {
      var t = this, text = $('cf-loading-text'), retry = $('cf-loading-retry');
      var message = failed ? t.S.pageFailed : index < 0 ? '' : t.S.pageLoading;
      if (text.textContent !== message) text.textContent = message;
      text.parentNode.classList.toggle('is-active', !!message);
      retry.hidden = !failed;
      if (failed) retry.focus();
      t.retryAt = index;
    }

    // A page's title; a lesson whose part has not come yet goes by its number.
    name(lesson) {
      var t = this;
      return lesson.title || CF.format(t.S.lessonMeta, { n: lesson.n, total: t.p.lessonCount });
    }

    // A part has come: its pages' states in the menu, and Next's label.
    refresh() {
      var t = this;
      t.update();
      if (t.onPage()) t.pager(t.p.current);
    }

    hidePages() {
      this.p.lessons.forEach(lesson => {
        if (lesson.section) lesson.section.hidden = true;
        if (lesson.link) lesson.link.removeAttribute('aria-current');
      });
    }

    // A page is about to show: the cover and the summary go.
    leave() {
      var t = this;
      t.coverNode.hidden = true;
      t.endNode.hidden = true;
      t.pagerNode.hidden = false;
      t.atEnd = false;
    }

    // Previous and Next around page `index`, within the pages the launch covers; Next names where it goes.
    pager(index) {
      var t = this, p = t.p, last = !p.covers(index + 1), next = $('cf-next');
      $('cf-prev').disabled = !p.covers(index - 1);
      next.hidden = false;
      $('cf-next-title').textContent = last ? t.S.nextSummary : t.name(p.lessons[index + 1]);
    }

    summary() {
      var t = this, p = t.p;
      t.hidePages();
      t.atEnd = true;
      t.endNode.hidden = false;
      $('cf-prev').disabled = false;
      $('cf-next').hidden = true;
      p.setMenu(false);
      t.update();
      $('cf-complete-title').focus({ preventScroll: true });
      win.scrollTo(0, 0);
    }

    // A page's state (STATES) and whether it counts as done: a lesson once viewed; a scenario once
    // played to an ending; a survey once sent; an assessment once passed or out of attempts.
    state(i) {
      var p = this.p, lesson = p.lessons[i];
      var quiz = p.quiz && p.quiz.status(lesson.id);
      if (quiz) return quiz;
      if (p.scenarios && p.scenarios.status(lesson.id)) return { state: 'done', done: true };
      // A lesson is done once viewed, and says so; another page opened but not finished stays "viewed",
      // but for the scenario a launch of one page covers, done once viewed unless the course requires
      // scenarios (its AU completes the way the whole course would).
      if (p.viewed[i] && (lesson.kind === 'lesson' || i === p.only && lesson.kind === 'scenario' && !p.course.requireScenarios)) {
        return { state: 'done', done: true };
      }
      return { state: p.viewed[i] ? 'viewed' : 'new', done: false };
    }

    update() {
      var t = this, p = t.p, total = p.lessons.length, done = 0, states = [];
      p.lessons.forEach((lesson, i) => {
        var s = states[i] = t.state(i);
        if (s.done) done++;
        t.mark(lesson, s.state);
      });
      // "Course complete" waits for an open survey too, though the LMS may hear it sooner. A launch of
      // one page is complete with that page (failed for good is done, not complete).
      var one = states[p.only], percent = total ? Math.round(done * 100 / total) : 0;
      var complete = one ? one.done && one.state != 'failed' : p.complete() && !t.openSurveys(states).length;
      var text = CF.format(t.S.progress, { done: done, total: total }) + ' · ' +
        CF.format(t.S.progressPercent, { percent: percent }) + (complete ? ' ' + t.S.progressDone : '');
      var node = $('cf-progress-text');
      if (node.textContent !== text) node.textContent = text;
      $('cf-progress-fill').style.width = percent + '%';
      p.ui.app.classList.toggle('cf-is-complete', complete);
      t.fillSummary(states, done, complete);
    }

    mark(lesson, state) {
      if (!lesson.item) return;
      STATES.forEach(name => { lesson.item.classList.toggle('cf-state-' + name, name === state); });
      lesson.item.classList.toggle('is-viewed', state !== 'new');
      var label = lesson.item.querySelector('.cf-state'), text = '(' + this.S['state_' + state] + ')';
      if (label.textContent !== text) label.textContent = text;
    }

    // The surveys not sent yet.
    openSurveys(states) {
      var p = this.p;
      return p.lessons.filter((lesson, i) =>
        lesson.kind === 'quiz' && !p.course.quizzes[lesson.id].graded && !states[i].done);
    }

    // The summary's status: what the course still needs, or that it is complete; in a launch of one
    // page, whether that page is (`complete`, update()). Complete as the header and the LMS have it
    // (player.js complete()): a pass with pages still unvisited is not yet.
    status(states, complete) {
      var t = this, p = t.p, S = t.S, outcome = p.outcome(), open = t.openSurveys(states), one = states[p.only];
      if (one) return complete ? S.partDone : one.done ? S.completeFailed : S.partOpen;
      if (p.complete() && open.length) return S.completeDone + ' ' + CF.format(S.surveyOpen, { page: open[0].title });
      if (!p.experienced()) return S.completeScenarios;
      if (outcome && !outcome.passed) return outcome.done ? S.completeFailed : S.completePending;
      return p.viewedCount() === p.lessons.length ? S.completeDone : S.completeOpen;
    }

    fillSummary(states, done, complete) {
      var t = this, p = t.p, S = t.S, outcome = p.outcome(), score = $('cf-complete-score'), list = $('cf-complete-list');
      $('cf-complete-text').textContent = t.status(states, complete);
      score.hidden = !outcome || outcome.raw === null;
      if (!score.hidden) score.textContent = CF.format(S.summaryScore, { score: outcome.raw, pass: outcome.mark });
      $('cf-complete-done').textContent = CF.format(S.summaryDone, { done: done, total: p.lessons.length });
      if (p.parts.length && !t.atEnd) return;  // thousands of lines in a large course: only when shown
      list.textContent = '';
      p.lessons.forEach((lesson, i) => {
        var item = el('li', 'cf-state-' + states[i].state), link = item.appendChild(el('a', '', t.name(lesson)));
        link.href = '#lesson-' + (lesson.id || '');
        link.setAttribute('data-page', i);
        link.appendChild(el('span', 'cf-complete-state', S['state_' + states[i].state]));
        list.appendChild(item);
      });
    }
  }

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
