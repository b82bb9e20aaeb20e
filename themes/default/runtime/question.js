/*
 * courseforge question (classic script): one question's inputs (read and write an answer in the
 * form state.js keeps), judging, feedback ("try again" with a hint, or the right answer) and the
 * interaction the adapters record; and the ordering list's moves. quiz.js runs pages of them.
 */
(function (win, doc) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};
  var KEYS = '0123456789abcdefghijklmnopqrstuvwxyz';
  var TEXT = { 'fill-in': 1, reflection: 1 };
  var NEUTRAL = { likert: 1, reflection: 1 };

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function plain(node) { return node ? node.textContent.replace(/\s+/g, ' ').trim() : ''; }
  // A fill-in answer as it is compared: hyphens and dashes as spaces, spaces collapsed, punctuation
  // around it and a leading "the", "a" or "an" dropped, case ignored unless keepCase. Every standard
  // records the result computed here.
  function norm(s, keepCase) {
    var edge = /^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu;
    s = String(s).normalize('NFKC').replace(/[\u2010-\u2015\u2212-]+/g, ' ').replace(edge, '');
    s = s.replace(/^(the|an|a)\s+/i, '').replace(edge, '').replace(/\s+/g, ' ');
    return keepCase ? s : s.toLowerCase();
  }
  CF.normalizeAnswer = norm;
  var format = CF.format;

  function answered(d, a) {
    return TEXT[d.type] ? !!(a && a.trim()) : !!(a && a.some(Boolean));
  }

  // single/true-false exact, multiple all-or-nothing, matching every pair, ordering the exact order,
  // fill-in any accepted text (as norm() reads it).
  function judge(d, a) {
    if (NEUTRAL[d.type]) return 'neutral';
    var cs = d.caseSensitive;
    var ok = d.type === 'fill-in' ? d.answers.some(x => norm(x, cs) === norm(a, cs))
      : d.type === 'matching' ? d.correct.every(p => a[KEYS.indexOf(p[0])] === p[2])
      : d.type === 'ordering' ? d.correct.every((k, n) => a[KEYS.indexOf(k)] === KEYS[n])
      : a.join() === d.correct.slice().sort().join();
    return ok ? 'correct' : 'wrong';
  }

  // The answer in SCORM vocabulary: keys, "source.target" pairs, keys in the chosen order, or text.
  function response(d, a) {
    if (TEXT[d.type]) return a;
    if (d.type === 'matching') return d.options.map((k, i) => a[i] && k + '.' + a[i]).filter(Boolean);
    if (d.type !== 'ordering') return a.slice();
    var order = [];
    KEYS.split('').forEach(n => { d.options.forEach((k, i) => { if (a[i] === n) order.push(k); }); });
    return order;
  }

  class Question {
    constructor(node, d, page) {
      var t = this;
      t.node = node;
      t.id = node.getAttribute('data-question-id');
      t.d = d;
      t.page = page;
      t.box = node.querySelector('.question-feedback');
      t.field = node.querySelector('input[type=text], textarea');
      t.selects = all(node, 'select');
      t.list = node.querySelector('.question-order');
      t.button = node.querySelector('.question-check');
      t.labels = {};
      t.targets = {};
      d.options.forEach(k => { t.labels[k] = plain(t.label(k)); });
      if (t.selects[0]) all(t.selects[0], 'option').forEach(o => { t.targets[o.value] = plain(o); });
    }

    label(key) {
      var t = this;
      return t.node.querySelector('label[for="' + t.node.id + '-' + key + '"]') || doc.getElementById(t.node.id + '-' + key);
    }

    // As state.js keeps it: text, or one key per choice / matched item / ordered item; null if none.
    read() {
      var t = this, d = t.d, a = t.field ? t.field.value : d.options.map(() => '');
      if (!t.field && !t.selects.length) a = all(t.node, 'input:checked').map(i => i.value).sort();
      if (t.list) a = CF.ordering.read(t.list, d.options);
      t.selects.forEach(s => { a[KEYS.indexOf(s.getAttribute('data-key'))] = s.value; });
      return answered(d, a) ? a : null;
    }

    write(a) {
      var t = this, d = t.d;
      if (t.field) t.field.value = typeof a === 'string' ? a : '';
      all(t.node, 'input:not([type=text])').forEach(i => { i.checked = !!a && a.indexOf(i.value) >= 0; });
      t.selects.forEach(s => { s.value = (a && a[KEYS.indexOf(s.getAttribute('data-key'))]) || ''; });
      if (t.list) CF.ordering.write(t.list, d.options, a);
    }

    clear() {
      var t = this;
      t.box.textContent = '';
      t.node.classList.remove('is-correct', 'is-wrong', 'is-unanswered', 'is-retry');
      all(t.node, '.question-mark').forEach(m => { m.parentNode.removeChild(m); });
    }

    add(where, text, className) {
      var node = doc.createElement(where === this.box ? 'p' : 'span');
      node.className = className;
      node.textContent = text;
      where.appendChild(node);
    }

    // A copy of the page's stored feedback or explanation into the feedback box.
    take(selector) {
      var t = this, found = t.node.querySelector('.question-store ' + selector);
      if (found) t.box.appendChild(found.cloneNode(true));
    }

    // Right or wrong; with `reveal` also the right answer, the chosen options' feedback, the explanation.
    show(a, reveal, S) {
      var t = this, d = t.d, node = t.node, box = t.box;
      var result = a ? judge(d, a) : 'unanswered';
      t.clear();
      if (result === 'neutral') return;
      node.classList.add('is-' + result);
      t.add(box, S[result], 'question-result');
      if (!reveal) return;
      if (d.type === 'fill-in' && result !== 'correct') t.add(box, format(S.accepted, { answer: d.answers[0] }), '');
      (d.correct || []).forEach((k, n) => {
        var pair = node.querySelector('.question-pair[data-key="' + k[0] + '"], .question-item[data-key="' + k[0] + '"]');
        var mine = (a || [])[KEYS.indexOf(k[0])], mark = 'question-mark is-right';
        // A correction on a wrong row, never a tick on it.
        if (d.type === 'matching' && mine !== k[2]) t.add(pair, format(S.rightMatch, { answer: t.targets[k[2]] }), 'question-mark is-fix');
        if (d.type === 'ordering' && mine !== KEYS[n]) t.add(pair, format(S.rightPosition, { answer: n + 1 }), 'question-mark is-fix');
        if (d.type !== 'matching' && d.type !== 'ordering') t.add(t.label(k), S.rightAnswer, mark);
      });
      if (a && !TEXT[d.type] && d.type !== 'matching' && d.type !== 'ordering') {
        a.forEach(k => {
          if (d.correct.indexOf(k) < 0) t.add(t.label(k), S.wrongChoice, 'question-mark is-wrong');
          t.take('[data-for="' + k + '"]');
        });
      }
      t.take('.question-explanation');
    }

    hint(a, S) {
      var t = this;
      t.clear();
      t.node.classList.add('is-retry');
      t.add(t.box, S.tryAgain, 'question-result');
      (TEXT[t.d.type] ? [] : a).forEach(k => { t.take('[data-for="' + k + '"]'); });
    }

    // The interaction the adapters record (runtime/xapi.js reads the same shape).
    interaction(a, graded, started) {
      var t = this, d = t.d;
      var list = (keys, names) => keys.map(k => ({ key: k, text: names[k] }));
      var i = {
        id: t.id, type: d.scormType, prompt: plain(t.node.querySelector('.question-prompt')),
        options: list(d.options, t.labels), correct: NEUTRAL[d.type] ? [] : (d.answers || d.correct).slice(),
        response: response(d, a), result: judge(d, a), weighting: graded && d.graded ? d.points : 0,
        latencyMs: Date.now() - (started || Date.now()), timestamp: new Date(), page: t.page, graded: graded && d.graded
      };
      if (d.type === 'matching') i.targets = list(d.targets, t.targets);
      return i;
    }
  }

  // Ordering questions: a list the learner reorders by dragging an item or with its Move up / Move
  // down buttons, each move announced ("item: position n of total"). A move fires `change` on the
  // list, so quiz.js records it like any other answer. A list always holds an answer, its order as
  // shown (a learner may think the first order right; it never is).
  var dragged = null;

  function items(list) { return [].slice.call(list.children); }
  function itemText(item) { return plain(item.querySelector('.question-item-text')); }
  function locked(list) { return list.closest('fieldset').disabled; }

  function moved(list, item, focus) {
    var all = items(list), live = list.parentNode.querySelector('.question-live');
    list.classList.add('is-moved');
    live.textContent = CF.format(CF.player.strings.moved, { item: itemText(item), n: all.indexOf(item) + 1, total: all.length });
    if (focus) focus.focus();
    list.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function move(button) {
    var item = button.closest('.question-item'), list = item.parentNode, step = +button.getAttribute('data-move');
    var all = items(list), to = all.indexOf(item) + step;
    if (locked(list) || to < 0 || to >= all.length) return moved(list, item, button);
    list.insertBefore(item, step < 0 ? all[to] : all[to].nextSibling);
    moved(list, item, button);
  }

  // As state.js keeps an ordering answer: per item (in source key order) the key of its position.
  function read(list, keys) {
    var order = items(list).map(li => li.getAttribute('data-key'));
    return keys.map(k => KEYS.charAt(order.indexOf(k)));
  }

  // a null: back to the first order shown (kept from the page as rendered).
  function write(list, keys, a) {
    var first = list.cfFirst = list.cfFirst || items(list);
    var order = a ? keys.slice().sort((x, y) => KEYS.indexOf(a[keys.indexOf(x)]) - KEYS.indexOf(a[keys.indexOf(y)]))
      .map(k => list.querySelector('[data-key="' + k + '"]')) : first;
    order.forEach(li => { list.appendChild(li); });
    list.classList.toggle('is-moved', !!a);
  }

  function bind(root) {
    root.addEventListener('click', e => {
      var button = e.target.closest && e.target.closest('.question-move');
      if (button) move(button);
    });
    root.addEventListener('dragstart', e => {
      dragged = e.target.closest && e.target.closest('.question-item');
      if (!dragged || locked(dragged.parentNode)) return (dragged = null);
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', itemText(dragged));
      dragged.classList.add('is-dragged');
    });
    root.addEventListener('dragover', e => {
      var over = e.target.closest && e.target.closest('.question-item');
      if (!dragged || !over || over.parentNode !== dragged.parentNode) return;
      e.preventDefault();
      var box = over.getBoundingClientRect();
      if (over !== dragged) over.parentNode.insertBefore(dragged, e.clientY > box.top + box.height / 2 ? over.nextSibling : over);
    });
    root.addEventListener('dragend', () => {
      if (!dragged) return;
      dragged.classList.remove('is-dragged');
      moved(dragged.parentNode, dragged);
      dragged = null;
    });
  }

  CF.ordering = { read: read, write: write, bind: bind };

  Question.NEUTRAL = NEUTRAL;
  Question.all = all;  // for quiz.js and assessment.js
  Question.plain = plain;
  CF.Question = Question;
  CF.judge = judge;
})(window, document);
