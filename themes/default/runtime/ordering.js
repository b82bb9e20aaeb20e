/*
 * courseforge ordering questions (classic script): a list the learner reorders by dragging an item
 * or with its Move up / Move down buttons, each move announced ("item: position n of total"). A
 * move fires `change` on the list, so quiz.js records it like any other answer. A list always holds
 * an answer, its order as shown (a learner may think the first order right; it never is).
 */
(function (win, doc) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};
  var KEYS = '0123456789abcdefghijklmnopqrstuvwxyz';
  var dragged = null;

  function items(list) { return [].slice.call(list.children); }
  function text(item) { return item.querySelector('.question-item-text').textContent.replace(/\s+/g, ' ').trim(); }
  function locked(list) { return list.closest('fieldset').disabled; }

  function moved(list, item, focus) {
    var all = items(list), live = list.parentNode.querySelector('.question-live');
    list.classList.add('is-moved');
    live.textContent = CF.format(CF.player.strings.moved, { item: text(item), n: all.indexOf(item) + 1, total: all.length });
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
    var order = items(list).map(function (li) { return li.getAttribute('data-key'); });
    return keys.map(function (k) { return KEYS.charAt(order.indexOf(k)); });
  }

  // a null: back to the first order shown (kept from the page as rendered).
  function write(list, keys, a) {
    var first = list.cfFirst = list.cfFirst || items(list);
    var order = a ? keys.slice().sort(function (x, y) {
      return KEYS.indexOf(a[keys.indexOf(x)]) - KEYS.indexOf(a[keys.indexOf(y)]);
    }).map(function (k) { return list.querySelector('[data-key="' + k + '"]'); }) : first;
    order.forEach(function (li) { list.appendChild(li); });
    list.classList.toggle('is-moved', !!a);
  }

  function bind(root) {
    root.addEventListener('click', function (e) {
      var button = e.target.closest && e.target.closest('.question-move');
      if (button) move(button);
    });
    root.addEventListener('dragstart', function (e) {
      dragged = e.target.closest && e.target.closest('.question-item');
      if (!dragged || locked(dragged.parentNode)) return (dragged = null);
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', text(dragged));
      dragged.classList.add('is-dragged');
    });
    root.addEventListener('dragover', function (e) {
      var over = e.target.closest && e.target.closest('.question-item');
      if (!dragged || !over || over.parentNode !== dragged.parentNode) return;
      e.preventDefault();
      var box = over.getBoundingClientRect();
      if (over !== dragged) over.parentNode.insertBefore(dragged, e.clientY > box.top + box.height / 2 ? over.nextSibling : over);
    });
    root.addEventListener('dragend', function () {
      if (!dragged) return;
      dragged.classList.remove('is-dragged');
      moved(dragged.parentNode, dragged);
      dragged = null;
    });
  }

  CF.ordering = { read: read, write: write, bind: bind };
})(window, document);
