"""What a learner sees on a phone and a laptop (issue 9): the shipped course served without an LMS at
320x640, 390x844 and 1366x768, every screen visited (cover, each page with its scenario choices
revealed, the open menu, the course summary). Nothing scrolls sideways, no visible control is under
44x44 px on the phone sizes, text is at least 16 px, likert choices sit in one row, and axe-core is
clean on the new screens in the light and the dark scheme. With text spaced out as WCAG 1.4.12 asks,
nothing scrolls sideways and no text is clipped."""
from __future__ import annotations

import re

import pytest

from .e2e_support import READY, axe_violations, begin, format_violations
from .test_quiz_scorm12 import FIRST_CHECK_PAGE

SIZES = [(320, 640), (390, 844), (1366, 768)]

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

# Every visible control smaller than 44x44 px. A radio or checkbox is measured by its label (the
# label is the tap target); links inside running text are exempt (WCAG 2.5.8's inline exception).
SMALL_CONTROLS = """() => [...document.querySelectorAll(
    `a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])`)]
  .filter(el => !el.matches('.cf-skip') && !(el.matches('a') && el.closest('.lesson-body p, .lesson-body li, td, th')))
  .map(el => {
    const target = el.matches('input[type=radio], input[type=checkbox]') && el.labels.length ? el.labels[0] : el;
    const r = target.getBoundingClientRect();
    return {what: el.outerHTML.slice(0, 90), w: Math.round(r.width), h: Math.round(r.height)};
  })
  .filter(c => c.w > 0 && c.h > 0 && (c.w < 44 || c.h < 44))"""

SMALL_TEXT = """() => [...document.querySelectorAll(`.lesson:not([hidden]) .lesson-body p, .lesson:not([hidden]) li,
    .lesson:not([hidden]) td, .lesson:not([hidden]) label, .cf-cover p, .cf-progress-text`)]
  .filter(n => n.getClientRects().length && n.textContent.trim())
  .map(n => [n.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(n).fontSize)])
  .filter(([, size]) => size > 0 && size < 16)  // 0: read out only (a phone's likert points)"""

# Likert questions whose choices do not share one row.
LIKERT_ROWS = """() => [...document.querySelectorAll('.lesson:not([hidden]) fieldset[data-type=likert]')]
  .filter(f => new Set([...f.querySelectorAll('.question-option')].map(o => o.getBoundingClientRect().top)).size > 1)
  .map(f => f.id)"""


def open_course(context, url: str, width: int, height: int, dark: bool = False):
    """The package served on its own (no LMS: the standalone adapter); axe-core reads the styles."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    if dark:
        page.emulate_media(color_scheme="dark")
    page.goto(url)
    page.wait_for_function(READY)
    return page


def screens(page, ids: list[str]):
    """(name, None) for each screen a learner meets, in order, with the page showing it."""
    yield "cover"
    begin(page)
    for lesson_id in ids:
        if page.evaluate("id => document.getElementById('lesson-' + id).hidden", lesson_id):
            page.click("#cf-next")
        skip = page.locator(f"#lesson-{lesson_id} .scene:not([hidden]) .scene-skip")
        if skip.count() and skip.is_visible():
            skip.click()  # the decision's choices are controls too
        yield lesson_id
    page.click("#cf-next")
    yield "summary"


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_screen_fits(lms_context, server, shipped_package, width, height):
    context, watch = lms_context
    page = open_course(context, server.origin + shipped_package.url, width, height)
    problems = []
    for screen in screens(page, shipped_package.lesson_ids):
        if page.evaluate(OVERFLOW) > 0:
            problems.append(f"{screen}: scrolls sideways by {page.evaluate(OVERFLOW)} px")
        if width < 600:
            problems += [f"{screen}: control {c['w']}x{c['h']}: {c['what']}" for c in page.evaluate(SMALL_CONTROLS)]
        problems += [f"{screen}: {size} px text: {text!r}" for text, size in page.evaluate(SMALL_TEXT)]
        problems += [f"{screen}: likert {q} wraps" for q in page.evaluate(LIKERT_ROWS)]
    if width < 600:
        page.click("#cf-menu-toggle")
        problems += [f"open menu: control {c['w']}x{c['h']}: {c['what']}" for c in page.evaluate(SMALL_CONTROLS)]
        assert page.evaluate(OVERFLOW) == 0
    assert not problems, "\n".join(problems)
    watch.assert_clean()


def test_wide_tables_scroll_in_their_own_labelled_region(lms_context, server, shipped_package):
    context, watch = lms_context
    page = open_course(context, server.origin + shipped_package.url, 320, 640)
    begin(page)
    regions = page.evaluate("""() => [...document.querySelectorAll('.table-scroll')].map(r => {
        const section = r.closest('section'); section.hidden = false;
        const found = {focusable: r.tabIndex === 0, label: r.getAttribute('aria-label'), role: r.getAttribute('role'),
                       scrolls: r.scrollWidth > r.clientWidth, fits: r.getBoundingClientRect().right <= innerWidth};
        section.hidden = section.dataset.lessonId !== Courseforge.player.lessons[Courseforge.player.current].id;
        return found; })""")
    assert regions, "the shipped course has tables"
    assert all(r["focusable"] and r["label"] and r["role"] == "region" and r["fits"] for r in regions), regions
    assert any(r["scrolls"] for r in regions), "a four-column table is wider than a phone and scrolls inside"
    watch.assert_clean()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_new_screens_pass_axe(lms_context, server, shipped_package, dark):
    context, watch = lms_context
    ids = shipped_package.lesson_ids
    page = open_course(context, server.origin + shipped_package.url, 390, 844, dark=dark)
    found = {}
    for screen in screens(page, ids):
        if screen in ("cover", "summary", ids[0], ids[-1]) or page.locator(f"#lesson-{screen}.lesson-quiz").count():
            found[screen] = axe_violations(page)
    page.click("#cf-menu-toggle")
    found["open menu"] = axe_violations(page)
    if dark:
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)"
    report = "\n\n".join(f"[{screen}]\n{format_violations(v)}" for screen, v in found.items() if v)
    assert not report, "axe-core found WCAG violations:\n" + report
    watch.assert_clean()


BRAND = """branding:
  primary: "#e4a11b"
  logo: images/checklist.svg
  font: Georgia, serif
strings:
  start: Let's begin
"""


def render_variant(tmp_path, server, name: str, yml) -> str:
    """The shipped course with course.yml changed by `yml`, rendered (no clips) and served: its URL."""
    import shutil

    from courseforge.loader import load
    from courseforge.render import render
    from courseforge.theme import Theme

    from .e2e_support import CONTENT

    source = tmp_path / "course"
    shutil.copytree(CONTENT, source)
    (source / "course.yml").write_text(yml((CONTENT / "course.yml").read_text(encoding="utf-8")), encoding="utf-8")
    course = load(source)
    site = tmp_path / "site"
    for path, data in render(course, Theme.for_course(course), "scorm12").files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    return server.origin + server.mount(name, site) + "index.html"


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_branded_course(lms_context, server, tmp_path, dark):
    """A light brand colour (amber): filled buttons get dark text, links a darkened amber; the logo
    shows in the header; a course's own wording replaces an interface string; axe-core stays clean."""
    url = render_variant(tmp_path, server, f"brand-{dark}", lambda yml: yml + BRAND)
    context, watch = lms_context
    page = open_course(context, url, 390, 844, dark)
    assert page.inner_text("#cf-start") == "Let's begin"
    assert page.evaluate("document.querySelector('.cf-logo').naturalWidth") > 0
    colours = page.evaluate("""() => { const b = getComputedStyle(document.getElementById('cf-start'));
        return [b.backgroundColor, b.color, getComputedStyle(document.body).fontFamily]; }""")
    assert colours[0] == ("rgb(228, 161, 27)" if not dark else colours[0]) and colours[1] == "rgb(28, 36, 48)"
    assert colours[2].startswith("Georgia")
    found = {"cover": axe_violations(page)}
    begin(page)
    found["lesson"] = axe_violations(page)
    report = "\n\n".join(f"[{screen}]\n{format_violations(v)}" for screen, v in found.items() if v)
    assert not report, "axe-core found WCAG violations:\n" + report
    watch.assert_clean()


def test_interface_in_the_course_language(lms_context, server, tmp_path):
    """language: de picks the German table, in the page and in what the runtime writes."""
    url = render_variant(tmp_path, server, "german",
                         lambda yml: re.sub(r"(?m)^language: .*$", "language: de", yml))
    context, watch = lms_context
    page = open_course(context, url, 1366, 768)
    ids = page.evaluate("Courseforge.player.lessons.map(l => l.id)")
    lessons = page.evaluate("Courseforge.player.lessons.filter(l => l.kind === 'lesson').length")
    assert page.evaluate("document.documentElement.lang") == "de"
    assert page.inner_text("#cf-start") == "Los geht’s"
    assert page.inner_text("#cf-progress-text") == f"0 von {len(ids)} Seiten erledigt · 0 %"
    begin(page)
    assert page.inner_text(f"#lesson-{ids[0]} .lesson-meta").startswith(f"Lektion 1 von {lessons}")
    assert page.inner_text("#cf-next").split()[0] == "Weiter"
    assert page.get_by_role("navigation", name="Kursmenü").is_visible()
    assert page.inner_text("#cf-progress-text") == f"1 von {len(ids)} Seiten erledigt · {round(100 / len(ids))} %"
    page.click("#cf-next")  # the first page with a knowledge check
    assert ids[1] == FIRST_CHECK_PAGE
    assert page.inner_text(f"#lesson-{ids[1]} .lesson-meta").startswith(f"Lektion 2 von {lessons}")
    assert page.inner_text(f"#lesson-{ids[1]} .question-check >> nth=0") == "Antwort prüfen"
    watch.assert_clean()


@pytest.mark.parametrize("width,height,title", [(1366, 768, None), (1000, 768, "Empathy " * 24), (1280, 360, None)],
                         ids=["tall", "tall-long-title", "short"])
def test_side_menu_meets_the_top_of_the_window_when_scrolled(lms_context, server, shipped_package, width, height,
                                                              title):
    """The side menu sticks right below the sticky header, however many lines the course title takes
    (it hid under the header by 12 px, more with a long title); on a short window the header scrolls
    away (max-height 25em) and the menu goes up with it (it left a band of page above it)."""
    context, watch = lms_context
    page = open_course(context, server.origin + shipped_package.url, width, height)
    begin(page)
    if title:
        page.evaluate("title => document.querySelector('.cf-course-title').textContent = title", title)
        page.wait_for_function("() => document.querySelector('.cf-header').offsetHeight > 100")
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    place = page.evaluate("""() => {
        const nav = document.querySelector('.cf-nav').getBoundingClientRect();
        const header = document.querySelector('.cf-header').getBoundingClientRect();
        return {scrolled: scrollY, nav: nav.top, bottom: nav.bottom, header: Math.max(header.bottom, 0), height: innerHeight};
    }""")
    assert place["scrolled"] > 200, place  # the lesson is longer than the window
    assert abs(place["nav"] - place["header"]) <= 1, place  # no gap above the menu, and no overlap
    assert place["bottom"] <= place["height"] + 1, place  # its foot is on screen: it scrolls inside itself
    if height < 400:
        assert place["header"] == 0, place
    watch.assert_clean()


# WCAG 2.1 1.4.12: a learner's own style sheet spacing text out this much loses no content.
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }"""
# Visible elements that hide what overflows them (overflow hidden or clip) and hold text that does:
# clipped words. An element a pixel wide is the visually hidden kind, read by screen readers only.
CLIPPED = """() => [...document.querySelectorAll('body *')].filter(el => {
    const s = getComputedStyle(el), hides = v => v === 'hidden' || v === 'clip';
    if (!el.getClientRects().length || el.clientWidth <= 1 || !el.textContent.trim()) return false;
    return (hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1) || (hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1);
  }).map(el => `${el.tagName.toLowerCase()}.${el.className}: ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`)"""


@pytest.mark.parametrize("width,height", [SIZES[0], SIZES[-1]], ids=["320x640", "1366x768"])
def test_text_spaced_out_by_the_learner_loses_nothing(lms_context, server, shipped_package, width, height):
    context, watch = lms_context
    page = open_course(context, server.origin + shipped_package.url, width, height)
    page.add_style_tag(content=TEXT_SPACING)
    problems = []
    for screen in screens(page, shipped_package.lesson_ids):
        if page.evaluate(OVERFLOW) > 0:
            problems.append(f"{screen}: scrolls sideways by {page.evaluate(OVERFLOW)} px")
        problems += [f"{screen}: clipped {what}" for what in page.evaluate(CLIPPED)]
    assert not problems, "\n".join(problems)
    watch.assert_clean()
