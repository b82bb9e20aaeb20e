/*
 * courseforge scenarios (classic script; markup: templates/scenario.html). A scenario page shows one
 * scene at a time; its decision appears once the clip ended, or at once on "Skip to the decision"
 * (and for a scene without a clip). A choice is recorded as an ungraded `choice` interaction, shows
 * its feedback (copied from the scene's hidden store; the focus goes there) and its consequence
 * scene. A clip starts only when the learner starts it (its play control, or "Play from the start"): one started by
 * itself would talk over the screen reader reading the feedback (WCAG 1.4.2). Clip events go to the
 * adapter as `media` ({event: played|paused|seeked|completed, scenario, scene, video, time, timeFrom,
 * timeTo, progress, playedSegments, length, lang}). player.state.scenarios[page index] = {done,
 * scene, time, progress, seed, path} (state.js): the current scene and its clip's position and
 * progress, for resume (CHECKLIST V8), and the seed that orders every decision's options for this
 * attempt (a new one on "Try again"). An ending scene with a clip completes the scenario once its
 * clip has ended (or on "Skip to the end"). The path so far (each decision and the choice made)
 * stays listed above the scene, and comes back after a reload.
 * The minifier keeps names, so they are short: g page, s its state record, d its course JSON,
 * v a video, c a scene id, n a scene element.
 */
(function (win, doc) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};

  var all = CF.Question.all;
  function q(n, k) { return n && n.querySelector(k); }
  function r(x) { return Math.round(x * 1e3) / 1e3; }
  var seed = CF.seed;

  function Page(p, id, index, box) {
    var g = this, d = p.course.scenarios[id], fb = q(box, '.scenario-feedback'), t0;
    g.id = id;
    g.i = index;
    var s = g.s = p.state.scenarios[index] = p.state.scenarios[index] || { scene: d.start };
    var path = q(box, '.scenario-path'), steps = q(path, 'ol');

    function node() { return q(box, '[data-scene="' + g.c + '"]'); }

    // This attempt's order of every decision's options, from its seed.
    function arrange() {
      if (!s.seed) s.seed = seed();
      all(box, '.scene-options').forEach((k, n) => {
        CF.shuffle(all(k, 'button'), s.seed + n).forEach(b => { k.appendChild(b); });
      });
    }

    function finished() {
      var was = p.experienced();
      s.done = true;
      q(box, '.scenario-status').textContent = p.strings.scenarioDone;
      if (!was && p.experienced()) p.report();
      p.save();
      p.updateProgress();
    }

    function step(b, c) {
      var li = doc.createElement('li');
      li.className = 'is-' + b.dataset.result;
      li.appendChild(doc.createElement('span')).textContent = d.scenes[c].title + ': ';
      li.appendChild(doc.createElement('q')).textContent = b.textContent.trim();
      steps.appendChild(li);
      path.hidden = false;
    }

    // Shows scene c ('': a choice ended the scenario), its decision hidden while it has a clip to
    // watch; focuses its heading. quiet (start-up): nothing saved or focused.
    function go(c, quiet) {
      var was = p.experienced(), n, v, k;
      g.c = c;
      all(box, '.scene').forEach(x => {
        if ((x.hidden = x.dataset.scene !== c) && (v = q(x, 'video'))) v.pause();
      });
      v = q(n = node(), 'video');
      // Only the scene on show reads its clip's metadata: a role-play's thirty clips asking at once
      // slowed every launch and spent a phone's data on clips the learner may never reach.
      if (v) v.preload = 'metadata';
      if ((k = q(n, '.scene-decision'))) k.hidden = !!v;
      if (n && (n = q(n, '.scene-skip'))) n.hidden = !!k && !v;
      t0 = Date.now();
      if (!c || d.scenes[c].ending && !v) s.done = true;
      if ((k = q(node(), '.scene-end'))) k.hidden = !!s.done;
      // A role=status line: the same words set again at each scene were announced again.
      n = s.done ? p.strings.scenarioDone : '';
      if ((k = q(box, '.scenario-status')).textContent != n) k.textContent = n;
      q(box, '.scenario-retry').hidden = c === d.start;
      if (quiet) return;
      s.scene = c || '';
      s.time = s.progress = 0;
      if (!was && p.experienced()) p.report();
      p.save();
      p.updateProgress();
      if ((n = node())) q(n, 'h2').focus();
    }

    function reveal(f) {
      var n = node(), k = q(n, '.scene-decision');
      if (!k) return;
      k.hidden = false;
      q(n, '.scene-skip').hidden = true;
      t0 = Date.now();
      if (f) q(k, 'button').focus();
    }

    box.addEventListener('click', e => {
      var b = e.target.closest('[data-do]'), a = b && b.dataset.do, c = d.scenes[g.c], o, right = [];
      if (a === 'toggle') {
        o = doc.getElementById(b.getAttribute('aria-controls'));
        b.setAttribute('aria-expanded', o.hidden);
        o.hidden = !o.hidden;
      }
      if (a === 'skip') c.decision ? reveal(1) : go(c.next);
      if (a === 'end') {
        q(node(), 'video').pause();
        b.hidden = true;
        finished();
        q(node(), 'h2').focus();  // the button it was on is gone: focus stays in the scene
      }
      if (a === 'replay') {
        o = q(node(), 'video');
        o.currentTime = 0;
        if (c.decision) q(node(), '.scene-decision').hidden = true;
        o.play().catch(() => { /* blocked: the learner presses play */ });
      }
      if (a === 'retry') {
        fb.textContent = '';
        steps.textContent = '';
        path.hidden = true;
        s.path = '';
        s.seed = seed();
        arrange();
        go(d.start);
      }
      if (a === 'choose') {
        a = b.dataset;
        p.enqueue('answer', { id: id + '-' + g.c, type: 'choice', prompt: c.decision.prompt,
          options: all(b.parentNode, 'button').map(x => {
            if (x.dataset.result === 'correct') right.push(x.dataset.choice);
            return { key: x.dataset.choice, text: x.textContent.trim() };
          }),
          correct: right, response: [a.choice], result: a.result, weighting: 0, latencyMs: Date.now() - t0,
          timestamp: new Date(), page: id, graded: false });
        s.path = (s.path || '') + c.decision.options.map(x => x.id).indexOf(a.choice).toString(36);
        fb.textContent = '';
        fb.appendChild(q(node(), '[data-for="' + a.choice + '"]').cloneNode(true));
        step(b, g.c);
        go(a.next);
        fb.focus();
      }
    });

    // Per clip: m the played segments [from, to]; a where the one playing began; t the last
    // position seen; base the progress saved before a reload; z a restoring seek, not the learner's.
    all(box, 'video').forEach(v => {
      var c = v.closest('.scene').dataset.scene, track = q(v, 'track'), m = [], a = null, t = 0, base = 0, z;
      function close() {
        if (a !== null && t > a) m.push([a, t]);
        a = null;
      }
      function send(e, extra) {
        var got = 0, end = 0, len = v.duration || 0;
        m.slice().sort((x, y) => x[0] - y[0]).forEach(x => {
          got += Math.max(0, x[1] - Math.max(x[0], end));
          end = Math.max(end, x[1]);
        });
        // base: what was watched before a reload, up to where it resumed (this session's segments start there).
        got = len && Math.min(1, r(got / len + base));
        // A clip skipped to its end was not watched: completed means all of it (the profile's threshold, 1),
        // less what a reload's saved state rounds away (its time to tenths of a second, progress to percent).
        if (e == 'completed') got < 1 - (base && len && .006 + .05 / len) ? e = 'paused' : got = 1;
        if (g.c === c) {
          s.time = v.currentTime;
          s.progress = got;
          p.pending = true;  // the player saves it on exit at the latest
        }
        if (!e) return;
        p.enqueue('media', Object.assign({ event: e, scenario: id, scene: c, video: v.getAttribute('src'),
          time: r(v.currentTime), progress: got, length: r(len), lang: track.srclang,
          playedSegments: m.map(x => r(x[0]) + '[.]' + r(x[1])).join('[,]') }, extra));
        if (e !== 'played') p.save();
      }
      if (c === s.scene && s.time && s.time < d.scenes[c].duration - 1) {
        base = s.progress;
        v.currentTime = t = z = s.time;
      }
      // The frame draws each line: captions stay a track to turn on, not a second copy under it.
      track.track.mode = 'hidden';
      v.onplay = () => {
        a = t = v.currentTime;
        send('played');
      };
      v.ontimeupdate = () => {
        if (!v.seeking && a !== null) {
          t = v.currentTime;
          send();
        }
      };
      v.onpause = () => {
        if (!v.seeking) t = v.currentTime;
        close();
        if (!v.ended) send('paused');
      };
      v.onseeking = close;
      v.onseeked = () => {
        if (!z) send('seeked', { timeFrom: r(t), timeTo: r(v.currentTime) });
        t = v.currentTime;
        if (!v.paused) a = t;
        z = 0;
      };
      v.onended = () => {
        send('completed');
        if (g.c !== c) return;
        if (d.scenes[c].ending && !s.done) finished();
        else reveal(v.parentNode.contains(doc.activeElement));
      };
    });

    arrange();
    // The path so far comes back with a reload: each saved choice, from the start scene on (a
    // scene without a decision leads on to its next), and the last one's feedback.
    (s.path || '').split('').reduce((c, k) => {
      while (d.scenes[c] && !d.scenes[c].decision) c = d.scenes[c].next;
      var o = d.scenes[c] && d.scenes[c].decision.options[parseInt(k, 36)], n = q(box, '[data-scene="' + c + '"]');
      if (!o || !n) return '';
      step(q(n, '[data-choice="' + o.id + '"]'), c);
      fb.textContent = '';
      fb.appendChild(q(n, '[data-for="' + o.id + '"]').cloneNode(true));
      return o.next;
    }, d.start);
    go(d.scenes[s.scene] ? s.scene : d.start, 1);
  }

  function Scenarios(p) {
    var pages = [];
    p.lessons.forEach((lesson, i) => {
      var box = q(lesson.section, '.scenario');
      if (box && (p.course.scenarios || {})[lesson.id]) pages.push(new Page(p, lesson.id, i, box));
    });
    // Experienced: every scenario the launch covers played to an ending, or the course does not ask for it.
    this.done = () => !p.course.requireScenarios || pages.every(g => g.s.done || !p.covers(g.i));
    // This scenario played to an ending (the menu and progress, screens.js).
    this.status = id => pages.some(g => g.id === id && g.s.done);
  }

  // The player shows a page: a clip left playing stops.
  Scenarios.prototype.show = () => {
    all(doc, 'video').forEach(v => { v.pause(); });
  };

  CF.Scenarios = Scenarios;
})(window, document);
