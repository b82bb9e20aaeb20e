"""The localStorage keys what a browser keeps for a course goes under (the standalone adapter's progress,
quiz.js's backup of graded texts): a course opened from file:// keeps the course's own key, the one every
earlier player wrote; a launch by an LMS adds what tells it apart (Courseforge.room, player.js), so that
one registration's, one AU's or one learner's record never shows in another's. Node over the runtime's
adapters, with no LMS answering (the cmi5 launch has ended, the TinCan LRS cannot be reached): each
falls back to the standalone adapter; a SCORM LMS (a stub API) names its learner. In Chromium against
Ralph: tests/e2e/test_cmi5_one_page_au.py; under scorm-again: tests/e2e/test_shared_browser.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import node_json

RUNTIME = Path(__file__).resolve().parent.parent / "themes" / "default" / "runtime"

SCRIPT = r"""
const memory = () => { const m = {};
  return {getItem: k => (k in m ? m[k] : null), setItem: (k, v) => { m[k] = String(v); }, removeItem: k => { delete m[k]; },
          key: i => Object.keys(m)[i], get length() { return Object.keys(m).length; }}; };
const window = global.window = {location: {search: ''}, localStorage: memory(), sessionStorage: memory(),
  console: {warn() {}}, addEventListener() {}, crypto: require('crypto').webcrypto, setTimeout() {}, clearTimeout() {},
  fetch: () => Promise.reject(new TypeError('Failed to fetch'))};
global.document = {documentElement: {lang: 'en'}, addEventListener() {}};
const adapters = [];
require(process.argv[1]);  // player.js: Courseforge.keep; the adapters registered come here instead
const CF = Object.assign(window.Courseforge, {registerAdapter: d => adapters.push(d), Question: {NEUTRAL: {}}});
process.argv.slice(2).forEach(file => require(file));
const course = {id: 'empathy', version: '2.0.0', lessons: [{id: 'final', kind: 'quiz'}], quizzes: {}};
const by = name => adapters.filter(a => a.name === name)[0];
// The keys the page uses once the adapter `name` (if any) has tried the launch in the address.
async function keys(name, search) {
  delete CF.room;
  delete CF.kept;
  window.location.search = search;
  if (name) {
    if (!by(name).detect()) return 'not detected';
    await Promise.resolve().then(() => by(name).create(course).init()).then(() => 'connected', e => e.message);
  }
  return [by('standalone').create(course).key, CF.Quizzes.prototype.key.call({course})];
}
const actor = encodeURIComponent(JSON.stringify({objectType: 'Agent',
  account: {homePage: 'https://lms.example.com', name: 'jo'}}));
const LMS = encodeURIComponent('https://lms.example.com/'), LRS = encodeURIComponent('https://lrs.example.com/xAPI/');
const cmi5 = (reg, au) => `?endpoint=${LRS}&fetch=${LMS}fetch%2F${reg}${au}&actor=${actor}&registration=${reg}` +
  `&activityId=${LMS}activities%2F${au}&page=final`;
const tincan = more => `?endpoint=${LRS}&auth=Basic%20x&actor=${actor}` + more;
(async () => {
  const out = {};
  out.file = await keys(null, '');
  // A reload of each launch: its session has ended (this tab knows it), so it does not start again.
  for (const [reg, au] of [['r1', 'a1'], ['r1', 'a2'], ['r2', 'a1']]) {
    const fetch = `https://lms.example.com/fetch/${reg}${au}`;
    window.sessionStorage.setItem('courseforge:cmi5:' + fetch, JSON.stringify({done: true}));
    out[`cmi5 ${reg} ${au}`] = await keys('cmi5', cmi5(reg, au));
  }
  out.tincan = await keys('tincan', tincan('&registration=r3&activity_id=urn%3Acourse'));
  out.tincanBare = await keys('tincan', tincan(''));
  // A SCORM LMS's API on the window: every element read answers what `values` holds, else "".
  for (const [edition, name, element] of [['scorm12', 'API', 'cmi.core.student_id'], ['scorm2004', 'API_1484_11', 'cmi.learner_id']]) {
    for (const learner of ['learner-a', 'learner-b', '']) {
      const values = {[element]: learner}, ok = () => 'true';
      window[name] = {Initialize: ok, LMSInitialize: ok, Commit: ok, LMSCommit: ok, SetValue: ok, LMSSetValue: ok,
        GetValue: e => values[e] || '', LMSGetValue: e => values[e] || '', GetLastError: () => '0', LMSGetLastError: () => '0'};
      out[`${edition} ${learner}`] = await keys(edition, '');
      delete window[name];
    }
    // The LMS refuses to start the session (the frame reloaded after LMSFinish or Terminate), nor names
    // the learner: the room this tab kept of its launch, else one of the tab's own (or, with no
    // sessionStorage, of the page's own), never the course's keys.
    const no = () => 'false', none = () => '';
    window[name] = {Initialize: no, LMSInitialize: no, GetLastError: () => '104', LMSGetLastError: () => '101',
      GetErrorString: none, LMSGetErrorString: none, GetDiagnostic: none, LMSGetDiagnostic: none};
    const tab = window.sessionStorage;  // the cmi5 launches' above: put back below
    window.sessionStorage = memory();
    const fresh = [await keys(edition, ''), await keys(edition, '')];
    window.sessionStorage.setItem('courseforge:room:empathy@2.0.0', ' learner-a');
    const kept = await keys(edition, '');
    window.sessionStorage = {getItem() { throw Error('denied'); }, setItem() { throw Error('denied'); }};
    out[`${edition} refused`] = {fresh, kept, denied: [await keys(edition, ''), await keys(edition, '')]};
    window.sessionStorage = tab;
    delete window[name];
  }
  // Where the standalone adapter starts once the launch in the address did not: its own record in the
  // launch's room, else the copy the launch's xAPI tracker kept of its State document (CF.kept).
  const ls = window.localStorage;
  const starts = async (name, search) => {
    delete CF.room;
    delete CF.kept;
    window.location.search = search;
    await Promise.resolve().then(() => by(name).create(course).init()).catch(() => null);
    const fallback = by('standalone').create(course);
    fallback.init();
    return fallback.loadState();
  };
  ls.setItem('courseforge:xapi:r1 https://lms.example.com/activities/a1:state',
             JSON.stringify({location: 'final', data: 'kept', completed: true, n: 4}));
  out.cmi5Kept = await starts('cmi5', cmi5('r1', 'a1'));  // ended above: the tracker's copy
  out.cmi5Other = await starts('cmi5', cmi5('r2', 'a1'));  // another registration's: nothing of it
  ls.setItem('courseforge:empathy@2.0.0 r1 https://lms.example.com/activities/a1', JSON.stringify({location: 'final', data: 'own'}));
  out.cmi5Own = await starts('cmi5', cmi5('r1', 'a1'));  // a record of its own first
  // A TinCan session that starts (the LRS has no State document yet) removes the room's record, older
  // than its own state; its copy is where the fallback starts should the LRS be out of reach next time.
  const search = tincan('&registration=r3&activity_id=urn%3Acourse'), room = out.tincan[0];
  ls.setItem(room, JSON.stringify({location: 'final', data: 'older'}));
  window.fetch = () => Promise.resolve({status: 404, ok: false, text: () => Promise.resolve('')});
  window.location.search = search;
  const tracker = by('tincan').create(course);
  await tracker.init();
  tracker.saveState({location: 'final', data: 'session'}, true);  // the copy alone (no State write)
  out.tincanRecord = ls.getItem(room);
  window.fetch = () => Promise.reject(new TypeError('Failed to fetch'));
  out.tincanKept = await starts('tincan', search);
  out.tincanOther = await starts('tincan', tincan('&registration=r4&activity_id=urn%3Acourse'));
  // The same registration, activity and learner under another LRS: nothing of the first LRS's launch.
  ls.setItem(room, JSON.stringify({location: 'final', data: 'the first LRS'}));
  out.tincanOtherLrs = await starts('tincan', search.replace(LRS, encodeURIComponent('https://other.example.com/xAPI/')));
  console.log(JSON.stringify(out));
})();
"""


@pytest.fixture(scope="module")
def keys() -> dict:
    files = ["player.js", "xapi.js", "lmsapi.js", "adapters/cmi5.js", "adapters/tincan.js", "adapters/scorm12.js",
             "adapters/scorm2004.js", "adapters/standalone.js", "quiz.js"]
    return node_json(SCRIPT, *(RUNTIME / f for f in files))


def test_a_course_from_file_keeps_the_key_every_player_wrote(keys):
    assert keys["file"] == ["courseforge:empathy@2.0.0", "courseforge-backup:empathy@2.0.0"]


def test_an_ended_cmi5_launch_keeps_its_own_registration_s_and_au_s_keys(keys):
    # No learner in them: a cmi5 registration is one learner's (the LMS makes one per learner and course).
    for reg, au in (("r1", "a1"), ("r1", "a2"), ("r2", "a1")):
        room = f" {reg} https://lms.example.com/activities/{au}"
        assert keys[f"cmi5 {reg} {au}"] == ["courseforge:empathy@2.0.0" + room,
                                            "courseforge-backup:empathy@2.0.0" + room]


def test_a_tincan_launch_keeps_its_own_registration_s_activity_s_learner_s_and_lrs_s_keys(keys):
    actor = '{"objectType":"Agent","account":{"homePage":"https://lms.example.com","name":"jo"}}'
    lrs = "https://lrs.example.com/xAPI/"
    assert keys["tincan"] == [f"courseforge:empathy@2.0.0 r3,urn:course,{actor},{lrs}",
                              f"courseforge-backup:empathy@2.0.0 r3,urn:course,{actor},{lrs}"]
    # No registration, no activity_id (tincan.xml names it): still the launch's learner's, never the course's.
    assert keys["tincanBare"] == [f"courseforge:empathy@2.0.0 ,,{actor},{lrs}",
                                  f"courseforge-backup:empathy@2.0.0 ,,{actor},{lrs}"]


@pytest.mark.parametrize("edition", ["scorm12", "scorm2004"])
def test_a_scorm_launch_keeps_its_learner_s_keys(keys, edition):
    # One browser, learners in turn (a kiosk): each learner id (cmi.core.student_id, cmi.learner_id)
    # its own keys; an LMS that names no learner leaves the course's own.
    for learner in ("learner-a", "learner-b"):
        assert keys[f"{edition} {learner}"] == [f"courseforge:empathy@2.0.0 {learner}",
                                               f"courseforge-backup:empathy@2.0.0 {learner}"]
    assert keys[f"{edition} "] == keys["file"]


@pytest.mark.parametrize("edition", ["scorm12", "scorm2004"])
def test_a_scorm_launch_the_lms_refuses_keeps_the_tab_s_room(keys, edition):
    """A frame reloaded after LMSFinish or Terminate: the learner its launch named (sessionStorage), or,
    in a tab that kept none, a room of the tab's own, the same at each reload; never the course's keys.
    In Chromium under scorm-again: tests/e2e/test_shared_browser.py."""
    refused = keys[f"{edition} refused"]
    assert refused["kept"] == ["courseforge:empathy@2.0.0 learner-a", "courseforge-backup:empathy@2.0.0 learner-a"]
    first, again = refused["fresh"]
    assert first == again and first[0].startswith("courseforge:empathy@2.0.0 tab ") and first != keys["file"]
    assert first[1] == "courseforge-backup:empathy@2.0.0" + first[0][len("courseforge:empathy@2.0.0"):]
    # No sessionStorage: each page a room of its own.
    one, other = refused["denied"]
    assert one != other and keys["file"][0] not in (one[0], other[0])


def test_a_launch_that_does_not_start_falls_back_to_where_the_learner_was(keys):
    # cmi5 reloaded once ended: the tracker's copy of the registration's and AU's State document, never
    # another registration's; a record the fallback made itself comes first (it is newer).
    assert keys["cmi5Kept"] == {"location": "final", "data": "kept", "resumed": True}
    assert keys["cmi5Other"] == {"location": None, "data": None, "resumed": False}
    assert keys["cmi5Own"] == {"location": "final", "data": "own", "resumed": True}


def test_a_session_that_starts_supersedes_the_fallback_s_record(keys):
    # TinCan with the LRS out of reach: the last session's copy, the record made before it gone; another
    # registration starts afresh.
    assert keys["tincanRecord"] is None
    assert keys["tincanKept"] == {"location": "final", "data": "session", "resumed": True}
    assert keys["tincanOther"] == {"location": None, "data": None, "resumed": False}
    assert keys["tincanOtherLrs"] == {"location": None, "data": None, "resumed": False}
