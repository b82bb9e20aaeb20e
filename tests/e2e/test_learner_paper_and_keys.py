"""Three learner-side defects the learner audit left, each kept fixed here: a printout that showed
the knowledge checks' buttons and an unopened assessment's whole question pool; a phone's menu that
Escape closed only while focus was inside it; and, at 400 % zoom (a 320 x 256 viewport), a sticky
header that took nearly half the height from the reading."""
from __future__ import annotations

from .e2e_support import READY, axe_violations, begin, format_violations, launch, open_lms, visible_lesson
from .test_learner_layout import OVERFLOW, SMALL_CONTROLS

# What a printout shows: every element the print styles leave on paper, by kind.
ON_PAPER = """sel => [...document.querySelectorAll(sel)].filter(n => n.getClientRects().length > 0)
  .map(n => n.id || n.className || n.tagName)"""

POOL = "\n".join(f"::: question pool-{n} single\nPool question {n}?\n- [x] Right {n}\n- [ ] Wrong {n}\n:::\n"
                 for n in range(1, 7))
CHECKS = """---
id: part-1
title: Part 1
---

Read this first.

::: question kc-pick single
Which one?
- [x] This one
- [ ] That one
:::

::: question kc-order ordering
Put the steps in order.
1. First step
2. Second step
3. Third step
:::
"""


def test_a_printout_has_no_controls_and_no_unopened_pool(lms_context, server, make_course, package_factory):
    """One question per screen, an assessment drawing 3 of 6: printed before it is opened, it reads a
    line saying it is taken on screen (no pool); printed once opened, its 3 drawn questions, all of
    them, without answers. No button, no hint on using one, no attempt status on paper."""
    folder = make_course({
        "lessons/01-part-1.md": CHECKS,
        "assessments/01-pool.md": "---\ntitle: Pool\ndraw: 3\nshuffle: true\nattempts: 2\n---\n\nThree of six.\n\n" + POOL,
    }, lessons=2)
    settings = folder / "course.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "one_question_per_screen: true\n", encoding="utf-8")
    package = package_factory(folder)
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, package)
    page.emulate_media(media="print")
    assert sco.evaluate(ON_PAPER, "button") == [], "no control is printed"
    assert sco.evaluate(ON_PAPER, ".question-hint, .quiz-actions, .quiz-steps") == []
    assert sco.evaluate(ON_PAPER, "#lesson-part-1 fieldset.question") == ["q-kc-pick", "q-kc-order"]
    assert sco.evaluate(ON_PAPER, "#lesson-pool fieldset.question") == [], "the pool stays off paper"
    assert sco.evaluate(ON_PAPER, "#lesson-pool .quiz-print-note") == ["quiz-print-note"]
    assert "answered on screen" in sco.inner_text("#lesson-pool .quiz-print-note")
    assert "Three of six." in sco.inner_text("#lesson-pool .lesson-body")
    violations = axe_violations(sco)
    assert not violations, format_violations(violations)
    page.emulate_media(media="screen")
    assert not sco.is_visible("#lesson-pool .quiz-print-note"), "the note is for paper only"
    sco.evaluate("i => Courseforge.player.show(i)", sco.evaluate("Courseforge.player.indexOf('pool')"))
    assert len(sco.evaluate(ON_PAPER, "#lesson-pool fieldset.question")) == 1, "one question per screen"
    page.emulate_media(media="print")
    drawn = sco.evaluate(ON_PAPER, "#lesson-pool fieldset.question")
    assert len(drawn) == 3 and set(drawn) < {f"q-pool-{n}" for n in range(1, 7)}, drawn
    numbers = sco.evaluate("""[...document.querySelectorAll('#lesson-pool fieldset:not([hidden]) .question-number')]
        .map(n => n.textContent)""")
    assert sorted(numbers) == [f"Question {n} of 3" for n in (1, 2, 3)]
    assert sco.evaluate(ON_PAPER, "#lesson-pool .quiz-print-note, #lesson-pool .question-feedback p") == []
    assert sco.evaluate(ON_PAPER, "button, .quiz-actions, .quiz-steps") == []
    page.emulate_media(media="screen")
    watch.assert_clean()


def open_course(context, url: str, width: int, height: int):
    """The package served on its own (no LMS frame: the browser's viewport is the course's)."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    page.wait_for_function(READY)
    begin(page)
    return page


MENU = """() => ({open: getComputedStyle(document.getElementById('cf-nav')).display !== 'none',
  expanded: document.getElementById('cf-menu-toggle').getAttribute('aria-expanded'),
  focus: document.activeElement.id || document.activeElement.className || document.activeElement.tagName})"""


def test_escape_anywhere_closes_the_phone_menu(lms_context, server, shipped_package):
    """320 px: with the menu open, Escape closes it and focus goes back to the menu button wherever
    focus was (in the menu, on the page's heading, on nothing); with the menu closed, Escape leaves
    focus where it is (a scenario's video keeps it)."""
    context, watch = lms_context
    page = open_course(context, server.origin + shipped_package.url, 320, 640)
    closed = {"open": False, "expanded": "false", "focus": "cf-menu-toggle"}
    for where in ("menu", "heading", "nothing"):
        page.click("#cf-menu-toggle")
        assert page.evaluate(MENU)["open"], where
        if where == "heading":
            page.focus(f"#lesson-{visible_lesson(page)}-title")
        elif where == "nothing":
            page.evaluate("document.activeElement.blur()")
        page.keyboard.press("Escape")
        assert page.evaluate(MENU) == closed, where
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    kinds = page.evaluate("Courseforge.player.lessons.map(l => l.kind)")
    page.evaluate("i => Courseforge.player.show(i)", kinds.index("scenario"))
    video = f"#lesson-{visible_lesson(page)} .scene:not([hidden]) .scene-video"
    page.focus(video)
    page.keyboard.press("Escape")
    assert page.evaluate(MENU) == {"open": False, "expanded": "false", "focus": "scene-video"}
    watch.assert_clean()


HEADER = "() => { const r = document.querySelector('.cf-header').getBoundingClientRect(); return [r.top, r.bottom]; }"


def test_at_400_percent_zoom_the_header_leaves_room_to_read(lms_context, server, shipped_package):
    """320 x 256 (1280 x 1024 at 400 %): read down a page and the header takes at most a quarter of
    the height; the menu and every control stay reachable, nothing scrolls sideways, taps stay 44 px.
    At a phone's usual height the header still stays in view."""
    context, watch = lms_context
    page = open_course(context, server.origin + shipped_package.url, 320, 256)
    page.evaluate("scrollTo(0, 600)")
    bottom = page.evaluate(HEADER)[1]
    assert max(0, bottom) <= 256 / 4, f"the header covers {bottom:.0f} of 256 px while reading"
    assert page.evaluate(OVERFLOW) == 0
    page.keyboard.press("Shift+Tab")  # back to the header's last control: scrolled into view
    assert page.evaluate("document.activeElement.id") == "cf-exit"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
    page.focus("#cf-menu-toggle")
    page.keyboard.press("Enter")
    links = page.locator("#cf-nav a.cf-menu-link")
    last = links.nth(links.count() - 1)
    last.scroll_into_view_if_needed()
    box = last.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 256, "the menu's last page is reachable"
    assert page.evaluate(SMALL_CONTROLS) == []
    assert page.evaluate(OVERFLOW) == 0
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 320, "height": 640})
    page.evaluate("scrollTo(0, 600)")
    assert page.evaluate(HEADER)[0] == 0, "at 640 px the header stays in view"
    watch.assert_clean()
