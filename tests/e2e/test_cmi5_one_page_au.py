"""A course of one cmi5 AU per page (course.yml `cmi5_au_per_lesson: true`), each AU launched by the LMS
stand-in on its own, run in headless Chromium, statements stored by Ralph: the launch shows its own page
and nothing else of the course. The learner cannot reach another page (menu, Previous/Next, the cover,
the summary's list, an assessment's links back to a lesson; by mouse or keyboard), so nothing they do is
recorded under another page's AU; the end of the page is that page's summary, whose "Exit this part" ends
the session and goes back to the LMS (C5-D5). An assessment's AU fails, then passes, on its own."""
from __future__ import annotations

import json
import shutil

import pytest

from .conftest_xapi import QUIZ_COURSE, READY, _build, ends_with_terminated, settle, stored, verbs, visible_lesson
from .e2e_support import axe_violations, format_violations
from .lrs import SESSION_ID
from .test_large_course import large_course  # noqa: F401 - a fixture
from .test_cmi5_lrs import au_statements, check_cmi5, expected_failures
from .test_learner_layout import OVERFLOW, SMALL_CONTROLS

COURSE = {
    "course.yml": QUIZ_COURSE["course.yml"] + "cmi5_au_per_lesson: true\n",
    # Two questions a learner answers by a click each; the first names what part 2 teaches, so that a
    # missed answer links back to it (assessment.js) where the launch covers that lesson.
    "assessments/01-final.md": """---
id: final
title: Final check
---

::: question q-cue single
Which cue matters most?
objective: part-2#1
- [x] Narrow feet
- [ ] Colour
:::

::: question q-true true-false
Empathy can be learnt.
- [x] True
- [ ] False
:::
""",
}
# A second graded assessment, with an AU of its own: the first's AU passes on the first alone.
COURSE["assessments/02-extra.md"] = """---
id: extra
title: Extra check
---

::: question q-extra true-false
Listening comes first.
- [x] True
- [ ] False
:::
"""
# A survey, with an AU of its own: completed once sent, not once opened.
COURSE["assessments/03-survey.md"] = """---
id: survey
title: Your view
graded: false
---

::: question q-useful likert
This part was useful.
:::
"""
for _n in (1, 2, 3, 4):
    COURSE[f"lessons/0{_n}-part-{_n}.md"] = (f"---\nid: part-{_n}\ntitle: Part {_n}\nobjectives:\n  - Learn {_n}\n"
                                             f"---\n\n## Section {_n}\n\nText of part {_n}.\n")
PAGES = ["part-1", "part-2", "part-3", "part-4", "final", "extra", "survey"]
PART_DONE = "This part of the course is complete. Exit it to go on with the course in your learning management system."

@pytest.fixture(scope="module")
def package(tmp_path_factory):
    root = tmp_path_factory.mktemp("one-page-au")
    for name, text in COURSE.items():
        (root / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "src" / name).write_text(text, encoding="utf-8")
    return _build(root / "src", root / "out", "cmi5")


def launch(lms, page, folder, au: int, width: int = 1366, height: int = 768):
    session = lms.launch_cmi5("one-page-au", folder, au=au)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(session.url)
    page.wait_for_function(READY)
    assert page.evaluate("Courseforge.player.adapter.name") == "cmi5"
    return session


def not_completed_when_shown(ralph, session) -> None:
    """The AU's page has shown (its `experienced` is stored), and the AU is not completed for that."""
    shown = stored(ralph, lambda f: "experienced" in verbs(f), registration=session.registration)
    assert "completed" not in verbs(au_statements(shown))


def exit_to_the_lms(page, lms, session) -> None:
    """The summary's exit: the session ends, and the window goes to the LMS's return URL (C5-D5)."""
    settle(page)
    with page.expect_navigation(url=f"{lms.origin}/return?registration={session.registration}"):
        page.click("#cf-exit-end")


def reachable(page) -> list[str]:
    """The visible controls that name a page of the course (menu, summary and review links), as
    "data-page:text", and the menu's own button when it shows."""
    return page.evaluate("""() => [...document.querySelectorAll('a[data-page], a[href^="#lesson-"], #cf-menu-toggle')]
        .filter(n => n.getClientRects().length)
        .map(n => (n.getAttribute('data-page') || n.id) + ':' + n.textContent.trim())""")


def tab_round(page) -> list[str]:
    """Each focus stop of one round of Tab from the top (by keyboard alone), as "id|data-page|text"."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    stops, first = [], None
    for _ in range(80):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => { const n = document.activeElement;
            return n === document.body ? '' : [n.id, n.getAttribute('data-page') || '',
                                               n.textContent.trim().slice(0, 40), n.tagName].join('|'); }""")
        if stop == first:
            break
        first = first or stop
        if stop:
            stops.append(stop)
    return stops


def press_on(page, selector: str) -> None:
    """Tab (or Shift+Tab for an earlier control) until `selector` has the focus, then Enter."""
    for key in ["Tab"] * 40 + ["Shift+Tab"] * 80:
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            page.keyboard.press("Enter")
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} is not reached by the keyboard")


def fits_a_phone(page, screen: str) -> list[str]:
    page.set_viewport_size({"width": 320, "height": 640})
    problems = [f"{screen}: scrolls sideways by {page.evaluate(OVERFLOW)} px"] if page.evaluate(OVERFLOW) > 0 else []
    problems += [f"{screen}: control {c['w']}x{c['h']}: {c['what']}" for c in page.evaluate(SMALL_CONTROLS)]
    violations = axe_violations(page)
    if violations:
        problems.append(f"{screen} at 320 px: " + format_violations(violations))
    page.set_viewport_size({"width": 1366, "height": 768})
    violations = axe_violations(page)
    if violations:
        problems.append(f"{screen}: " + format_violations(violations))
    return problems


def test_a_middle_lesson_s_au_shows_that_lesson_alone_and_completes_only_itself(lms, ralph, package, xapi_page):
    page, watch = xapi_page
    session = launch(lms, page, package, au=1)
    assert session.au_id.endswith("/au/part-2")
    # Straight on its page: no cover, no menu (the side menu a laptop shows, or its button), no pager
    # way back; the header's course progress (of pages this launch cannot show) is gone too.
    assert visible_lesson(page) == "part-2" and not page.is_visible("#cf-cover")
    assert not page.is_visible("#cf-nav") and not page.is_visible("#cf-progress-text")
    assert reachable(page) == []
    assert page.is_disabled("#cf-prev")
    assert page.inner_text("#cf-next") == "Next\nSummary of this part"
    problems = fits_a_phone(page, "page")

    # By keyboard alone: no focus stop leads to another page; Next leads to this page's summary, and
    # Previous from there back to the page.
    stops = tab_round(page)
    assert {"cf-exit", "cf-next"} <= {s.split("|")[0] for s in stops}, stops
    assert not [s for s in stops if s.split("|")[1] not in ("", "1")], stops
    assert not [s for s in stops if s.startswith("cf-menu-toggle|")], stops
    press_on(page, "#cf-next")
    page.wait_for_selector("#cf-complete", state="visible")
    assert page.inner_text("#cf-complete-title") == "Summary of this part"
    assert page.inner_text("#cf-complete-text") == PART_DONE
    assert reachable(page) == [] and page.is_visible("#cf-exit-end")
    # It leaves this part, not the course: the LMS shows the course's other AUs next.
    assert [page.inner_text(s) for s in ("#cf-exit", "#cf-exit-end")] == ["Exit this part"] * 2
    problems += fits_a_phone(page, "summary")
    stops = tab_round(page)
    assert {"cf-exit", "cf-exit-end", "cf-prev"} <= {s.split("|")[0] for s in stops}, stops
    assert not [s for s in stops if s.split("|")[1] not in ("", "1")], stops
    press_on(page, "#cf-prev")
    page.wait_for_function("() => !document.getElementById('lesson-part-2').hidden")
    assert page.is_disabled("#cf-prev") and visible_lesson(page) == "part-2"
    # Nor does the player show another page when asked to (a stray link, a menu click during the launch).
    page.evaluate("Courseforge.player.show(0); Courseforge.player.show(2)")
    assert visible_lesson(page) == "part-2" and page.evaluate("Courseforge.player.current") == 1
    press_on(page, "#cf-next")
    page.wait_for_selector("#cf-complete", state="visible")
    # On paper too: the page alone, not the whole course.
    page.emulate_media(media="print")
    printed = page.evaluate("[...document.querySelectorAll('.cf-cover, section.lesson')]"
                            ".filter(n => n.getClientRects().length).map(n => n.id)")
    page.emulate_media(media="screen")
    assert printed == ["lesson-part-2"]
    settle(page)

    # Finishing: the summary's "Exit this part" ends the session and goes back to the LMS.
    page.focus("#cf-exit-end")
    with page.expect_navigation(url=f"{lms.origin}/return?registration={session.registration}"):
        page.keyboard.press("Enter")
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])  # every statement of the registration is this launch's session
    assert verbs(au_statements(found)) == ["initialized", "experienced", "completed", "terminated"]
    [completed] = [s for s in found if s["verb"]["id"].endswith("/completed")]
    assert completed["object"]["id"] == session.activity_id
    assert completed["context"]["contextActivities"]["grouping"] == [{"objectType": "Activity", "id": session.au_id}]
    [experienced] = [s for s in found if s["verb"]["id"].endswith("/experienced")]
    assert experienced["object"]["id"] == session.activity_id + "/lesson/part-2"
    text = json.dumps(found)
    assert not [p for p in PAGES if p != "part-2" and f"/{p}" in text], "a statement of another page"
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []
    assert problems == []


def answer(page, cue: str, truth: str) -> None:
    page.locator("#lesson-final label", has_text=cue).click()
    page.locator("#lesson-final label", has_text=truth).click()
    page.locator("#lesson-final button", has_text="Submit").click()


def test_an_assessment_s_au_shows_it_alone_and_fails_then_passes_its_own_au(lms, ralph, package, xapi_page):
    page, watch = xapi_page
    first = launch(lms, page, package, au=4)
    assert first.au_id.endswith("/au/final") and first.launch_data["moveOn"] == "CompletedAndPassed"
    assert visible_lesson(page) == "final" and not page.is_visible("#cf-nav")
    assert reachable(page) == [] and page.is_disabled("#cf-prev")
    # Failed (one of two right, the mastery score is 0.8): the missed question teaches part 2, which
    # this launch does not show, so it comes without a link there.
    answer(page, "Colour", "True")
    page.wait_for_selector("#lesson-final .quiz-result-missed", state="visible")
    assert "Which cue matters most?" in page.inner_text("#lesson-final .quiz-result-missed")
    assert reachable(page) == []
    problems = fits_a_phone(page, "failed assessment")
    page.click("#cf-next")
    assert page.inner_text("#cf-complete-text") == "This part of the course is not complete yet."
    assert page.inner_text("#cf-complete-score") == "Your score: 50% (pass mark 80%)."
    exit_to_the_lms(page, lms, first)
    stored(ralph, ends_with_terminated, registration=first.registration)

    # Launched again by the LMS (the same learner and registration): the AU resumes on its page, the
    # failed attempt on show, and passes.
    second = lms.launch_cmi5("one-page-au", package, au=4, actor=first.actor, registration=first.registration)
    page.goto(second.url)
    page.wait_for_function(READY)
    assert visible_lesson(page) == "final" and not page.is_visible("#cf-cover") and reachable(page) == []
    page.locator("#lesson-final button", has_text="Retry").click()
    answer(page, "Narrow feet", "True")
    page.wait_for_selector("#lesson-final .quiz-result", state="visible")
    page.click("#cf-next")
    assert page.inner_text("#cf-complete-text") == PART_DONE
    assert page.inner_text("#cf-complete-score") == "Your score: 100% (pass mark 80%)."
    problems += fits_a_phone(page, "passed summary")
    exit_to_the_lms(page, lms, first)
    found = stored(ralph, lambda f: verbs(f).count("terminated") == 2, registration=first.registration)
    check_cmi5(found, [first, second], mastery=0.8)
    names = [verbs([s for s in au_statements(found) if s["context"]["extensions"][SESSION_ID] == one.session_id
                    and not s["verb"]["id"].endswith("/answered")]) for one in (first, second)]
    # Completed once the assessment is over (passed, or failed with no attempt left), as its summary says.
    assert names == [["initialized", "experienced", "failed", "terminated"],
                     ["initialized", "experienced", "passed", "completed", "terminated"]], names
    [passed] = [s for s in found if s["verb"]["id"].endswith("/passed")]
    assert passed["object"]["id"] == first.activity_id and passed["result"]["score"]["scaled"] == 1
    text = json.dumps(found)
    assert not [p for p in PAGES if p != "final" and f"/{p}" in text], "a statement of another page"
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []
    assert problems == []


def test_an_au_shows_no_way_to_another_page_while_the_lms_has_not_answered(lms, ralph, package, xapi_page):
    """The launch URL names the AU's page; the LMS's answers (the fetch URL's token, LMS.LaunchData) come
    later, a second or more on a slow LMS. Meanwhile no menu or cover shows, so no click can open a page
    this launch does not cover, and "Exit this part" waits for the launch to end its session (it ended
    nothing, and left the learner on the closed screen while the launch went on)."""
    page, watch = xapi_page
    held = []
    page.route("**/fetch/*", lambda route: held.append(route))  # the token's POST waits until let go
    session = lms.launch_cmi5("one-page-au", package, au=2)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(session.url)
    page.wait_for_function("() => !!(window.Courseforge && Courseforge.player)")
    assert held and not page.evaluate("Courseforge.player.ready")
    assert page.evaluate("Courseforge.player.only") == 2
    assert reachable(page) == [] and not page.is_visible("#cf-cover") and not page.is_visible("#cf-nav")
    # "Exit this part" clicked meanwhile waits for the launch, then ends its session the usual way.
    page.click("#cf-exit")
    assert page.is_disabled("#cf-exit") and not page.is_visible("#cf-closed")
    with page.expect_navigation(url=f"{lms.origin}/return?registration={session.registration}"):
        held[0].continue_()
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])
    assert verbs(au_statements(found)) == ["initialized", "terminated"]  # left before the page showed
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []


def test_a_survey_s_au_is_completed_once_sent_as_its_summary_says(lms, ralph, package, xapi_page):
    page, watch = xapi_page
    session = launch(lms, page, package, au=PAGES.index("survey"))
    assert session.au_id.endswith("/au/survey") and visible_lesson(page) == "survey"
    settle(page)
    not_completed_when_shown(ralph, session)
    page.click("#cf-next")
    assert page.inner_text("#cf-complete-text") == "This part of the course is not complete yet."
    page.click("#cf-prev")
    page.locator("#lesson-survey label", has_text="Strongly agree").click()
    page.locator("#lesson-survey button", has_text="Submit").click()
    page.click("#cf-next")
    assert page.inner_text("#cf-complete-text") == PART_DONE
    exit_to_the_lms(page, lms, session)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])
    assert verbs([s for s in au_statements(found) if not s["verb"]["id"].endswith("/answered")]) == \
        ["initialized", "experienced", "completed", "terminated"]
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []


def test_a_reloaded_au_still_shows_its_own_page_alone(lms, ralph, package, xapi_page):
    """A reload ends the launch's session (C5-L4): the player carries on unconnected, and still shows
    only the page the launch covered, whose AU the LMS must launch again."""
    page, watch = xapi_page
    session = launch(lms, page, package, au=2)
    assert visible_lesson(page) == "part-3"
    settle(page)
    page.reload()
    page.wait_for_function(READY)
    assert page.evaluate("Courseforge.player.adapter.name") == "standalone" and page.is_visible("#cf-notice")
    assert visible_lesson(page) == "part-3" and not page.is_visible("#cf-cover")
    assert reachable(page) == [] and page.is_disabled("#cf-prev")
    page.close()
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])
    assert verbs(au_statements(found)) == ["initialized", "experienced", "completed", "terminated"]


def test_an_au_of_a_page_in_a_later_part_of_a_large_course_shows_it_alone(lms, ralph, large_course, tmp_path,
                                                                           xapi_page):
    """A large course's pages come in parts (pageparts.py): the AU of a page far from the first part
    loads that page's part and shows the page alone, as in a small course."""
    page, watch = xapi_page
    source = tmp_path / "large"
    shutil.copytree(large_course, source)
    (source / "course.yml").write_text((source / "course.yml").read_text() + "cmi5_au_per_lesson: true\n")
    folder = _build(source, tmp_path / "out", "cmi5")
    assert 'id="lesson-l41"' not in (folder / "index.html").read_text(encoding="utf-8")  # in a part
    session = lms.launch_cmi5("large-one-page", folder, au=40)
    assert session.au_id.endswith("/au/l41")
    page.goto(session.url)
    page.wait_for_function(READY)
    assert visible_lesson(page) == "l41" and not page.is_visible("#cf-cover") and not page.is_visible("#cf-nav")
    assert reachable(page) == [] and page.is_disabled("#cf-prev")
    # Printed, it is this page alone: Ctrl+P and the browser's menu alike print it as it is, with no
    # note of pages left out and no other part loaded for nothing.
    sections = page.evaluate("document.querySelectorAll('section.lesson').length")
    page.evaluate("() => { window.print = () => { window.cfPrinted = (window.cfPrinted || 0) + 1; }; }")
    page.keyboard.press("Control+P")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert not page.is_visible("#cf-print-note")
    printed = page.evaluate("[...document.querySelectorAll('section.lesson')].filter(n => n.getClientRects().length)"
                            ".map(n => n.id)")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert printed == ["lesson-l41"]
    assert page.evaluate("document.querySelectorAll('section.lesson').length") == sections
    page.click("#cf-next")
    assert page.inner_text("#cf-complete-text") == PART_DONE
    exit_to_the_lms(page, lms, session)
    found = stored(ralph, ends_with_terminated, registration=session.registration)
    check_cmi5(found, [session])
    assert verbs(au_statements(found)) == ["initialized", "experienced", "completed", "terminated"]
    assert {s["object"]["id"] for s in found} == {session.activity_id, session.activity_id + "/lesson/l41"}
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []


# ---------------------------------------------------------------------------------------------
# What this browser keeps for a launch is that launch's own (Courseforge.room, player.js): the
# standalone adapter's progress once a launch has ended and is reloaded, and quiz.js's backup of
# graded texts that do not fit the adapter's limit. The course's own key is a file:// course's
# (tests/e2e/test_standalone.py).

def reloaded(page, au: str) -> dict:
    """Reload the launch (its session ends on pagehide, C5-L4): the player falls back to the standalone
    adapter, on the AU's page alone, and says the session has ended. Its stored progress, as read back."""
    page.reload()
    page.wait_for_function(READY)
    assert page.evaluate("Courseforge.player.adapter.name") == "standalone" and page.is_visible("#cf-notice")
    assert visible_lesson(page) == au and reachable(page) == []
    return progress(page)


def progress(page) -> dict:
    """The player's progress (the pages viewed, each quiz attempt's score by page index, null while not
    submitted) and the keys this browser keeps it under (not the index of when each was used)."""
    return page.evaluate("""() => { const p = Courseforge.player, s = p.state;
        return {viewed: s.viewed, quizzes: Object.fromEntries(Object.entries(s.quizzes).map(([k, q]) => [k, q.score])),
                key: p.adapter.key, keys: Object.keys(localStorage).filter(k => /^courseforge:(?!xapi:|used$)/.test(k)).sort()}; }""")


def course_key(page) -> str:
    return page.evaluate("(c => 'courseforge:' + c.id + '@' + c.version)"
                         "(JSON.parse(document.getElementById('cf-course').textContent))")


def score_shown(page) -> str:
    """The summary's score line (empty before a submission), and back to the page."""
    page.click("#cf-next")
    text = page.inner_text("#cf-complete-score") if page.is_visible("#cf-complete-score") else ""
    page.click("#cf-prev")
    return text


def test_reloaded_aus_each_keep_their_own_progress(lms, ralph, package, xapi_page):
    """Two assessment AUs of one course, each launched, then reloaded once its session ended: each AU's
    fallback keeps its own attempt, and never holds or shows the other's (one course-wide key did)."""
    page, watch = xapi_page
    final = launch(lms, page, package, au=PAGES.index("final"))
    settle(page)
    got = reloaded(page, "final")
    assert got["quizzes"] == {"4": None} and score_shown(page) == ""
    answer(page, "Colour", "True")  # failed: 50%
    page.wait_for_selector("#lesson-final .quiz-result-missed", state="visible")
    page.evaluate("Courseforge.player.queue")

    extra = launch(lms, page, package, au=PAGES.index("extra"))
    settle(page)
    got = reloaded(page, "extra")
    # Nothing of the other AU: no attempt, no page viewed.
    assert got["quizzes"] == {"5": None} and got["viewed"] == [PAGES.index("extra")], got
    assert score_shown(page) == ""
    page.locator("#lesson-extra label", has_text="True").click()
    page.locator("#lesson-extra button", has_text="Submit").click()
    page.wait_for_selector("#lesson-extra .quiz-result", state="visible")
    assert score_shown(page) == "Your score: 100% (pass mark 80%)."
    page.evaluate("Courseforge.player.queue")

    # The first AU's window again (its launch has ended: the same tab knows it): its own failed attempt.
    page.goto(final.url)
    page.wait_for_function(READY)
    assert page.evaluate("Courseforge.player.adapter.name") == "standalone" and visible_lesson(page) == "final"
    got = progress(page)
    assert got["quizzes"] == {"4": 50} and got["viewed"] == [PAGES.index("final")], got
    assert score_shown(page) == "Your score: 50% (pass mark 80%)."
    # Kept under the course's key (a file:// course's), the launch's registration and its AU's activityId.
    base = course_key(page)
    assert got["key"] == f"{base} {final.registration} {final.activity_id}"
    assert got["keys"] == sorted([got["key"], f"{base} {extra.registration} {extra.activity_id}"])
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []


def test_a_reloaded_assessment_au_never_shows_another_registration_s_attempt(lms, ralph, package, xapi_page):
    """The same assessment AU under two registrations (two learners, or the course taken again) in one
    browser: the second's reloaded launch starts afresh, and the first's keeps its own attempt."""
    page, watch = xapi_page
    first = launch(lms, page, package, au=PAGES.index("final"))
    settle(page)
    reloaded(page, "final")
    answer(page, "Colour", "True")  # failed: 50%
    page.wait_for_selector("#lesson-final .quiz-result-missed", state="visible")
    page.evaluate("Courseforge.player.queue")

    second = launch(lms, page, package, au=PAGES.index("final"))
    assert second.registration != first.registration and second.activity_id == first.activity_id
    settle(page)
    got = reloaded(page, "final")
    assert got["quizzes"] == {"4": None} and score_shown(page) == "", "another registration's attempt shows"
    assert page.is_visible("#lesson-final button.quiz-submit") and not page.is_visible("#lesson-final .quiz-result")
    answer(page, "Narrow feet", "True")  # passed: 100%
    page.wait_for_selector("#lesson-final .quiz-result", state="visible")
    assert score_shown(page) == "Your score: 100% (pass mark 80%)."
    page.evaluate("Courseforge.player.queue")

    page.goto(first.url)
    page.wait_for_function(READY)
    assert page.evaluate("Courseforge.player.adapter.name") == "standalone"
    assert score_shown(page) == "Your score: 50% (pass mark 80%)."
    base = course_key(page)
    assert progress(page)["keys"] == sorted(f"{base} {s.registration} {s.activity_id}" for s in (first, second))
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []


# A course whose two graded assessments each ask for a text, each with an AU of its own.
TEXT_COURSE = {
    "course.yml": COURSE["course.yml"],
    "lessons/01-part-1.md": COURSE["lessons/01-part-1.md"],
    "assessments/01-first.md": "---\nid: first\ntitle: First check\n---\n\n::: question q-first fill-in\n"
                               "The first step is to ____.\n= listen\n:::\n",
    "assessments/02-second.md": "---\nid: second\ntitle: Second check\n---\n\n::: question q-second fill-in\n"
                                "The last step is to ____.\n= act\n:::\n",
}


def type_over_the_limit(page, au: str, text: str) -> None:
    """The text typed into the AU's fill-in does not fit the adapter's limit (made small here): the
    state saved leaves it out (state.js fit), and quiz.js keeps it in this browser instead."""
    page.evaluate("Courseforge.player.adapter.maxDataLength = 60")
    page.fill(f"#lesson-{au} input[type=text]", text)
    page.press(f"#lesson-{au} input[type=text]", "Tab")  # the change saves at once
    page.wait_for_selector("#cf-notice", state="visible")
    settle(page)


def backups(page) -> dict:
    return page.evaluate("""() => Object.fromEntries(Object.keys(localStorage)
        .filter(k => k.startsWith('courseforge-backup:')).map(k => [k, localStorage.getItem(k)]))""")


def exit_part(page, lms, session) -> None:
    settle(page)
    with page.expect_navigation(url=f"{lms.origin}/return?registration={session.registration}"):
        page.click("#cf-exit")


def test_graded_texts_kept_in_the_browser_are_each_launch_s_own(lms, ralph, tmp_path, xapi_page):
    """Texts that do not fit the state the LMS keeps wait in this browser until the AU is launched again:
    another AU of the same registration, or the same AU under another registration, keeps its own beside
    them and never overwrites or removes them (one course-wide key did)."""
    page, watch = xapi_page
    for name, text in TEXT_COURSE.items():
        (tmp_path / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / name).write_text(text, encoding="utf-8")
    folder = _build(tmp_path / "src", tmp_path / "out", "cmi5")
    mine, theirs, other = "listen " * 20, "act " * 30, "hear them out " * 10

    first = lms.launch_cmi5("text-au", folder, au=1)
    page.goto(first.url)
    page.wait_for_function(READY)
    assert visible_lesson(page) == "first" and page.evaluate("Courseforge.player.adapter.name") == "cmi5"
    type_over_the_limit(page, "first", mine)
    exit_part(page, lms, first)

    # The same registration's other AU, then the first AU under another registration: their own texts.
    second = lms.launch_cmi5("text-au", folder, au=2, actor=first.actor, registration=first.registration)
    page.goto(second.url)
    page.wait_for_function(READY)
    assert visible_lesson(page) == "second"
    type_over_the_limit(page, "second", theirs)
    exit_part(page, lms, second)
    again = lms.launch_cmi5("text-au", folder, au=1)
    page.goto(again.url)
    page.wait_for_function(READY)
    assert page.input_value("#lesson-first input[type=text]") == "", "another registration's text shows"
    type_over_the_limit(page, "first", other)
    base = course_key(page).replace("courseforge:", "courseforge-backup:", 1)
    key = {s.registration + s.activity_id: f"{base} {s.registration} {s.activity_id}" for s in (first, second, again)}
    kept = backups(page)  # each under the course's key, the registration and the AU's activityId
    exit_part(page, lms, again)

    # Each AU launched again: its text is back where the learner left it (and, now that it fits the
    # LMS's state, no longer kept here); the others' stay.
    for au, session, text, left in ((1, first, mine, (second, again)), (2, second, theirs, (again,))):
        resumed = lms.launch_cmi5("text-au", folder, au=au, actor=first.actor, registration=first.registration)
        page.goto(resumed.url)
        page.wait_for_function(READY)
        assert page.input_value(f"#lesson-{visible_lesson(page)} input[type=text]") == text
        settle(page)
        assert sorted(backups(page)) == sorted(key[s.registration + s.activity_id] for s in left)
        exit_part(page, lms, resumed)
    assert sorted(kept) == sorted(key.values())
    assert [text in kept[key[s.registration + s.activity_id]]
            for s, text in ((first, mine), (second, theirs), (again, other))] == [True] * 3
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []
