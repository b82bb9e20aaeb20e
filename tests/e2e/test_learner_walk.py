"""What a learner walking the course met (the walk audit), each kept fixed here: the course summary
must not call a course complete that the header, and the LMS, do not; and Shift+Tab on a phone must
not leave the focus ring under the sticky header; and a pass with pages still to visit must not end
the SCORM attempt; nor may the pager squeeze Previous below its word on a phone, nor forced colours
hide the menu icon and the progress bar."""
from __future__ import annotations

import pytest

from .e2e_support import (Package, last_set, launch, lesson_ids, open_lms, progress_text, unzip, visible_lesson,
                          wait_for_call)

FINAL = """---
id: final
title: Final check
---

::: question q-pick single
Which cue matters most?
- [x] Narrow feet
- [ ] Colour
:::
"""


def test_a_pass_with_pages_unvisited_is_not_called_complete(lms_context, server, make_course, package_factory):
    """The assessment passed first, two lessons not yet opened: the LMS has no completion yet (SCORM
    2004 completion_status incomplete, cmi5 no `completed` for moveOn CompletedAndPassed) and the
    header says 1 of 4 pages done; the summary says what is left, not "This course is complete."."""
    context, watch = lms_context
    package = package_factory(make_course({"assessments/01-final.md": FINAL}))
    page = open_lms(context, server)
    sco = launch(page, package)
    sco.click('a[href="#lesson-final"]')
    sco.check("#q-q-pick-0")
    sco.click("#lesson-final .quiz-submit")
    assert "you passed" in sco.inner_text("#lesson-final .quiz-status")
    sco.click("#cf-next")  # the last page: on to the course summary
    assert sco.is_visible("#cf-complete")
    assert "Course complete" not in progress_text(sco)
    assert sco.inner_text("#cf-complete-text") == "Visit every page to complete the course."
    for lesson in ("part-2", "part-3"):
        sco.click(f'a[href="#lesson-{lesson}"]')
    sco.click('a[href="#lesson-final"]')
    sco.click("#cf-next")
    assert "Course complete." in progress_text(sco)
    assert sco.inner_text("#cf-complete-text") == "This course is complete."
    watch.assert_clean()


# Every control Shift+Tab reached whose focus ring (3px outline, 2px offset), or the label above it that
# names it (a matching item's text on a phone), is partly under the sticky header. A region taller than
# the room below the header (a table's scroll box) cannot show whole: the browser shows its end.
UNDER_HEADER = """() => { const a = document.activeElement, head = document.querySelector('.cf-header');
  const box = a.getBoundingClientRect(), bottom = head.getBoundingClientRect().bottom, label = a.labels && a.labels[0];
  const top = Math.min(box.top - 5, label ? label.getBoundingClientRect().top : Infinity);
  const room = innerHeight - bottom;
  return a.closest('.lesson') && box.height < room && top < bottom - 0.5 ? `${a.id || a.className}: seen from ${top}, header to ${bottom}` : null; }"""


@pytest.mark.parametrize("lesson,controls", [("three-kinds-of-empathy", 10), ("for-leaders", 5)])
@pytest.mark.parametrize("width,height", [(320, 640), (390, 844)])
def test_shift_tab_never_leaves_the_focus_under_the_header(lms_context, server, shipped_package, width, height, lesson,
                                                          controls):
    """Keyboard only on a phone, backwards through a lesson of knowledge checks: the browser scrolls
    each control into view below the sticky header, whose two rows at 320 px are taller than the
    room the page kept for them (7rem): the focus ring, and a select's top edge, were hidden. And it
    scrolls the control alone: a matching item's text, above its select on a phone, stayed under the
    header (for-leaders, whose items run to several lines)."""
    context, watch = lms_context
    page = open_lms(context, server)
    page.set_viewport_size({"width": width, "height": height})
    sco = launch(page, shipped_package)
    sco.click("#cf-menu-toggle")
    sco.click(f'a[href="#lesson-{lesson}"]')
    sco.focus("#cf-prev")  # the pager, right after the lesson
    hidden = []
    for _ in range(60):
        page.keyboard.press("Shift+Tab")
        if sco.evaluate("document.activeElement.id") == f"lesson-{lesson}-title" or \
                not sco.evaluate("!!document.activeElement.closest('.lesson')"):
            break
        hidden.append(sco.evaluate(UNDER_HEADER))
    assert len(hidden) > controls, "Shift+Tab should pass the lesson's questions"
    assert not [h for h in hidden if h], [h for h in hidden if h]
    watch.assert_clean()


def served(server, make_course, tmp_path, standard: str) -> Package:
    """The tiny graded course (3 lessons, FINAL) as `standard`'s package, unzipped and served."""
    from courseforge.build import build

    source = make_course({"assessments/01-final.md": FINAL})
    [zip_path] = [p for p in build(source, tmp_path / f"out-{standard}", [standard]) if p.suffix == ".zip"]
    folder = unzip(zip_path, tmp_path / f"unzipped-{standard}")
    prefix = server.mount(f"walk-{standard}-{tmp_path.name}", folder)
    return Package(zip_path, folder, prefix + "index.html", lesson_ids(folder))


@pytest.mark.parametrize("edition", ["1.2", "2004"])
def test_a_pass_with_pages_unvisited_keeps_the_attempt(lms_context, server, make_course, tmp_path, edition):
    """The assessment passed first, two lessons not yet opened, the learner leaves: the attempt is
    suspended, not ended (S04-R4, S12-R5: suspend while unfinished), so that the next launch resumes
    where they were, the pass and their pages kept, and visiting the rest completes the course. An
    ended attempt (exit normal, or '' in 1.2) made the LMS start the next one blank: the assessment
    to take again, and in SCORM 2004 completion_status left incomplete for ever."""
    context, watch = lms_context
    package = served(server, make_course, tmp_path, "scorm2004" if edition == "2004" else "scorm12")
    exit_element = "cmi.exit" if edition == "2004" else "cmi.core.exit"
    finish = "Terminate" if edition == "2004" else "LMSFinish"
    page = context.new_page()
    page.goto(server.origin + "/lms/lms.html" + ("?edition=2004" if edition == "2004" else ""))
    sco = launch(page, package)
    sco.click('a[href="#lesson-final"]')
    sco.check("#q-q-pick-0")
    sco.click("#lesson-final .quiz-submit")
    assert "you passed" in sco.inner_text("#lesson-final .quiz-status")
    page.evaluate("cfLMS.unload()")
    wait_for_call(page, finish)
    assert last_set(page, exit_element) == "suspend", "pages to visit: the attempt goes on"
    cmi = page.evaluate("cfLMS.cmi()")
    if edition == "2004":
        assert (cmi["success_status"], cmi["completion_status"]) == ("passed", "incomplete")
    else:
        assert cmi["core"]["lesson_status"] == "passed"

    again = context.new_page()
    again.goto(page.url)
    sco = launch(again, package, preload=page.evaluate("cfLMS.nextLaunch()"), cover=True)
    assert sco.inner_text("#cf-start") == "Continue"
    sco.click("#cf-start")
    assert visible_lesson(sco) == "final"
    assert sco.inner_text("#lesson-final .quiz-result-verdict") == "Passed"
    for lesson in ("part-2", "part-3"):
        sco.click(f'a[href="#lesson-{lesson}"]')
    assert "Course complete." in progress_text(sco)
    again.evaluate("cfLMS.unload()")
    wait_for_call(again, finish)
    assert last_set(again, exit_element) == ("normal" if edition == "2004" else ""), "complete: the attempt is over"
    cmi = again.evaluate("cfLMS.cmi()")
    if edition == "2004":
        assert (cmi["success_status"], cmi["completion_status"]) == ("passed", "completed")
    else:
        assert cmi["core"]["lesson_status"] == "passed"
    watch.assert_clean()


# Visible buttons whose text is wider than the inside of their box.
CRAMPED = """() => [...document.querySelectorAll('button')].filter(b => b.getClientRects().length && b.scrollWidth > b.clientWidth)
  .map(b => `${b.id || b.className} "${b.textContent.trim()}": text ${b.scrollWidth} px in ${b.clientWidth} px`)"""


def test_previous_keeps_its_word_inside_on_a_phone(lms_context, server, shipped_package):
    """At 320 px the pager's Next (a long page title) squeezed Previous below its own word: the text
    ran over its padding into the border. Every button on a lesson page holds its text."""
    context, watch = lms_context
    page = open_lms(context, server)
    page.set_viewport_size({"width": 320, "height": 640})
    sco = launch(page, shipped_package)
    sco.click("#cf-next")
    assert sco.is_visible("#cf-prev") and sco.is_enabled("#cf-prev")
    assert sco.evaluate(CRAMPED) == []
    watch.assert_clean()


# The colours a forced-colours screen paints the menu icon's bars and the progress fill in, and what is under them.
PAINTED = """() => { const bg = n => getComputedStyle(n).backgroundColor, icon = document.querySelector('.cf-menu-icon');
  return {bar: bg(icon), button: bg(document.getElementById('cf-menu-toggle')),
          fill: bg(document.getElementById('cf-progress-fill')), track: bg(document.querySelector('.cf-progress-bar')),
          fillWidth: document.getElementById('cf-progress-fill').getBoundingClientRect().width}; }"""


# The menu's current page: its fill against the page's (what shows through the other pages' links), and
# the colours of its text, mark and focus ring.
CURRENT_LINK = """() => { const style = n => getComputedStyle(n), now = document.querySelector('.cf-menu-link[aria-current="page"]');
  return {fill: style(now).backgroundColor, canvas: style(document.body).backgroundColor, ink: style(document.body).color, text: style(now).color,
          mark: style(now.querySelector('.cf-mark')).color, ring: style(now).outlineColor}; }"""


def test_forced_colours_keep_the_menu_icon_and_the_progress_bar(lms_context, server, shipped_package):
    """Windows High Contrast (forced-colors: active) on a phone: the menu icon's three bars and the
    progress bar's fill are backgrounds, which forced colours paint as the page's: both vanished."""
    context, watch = lms_context
    page = open_lms(context, server)
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(forced_colors="active")
    sco = launch(page, shipped_package)
    sco.click("#cf-next")
    painted = sco.evaluate(PAINTED)
    assert painted["fillWidth"] > 0
    assert painted["bar"] != painted["button"], painted
    assert painted["fill"] != painted["track"], painted
    # The menu's current page is shown by its fill, a background too: it was left only its bold text.
    sco.click("#cf-menu-toggle")
    current = sco.evaluate(CURRENT_LINK)
    assert current["fill"] not in (current["canvas"], "rgba(0, 0, 0, 0)"), current
    assert current["text"] != current["fill"] and current["mark"] != current["fill"], current
    assert current["ring"] == current["ink"], current  # its focus ring, on the page around it: the page's text colour
    watch.assert_clean()
