/*
 * Finding the LMS's SCORM API object, for the SCORM 1.2 and 2004 adapters (CHECKLIST S12-A1,
 * S04-A1): through this window's parents first, then through the opener's (a course launched in a
 * popup), a bounded climb in which every property access is guarded: a cross-origin window throws.
 */
(function (win) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};
  var MAX_CLIMB = 500;

  function parentOf(w) {
    try {
      var p = w.parent;
      return p && p !== w ? p : null;
    } catch (e) {
      return null;
    }
  }

  function openerOf(w) {
    try { return w && w.opener ? w.opener : null; } catch (e) { return null; }
  }

  // `name`: the API object's name (API, API_1484_11); `method`: one it must have to count.
  CF.findLmsApi = function (name, method) {
    function apiOn(w) {
      try {
        var api = w[name];
        if (api && typeof api[method] === 'function') return api;
      } catch (e) { /* cross-origin */ }
      return null;
    }
    function climb(w) {
      for (var i = 0; w && i <= MAX_CLIMB; i++) {
        var api = apiOn(w);
        if (api) return api;
        w = parentOf(w);
      }
      return null;
    }
    var api = climb(win) || climb(openerOf(win));
    if (!api) {
      var top = null;
      try { top = win.top; } catch (e) { /* ignore */ }
      api = climb(openerOf(top));
    }
    return api;
  };
})(window);
