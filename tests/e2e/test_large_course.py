"""A course too large for one launch page (pageparts.py): its lessons travel in pages/*.js parts
that the player loads when they are opened, and the launch page names each part, not each lesson.
Opened from disk (file://, no fetch there) and under the test LMS: the first screen comes without
the lessons, the menu shows a part's lessons when its group is opened (by keyboard, on a phone, with
no axe violation), every page still shows, knowledge checks in late parts keep their numbers and
their answers over a reload, "continue at" names the page, a part that fails to load can be tried
again, the walk completes with zero API errors, and "Print the whole course" (or Ctrl+P) prints
every page."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from courseforge.pageparts import LAUNCH_LIMIT

from .e2e_support import READY, axe_violations, begin, format_violations, launch, open_lms, progress_text
from .test_learner_layout import OVERFLOW, SMALL_CONTROLS
from .test_scorm12_lms import assert_api_clean

LESSONS = 90
CHECKED = 41  # the lesson holding a knowledge check, far from the first part
EARLY = 3  # a lesson of the first part with a knowledge check: the late one is the course's second
WORDS = ("customer agent listen notice cue frame call feel understand respond act policy support "
         "coach story reflect team service problem time order refund wait question answer").split()


COURSE_YML = ('title: A large course\nidentifier: large-course\nversion: "1.0.0"\nlanguage: en\n'
              'description: A course made by a test.\nauthors:\n  - Test Author\nmastery_score: 80\n')


def prose(rng: random.Random, paragraphs: int) -> str:
    return "\n\n".join(" ".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
        for _ in range(6)) for _ in range(paragraphs))


@pytest.fixture(scope="module")
def large_course(tmp_path_factory) -> Path:
    rng = random.Random(7)
    files = {"course.yml": COURSE_YML}
    for n in range(1, LESSONS + 1):
        body = f"## Part {n}\n\n{prose(rng, 10)}\n"
        if n == EARLY:
            body += ("\n::: question early-check true-false\nListening comes first.\n- [x] True\n- [ ] False\n:::\n")
        if n == CHECKED:
            body += ("\n::: question late-check single\nWhich response shows the customer was heard?\n"
                     "- [ ] Quoting the policy first\n- [x] Naming what the customer said matters\n"
                     "  feedback: Yes: it shows what was heard.\n:::\n")
        files[f"lessons/{n:03d}-lesson.md"] = (f"---\nid: l{n}\ntitle: Lesson number {n}\nobjectives:\n"
                                               f"  - Do thing {n}\nminutes: 5\n---\n\n{body}")
    files["assessments/01-survey.md"] = ("---\nid: survey\ntitle: Your view\ngraded: false\n---\n\nTell us.\n\n"
                                         "::: question useful likert\nThis course was useful.\n:::\n")
    root = tmp_path_factory.mktemp("large") / "course"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def large_package(large_course, tmp_path_factory):
    from courseforge.build import build

    root = tmp_path_factory.mktemp("large-build")
    [zip_path] = build(large_course, root / "out", formats=("scorm12",))
    import zipfile

    folder = root / "unzipped"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    return folder


def course_json(folder: Path) -> dict:
    html = (folder / "index.html").read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="cf-course">(.*?)</script>', html, re.S)[1])


def part_data(folder: Path, path: str) -> dict:
    return json.loads((folder / path).read_text(encoding="utf-8")[len("Courseforge.addPages("):-len(");\n")])


def ids(folder: Path) -> list[str]:
    """Every page's id in the learner's order: a part's come from the part."""
    return [page for entry in course_json(folder)["lessons"]
            for page in ([p["id"] for p in part_data(folder, entry["part"])["pages"]] if "part" in entry else [entry["id"]])]


def group_of(folder: Path, page_id: str) -> str:
    """The menu button of the part holding `page_id` (its list's id is its first page's index)."""
    first = 0
    for entry in course_json(folder)["lessons"]:
        size = entry.get("pages", 1)
        if "part" in entry and page_id in [p["id"] for p in part_data(folder, entry["part"])["pages"]]:
            return f'button[aria-controls="cf-part-{first}"]'
        first += size
    raise AssertionError(page_id)


def sections_in_document(page) -> int:
    return page.evaluate("document.querySelectorAll('section.lesson').length")


def show(page, target: str) -> None:
    """Wait until page `target` is the one shown (its part may still be on its way)."""
    page.wait_for_function("id => { const s = document.getElementById('lesson-' + id); return s && !s.hidden; }",
                           arg=target)


def test_launch_page_leaves_lessons_to_parts(large_package):
    index = (large_package / "index.html").stat().st_size
    data = course_json(large_package)
    parts = sorted((large_package / "pages").glob("*.js"))
    summaries = [entry for entry in data["lessons"] if "part" in entry]
    assert index < LAUNCH_LIMIT and len(parts) == len(summaries) > 3
    assert [f"pages/{p.name}" for p in parts] == [entry["part"] for entry in summaries]
    assert sum(entry["pages"] for entry in summaries) == LESSONS and data["lessons"][-1]["id"] == "survey"
    assert sum(p.stat().st_size for p in parts) > LAUNCH_LIMIT  # the whole course would not have fitted
    html = (large_package / "index.html").read_text(encoding="utf-8")
    assert 'id="lesson-l1"' not in html and 'id="lesson-survey"' in html  # survey state is restored at start
    # The knowledge check's data travels with its page, not in the launch page.
    assert "late-check" not in data["questions"]
    late = next(p for p in parts if "late-check" in p.read_text(encoding="utf-8"))
    assert late.read_text(encoding="utf-8").startswith("Courseforge.addPages({")
    assert "<" not in late.read_text(encoding="utf-8")  # markup escaped inside the script


def open_from_disk(context, folder: Path):
    page = context.new_page()
    page.goto((folder / "index.html").as_uri())
    page.wait_for_function(READY)
    return page


def test_parts_load_from_disk_and_keep_answers_over_a_reload(file_context, large_package):
    context, watch = file_context
    names = ids(large_package)
    page = open_from_disk(context, large_package)
    assert sections_in_document(page) < len(names) / 2  # the first screen came without most pages
    menu = page.get_by_role("navigation", name="Course menu")
    groups = len([entry for entry in course_json(large_package)["lessons"] if "part" in entry])
    assert menu.get_by_role("button").filter(has_text="Lessons ").count() == groups
    assert menu.get_by_role("link").count() == 1  # the survey's; a part's lessons come with it
    begin(page)
    show(page, "l1")
    assert menu.get_by_role("link", name="1. Lesson number 1 (completed)", exact=True).is_visible()  # its group opened
    assert page.inner_text("#cf-next-title") == "Lesson number 2"
    page.click(group_of(large_package, f"l{CHECKED}"))
    page.click(f'a[href="#lesson-l{CHECKED}"]')
    show(page, f"l{CHECKED}")
    assert page.evaluate("document.activeElement.id") == f"lesson-l{CHECKED}-title"
    # Numbered from the part summaries, though the parts between never came: the course's second check.
    assert page.evaluate("Courseforge.player.quiz.byId['late-check'].check") == 1
    page.check("#q-late-check-1")
    page.click("#lesson-l41 .question-check")
    assert "Correct" in page.inner_text("#lesson-l41 .question-feedback")
    assert page.evaluate("Courseforge.player.state.checks.map(a => a && a.join(''))") == [None, "1"]
    page.click("#cf-next")
    show(page, f"l{CHECKED + 1}")
    assert progress_text(page).startswith(f"3 of {len(names)} pages done")

    page.reload()
    page.wait_for_function(READY)
    assert page.inner_text("#cf-resume") == f"Welcome back — continue at “Lesson number {CHECKED + 1}”."
    begin(page)
    show(page, f"l{CHECKED + 1}")
    page.click("#cf-prev")
    show(page, f"l{CHECKED}")
    # The check's part arrived after start-up, and its saved answer came back with it.
    assert page.is_checked("#q-late-check-1")
    assert "Correct" in page.inner_text("#lesson-l41 .question-feedback")
    watch.assert_clean()


def press_until(page, key: str, selector: str, limit: int = 200) -> None:
    """Keyboard only: `key` until the focus is on `selector`."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{key} never reached {selector}")


def test_menu_group_opens_by_keyboard_on_a_phone(browser, large_package):
    """From disk on a 320 px screen, keyboard only: the menu's group of a late part opens (focus
    stays on its button, aria-expanded says so), its part loads and lists its lessons, closes and
    opens again; no axe violation with it open, no sideways scroll, 44 px targets; its lesson opens
    with the knowledge check numbered as the course's second."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto((large_package / "index.html").as_uri())
        page.wait_for_function(READY)
        press_until(page, "Tab", "#cf-start")
        page.keyboard.press("Enter")
        show(page, "l1")
        press_until(page, "Shift+Tab", "#cf-menu-toggle")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#lesson-l1"  # its group is open
        button = group_of(large_package, f"l{CHECKED}")
        list_id = page.get_attribute(button, "aria-controls")
        assert page.get_attribute(button, "aria-expanded") == "false" and page.is_hidden(f"#{list_id}")
        press_until(page, "Tab", button)
        page.keyboard.press("Enter")
        page.wait_for_selector(f'#{list_id} a[href="#lesson-l{CHECKED}"]', state="visible")
        assert page.evaluate("s => document.activeElement.matches(s)", button)
        assert page.get_attribute(button, "aria-expanded") == "true"
        page.keyboard.press("Enter")
        assert page.get_attribute(button, "aria-expanded") == "false" and page.is_hidden(f"#{list_id}")
        page.keyboard.press("Enter")
        assert page.get_attribute(button, "aria-expanded") == "true" and page.is_visible(f"#{list_id}")
        violations = axe_violations(page)
        assert not violations, format_violations(violations)
        assert page.evaluate(OVERFLOW) == 0
        small = page.evaluate(SMALL_CONTROLS)
        assert not small, small
        press_until(page, "Tab", f'a[href="#lesson-l{CHECKED}"]')
        assert page.evaluate("document.activeElement.textContent").startswith(f"{CHECKED}. Lesson number {CHECKED}")
        page.keyboard.press("Enter")
        show(page, f"l{CHECKED}")
        assert page.evaluate("document.activeElement.id") == f"lesson-l{CHECKED}-title"
        assert page.evaluate("Courseforge.player.quiz.byId['late-check'].check") == 1
    finally:
        context.close()


def test_print_the_whole_course(file_context, large_package):
    context, watch = file_context
    names = ids(large_package)
    page = open_from_disk(context, large_package)
    page.evaluate("() => { window.print = () => { window.cfPrinted = (window.cfPrinted || 0) + 1; }; }")
    # The browser's own Print menu, before the pages are here: the printout says what it lacks.
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.is_visible("#cf-print-note")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    # Ctrl+P loads every page first, then opens the print dialog once.
    page.keyboard.press("Control+P")
    page.wait_for_function("() => window.cfPrinted === 1")
    assert sections_in_document(page) == len(names)
    order = page.evaluate("[...document.querySelectorAll('section.lesson')].map(s => s.dataset.lessonId)")
    assert order == names  # in the learner's order, as the course reads
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert not page.is_visible("#cf-print-note")
    shown = page.evaluate("[...document.querySelectorAll('section.lesson')].filter(s => getComputedStyle(s).display"
                          " !== 'none').length")
    assert shown == len(names)
    page.emulate_media(media="screen")
    # The menu's button does the same.
    if not page.is_visible("#cf-print"):
        page.click("#cf-menu-toggle")
    page.click("#cf-print")
    page.wait_for_function("() => window.cfPrinted === 2")
    watch.assert_clean()


def test_a_part_that_fails_to_load_can_be_tried_again(browser, server, large_package):
    """Over HTTP with the part's requests refused, on a phone-sized screen."""
    prefix = server.mount("large-retry", large_package)
    context = browser.new_context(viewport={"width": 320, "height": 640})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        failing = {"on": True}

        def route(request_route):
            if failing["on"]:
                request_route.abort()
            else:
                request_route.continue_()

        names = ids(large_package)
        button = group_of(large_package, names[50])
        target = names[int(re.search(r"cf-part-(\d+)", button)[1])]  # its part's first page
        before = names[names.index(target) - 1]
        part = next(entry["part"] for entry in course_json(large_package)["lessons"] if "part" in entry and
                    target in [p["id"] for p in part_data(large_package, entry["part"])["pages"]])
        page.route(f"**/{part}", route)
        page.goto(server.origin + prefix + "index.html")
        page.wait_for_function(READY)
        begin(page)
        show(page, "l1")
        page.click("#cf-menu-toggle")
        # Opening its group: the group says the part could not come.
        page.click(button)
        group = page.locator("#" + page.get_attribute(button, "aria-controls"))
        group.get_by_text("This page could not be loaded. Check your connection, then try again.").wait_for()
        assert page.get_attribute(button, "aria-expanded") == "true"
        # The page before it: Next names the lesson by its number, its part being still to come.
        page.click(group_of(large_package, before))
        page.click(f'a[href="#lesson-{before}"]')
        show(page, before)
        assert page.inner_text("#cf-next-title") == f"Lesson {names.index(target) + 1} of {LESSONS}"
        page.click("#cf-next")
        page.wait_for_selector("#cf-loading-retry", state="visible")
        assert page.evaluate("document.activeElement.id") == "cf-loading-retry"  # keyboard users land on it
        assert page.inner_text("#cf-loading-text") == \
            "This page could not be loaded. Check your connection, then try again."
        show(page, before)  # the learner stays on the page they were reading
        # On a 320 px phone: the message fits, its button and the menu's are 44 px targets.
        page.click("#cf-menu-toggle")
        assert page.evaluate(OVERFLOW) == 0
        small = page.evaluate(SMALL_CONTROLS)  # the menu is open: its print button and groups are measured too
        assert not small, small
        assert page.is_visible("#cf-print")
        page.click("#cf-menu-toggle")
        failing["on"] = False
        page.click("#cf-loading-retry")
        show(page, target)
        assert page.inner_text("#cf-loading-text") == "" and not page.is_visible("#cf-loading-retry")
        assert page.inner_text("#cf-next-title") == f"Lesson number {names.index(target) + 2}"
        # Its group, still open, lists its lessons now.
        page.click("#cf-menu-toggle")
        assert group.get_by_role("link", name=f"{names.index(target) + 1}. Lesson number").count() == 1
    finally:
        context.close()


def test_walk_under_the_lms_completes(lms_context, server, large_package):
    context, watch = lms_context
    names = ids(large_package)
    prefix = server.mount("large", large_package)
    page = open_lms(context, server)

    class Launched:
        url = prefix + "index.html"

    sco = launch(page, Launched)
    for index, name in enumerate(names):
        show(sco, name)
        if name == f"l{CHECKED}":
            sco.check("#q-late-check-1")
            sco.click(f"#lesson-l{CHECKED} .question-check")
            violations = axe_violations(sco)  # a page that came in a part, with its feedback shown
            assert not violations, format_violations(violations)
        if name == "survey":
            sco.check("#q-useful-3")
            sco.click("#lesson-survey .quiz-submit")
        if index + 1 < len(names):
            sco.click("#cf-next")
    sco.click("#cf-next")
    assert sco.is_visible("#cf-complete")
    assert progress_text(sco).startswith(f"{len(names)} of {len(names)} pages done · 100%")
    page.evaluate("cfLMS.unload()")
    page.wait_for_function("() => cfLMS.calls.some(c => c.fn === 'LMSFinish')")
    assert_api_clean(page)
    cmi = page.evaluate("cfLMS.cmi()")
    assert cmi["core"]["lesson_status"] == "completed"
    # The knowledge check of a late part was reported like any other.
    sets = {c["args"][0]: c["args"][1] for c in page.evaluate("cfLMS.calls") if c["fn"] == "LMSSetValue"}
    assert sets.get("cmi.interactions.0.id") == "late-check" and sets.get("cmi.interactions.0.result") == "correct"
    watch.assert_clean()


def test_cmi5_walk_reports_late_pages_and_their_checks(lms, ralph, xapi_page, large_course, tmp_path):
    """The same course as cmi5 against the LRS: a page that came in a part is `experienced` like any
    other and its knowledge check `answered` with the full interaction definition from the part."""
    from .conftest_xapi import VERB, _build, adapter_name, close_page, ends_with_terminated, open_au, settle, stored
    from .test_cmi5_lrs import au_statements, expected_failures

    page, watch = xapi_page
    folder = _build(large_course, tmp_path / "out", "cmi5")
    names = ids(folder)
    assert (folder / "pages").is_dir()
    session = lms.launch_cmi5("large-cmi5", folder)
    open_au(page, session.url)
    assert adapter_name(page) == "cmi5"
    for index, name in enumerate(names[:CHECKED]):
        show(page, name)
        if index + 1 < CHECKED:
            page.click("#cf-next")
    page.check("#q-late-check-1")
    page.click(f"#lesson-l{CHECKED} .question-check")
    settle(page)
    close_page(page)
    found = au_statements(stored(ralph, ends_with_terminated, registration=session.registration))
    experienced = [s["object"]["id"].rsplit("/", 1)[1] for s in found if s["verb"]["id"] == VERB + "experienced"]
    assert experienced == names[:CHECKED]
    [answered] = [s for s in found if s["verb"]["id"] == VERB + "answered"]
    definition = answered["object"]["definition"]
    assert answered["object"]["id"].endswith("late-check") and answered["result"]["success"] is True
    assert definition["interactionType"] == "choice" and definition["correctResponsesPattern"] == ["1"]
    assert [c["id"] for c in definition["choices"]] == ["0", "1"]
    assert lms.violations == []
    assert watch.unexpected(expected_failures) == []


def test_a_missed_question_links_back_to_a_lesson_still_in_its_part(file_context, tmp_path):
    """A graded assessment of a paged course, every answer wrong: the question that names no
    objective gets no link (not "Review: undefined"), the one naming lesson 35 links to it by title
    before its part came, and following the link brings that lesson."""
    from unittest import mock

    from courseforge.build import build

    words = " ".join(f"word{n}" for n in range(900))  # ~8 KB of markup a lesson: parts of a few lessons
    files = {"course.yml": COURSE_YML}
    for n in range(1, 41):
        files[f"lessons/{n:03d}-l.md"] = (f"---\nid: p{n}\ntitle: Page {n}\nobjectives:\n  - Learn part {n}\n"
                                          f"minutes: 5\n---\n\n## Part {n}\n\n{words}\n")
    files["assessments/01-final.md"] = ("---\nid: final\ntitle: Final\n---\n\nGo.\n\n"
                                        "::: question q1 true-false\nTrue?\n- [x] True\n- [ ] False\n:::\n\n"
                                        "::: question q2 true-false\nobjective: p35#1\nStill true?\n- [x] True\n"
                                        "- [ ] False\n:::\n")
    for name, text in files.items():
        (tmp_path / "course" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "course" / name).write_text(text, encoding="utf-8")
    with mock.patch("courseforge.render.LAUNCH_LIMIT", 100_000):
        [zip_path] = build(tmp_path / "course", tmp_path / "out", formats=("scorm12",))
    import zipfile

    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tmp_path / "unzipped")
    folder = tmp_path / "unzipped"
    assert (folder / "pages").is_dir() and "lesson-p35" not in (folder / "index.html").read_text(encoding="utf-8")

    context, watch = file_context
    page = open_from_disk(context, folder)
    begin(page)
    page.evaluate("() => Courseforge.player.show(Courseforge.player.indexOf('final'))")
    show(page, "final")
    page.check("#q-q1-1")  # False, where True is right
    page.check("#q-q2-1")
    page.click("#lesson-final .quiz-submit")
    page.wait_for_selector("#lesson-final .quiz-result-missed")
    missed = page.locator("#lesson-final .quiz-result-missed li")
    assert missed.count() == 2
    assert missed.nth(0).locator("a").count() == 0
    assert "undefined" not in page.inner_text("#lesson-final .quiz-result")
    link = missed.nth(1).get_by_role("link")
    assert link.inner_text() == "Review: Page 35"
    link.click()
    show(page, "p35")
    assert page.inner_text("#lesson-p35-title") == "Page 35"
    watch.assert_clean()
