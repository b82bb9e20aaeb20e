"""`courseforge preview` in Chromium: a save reloads the course at the same place, a content error
shows in the page while the last good build stays served, and the side panel shows what the LMS gets."""
from __future__ import annotations

import socket
import urllib.request

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from courseforge.preview import Preview
from courseforge.preview.lrs import activity_id
from courseforge.scaffold import create
from courseforge.theme import bundled_dir

from .e2e_support import axe_violations, format_violations
from .test_preview_audit import shown

LESSON = "content/lessons/02-listening.md"
TITLE = "My first course"  # the starter's course.yml: the cover's heading


FRAME_READY = """() => { const w = document.getElementById('pv-frame').contentWindow;
  return !!(w && w.Courseforge && w.Courseforge.player && w.Courseforge.player.ready); }"""


def start(course) -> str:
    """Past the course's cover, as a learner goes, to the first page; the label of the button pressed.
    The stand-in may still be relaunching the course it first loaded (a fresh machine is slow to
    render the starter's clips), so Start is pressed on a ready player, and again if the cover of a
    newer launch replaced the first (once: a second replacement fails the test)."""
    page = course.owner.page
    page.wait_for_function(FRAME_READY)
    course.get_by_role("heading", name=TITLE, level=1).wait_for()
    label = course.locator("#cf-start").inner_text()
    welcome = course.get_by_role("heading", name="Welcome", level=1)
    course.locator("#cf-start").click()
    try:
        welcome.wait_for(timeout=10_000)
    except PlaywrightTimeout:
        page.wait_for_function(FRAME_READY)
        course.locator("#cf-start").click()
        welcome.wait_for()
    return label


@pytest.fixture
def themed(tmp_path):
    """A project whose theme overrides the default stylesheet (a copy, plus the course title's colour)."""
    project = tmp_path / "project"
    create(project)
    sheet = project / "themes" / "default" / "css" / "courseforge.css"
    sheet.parent.mkdir(parents=True)
    default = (bundled_dir() / "default" / "css" / "courseforge.css").read_text()
    sheet.write_text(default + "\n.cf-course-title { color: rgb(1, 2, 3); }\n")
    running = Preview(project).start()
    yield running, sheet
    running.close()


def served(preview, path: str) -> str:
    with urllib.request.urlopen(preview.url + path) as answer:
        return answer.read().decode()


def on_the_second_page(running, page):
    """The stand-in opened, the course started and its second page (the lesson LESSON) on show."""
    page.goto(running.url)
    course = page.frame_locator("#pv-frame")
    start(course)
    course.locator("#cf-next").click()
    course.get_by_role("heading", name="Listening first", level=1).wait_for()
    return course


# Heard a second late by this page: another tab's messages on the preview's BroadcastChannel (a busy
# machine), so that a tab giving the course up ends it late.
HEARS_LATE = """(() => { const add = BroadcastChannel.prototype.addEventListener;
    BroadcastChannel.prototype.addEventListener = function (type, heard, ...more) {
      return add.call(this, type, event => setTimeout(() => heard(event), 1000), ...more); }; })()"""


def test_a_save_reloads_the_course_at_the_same_place(preview, page):
    running, project = preview
    course = on_the_second_page(running, page)
    location = page.locator("#pv-model tr", has_text="cmi.core.lesson_location")
    assert location.locator("td").nth(1).inner_text() == "listening"

    source = project / LESSON
    source.write_text(source.read_text().replace("A customer rarely starts", "Edited: a customer rarely starts"))
    course.get_by_text("Edited: a customer rarely starts").wait_for()
    assert course.get_by_role("heading", name="Listening first", level=1).is_visible()
    assert "Build 2 ready" in page.locator("#pv-status").inner_text()


def test_a_save_that_changes_nothing_leaves_the_page_as_it_is(preview, page):
    # Saved again unedited (many authors save by habit): the build makes the same course, so the page
    # is not reloaded; the panel says so and counts the build.
    running, project = preview
    course = on_the_second_page(running, page)
    page.evaluate("() => { document.getElementById('pv-frame').contentWindow.cfStayed = true; }")
    source = project / LESSON
    source.write_text(source.read_text())
    page.wait_for_function("() => document.getElementById('pv-status').textContent.includes('nothing changed')")
    assert "Build 2 in" in page.locator("#pv-status").inner_text()
    assert page.evaluate("() => document.getElementById('pv-frame').contentWindow.cfStayed === true")
    assert course.get_by_role("heading", name="Listening first", level=1).is_visible()


def test_an_error_shows_in_the_page_and_the_last_good_build_stays(preview, page):
    running, project = preview
    page.goto(running.url)
    course = page.frame_locator("#pv-frame")
    start(course)
    source = project / LESSON
    good = source.read_text()
    source.write_text(good.replace("::: story The late parcel", "::: storry The late parcel"))
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "02-listening.md:11: unknown callout \"::: storry\" — use one of: story" in alert.inner_text()
    assert "A customer rarely starts" in served(running, "course/scorm12/index.html")
    assert course.get_by_role("heading", name="Welcome", level=1).is_visible()
    violations = axe_violations(page.main_frame)
    assert not violations, "axe-core found WCAG violations in the stand-in page:\n" + format_violations(violations)

    source.write_text(good.replace("A customer rarely starts", "Fixed: a customer rarely starts"))
    alert.wait_for(state="hidden")
    assert "Fixed: a customer rarely starts" in served(running, "course/scorm12/index.html")


def test_the_panel_follows_the_standard_and_the_learner_can_be_reset(preview, page):
    running, _ = preview
    page.goto(running.url)
    course = page.frame_locator("#pv-frame")
    start(course)
    course.locator("#cf-next").click()
    course.get_by_role("heading", name="Listening first", level=1).wait_for()
    page.get_by_role("button", name="Relaunch").click()
    course.get_by_role("heading", name="Listening first", level=1).wait_for()  # resumed where the learner was
    page.get_by_role("button", name="Reset learner").click()
    assert start(course) == "Start"  # a new learner: the cover, with no saved place to continue at

    page.get_by_role("group", name="Standard").get_by_role("button", name="cmi5", exact=True).click()
    course.get_by_role("heading", name="Welcome", level=1).wait_for()  # past the cover, as the author was
    page.locator("#pv-log li", has_text="initialized").first.wait_for()
    assert page.locator("#pv-model").is_hidden()
    [initialized] = [s for s in running.lrs.statements if s["verb"]["id"].endswith("/initialized")]
    # As a cmi5 LMS launches (C5-L1, C5-L5): an account agent, and an activity id of its own, not cmi5.xml's AU id.
    assert "account" in initialized["actor"] and "mbox" not in initialized["actor"]
    assert initialized["object"]["id"].startswith("https://preview.invalid/activities/")
    grouping = [a["id"] for a in initialized["context"]["contextActivities"]["grouping"]]
    assert grouping[0] == running.session.prepared.course.iri + "/au"
    # cmi5 §9.3.1: the LMS recorded `launched` before the launch, in the session the AU then started.
    [launched] = [s for s in running.lrs.statements if s["verb"]["id"].endswith("/launched")]
    assert running.lrs.statements.index(launched) < running.lrs.statements.index(initialized)
    assert session_of(launched) == session_of(initialized)
    assert launched["context"]["registration"] == initialized["context"]["registration"]
    assert launched["object"]["id"] == initialized["object"]["id"]
    assert logged(page) == ["initialized My first course", "launched My first course"]  # newest first


SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


def session_of(statement: dict) -> str:
    return statement["context"]["extensions"][SESSION_ID]


def logged(page, verbs=("launched", "initialized")) -> list[str]:
    """The panel's lines of these verbs, newest first, without their statements' details."""
    lines = page.locator("#pv-log > li").evaluate_all("items => items.map(i => i.firstChild.textContent)")
    return [line for line in lines if line.split(" ")[0] in verbs]


@pytest.fixture
def per_page(tmp_path):
    """The starter with `cmi5_au_per_lesson: true`: cmi5.xml declares one AU for each page."""
    project = tmp_path / "project"
    create(project)
    settings = project / "content" / "course.yml"
    settings.write_text(settings.read_text() + "cmi5_au_per_lesson: true\n")
    running = Preview(project).start()
    yield running
    running.close()


def test_a_course_of_one_au_per_page_is_launched_in_the_au_of_the_page_shown(per_page, page):
    """As an LMS launches the AU chosen, each with its own activity id, launch data and session in the
    learner's registration: the preview launched the whole course as one AU that cmi5.xml does not declare."""
    running = per_page
    page.goto(running.url)
    course = page.frame_locator("#pv-frame")
    start(course)
    course.locator("#cf-next").click()
    course.get_by_role("heading", name="Listening first", level=1).wait_for()
    page.get_by_role("group", name="Standard").get_by_role("button", name="cmi5", exact=True).click()
    course.get_by_role("heading", name="Listening first", level=1).wait_for()
    page.locator("#pv-log li", has_text="initialized").first.wait_for()
    assert "page=listening" in page.locator("#pv-frame").get_attribute("src")
    iri = running.session.prepared.course.iri
    [launched] = [s for s in running.lrs.statements if s["verb"]["id"].endswith("/launched")]
    [initialized] = [s for s in running.lrs.statements if s["verb"]["id"].endswith("/initialized")]
    assert launched["context"]["contextActivities"]["grouping"][0]["id"] == iri + "/au/listening"
    assert initialized["object"]["id"] == launched["object"]["id"] == activity_id(iri + "/au/listening")
    assert session_of(initialized) == session_of(launched)
    assert logged(page) == ["initialized Listening first", "launched Listening first"]

    # The AU shows its page alone (player.js): the way to another page is the LMS's list of AUs.
    assert course.locator("#cf-prev").is_disabled() and not course.locator("#cf-nav").is_visible()
    assert page.get_by_label("AU to launch").input_value() == "listening"
    page.get_by_label("AU to launch").select_option("welcome")
    page.get_by_role("button", name="Relaunch").click()  # the LMS launches the AU chosen
    page.locator("#pv-log li", has_text="launched Welcome").wait_for()
    course.get_by_role("heading", name="Welcome", level=1).wait_for()
    again = [s for s in running.lrs.statements if s["verb"]["id"].endswith("/launched")][-1]
    assert again["context"]["contextActivities"]["grouping"][0]["id"] == iri + "/au/welcome"
    assert again["context"]["registration"] == launched["context"]["registration"]  # the same learner's
    assert session_of(again) != session_of(launched)
    page.wait_for_function("() => /initialized Welcome/.test(document.getElementById('pv-log').textContent)")



def test_a_save_reloads_a_per_page_course_in_the_au_launched_so_its_session_s_data_stays(per_page, page,
                                                                                          tmp_path):
    """A save's reload is the same learner going on, in the AU launched last (chosen in the list of AUs,
    as a learner does in an LMS), whose State holds what they did there alone: each AU shows its own
    page, without a cover."""
    running = per_page
    page.goto(running.url)
    course = page.frame_locator("#pv-frame")
    page.get_by_role("group", name="Standard").get_by_role("button", name="cmi5", exact=True).click()
    page.locator("#pv-log li", has_text="initialized Welcome").wait_for()
    course.get_by_role("heading", name="Welcome", level=1).wait_for()
    page.get_by_label("AU to launch").select_option("listening")
    page.get_by_role("button", name="Relaunch").click()
    page.locator("#pv-log li", has_text="initialized Listening first").wait_for()
    course.get_by_role("heading", name="Listening first", level=1).wait_for()
    iri = running.session.prepared.course.iri
    source = tmp_path / "project" / LESSON
    source.write_text(source.read_text().replace("A customer rarely starts", "Edited: a customer rarely starts"))
    course.get_by_text("Edited: a customer rarely starts").wait_for()
    assert course.get_by_role("heading", name="Listening first", level=1).is_visible()
    launched = [s for s in running.lrs.statements if s["verb"]["id"].endswith("/launched")]
    assert [s["context"]["contextActivities"]["grouping"][0]["id"] for s in launched] == \
        [iri + "/au/welcome"] + [iri + "/au/listening"] * 2
    assert page.get_by_label("AU to launch").input_value() == "listening"
    viewed = "() => document.getElementById('pv-frame').contentWindow.Courseforge.player.state.viewed.join(',')"
    assert page.evaluate(viewed) == "1"


ENDS = ("launched", "initialized", "terminated", "abandoned")


def sessions(running) -> list[tuple[str, str]]:
    """The store's statements of a session's start and end, in the order stored: (verb, session id)."""
    return [(s["verb"]["id"].rsplit("/", 1)[1], session_of(s)) for s in running.lrs.statements
            if s["verb"]["id"].rsplit("/", 1)[1] in ENDS]


def listed(page, verb: str, count: int) -> None:
    """Wait for the panel to list `count` lines of `verb`."""
    page.wait_for_function("""([verb, count]) => Array.from(document.querySelectorAll('#pv-log > li'))
        .filter(item => item.firstChild.textContent.startsWith(verb + ' ')).length >= count""", arg=[verb, count])


def test_a_relaunch_ends_the_cmi5_session_before_it_launches_the_next(preview, page):
    """cmi5 §9.3.6: an LMS starts a session once the last one has ended. The preview navigated the frame
    straight to the next launch, so the old page's `terminated` (a keepalive fetch at its pagehide)
    was stored after the next `launched`: launched S0, initialized S0, launched S1, terminated S0."""
    running, project = preview
    page.goto(running.url)
    page.get_by_role("group", name="Standard").get_by_role("button", name="cmi5", exact=True).click()
    listed(page, "initialized", 1)
    page.get_by_role("button", name="Relaunch").click()
    listed(page, "initialized", 2)
    source = project / LESSON  # a save's reload is a relaunch too
    source.write_text(source.read_text().replace("A customer rarely starts", "Edited: a customer rarely starts"))
    listed(page, "initialized", 3)
    one, two, three = dict.fromkeys(session for _, session in sessions(running))
    assert sessions(running) == [("launched", one), ("initialized", one), ("terminated", one),
                                 ("launched", two), ("initialized", two), ("terminated", two),
                                 ("launched", three), ("initialized", three)]
    assert logged(page, ENDS) == [f"{verb} {TITLE}" for verb in ("initialized", "launched", "terminated",
                                                               "initialized", "launched", "terminated",
                                                               "initialized", "launched")]


LAUNCHED_FRAME = "() => /[?&]launch=/.test(document.getElementById('pv-frame').getAttribute('src') || '')"


def test_a_reset_learner_and_a_switch_of_standard_end_the_cmi5_session_first(preview, page):
    """A new learner's launch, and a SCORM launch after cmi5, come after the cmi5 session's end."""
    running, _ = preview
    page.goto(running.url)
    page.get_by_role("group", name="Standard").get_by_role("button", name="cmi5", exact=True).click()
    listed(page, "initialized", 1)
    page.evaluate("document.querySelectorAll('#pv-log > li').forEach(item => { item.dataset.old = 'yes'; })")
    page.get_by_role("button", name="Reset learner").click()
    page.wait_for_function("""() => !document.querySelector('#pv-log > li[data-old]') &&
        Array.from(document.querySelectorAll('#pv-log > li'))
          .some(item => item.firstChild.textContent.startsWith('initialized '))""")
    one, two = dict.fromkeys(session for _, session in sessions(running))
    assert sessions(running) == [("launched", one), ("initialized", one), ("terminated", one),
                                 ("launched", two), ("initialized", two)]
    assert logged(page, ENDS) == [f"initialized {TITLE}", f"launched {TITLE}"]  # the new learner's alone
    page.get_by_role("group", name="Standard").get_by_role("button", name="scorm12", exact=True).click()
    page.wait_for_function(LAUNCHED_FRAME)  # launched once the LMS answered, the session ended
    assert sessions(running)[-1] == ("terminated", two)


# The AU's fetch made to hang and keep what it was asked, in the stand-in page: an AU that dies
# without sending `terminated` (a crash, a browser killed), and what it would have sent.
KILL = """() => { const au = document.getElementById('pv-frame').contentWindow; window.pvHeld = [];
  au.fetch = (url, options) => {
    window.pvHeld.push(JSON.parse(JSON.stringify({ url: String(url), options: options || {} })));
    return new Promise(() => {});
  }; }"""
REPLAY = """async () => { const held = window.pvHeld.filter(r => /terminated/.test(r.options.body || ''));
  const sent = await fetch(held[0].url, held[0].options);
  return [held.length, sent.status]; }"""


def test_an_au_that_does_not_terminate_is_abandoned_before_the_next_launch(preview, page):
    """cmi5 §9.3.6: without the old session's `terminated` the LMS records `abandoned` for it before the
    next launch, and refuses that session's requests from then on (its `terminated` arriving late)."""
    running, _ = preview
    page.goto(running.url)
    page.get_by_role("group", name="Standard").get_by_role("button", name="cmi5", exact=True).click()
    listed(page, "initialized", 1)
    page.evaluate(KILL)
    page.get_by_role("button", name="Relaunch").click()
    listed(page, "initialized", 2)
    one, two = dict.fromkeys(session for _, session in sessions(running))
    assert sessions(running) == [("launched", one), ("initialized", one), ("abandoned", one),
                                 ("launched", two), ("initialized", two)]
    [abandoned] = [s for s in running.lrs.statements if s["verb"]["id"].endswith("/abandoned")]
    [launched] = [s for s in running.lrs.statements if session_of(s) == one and s["verb"]["id"].endswith("/launched")]
    assert abandoned["object"] == launched["object"] and abandoned["actor"] == launched["actor"]
    assert abandoned["context"]["registration"] == launched["context"]["registration"]
    assert abandoned["result"]["duration"].startswith("PT")
    assert logged(page, ENDS) == [f"{verb} {TITLE}" for verb in ("initialized", "launched", "abandoned",
                                                               "initialized", "launched")]
    stored = len(running.lrs.statements)
    held, status = page.evaluate(REPLAY)  # the dead AU's terminated, sent after all
    assert (held, status) == (1, 403)
    assert len(running.lrs.statements) == stored


def test_the_standard_is_switched_by_a_button_never_by_an_arrow_key(preview, page):
    """Arrow keys in a select relaunched the course at each step (WCAG 3.2.2, on input)."""
    running, _ = preview
    page.goto(running.url)
    start(page.frame_locator("#pv-frame"))
    standards = page.get_by_role("group", name="Standard")
    scorm12 = standards.get_by_role("button", name="scorm12", exact=True)
    assert scorm12.get_attribute("aria-pressed") == "true"
    launches = page.locator("#pv-log > li", has_text="Initialize").count()
    scorm12.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")  # to the next standard's button
    page.wait_for_timeout(300)
    assert page.locator("#pv-log > li", has_text="Initialize").count() == launches
    assert page.locator("#pv-kind").inner_text() == "(scorm12)"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('pv-kind').textContent === '(scorm2004)'")
    pressed = standards.locator("button[aria-pressed=true]").all_inner_texts()
    assert pressed == ["scorm2004"]


TITLE_COLOUR = """() => { const d = document.getElementById('pv-frame').contentDocument;
  const title = d && d.querySelector('.cf-course-title');
  return title ? getComputedStyle(title).color : ''; }"""


def test_a_theme_file_s_edit_reaches_the_page_the_browser_keeps_the_others(themed, page):
    running, sheet = themed
    page.goto(running.url)
    course = page.frame_locator("#pv-frame")
    start(course)
    assert page.evaluate(TITLE_COLOUR) == "rgb(1, 2, 3)"
    sheet.write_text(sheet.read_text().replace("rgb(1, 2, 3)", "rgb(4, 5, 6)"))
    page.wait_for_function(f"() => ({TITLE_COLOUR})() === 'rgb(4, 5, 6)'")
    course.get_by_role("heading", name="Welcome", level=1).wait_for()  # at the same place


def test_a_preview_started_again_on_its_port_relaunches_a_cmi5_course_that_starts(tmp_path, page):
    """The AU keeps its session in the tab's sessionStorage under its fetch URL. A preview started again
    on the same --port numbered its launches from 1 again: the page, reconnected, relaunched the AU at
    the old run's first fetch URL, and the AU took that session for its own, ended, and did not start."""
    project = tmp_path / "project"
    create(project)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    first = Preview(project, port=port).start()
    try:
        page.goto(first.url)
        page.get_by_role("group", name="Standard").get_by_role("button", name="cmi5", exact=True).click()
        listed(page, "initialized", 1)
    finally:
        first.close()
    page.wait_for_function("() => /has stopped/.test(document.getElementById('pv-status').textContent)")
    again = Preview(project, port=port).start()
    try:
        for _ in range(200):  # the page reconnects, then relaunches: a bound on the waiting, not a timing
            if new_session_started(again):
                break
            page.wait_for_timeout(100)
        # The old run's AU, closed by the relaunch, may send its own end here too: not of this session.
        launched = next(one for verb, one in sessions(again) if verb == "launched")
        assert [verb for verb, one in sessions(again) if one == launched] == ["launched", "initialized"]
    finally:
        again.close()


def new_session_started(running) -> bool:
    """Whether the session `running` launched first has sent its initialized."""
    launched = [one for verb, one in sessions(running) if verb == "launched"]
    return bool(launched) and ("initialized", launched[0]) in sessions(running)


def test_two_tabs_of_one_preview_take_turns_with_its_learner_and_never_end_each_other_s_session(preview, page):
    """A preview started again opens a tab beside the old page, which reconnects: both relaunched at
    each save, each ending the other's cmi5 session. The tab that launched last runs the course; the
    other stands aside (its session ended first), hears saves without relaunching, and takes the course
    back on request."""
    running, project = preview
    page.goto(running.url)
    page.get_by_role("group", name="Standard").get_by_role("button", name="cmi5", exact=True).click()
    listed(page, "initialized", 1)
    other = page.context.new_page()  # the same browser: the standard chosen is remembered
    other.goto(running.url)
    listed(other, "initialized", 1)
    notice = page.get_by_role("heading", name="The course is open in another tab of this preview")
    notice.wait_for()
    page.wait_for_function("() => document.getElementById('pv-frame').contentDocument.URL === 'about:blank'")
    one, two = dict.fromkeys(session for _, session in sessions(running))
    assert sessions(running) == [("launched", one), ("initialized", one), ("terminated", one),
                                 ("launched", two), ("initialized", two)]

    source = project / LESSON
    source.write_text(source.read_text().replace("A customer rarely starts", "Edited: a customer rarely starts"))
    listed(other, "initialized", 2)
    page.wait_for_function("() => document.getElementById('pv-status').textContent.startsWith('Build 2 ready.')")
    three = sessions(running)[-1][1]
    assert sessions(running)[3:] == [("launched", two), ("initialized", two), ("terminated", two),
                                     ("launched", three), ("initialized", three)]
    assert page.evaluate("() => document.getElementById('pv-frame').contentDocument.URL") == "about:blank"
    assert not other.locator("#pv-log > li", has_text="refused").count()

    heard = len(logged(page, ("initialized",)))  # the learner's statements reach the panel of either tab
    page.get_by_role("button", name="Show it here").click()
    listed(page, "initialized", heard + 1)
    other.get_by_role("heading", name="The course is open in another tab of this preview").wait_for()
    assert notice.is_hidden()
    assert [verb for verb, _ in sessions(running)[-4:]] == ["initialized", "terminated", "launched", "initialized"]
    assert sessions(running)[-3] == ("terminated", three)
    violations = axe_violations(other.main_frame)
    assert not violations, "axe-core found WCAG violations in the stand-in page:\n" + format_violations(violations)


def test_of_two_tabs_launching_at_once_the_later_keeps_the_course(preview, page):
    """Each hears the other's launch: both would stand aside. A launch heard from another tab stands this
    tab aside only if it came after this tab's own (as both tabs judge it the same way)."""
    running, _ = preview
    page.goto(running.url)
    page.wait_for_function(FRAME_READY)
    other = page.context.new_page()
    other.goto(running.url + "preview/state")  # the preview's origin, without a stand-in that launches
    tell = "at => new BroadcastChannel('courseforge-preview').postMessage({ launching: 'other', at: at })"
    other.evaluate(tell, 1)  # a launch from 1970: before this tab's
    page.wait_for_timeout(500)
    assert page.locator("#pv-elsewhere").is_hidden()
    assert page.evaluate(FRAME_READY)
    other.evaluate(tell, 4_102_444_800_000)  # 2100: after it
    page.get_by_role("heading", name="The course is open in another tab of this preview").wait_for()


def test_a_tab_taking_a_scorm_course_over_has_what_the_other_kept_as_its_course_ended(preview, page):
    """The tab giving the course up ends it after the other tab's launch began: the session's end (its
    time added to total_time, its last suspend_data) reaches the learner's data after the taking tab's
    LMS was made. That LMS reads the data again as its session starts."""
    running, _ = preview
    on_the_second_page(running, page)
    other = page.context.new_page()
    other.goto(running.url)
    other.wait_for_function(FRAME_READY)
    page.get_by_role("heading", name="The course is open in another tab of this preview").wait_for()
    assert shown(other, "cmi.core.total_time") != "0000:00:00.00", "the first tab's session time was lost"
    assert shown(other, "cmi.core.lesson_location") == "listening"


def test_a_tab_taking_a_scorm_course_over_waits_for_the_other_s_course_to_end(preview, page):
    """The tab taking the course launched at once: its SCORM session started from the learner's data as
    it was before the other tab's course ended (slow to end on a busy machine), its time lost."""
    running, _ = preview
    # The first tab hears the other's launch a second late (a busy machine), and so ends its course late.
    page.add_init_script(HEARS_LATE)
    on_the_second_page(running, page)
    other = page.context.new_page()
    other.goto(running.url)
    other.wait_for_function(FRAME_READY)
    assert shown(other, "cmi.core.total_time") != "0000:00:00.00", "the first tab's session time was lost"
    assert shown(other, "cmi.core.lesson_location") == "listening"


def test_a_tab_that_gave_up_waiting_for_the_course_holds_it_once_given_and_a_later_taker_waits(preview, page):
    """A tab that hangs holds the course's lock: the next tab launches without it after HANDOVER_MS, yet
    still asks for it, and holds it once given (without launching again). A third tab taking the course
    over from it then waits for its course to end, as from any tab: its SCORM session starts from the
    data that course kept as it ended, its time counted."""
    running, _ = preview
    hung = page.context.new_page()
    hung.goto(running.url + "preview/state")  # the preview's origin, without a stand-in that launches
    hung.evaluate("""() => new Promise(held => navigator.locks.request('courseforge-preview-course',
        () => { held(); return new Promise(done => { window.letGo = done; }); }))""")
    # The giving-up tab hears the third's launch a second late (a busy machine), and so ends its course late.
    page.add_init_script(HEARS_LATE)
    on_the_second_page(running, page)  # launched once it gave up waiting
    launched = page.evaluate("() => document.getElementById('pv-frame').contentDocument.URL")
    hung.evaluate("() => window.letGo()")  # the hung tab lets go at last
    # Held by another (the giving-up tab) once this one let go: a request that takes it only if free fails.
    taken = """async () => { for (let tries = 0; tries < 50; tries++) {
        if (await navigator.locks.request('courseforge-preview-course', { ifAvailable: true }, lock => !lock)) return true;
        await new Promise(later => setTimeout(later, 100)); } return false; }"""
    assert hung.evaluate(taken), "the tab that gave up waiting never took the lock once it was free"
    assert page.evaluate("() => document.getElementById('pv-frame').contentDocument.URL") == launched
    hung.close()

    other = page.context.new_page()
    other.goto(running.url)
    other.wait_for_function(FRAME_READY)
    page.get_by_role("heading", name="The course is open in another tab of this preview").wait_for()
    assert shown(other, "cmi.core.total_time") != "0000:00:00.00", "the giving-up tab's session time was lost"
    assert shown(other, "cmi.core.lesson_location") == "listening"


def test_a_tab_standing_aside_hears_that_the_tab_with_the_course_was_closed(preview, page):
    running, _ = preview
    page.goto(running.url)
    page.wait_for_function(FRAME_READY)
    other = page.context.new_page()
    other.goto(running.url)
    other.wait_for_function(FRAME_READY)
    page.get_by_role("heading", name="The course is open in another tab of this preview").wait_for()
    other.close()
    page.get_by_role("heading", name="The tab that ran the course was closed").wait_for()
    assert "goes on with the course in this tab" in page.locator("#pv-status").inner_text()
    page.get_by_role("button", name="Show it here").click()
    page.wait_for_function(FRAME_READY)
    assert page.locator("#pv-elsewhere").is_hidden()
    assert page.evaluate("() => document.activeElement === document.getElementById('pv-frame')")
