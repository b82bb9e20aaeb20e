/*
 * courseforge quizzes (classic script): knowledge checks ("Check answer", ungraded), quiz pages
 * ("Submit" as a whole, "Retry"), scoring, the seeded draw and shuffle, answers in player.state
 * (format: state.js). Standard-agnostic: reports through the adapter queue, answer() and score().
 * One question's inputs, judging and feedback are runtime/question.js.
 */
(function (win, doc) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};

  // mulberry32: an attempt's draw and order are rebuilt from its stored seed.
  function random(seed) {
    return () => {
      seed = (seed + 0x6D2B79F5) | 0;
      var t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function shuffle(list, rnd) {
    for (var i = list.length - 1; i > 0; i--) {
      var j = Math.floor(rnd() * (i + 1)), t = list[i];
      list[i] = list[j];
      list[j] = t;
    }
    return list;
  }

  var Question = CF.Question, judge = CF.judge, NEUTRAL = Question.NEUTRAL, all = Question.all, format = CF.format;

  var newSeed = CF.seed = () => Math.floor(Math.random() * 2147483646) + 1;  // scenario.js too

  // Knowledge checks keep their last checked answer in state.checks (lesson questions in page
  // order, numbered from each page's first, player.js `check`: a large course's lessons arrive
  // later, see attach); a quiz page keeps state.quizzes[page index] = {attempt, seed, submitted,
  // score, answers}.
  class Quizzes {
    constructor(player) {
      var t = this, course = player.course;
      t.player = player;
      t.S = player.strings;
      t.course = course;
      t.pages = {};
      t.checks = [];
      t.byId = {};
      t.started = {};
      player.lessons.forEach((lesson, index) => {
        if (lesson.section) t.attach(lesson, index, true);
      });
      t.restore();
      var main = doc.getElementById('cf-main') || doc.body;
      main.addEventListener('change', e => { t.changed(e, true); });
      main.addEventListener('input', e => { t.changed(e, false); });
      main.addEventListener('click', e => { t.clicked(e); });
      // A field whose label is above it (a matching item's text on a phone, "Your answer"): the browser
      // scrolls only the field into view, and Shift+Tab left the label under the sticky header.
      main.addEventListener('focusin', e => {
        var named = e.target.closest && e.target.closest('.question-pair, .question-text');
        if (named) named.scrollIntoView({ block: 'nearest' });
      });
      // Enter in a knowledge check's text field checks it, as a form's field would; not in an
      // assessment, which is submitted as a whole, by its button.
      main.addEventListener('keydown', e => {
        var node = e.key == 'Enter' && e.target.type == 'text' && e.target.closest('fieldset.question');
        var q = node && t.byId[node.getAttribute('data-question-id')];
        if (q && !t.pages[q.page] && !q.button.disabled) {
          e.preventDefault();
          q.button.click();
        }
      });
      CF.ordering.bind(main);
    }

    // A page's questions, once its section is in the document (at start-up, or when its part loads:
    // then its knowledge checks take back their saved answers at once).
    attach(lesson, index, starting) {
      var t = this, quiz = (t.course.quizzes || {})[lesson.id], questions = t.course.questions || {};
      var nodes = all(lesson.section, 'fieldset.question').filter(n => questions[n.getAttribute('data-question-id')]);
      var list = nodes.map((node, n) => {
        var q = new Question(node, questions[node.getAttribute('data-question-id')], lesson.id);
        q.at = n;  // its place in page.questions, and so in a quiz record's answers
        if (!quiz) {
          q.check = lesson.check + n;
          t.checks[q.check] = q;
          if (!starting) t.restoreCheck(q);
        }
        return (t.byId[q.id] = q);
      });
      var bar = lesson.section.querySelector('.quiz-actions');
      if (!quiz || !bar) return;
      t.pages[lesson.id] = {
        id: lesson.id, index: index, d: quiz, questions: list, order: [], section: lesson.section,
        status: bar.querySelector('.quiz-status'), submit: bar.querySelector('.quiz-submit'),
        retry: bar.querySelector('.quiz-retry'),
        slots: nodes.map(node => node.parentNode.insertBefore(doc.createComment(''), node))
      };
    }

    restoreCheck(q) {
      var t = this, a = t.player.state.checks[q.check];
      // A wrong answer comes back without the right one: whether that was shown (a second try) is not kept.
      if (a) { q.write(a); q.show(a, judge(q.d, a) === 'correct', t.S); }
      q.button.disabled = !q.read();
    }

    record(page) {
      var quizzes = this.player.state.quizzes, r = quizzes[page.index];
      if (!r) r = quizzes[page.index] = { attempt: 1, seed: newSeed(), submitted: false, score: null, answers: [] };
      r.graded = page.d.graded;
      return r;
    }

    restore() {
      var t = this, state = t.player.state, backup = t.readBackup();
      t.checks.forEach(q => { t.restoreCheck(q); });
      Object.keys(t.pages).forEach(id => {
        var page = t.pages[id], r = state.quizzes[page.index], saved = backup[page.index];
        if (!r) return;
        if (saved && saved.a === r.attempt && saved.s === r.seed) {
          Object.keys(saved.t).forEach(n => { r.answers[n] = r.answers[n] || saved.t[n]; });
        }
        t.arrange(page);
        page.questions.forEach((q, n) => { q.write(r.answers[n]); });
        t.render(page);
      });
    }

    // The seed draws `draw` of the graded questions (ungraded ones always stay) and, with `shuffle`,
    // orders questions and choice options; the draw goes into the page's question slots.
    arrange(page) {
      var t = this, r = t.record(page), d = page.d, rnd = random(r.seed), S = t.S, questions = page.questions;
      var graded = questions.filter(q => q.d.graded);
      var drawn = d.draw && d.draw < graded.length ? shuffle(graded.slice(), rnd).slice(0, d.draw) : graded;
      var order = questions.filter(q => !q.d.graded || drawn.indexOf(q) >= 0);
      if (d.shuffle) {
        shuffle(order, rnd);
        questions.forEach(q => {
          var box = /^(single|multiple)$/.test(q.d.type) && q.node.querySelector('.question-options');
          if (!box) return;
          shuffle(q.d.options.map(k => box.querySelector('[data-key="' + k + '"]')), rnd)
            .forEach(o => { box.appendChild(o); });
        });
      }
      order.concat(questions.filter(q => order.indexOf(q) < 0)).forEach((q, n) => {
        var slot = page.slots[n], shown = n < order.length;
        slot.parentNode.insertBefore(q.node, slot.nextSibling);
        q.node.hidden = !shown;
        q.node.querySelector('.question-number').textContent = shown ? format(S.question, { n: n + 1, total: order.length }) : '';
      });
      page.order = order;
    }

    // The player calls this before it shows a page.
    show(id) {
      var t = this, page = t.pages[id];
      t.started[id] = t.started[id] || Date.now();
      if (page && !t.player.state.quizzes[page.index]) {
        t.arrange(page);
        t.render(page);
      }
    }

    changed(e, now) {
      var t = this, node = e.target.closest && e.target.closest('fieldset.question');
      var q = node && t.byId[node.getAttribute('data-question-id')], player = t.player;
      if (!q) return;
      var count = node.querySelector('.question-count');
      if (count) count.textContent = format(t.S.count, { n: q.field.value.length, max: q.field.maxLength });
      var page = t.pages[q.page];
      if (!page) {
        // A text field's change (on leaving it) repeats its inputs: it took away the feedback of an answer
        // just checked with Enter, and Check answer moved up under the pointer, out of the click.
        if (now && q.field) return;
        q.button.disabled = !q.read();
        return q.clear();
      }
      var r = t.record(page);
      if (r.submitted) return;
      q.clear();
      r.answers[q.at] = q.read();
      page.confirm = false;
      // Typing saves after a pause (and on leaving the field); the player saves what is pending on exit.
      win.clearTimeout(t.timer);
      player.pending = !now;
      if (now) player.save();
      else t.timer = win.setTimeout(() => { if (player.pending) player.save(); }, 1000);
    }

    clicked(e) {
      var t = this, button = e.target.closest && e.target.closest('button'), has = name => button.classList.contains(name);
      var page = button && button.closest('.quiz-actions, .quiz-result') && t.pages[button.closest('section').getAttribute('data-lesson-id')];
      if (button && has('question-check')) t.check(t.byId[button.closest('fieldset').getAttribute('data-question-id')]);
      if (page && has('quiz-submit')) t.submit(page);
      if (page && has('quiz-retry')) t.retry(page);
    }

    // A first wrong answer gets "try again" and, for choices, the chosen options' feedback as a hint;
    // the right answer shows only after a second wrong one.
    check(q) {
      var t = this, a = q.read(), again = a && !q.tried && judge(q.d, a) === 'wrong';
      if (!a) return;
      if (again) q.hint(a, t.S);
      else q.show(a, true, t.S);
      q.tried = q.tried || again;
      if (NEUTRAL[q.d.type]) q.add(q.box, t.S.recorded, 'question-result');
      t.player.state.checks[q.check] = a;
      t.player.enqueue('answer', q.interaction(a, false, t.started[q.page]));
      t.player.save();
    }

    submit(page) {
      var t = this, r = t.record(page), player = t.player, graded = page.d.graded, earned = 0, possible = 0;
      if (r.submitted) return;
      var answers = page.questions.map(q => page.order.indexOf(q) < 0 ? null : q.read());
      var missing = page.order.filter(q => !answers[q.at]);
      if (missing.length && !page.confirm) {
        page.confirm = true;
        // Each question left says so ("Not answered."), until it is answered (changed): the status says how many.
        missing.forEach(q => { q.show(null, 0, t.S); });
        page.status.textContent = format(t.S.confirm, { n: missing.length });
        return;
      }
      page.order.forEach(q => {
        var a = answers[q.at];
        if (graded && q.d.graded) {
          possible += q.d.points;
          if (a && judge(q.d, a) === 'correct') earned += q.d.points;
        }
        if (a) player.enqueue('answer', q.interaction(a, graded, t.started[page.id]));
      });
      r.answers = answers;
      r.submitted = true;
      if (graded) {
        r.score = possible ? Math.round(earned * 100 / possible) : 0;
        player.report();
      }
      player.save();
      player.updateProgress();
      page.step = 0;
      t.render(page);
      // The result card at the top: focus and the view go there.
      var card = page.section.querySelector('.quiz-result');
      card.focus({ preventScroll: true });
      card.scrollIntoView({ block: 'start' });
    }

    retry(page) {
      var t = this, r = t.record(page);
      if (!r.submitted || t.result(page).final) return;
      r.attempt++;
      r.seed = newSeed();
      r.submitted = false;
      r.answers = [];
      page.questions.forEach(q => { q.write(null); q.clear(); });
      t.started[page.id] = Date.now();
      t.arrange(page);
      page.step = 0;
      t.render(page);
      t.player.save();
      page.order[0].node.querySelector('input, select, textarea, button').focus();
    }

    // Passed against the LMS's pass mark when it sets one (the adapter's passMark, in percent: the
    // page must not say "passed" where the LMS records failed), else the page's, else the course's
    // mastery score; final once passed or out of attempts, and only then may the right answers be
    // shown (showAnswers).
    mark(page) {
      var lms = this.player.adapter && this.player.adapter.passMark;
      return lms != null ? lms : page.d.passingScore == null ? this.course.masteryScore || 0 : page.d.passingScore;
    }

    result(page) {
      var t = this, r = t.record(page), d = page.d, mark = t.mark(page);
      var left = d.attempts ? d.attempts - r.attempt + (r.submitted ? 0 : 1) : Infinity;
      var passed = r.score !== null && r.score >= mark;
      return { mark: mark, left: left, passed: passed, final: !d.graded || passed || left <= 0 };
    }

    render(page) {
      var t = this, r = t.record(page), S = t.S, d = page.d, x = t.result(page), final = r.submitted && x.final;
      var text = d.graded ? format(d.attempts ? S.attempt : S.attemptUnlimited, { n: r.attempt, total: d.attempts }) : '';
      page.questions.forEach(q => { q.node.disabled = r.submitted; });
      page.submit.hidden = r.submitted;
      page.retry.hidden = !r.submitted || final;
      CF.assessment.card(t, page, r, x, (q, a) => a ? judge(q.d, a) : 'unanswered');
      CF.assessment.steps(t, page, r);
      if (r.submitted) {
        page.order.forEach(q => { q.show(r.answers[q.at], d.showAnswers && final, S); });
        text = !d.graded ? S.surveyDone : format(x.passed ? S.passed : S.failed, { score: r.score, pass: x.mark });
        if (!final) text += ' ' + (x.left === Infinity ? S.retryAny : format(S.retryLeft, { n: x.left }));
        else if (d.graded && !x.passed) text += ' ' + S.noAttempts;
      }
      // Submitted, the focus goes to the result card, which says it all: read here too, it was heard twice.
      // Each step of one question per screen renders again: the same words set again are heard again.
      page.status.setAttribute('aria-live', r.submitted ? 'off' : 'polite');
      if (page.status.textContent != text) page.status.textContent = text;
    }

    // A quiz page's state for the menu and progress (screens.js): null before it is submitted.
    status(id) {
      var t = this, page = t.pages[id], r = page && t.player.state.quizzes[page.index];
      if (!r || r.score == null && !r.submitted) return null;
      if (!page.d.graded) return { state: 'done', done: true };
      var x = t.result(page);
      return { state: x.passed ? 'passed' : 'failed', done: x.final };
    }

    // The course's result: null without a graded page; raw (the mean of their scores) null until each
    // was submitted; done once each is final. Only the pages the launch covers count (player.js).
    outcome() {
      var t = this, total = 0, scored = true, passed = true, done = true, pages = 0, mark = 0;
      Object.keys(t.pages).forEach(id => {
        var page = t.pages[id], r = t.player.state.quizzes[page.index], x = r && t.result(page);
        if (!page.d.graded || !t.player.covers(page.index)) return;
        pages++;
        mark = Math.max(mark, t.mark(page));
        scored = scored && !!r && r.score !== null;
        total += r && r.score || 0;
        passed = passed && !!r && x.passed;
        done = done && !!r && x.final;
      });
      return pages ? { raw: scored ? Math.round(total / pages) : null, passed: scored && passed, done: scored && done, mark: mark } : null;
    }

    // Graded texts in progress that do not fit the adapter's limit (state.fit) stay in this browser, under
    // a key of this launch's own (Courseforge.room, player.js): another AU or registration keeps its own.
    readBackup() {
      return CF.keep(this.key()) || {};
    }

    key() { var c = this.course; return 'courseforge-backup:' + c.id + '@' + c.version + (CF.room || ''); }

    backup(texts) {
      var state = this.player.state.quizzes, kept = {}, pages = Object.keys(texts || {}), notice = doc.getElementById('cf-notice');
      pages.forEach(p => { kept[p] = { a: state[p].attempt, s: state[p].seed, t: texts[p] }; });
      CF.keep(this.key(), pages.length ? kept : null);  // no storage: the notice below is all there is
      // Each save says it again: the same words set again would be announced again.
      if (pages.length && notice && notice.textContent != this.S.overflow) {
        notice.textContent = this.S.overflow;
        notice.hidden = false;
      }
    }
  }

  CF.Quizzes = Quizzes;
  // The seeded shuffle, for scenario options too (scenario.js).
  CF.shuffle = (list, seed) => shuffle(list, random(seed));
})(window, document);
