/*
 * courseforge cmi5 adapter (needs runtime/xapi.js, which holds the statement rules): launch
 * parameters, one POST to the fetch URL (token kept in sessionStorage for reloads), LMS.LaunchData,
 * cmi5LearnerPreferences (C5-L, C5-D). A per-page AU (url index.html?page=<id>) opens on its page
 * and is completed once that page has been shown.
 */
(function (win) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};
  var NAMES = ['endpoint', 'fetch', 'actor', 'registration', 'activityId', 'page'];

  function launch() {
    var query = new URLSearchParams(win.location.search), p = {};
    NAMES.forEach(function (name) { p[name] = query.get(name); });
    return p;
  }

  // C5-L2: POST once; errors come back as HTTP 200 with error-code/error-text.
  function token(url) {
    return win.fetch(url, { method: 'POST', cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        if (answer && typeof answer['auth-token'] === 'string') return answer['auth-token'];
        throw new Error('the fetch URL answered error ' + (answer && answer['error-code']) + ': ' +
          (answer && answer['error-text']));
      });
  }

  function connect() {
    var t = this, X = CF.xapi, p = launch(), actor = JSON.parse(p.actor);
    var key = 'courseforge:cmi5:' + p.fetch, session = X.storage('sessionStorage');
    t.session = X.read(session, key) || { start: Date.now() };
    t.keepSession = function () { X.write(session, key, t.session); };
    if (t.session.done) return Promise.reject(new Error('this launch has ended; start the course again from the LMS'));
    var where = { activityId: p.activityId, agent: actor, registration: p.registration };
    t.where = Object.assign({ stateId: 'courseforge.resume' }, where);
    return (t.session.token ? Promise.resolve(t.session.token) : token(p.fetch)).then(function (value) {
      t.session.token = value;  // C5-L4: per session, in this tab only
      t.keepSession();
      t.client = new X.Client(p.endpoint, 'Basic ' + value, p.registration + ' ' + p.activityId);
      return Promise.all([
        t.client.getJSON('activities/state', Object.assign({ stateId: 'LMS.LaunchData' }, where)),  // C5-D1
        t.client.getJSON('activities/state', t.where),
        t.client.getJSON('agents/profile', { agent: actor, profileId: 'cmi5LearnerPreferences' })  // C5-D6
          .catch(function () { return null; })
      ]);
    }).then(function (got) {
      var data = got[0];
      if (!data || typeof data !== 'object' || !data.contextTemplate) throw new Error('no LMS.LaunchData document');
      var mastery = parseFloat(data.masteryScore);
      t.profile = 'cmi5';
      t.actor = actor;
      t.registration = p.registration;
      t.root = t.base = p.activityId;  // C5-L5: the launch activityId, never the au id of cmi5.xml
      t.template = data.contextTemplate;
      t.tracking = (data.launchMode || 'Normal') === 'Normal';  // C5-D3: Browse/Review: initialized, terminated
      t.mastery = mastery >= 0 && mastery <= 1 ? mastery : null;  // C5-D4
      t.returnURL = typeof data.returnURL === 'string' && data.returnURL ? data.returnURL : null;  // C5-D5
      t.preferences = got[2];
      t.resume(got[1]);
      var page = p.page && t.page(p.page);
      t.scope = page ? page.id : null;
      t.rootName = page ? page.title : null;
    });
  }

  var definition = {
    name: 'cmi5',
    detect: function () {
      var p = launch();
      return !!(CF.xapi && p.endpoint && p.fetch && p.actor && p.registration && p.activityId);
    },
    create: function (course) {
      var adapter = new CF.xapi.Tracker('cmi5', course);
      adapter.connect = connect;
      return adapter;
    }
  };
  if (typeof CF.registerAdapter === 'function') CF.registerAdapter(definition);
  else (CF.pendingAdapters = CF.pendingAdapters || []).push(definition);
})(window);
