/*
 * The stand-in LMS page: launches the course in a frame under the chosen standard, relaunches it
 * when the preview server says a new build is ready (the learner's place is kept by the LMS data, as
 * in a real LMS), shows content errors, and lists what the LMS receives: the SCORM data model and
 * calls (lms.js) or the xAPI statements the in-memory LRS stores (under cmi5, from the `launched`
 * statement the LMS records before each launch, of the AU of the page on show, or on a save's
 * reload of the AU launched last). A course of one AU per page lists its AUs as an LMS does: each
 * launch of one shows its page alone, so the AU chosen there is the way to another page.
 */
(function (win, doc) {
  'use strict';

  var frame = byId('pv-frame'), picker = byId('pv-standard'), log = byId('pv-log'), model = byId('pv-model');
  var state = null, lms = null, registration = null, launches = 0, lost = false, MAX_LOG = 200;
  var listed = {};  // ids of the statements shown: the launch's answer and the events both bring `launched`
  // The page whose AU was launched last, in a course of one AU per page: a save's reload goes on in
  // it (its State holds the session's data), whatever page the learner walked on to.
  var launchedPage = null;
  // The AU chosen in the list (a course of one AU per page under cmi5) when Relaunch was pressed.
  var auList = byId('pv-au'), picked = null;
  var STORE = 'courseforge:preview:', NO_BUILD = 'No build yet: fix the problems above and save.';
  // Tabs of one preview share its one learner: the tab that launched last runs the course and the
  // others stand aside, their sessions ended first. Two tabs (a preview started again opens one
  // beside the page that reconnects) otherwise relaunched at every save, each ending the other's
  // cmi5 session and writing over the other's SCORM data.
  var ELSEWHERE = 'The course is open in another tab of this preview', CLOSED = 'The tab that ran the course was closed';
  var tab = Math.random().toString(36).slice(2), aside = false, claimed = null, owner = null;
  var tabs = 'BroadcastChannel' in win ? new win.BroadcastChannel('courseforge-preview') : null;
  var READY_POLL_MS = 10, READY_TRIES = 3000;  // a relaunched player has 30 s to start

  function byId(id) { return doc.getElementById(id); }

  function request(url, body) {
    var options = body === undefined ? { cache: 'no-store' }
      : { method: 'POST', cache: 'no-store', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
    return win.fetch(url, options).then(function (r) { return r.json(); });
  }

  // One button a standard, the chosen one pressed: a select relaunched the course at each arrow key.
  var chosenStandard = null;
  function standard() { return chosenStandard; }

  function chosen() {
    return state.standards.filter(function (s) { return s.name === standard(); })[0] || {};
  }

  function kind() { return chosen().kind || ''; }

  // The launch page inside its build's versioned folder (server.py), straight rather than redirected.
  function launchPage() {
    var version = chosen().version;
    return '/course/' + standard() + '/' + (version ? '@' + version + '/' : '') + 'index.html';
  }

  function say(text) { byId('pv-status').textContent = text; }

  // The items of a list, and the line the server says the rest in (a long list is cut, as the
  // terminal cuts it: `… and 4950 more problems`), if any.
  function fill(list, lines, more) {
    list.textContent = '';
    lines.concat(more ? [more] : []).forEach(function (text) {
      var item = doc.createElement('li');
      item.textContent = text;
      list.appendChild(item);
    });
  }

  // `got`: the state; `built`: a good build is on show (none when the preview started on a course with errors).
  function showErrors(got, built) {
    byId('pv-error-title').textContent = built ? 'Fix this, then save: the preview still shows the last good build.'
      : 'Fix this, then save: the course has not built yet, so there is nothing to show.';
    fill(byId('pv-error-list'), got.errors, got.moreErrors);
    byId('pv-error').hidden = !got.errorCount;
  }

  // The build's warnings (check findings, a page left out…), which the terminal alone used to show:
  // folded to their count, each `path:line: what — how to fix it` when opened. The list is filled in
  // place, so a rebuild keeps it open or closed as the author left it.
  function showWarnings(got) {
    var count = got.warningCount;
    byId('pv-warnings-title').textContent = count + ' warning' + (count === 1 ? '' : 's') + ' in the last build';
    fill(byId('pv-warnings-list'), got.warnings, got.moreWarnings);
    byId('pv-warnings').hidden = !count;
  }

  // What the status line adds about them, so a screen reader hears the count at each rebuild.
  function warned(got) {
    var count = got.warningCount;
    return count ? ' — ' + count + ' warning' + (count === 1 ? '' : 's') : '';
  }

  function fillStandards() {
    var chosen = win.localStorage.getItem(STORE + 'standard');
    var names = state.standards.map(function (s) { return s.name; });
    chosenStandard = names.indexOf(chosen) >= 0 ? chosen : names[0] || null;
    picker.textContent = '';
    names.forEach(function (name) {
      var button = doc.createElement('button');
      button.type = 'button';
      button.textContent = name;
      button.setAttribute('aria-pressed', String(name === chosenStandard));
      button.addEventListener('click', function () { choose(name); });
      picker.appendChild(button);
    });
    showAUs();
  }

  function choose(name) {
    chosenStandard = name;
    Array.prototype.forEach.call(picker.children, function (button) {
      button.setAttribute('aria-pressed', String(button.textContent === name));
    });
    showAUs();
    launch(false);
  }

  // The AU list: shown under cmi5 for a course of one AU per page, filled again when its pages change.
  // It says which AU Relaunch opens (a select fires `change` at each arrow key: none launches by itself).
  function showAUs() {
    var aus = state && state.course && state.course.aus, key = JSON.stringify(aus);
    byId('pv-au-field').hidden = !aus || standard() !== 'cmi5';
    if (!aus || auList.dataset.key === key) return;
    auList.dataset.key = key;
    auList.textContent = '';
    aus.forEach(function (au) { auList.appendChild(new Option(au[1], au[0])); });
    if (launchedPage) auList.value = launchedPage;
  }

  function addLog(text, detail) {
    var item = doc.createElement('li');
    item.textContent = text;
    if (detail) {
      var more = doc.createElement('details'), summary = doc.createElement('summary'), pre = doc.createElement('pre');
      summary.textContent = 'statement';
      pre.textContent = JSON.stringify(detail, null, 1);
      more.appendChild(summary);
      more.appendChild(pre);
      item.appendChild(more);
    }
    log.insertBefore(item, log.firstChild);
    while (log.children.length > MAX_LOG) log.removeChild(log.lastChild);
  }

  // suspend_data's length beside its limit: a course near it loses its learners' progress on some LMSs.
  function showModel(data, changed) {
    var body = model.tBodies[0], limits = lms ? lms.model.limits : {};
    body.textContent = '';
    Object.keys(data).sort().forEach(function (key) {
      var row = body.insertRow(), value = String(data[key]), limit = limits[key];
      var size = !limit ? ' (' + value.length + ' characters)' : ' (' + value.length + ' of ' + limit + ' characters' +
        (value.length > limit ? ': over the limit, an LMS may refuse or cut it' : '') + ')';
      row.insertCell().textContent = key;
      row.insertCell().textContent = (value.length > 300 ? value.slice(0, 300) + '…' : value) +
        (value.length > 300 || limit && value ? size : '');
      if (key === changed) row.className = 'pv-changed';
    });
  }

  function onCall(name, element, value, data, refused) {
    var read = name === 'GetValue';
    var shown = !element ? '' : ' ' + element + (!read ? ' = ' + value : refused ? '' : ' → ' + value);
    addLog(name + shown + (refused ? ' — refused: ' + refused : ''));
    showModel(data, name === 'SetValue' && !refused ? element : '');
  }

  function onStatement(statement) {
    if (!registration || !statement.context || statement.context.registration !== registration) return;
    if (listed[statement.id]) return;
    listed[statement.id] = true;
    var verb = statement.verb || {}, display = verb.display || {}, object = statement.object || {};
    var name = object.definition && object.definition.name, shown = name && (name['en-US'] || name[Object.keys(name)[0]]);
    addLog((display['en-US'] || display[Object.keys(display)[0]] || verb.id) + ' ' + (shown || object.id || ''), statement);
  }

  // A request of the xAPI course on show that the LRS refused, listed as a refused SCORM call is: 401,
  // credentials it never issued (a course that lost its own fails so in an LMS too); 403, of a
  // session that has ended (of this learner's: a replaced learner's ended with them).
  function onRefused(refused) {
    if (!registration || refused.registration && refused.registration !== registration) return;
    addLog(refused.request + ' — refused: ' + refused.status + ' ' + refused.error);
  }

  function clearPanel() {
    listed = {};
    log.textContent = '';
    model.tBodies[0].textContent = '';
  }

  // Whether the course in the frame shows a page (or its summary) rather than its cover.
  function pastCover() {
    try {
      var cover = frame.contentDocument && frame.contentDocument.getElementById('cf-cover');
      return !!cover && cover.hidden;
    } catch (e) {
      return false;
    }
  }

  // Where the author is reading: the page shown and how far down it is scrolled; null on the cover.
  function readingPlace() {
    try {
      var player = frame.contentWindow.Courseforge.player, lesson = player.lessons[player.current];
      return { page: lesson.id, y: frame.contentWindow.scrollY };
    } catch (e) {
      return null;
    }
  }

  // An author who was reading a page when saving wants that page back, not the cover: as soon as
  // the relaunched course's player is ready, its cover's Start ("Continue at <page>") is pressed for
  // them, and the page is scrolled to where they were (`place`, when it is the same page). Not at the
  // frame's load event: that waits for every poster and every video's metadata.
  // The new document exists only once the navigation commits: it is looked for, then its
  // DOMContentLoaded (when the player starts) is heard.
  function continueWhenReady(id, old, place) {
    var tries = 0, heard = false;
    function look() {
      if (id !== launches) return;
      var page = null, course = null;
      try {
        page = frame.contentDocument;
        course = frame.contentWindow.Courseforge;
      } catch (e) { /* between documents */ }
      var fresh = page && page !== old;
      if (fresh && course && course.ready) {
        course.ready.then(function () {
          // A launch of one page (a course of one AU per page under cmi5) opens on it, without a cover.
          var cover = page.getElementById('cf-cover'), player = course.player, one = player && player.only >= 0;
          if (id === launches && frame.contentDocument === page && cover && (!cover.hidden || one)) {
            if (!one) page.getElementById('cf-start').click();
            var at = place && player ? player.indexOf(place.page) : -1;
            // An AU of a course of one AU per page opens on its own page: the author is walked on to theirs.
            if (at >= 0 && at !== player.current) player.show(at);
            var lesson = player && player.lessons[player.current];
            if (place && lesson && lesson.id === place.page) frame.contentWindow.scrollTo(0, place.y);
          }
        });
      } else if (fresh && !heard && page.readyState === 'loading') {
        // The player starts on its document's DOMContentLoaded, which the window hears after the
        // document: look then, not in a timer (Chromium holds those back while a frame loads).
        heard = true;
        frame.contentWindow.addEventListener('DOMContentLoaded', look);
      } else if (++tries < READY_TRIES) {
        win.setTimeout(look, READY_POLL_MS);
      }
    }
    win.setTimeout(look, READY_POLL_MS);  // once launch() has counted this launch
  }

  // The xAPI course in the frame ends before the next launch, as a learner closes it in an LMS: its
  // pagehide sends cmi5's `terminated` (a keepalive fetch), and the LMS, asked for the next launch,
  // waits for it (or records `abandoned`). Navigated straight to the next launch, the old page's
  // end reached the LMS after the new session began.
  // `loading`: also a course still on its way to the frame (its document is blank until it comes).
  function unload(loading) {
    var page = frame.contentDocument, going = loading && (frame.getAttribute('src') || 'about:blank') !== 'about:blank';
    if (!going && (!page || page.URL === 'about:blank')) return Promise.resolve();
    return new Promise(function (done) {
      frame.addEventListener('load', function gone() {
        frame.removeEventListener('load', gone);
        done();
      });
      frame.src = 'about:blank';
    });
  }

  // The tab running the course holds a lock of the browser's (Web Locks) until its course has ended:
  // a tab taking the course over launches once it is given the lock, so its SCORM session starts from
  // the data the other's kept as its course ended, not from before (its session time lost), and a
  // cmi5 launch follows the other's end. Not waited for longer than HANDOVER_MS (a tab that hangs):
  // the course launches without it, but the request stands, and the lock given later is held from
  // then on (no launch again), so that a tab taking the course over from this one waits for its end
  // too. No lock where the browser has none (an http page opened at another address than 127.0.0.1).
  // `held`: the lock asked for or given (one request, whatever the launches meanwhile).
  var LOCK = 'courseforge-preview-course', HANDOVER_MS = 3000, held = null, release = null, asking = null;

  function hold() {
    var locks = win.navigator.locks;
    if (!locks) return Promise.resolve();
    held = held || new Promise(function (granted) {
      var timer = win.setTimeout(granted, HANDOVER_MS);
      locks.request(LOCK, { signal: (asking = new win.AbortController()).signal }, function () {
        win.clearTimeout(timer);
        asking = null;
        granted();
        if (aside) return null;  // stood aside meanwhile: the lock goes to the tab that took the course
        return new Promise(function (done) { release = done; });
      }).catch(function () { /* stood aside before it was given */ });
    });
    return held;
  }

  function letGo() {
    if (asking) asking.abort();
    if (release) release();
    asking = release = held = null;
  }

  // `other`: the launch that took the course, its tab's id.
  function standAside(other) {
    var old = lms;
    aside = true;
    owner = other;
    launches += 1;  // a launch under way here goes no further
    byId('pv-elsewhere').hidden = false;
    notice(ELSEWHERE);
    return unload(true).then(function () {
      // Its data was kept as the course ended (the other tab reads it as its session starts); unless
      // this tab took the course back meanwhile, its LMS writes no more.
      if (!aside || lms !== old) return;
      letGo();
      if (old) old.detached = true;
      lms = null;
    });
  }

  // The notice of a tab standing aside says `why`, and so does its status line.
  function notice(why) {
    byId('pv-elsewhere-title').textContent = why;
    say(why + (why === CLOSED ? ': "Show it here" goes on with the course in this tab.' : '.'));
  }

  function takeOver() {
    aside = false;
    byId('pv-elsewhere').hidden = true;
    claimed = { launching: tab, at: Date.now() };
    if (tabs) tabs.postMessage(claimed);
  }

  // Whether `other` (another tab's launch) came after this tab's last: two tabs launching at once
  // each hear the other, and both agree on the later one (the larger tab id on a tie), which keeps
  // the course.
  function later(other) {
    return !claimed || other.at > claimed.at || other.at === claimed.at && other.launching > claimed.launching;
  }

  // A relaunch is what a learner gets when they open the course again: the old page ends (unload()),
  // the new one resumes from what the LMS kept, past the cover when the author was past it (a new
  // learner starts on the cover); `keepPlace`: a save's reload, which also brings the author back to
  // where they were reading on that page.
  // Null when there is nothing to launch: the course has not built yet.
  function launch(fresh, keepPlace) {
    if (!state.course) {
      win.localStorage.setItem(STORE + 'standard', standard());
      say(NO_BUILD);
      return null;
    }
    takeOver();
    var name = standard(), key = STORE + state.course.id + ':' + name, base = launchPage(), how = kind();
    var shown = readingPlace(), place = keepPlace ? shown : null, resume = !fresh && pastCover();
    // An xAPI session is in the frame: the LMS is told of the launch, whatever its standard, to end it.
    var leaving = registration;
    win.localStorage.setItem(STORE + 'standard', name);
    byId('pv-kind').textContent = '(' + name + ')';
    var id = launches += 1, scorm = PreviewLMS.kinds.indexOf(how) >= 0;
    // A SCORM course's session ends in this page (its pagehide calls finish before the next page's
    // scripts run): it is navigated straight to the next launch, which spares a save's reload the
    // unload's round (about 25 ms).
    return hold().then(function () {
      return id === launches ? scorm && !leaving ? null : unload() : null;
    }).then(function () {
      if (id !== launches) return null;  // launched again meanwhile
      if (resume) continueWhenReady(id, frame.contentDocument, place);
      if (scorm) return launchSCORM(id, fresh, key, base, how, leaving);
      var page = keepPlace && launchedPage || picked || shown && shown.page;
      picked = null;
      return launchXAPI(id, fresh, name, base, page);
    });
  }

  function launchSCORM(id, fresh, key, base, how, leaving) {
    if (fresh && lms) lms.forget();
    if (fresh || !lms || lms.key !== key) {
      if (lms) lms.detached = true;
      var made = new PreviewLMS(how, key, state.course, function (name, element, value, data, refused) {
        // Not the ending session of a replaced learner:
        if (made === lms) onCall(name, element, value, data, refused);
      });
      lms = made;
      clearPanel();
      showModel(lms.data, '');
    }
    lms.install(state.course);
    model.hidden = false;
    registration = null;
    var ended = leaving ? request('/preview/launch', { standard: standard() }) : Promise.resolve();
    return ended.then(function () {
      if (id === launches) frame.src = base + '?launch=' + id;
    });
  }

  // An LMS launches the AU of `page`, the page on show: a course of one AU per page has one for each.
  function launchXAPI(id, fresh, name, base, page) {
    model.hidden = true;
    if (lms) lms.detached = true;
    lms = null;
    win.API = win.API_1484_11 = undefined;
    return request('/preview/launch', { standard: name, fresh: !!fresh, page: page }).then(function (answer) {
      if (id !== launches) return;
      // The old session's statements, its end among them, before this launch's: their events may
      // come after this answer.
      (answer.ended || []).forEach(onStatement);
      launchedPage = answer.params.page || null;
      if (launchedPage) auList.value = launchedPage;
      if (answer.params.registration !== registration) clearPanel();
      registration = answer.params.registration;
      // Recorded before this answer, so its event may have come while the panel heard another registration.
      if (answer.launched) onStatement(answer.launched);
      frame.src = base + '?' + new URLSearchParams(answer.params).toString();
    });
  }

  function refresh() {
    return request('/preview/state').then(update);
  }

  function update(got) {
    state = got;
    byId('pv-course').textContent = got.course ? '— ' + got.course.title : '';
    showAUs();
    showErrors(got, !!got.course);
    showWarnings(got);
  }

  function listen() {
    var events = new win.EventSource('/preview/events');
    events.addEventListener('reload', function (event) {
      var built = JSON.parse(event.data);
      update(built);
      if (aside) return say('Build ' + built.build + ' ready. ' + ELSEWHERE + '.');
      say('Build ' + built.build + ' ready in ' + built.seconds.toFixed(2) + ' s' + warned(built));
      launch(false, true);
    });
    events.addEventListener('unchanged', function (event) {
      var built = JSON.parse(event.data);
      update(built);
      if (aside) return say('Build ' + built.build + ' ready. ' + ELSEWHERE + '.');
      say('Build ' + built.build + ' in ' + built.seconds.toFixed(2) + ' s: nothing changed, the page stays as it is' +
          warned(built));
    });
    events.addEventListener('problems', function (event) {
      var got = JSON.parse(event.data);
      showErrors(got, !!got.course);
      showWarnings(got);
      say(got.errorCount + ' problem' + (got.errorCount === 1 ? '' : 's') + ' in the last save' + warned(got));
    });
    events.addEventListener('statement', function (event) { onStatement(JSON.parse(event.data)); });
    events.addEventListener('refused', function (event) { onRefused(JSON.parse(event.data)); });
    // A stopped preview must not leave "Build 3 ready" on show while saves go unheard; one started
    // again (the browser reconnects by itself) built the sources as they are now: show that build.
    events.addEventListener('bye', stopped);
    events.addEventListener('error', stopped);
    events.addEventListener('open', function () {
      if (!lost) return;
      lost = false;
      // Another run (a preview started again) or a build the page did not hear of: the course is
      // relaunched. A version compared instead was that of the page's last state, not of the launch,
      // and null for a standard not served yet, which a new run's too is.
      var was = state.run + ' ' + state.build;
      refresh().then(function () {
        if (!state.course) return say('The preview is back; fix the problems above and save.');
        if (aside) return say('The preview is back. ' + ELSEWHERE + '.');
        say('The preview is back: build ' + state.build);
        if (state.run + ' ' + state.build !== was) launch(false, true);
      });
    });
  }

  function stopped() {
    if (lost) return;
    lost = true;
    say('The preview has stopped: saves are not shown until `courseforge preview` runs again (this page reconnects).');
  }

  if (tabs) tabs.addEventListener('message', function (event) {
    var other = event.data;
    if (!other) return;
    if (other.closed && aside && other.closed === owner) {  // or reloaded: then it takes the course again
      return notice(CLOSED);
    }
    if (other.launching && other.launching !== tab && (aside || later(other))) {
      if (aside) {  // the course's tab relaunched (a save), or another took it, or the closed one is back
        owner = other.launching;
        if (byId('pv-elsewhere-title').textContent === CLOSED) notice(ELSEWHERE);
        return;
      }
      standAside(other.launching);
    }
  });
  // The tab running the course tells the others when it goes (closed, or reloaded).
  win.addEventListener('pagehide', function () {
    if (tabs && claimed && !aside) tabs.postMessage({ closed: tab });
  });
  byId('pv-here').addEventListener('click', function () {
    launch(false);
    frame.focus();  // the button is gone: the keyboard goes on in the course
  });
  byId('pv-relaunch').addEventListener('click', function () {
    picked = byId('pv-au-field').hidden ? null : auList.value;
    launch(false);
  });
  byId('pv-reset').addEventListener('click', function () { if (launch(true)) say('New learner'); });

  refresh().then(function () {
    fillStandards();
    listen();
    launch(false);
  });
})(window, document);
