/*
 * courseforge cmi5 adapter (needs runtime/xapi.js, which holds the statement rules): launch
 * parameters, one POST to the fetch URL (token kept in sessionStorage for reloads), LMS.LaunchData,
 * cmi5LearnerPreferences (C5-L, C5-D). A per-page AU (url index.html?page=<id>) opens on its page
 * and is completed once the player counts that page done (xapi.js progress()). Small names and arrow
 * callbacks: see xapi.js.
 */
(function (win) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};

  // endpoint, fetch, actor, registration, activityId (C5-L1), and page for a per-page AU.
  function launch() {
    return Object.fromEntries(new URLSearchParams(win.location.search));
  }

  // C5-L2: POST once; errors come back as HTTP 200 with error-code/error-text.
  function token(url) {
    return win.fetch(url, { method: 'POST', cache: 'no-store' }).then(r => r.json()).then(a => {
      if (a && typeof a['auth-token'] == 'string') return a['auth-token'];
      throw Error('the fetch URL answered error ' + (a && a['error-code']) + ': ' + (a && a['error-text']));
    });
  }

  function connect() {
    var t = this, X = CF.xapi, p = launch(), id = p.registration + ' ' + p.activityId, key = 'courseforge:cmi5:' + p.fetch;
    // What this browser keeps for the launch (the standalone adapter's progress once the launch has
    // ended, quiz.js's backup) is this registration's and this AU's (its activityId, C5-L5) alone.
    CF.room = ' ' + id;
    // The key of the tracker's copy of its State document (xapi.js Client and persist), where the
    // standalone adapter starts from should this launch not start (reloaded once ended).
    CF.kept = 'courseforge:xapi:' + id + ':state';
    var actor = JSON.parse(p.actor), where = { activityId: p.activityId, agent: actor, registration: p.registration }, page = p.page && t.page(p.page);
    // The player shows this page alone (player.js), also when this launch has ended (a reload).
    t.scope = page ? page.id : null;
    t.session = X.store(key) || { start: Date.now() };
    t.keepSession = () => X.store(key, t.session);
    // What the launch's fallback (standalone.js, player.js) keeps of it once it cannot start: a Browse/Review
    // launch reports nothing (C5-D3), neither does its fallback later; and the LMS's pass mark, which judges
    // the assessment the fallback reports at the next session (xapi.js carry()), judges it on its page too.
    CF.review = t.session.r;
    CF.mark = t.session.m;
    if (t.session.done) return Promise.reject(Error('this launch has ended; start the course again from the LMS'));
    t.where = Object.assign({ stateId: 'courseforge.resume' }, where);
    return (t.session.token ? Promise.resolve(t.session.token) : token(p.fetch)).then(value => {
      t.session.token = value;  // C5-L4: per session, in this tab only
      t.keepSession();
      t.client = new X.Client(p.endpoint, 'Basic ' + value, id);
      return Promise.all([
        t.client.get('activities/state', Object.assign({ stateId: 'LMS.LaunchData' }, where)),  // C5-D1
        t.client.get('activities/state', t.where),
        t.client.get('agents/profile', { agent: actor, profileId: 'cmi5LearnerPreferences' }).catch(() => null)  // C5-D6
      ]);
    }).then(got => {
      var data = got[0], mastery = parseFloat(data && data.masteryScore);
      if (!data || !data.contextTemplate) throw Error('no LMS.LaunchData document');
      t.actor = actor;
      t.registration = p.registration;
      t.root = t.base = p.activityId;  // C5-L5: the launch activityId, never the au id of cmi5.xml
      t.template = data.contextTemplate;
      t.tracking = (data.launchMode || 'Normal') == 'Normal';  // C5-D3: Browse/Review: no cmi5-defined statement but the two
      CF.review = t.session.r = !t.tracking;  // kept with the session (init()) for its reload
      t.mastery = mastery >= 0 && mastery <= 1 ? mastery : null;  // C5-D4, the player's pass mark too
      CF.mark = t.session.m = t.passMark = t.mastery == null ? null : Math.round(mastery * 1e4) / 100;
      t.returnURL = data.returnURL || null;  // C5-D5
      t.resume(got[1]);
      // C5-S8: the AU of a page other than a graded assessment scores nothing, whatever it is told (its
      // moveOn is Completed; the assessment's own AU passes). The player shows that page alone anyway.
      if (page && !(t.course.quizzes[page.id] || 0).graded) t.score = Object;
      t.rootName = page && page.title;
    });
  }

  var definition = {
    name: 'cmi5',
    detect: () => {
      var p = launch();
      return !!(CF.xapi && p.endpoint && p.fetch && p.actor && p.registration && p.activityId);
    },
    create: course => Object.assign(new CF.xapi.Tracker('cmi5', course), { connect })
  };
  if (CF.registerAdapter) CF.registerAdapter(definition);
  else (CF.pendingAdapters = CF.pendingAdapters || []).push(definition);
})(window);
