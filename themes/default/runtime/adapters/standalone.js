/*
 * courseforge standalone adapter: no LMS. Progress lives in this browser's localStorage under a key
 * made from the course id and version. Registered as the fallback, so it is used when no other
 * adapter finds its LMS, or when one that found its launch cannot start (a cmi5 launch reloaded after
 * its session ended): that adapter names the launch in Courseforge.room (player.js), and the key ends
 * with it, so one registration's or one AU's progress never shows in another's. A course opened from
 * file:// has no room: its key stays what it always was. With no record of its own, it starts from
 * what the launch that could not start kept of its last session (Courseforge.kept, the key of the xAPI
 * tracker's copy of its State document), so the learner is where they were, not on a fresh course. The
 * record then names that copy (`k`: its write count and writer, xapi.js resume()), and keeps the answers
 * and clip events the player hands it (`e`): the launch's next session carries the record on, and sends
 * them, when the LRS's document is still the one it continues (xapi.js carry()).
 */
(function (win) {
  'use strict';

  var CF = win.Courseforge = win.Courseforge || {};

  // The key of a course's record in this launch's room (xapi.js carries it on or drops it once a session starts).
  var key = CF.localKey = course => 'courseforge:' + course.id + '@' + course.version + (CF.room || '');

  // What a stored field holds: a text, else nothing.
  function text(value) { return typeof value === 'string' ? value : null; }

  class StandaloneAdapter {
    constructor(course) {
      var kept = CF.kept && CF.keep(CF.kept) || 0;
      this.name = 'standalone';
      this.course = course;
      this.key = key(course);
      this.maxDataLength = 65536;
      this.passMark = CF.mark;  // a cmi5 launch's, that judges what this reports later (cmi5.js); else none
      // `k` only where a launch keeps a copy (the record is what it was elsewhere): the copy it starts from;
      // none for a Browse/Review launch (CF.review, cmi5.js), which reports nothing, now or later.
      this.record = { location: null, data: null, completed: false, k: CF.kept && !CF.review && [kept.n, kept.w] };
    }

    init() {
      // Whether this browser keeps records at all (Courseforge.keep, player.js, makes room in a full
      // one); an array, which keep stamps no time for: the probe is gone at once.
      var probe = 'courseforge:probe';
      return { connected: false, persistent: CF.keep(probe, []) && CF.keep(probe, null) };
    }

    // JSON stored under key k, or null (none, no storage, or not JSON).
    read(k) { return CF.keep(k); }

    // No storage, nothing stored, or not our record: a fresh start. The launch's copy (CF.kept) is read
    // even when the record is there: what a page reads is its launch's, never removed to make room
    // (Courseforge.keep, player.js), and the launch's next session resumes from it.
    loadState() {
      var saved = this.read(this.key), kept = CF.kept && this.read(CF.kept), k = this.record.k;
      // A record of its own continues the copy that record started from, unless a session has written that
      // copy since (a fallback tab left open while the launch's next session ran): stale, the copy is newer.
      if (saved instanceof Object && (saved.k === undefined || !(kept instanceof Object) || saved.k + '' == k + '')) {
        this.record.k = saved.k;
        this.record.e = saved.e;  // and what it keeps to send (see later)
      } else saved = kept;
      if (!(saved instanceof Object)) return { location: null, data: null, resumed: false };
      this.record.completed = !!saved.completed;
      this.record.score = saved.score || null;
      return { location: text(saved.location), data: text(saved.data), resumed: true };
    }

    // Whether the record is stored (no storage, or full: it is not).
    write() { return CF.keep(this.key, this.record); }

    saveState(snapshot) {
      var s = snapshot || {};
      this.record.location = s.location != null ? String(s.location) : null;
      this.record.data = s.data != null ? String(s.data) : null;
      return this.write();
    }

    complete() {
      this.record.completed = true;
      this.write();
    }

    // The answers given and the clips' events (the player's answer and media calls), in order, where the
    // record continues a launch's copy (`k`): the launch's next session sends them as it would have then
    // (xapi.js carry()). Elsewhere nothing will ever send them: the answers stay in the player's state.
    later(m, a) {
      var r = this.record;
      if (r.k) {
        (r.e = r.e || []).push([m, a]);
        this.write();
      }
    }

    // With its question's data: a large course's next session may not have the part that brings it yet.
    answer(i) {
      i.q = (this.course.questions || {})[i.id];
      this.later('answer', i);
    }

    media(m) { this.later('media', m); }

    // The last graded result is kept beside the player's state.
    score(result) {
      this.record.score = result ? { raw: result.raw, passed: !!result.passed } : null;
      this.write();
    }

    // Each change was written as it came: nothing is left. (Writing the record again wrote a returning
    // learner's progress away when they left from the cover, before this page had saved anything.)
    terminate() {}
  }

  var definition = {
    name: 'standalone',
    fallback: true,
    detect: () => true,
    create: course => new StandaloneAdapter(course)
  };
  if (CF.registerAdapter) CF.registerAdapter(definition);
  else (CF.pendingAdapters = CF.pendingAdapters || []).push(definition);
})(window);
