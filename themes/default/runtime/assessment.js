/*
 * courseforge assessment views (classic script), around a quiz page's questions (quiz.js): the
 * result card at the top once a page is submitted (score, pass mark, correct count, attempts left,
 * Retry first after a fail, the missed questions each linked to the lesson that teaches it), and,
 * with the course option oneQuestionPerScreen, one question at a time with a progress indicator.
 */
((win, doc) => {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {}, el = CF.el, plain = CF.Question.plain;

  // The card, from scratch each time: it only ever shows the last submitted attempt.
  function card(quizzes, page, r, x, judge) {
    var S = quizzes.S, box = page.section.querySelector('.quiz-result'), retry = page.retry, facts, missed;
    box.textContent = '';
    box.hidden = !r.submitted;
    box.className = 'quiz-result' + (page.d.graded ? x.passed ? ' is-passed' : ' is-failed' : ' is-done');
    if (!r.submitted) return;
    if (!page.d.graded) {
      box.appendChild(el('p', 'quiz-result-verdict', S.surveyDone));
      return;
    }
    var graded = page.order.filter(q => q.d.graded);
    missed = graded.filter(q => judge(q, r.answers[q.at]) !== 'correct');
    box.appendChild(el('p', 'quiz-result-verdict', x.passed ? S.resultPassed : S.resultFailed));
    box.appendChild(el('p', 'quiz-result-score', CF.format(S.resultScore, { score: r.score })));
    facts = el('ul', 'quiz-result-facts');
    [CF.format(S.resultMark, { pass: x.mark }),
      CF.format(S.resultCount, { correct: graded.length - missed.length, total: graded.length }),
      !x.passed && x.left !== Infinity ? CF.format(S.resultLeft, { n: Math.max(0, x.left) }) : null
    ].forEach(text => { if (text) facts.appendChild(el('li', '', text)); });
    box.appendChild(facts);
    box.appendChild(retry);
    if (missed.length) box.appendChild(review(quizzes, missed));
  }

  // The missed questions, each with a link to the lesson that teaches it (when the course says, and
  // the launch covers that lesson; in a large course the question knows the lesson's place and title,
  // its part may be still to come).
  function review(quizzes, missed) {
    var S = quizzes.S, wrap = el('div', 'quiz-result-missed'), list = el('ul');
    var title = el('h2', 'quiz-result-title', S.resultMissed);
    wrap.appendChild(title);
    missed.forEach(q => {
      var item = el('li'), d = q.d, p = quizzes.player, index = p.indexOf(d.lesson), link;
      if (index < 0) index = d.lessonAt;
      item.appendChild(el('span', 'quiz-result-prompt', plain(q.node.querySelector('.question-prompt'))));
      if (p.covers(index)) {
        link = el('a', 'quiz-result-lesson', CF.format(S.resultLesson, { lesson: p.lessons[index].title || d.lessonTitle }));
        link.href = '#lesson-' + d.lesson;
        link.setAttribute('data-page', index);
        item.appendChild(link);
      }
      list.appendChild(item);
    });
    wrap.appendChild(list);
    return wrap;
  }

  // One question per screen while an attempt is open: page.step is the one shown.
  function steps(quizzes, page, r) {
    var S = quizzes.S, bar = page.steps, on = quizzes.course.oneQuestionPerScreen && !r.submitted && page.order.length > 1;
    if (!bar && on) bar = page.steps = stepper(quizzes, page);
    if (!bar) return;
    bar.hidden = !on;
    page.step = Math.max(0, Math.min(page.order.length - 1, page.step || 0));
    page.order.forEach((q, n) => { q.node.classList.toggle('is-off-step', on && n !== page.step); });
    page.submit.hidden = r.submitted || (on && page.step < page.order.length - 1);
    if (!on) return;
    bar.querySelector('.quiz-steps-text').textContent = CF.format(S.question, { n: page.step + 1, total: page.order.length });
    bar.querySelector('.quiz-steps-fill').style.width = Math.round((page.step + 1) * 100 / page.order.length) + '%';
    bar.querySelector('[data-step="-1"]').disabled = page.step === 0;
    bar.querySelector('[data-step="1"]').hidden = page.step === page.order.length - 1;
  }

  function stepper(quizzes, page) {
    var S = quizzes.S, bar = el('div', 'quiz-steps'), buttons = el('div', 'quiz-steps-buttons');
    // No live region: a step moves the focus into its question, whose legend says "Question n of total".
    bar.appendChild(el('p', 'quiz-steps-text'));
    bar.appendChild(el('div', 'cf-progress-bar')).appendChild(el('div', 'cf-progress-fill quiz-steps-fill'));
    bar.lastChild.setAttribute('aria-hidden', 'true');
    [[-1, S.previousQuestion], [1, S.nextQuestion]].forEach(b => {
      var button = el('button', 'cf-button' + (b[0] > 0 ? ' cf-button-primary' : ''), b[1]);
      button.type = 'button';
      button.setAttribute('data-step', b[0]);
      button.addEventListener('click', () => {
        page.step += b[0];
        quizzes.render(page);
        var shown = page.order[page.step].node;
        shown.querySelector('input, select, textarea, button').focus({ preventScroll: true });
        shown.scrollIntoView({ block: 'start' });
      });
      buttons.appendChild(button);
    });
    bar.appendChild(buttons);
    var actions = page.section.querySelector('.quiz-actions');
    actions.parentNode.insertBefore(bar, actions);
    return bar;
  }

  CF.assessment = { card: card, steps: steps };
})(window, document);
