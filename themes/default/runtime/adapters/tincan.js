/*
 * courseforge TinCan adapter (needs runtime/xapi.js, which holds the statement rules). Launch (T-L):
 * endpoint, auth (sent verbatim), actor (legacy arrays accepted), registration, activity_id (else
 * tincan.xml's id), grouping; without endpoint/auth/actor the standalone adapter runs instead.
 * Small names and arrow callbacks: see xapi.js.
 */
(function (win) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};

  function launch() {
    var q = new URLSearchParams(win.location.search);
    return { endpoint: q.get('endpoint'), auth: q.get('auth'), actor: q.get('actor'), registration: q.get('registration'),
      activity: q.get('activity_id'), grouping: q.get('grouping') };
  }

  // T-L3: {"name": ["Jo"], "mbox": ["jo@…"]} and the 0.95 account form become a 1.0 Agent.
  function agent(text) {
    var given = JSON.parse(text), legacy, out = {}, a;
    Object.keys(given).forEach(k => {
      legacy = legacy || Array.isArray(given[k]);
      out[k] = [].concat(given[k])[0];
    });
    if (!legacy) return given;
    a = out.account;
    if (a && (a.accountServiceHomePage || a.accountName)) out.account = { homePage: a.accountServiceHomePage, name: a.accountName };
    if (out.mbox && !/^mailto:/.test(out.mbox)) out.mbox = 'mailto:' + out.mbox;
    out.objectType = out.objectType || 'Agent';
    return out;
  }

  // The root activity when the LMS does not say: the one with a launch in our own tincan.xml (T-L4).
  function packageId() {
    return win.fetch('tincan.xml', { cache: 'no-store' }).then(r => r.text()).then(text => {
      var found = new DOMParser().parseFromString(text, 'application/xml').getElementsByTagName('launch')[0];
      if (!found) throw Error('tincan.xml names no launchable activity');
      return found.parentNode.getAttribute('id');
    });
  }

  function connect() {
    var t = this, p = launch(), actor;
    // What this browser keeps for the launch (quiz.js's backup; the standalone adapter's progress when
    // the LRS cannot be reached) is this registration's, activity's, learner's and LRS's alone.
    CF.room = ' ' + [p.registration, p.activity, p.actor, p.endpoint];
    actor = agent(p.actor);
    return (p.activity ? Promise.resolve(p.activity) : packageId()).then(root => {
      t.session = { start: Date.now() };
      t.actor = actor;
      t.registration = p.registration;
      t.root = t.base = root;
      t.rootType = 'http:' + '/' + '/adlnet.gov/expapi/activities/course';
      t.grouping = p.grouping ? [p.grouping] : [];
      t.tracking = true;
      t.mastery = null;  // the assessment's own pass mark decides
      // Keyed by the learner too: without a registration two learners of one browser shared the queue
      // and the State copy (the next one resumed the last one's progress, sent their statements).
      t.client = new CF.xapi.Client(p.endpoint, p.auth, (p.registration || '') + ' ' + root, actor);
      // The tracker's copy of its State document: where the standalone adapter starts from should the
      // LRS not answer now.
      CF.kept = t.client.key + ':state';
      t.where = { stateId: 'courseforge.resume', activityId: root, agent: actor, registration: p.registration };
      return t.client.get('activities/state', t.where);
    }).then(saved => t.resume(saved));
  }

  var definition = {
    name: 'tincan',
    detect: () => {
      var p = launch();
      return !!(CF.xapi && p.endpoint && p.auth && p.actor);
    },
    create: course => Object.assign(new CF.xapi.Tracker('tincan', course), { connect })
  };
  if (CF.registerAdapter) CF.registerAdapter(definition);
  else (CF.pendingAdapters = CF.pendingAdapters || []).push(definition);
})(window);
