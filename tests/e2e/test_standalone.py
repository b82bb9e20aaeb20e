"""The package opened straight from disk (file://) with no LMS: the standalone adapter keeps progress
in localStorage and says so; print shows every lesson without the navigation."""
from __future__ import annotations

import json
import re

import yaml
from playwright.sync_api import expect

from .e2e_support import CONTENT, READY, begin, progress_text, viewed_ids, visible_lesson


def open_file(context, shipped_package, cover: bool = False):
    page = context.new_page()
    page.goto((shipped_package.folder / "index.html").as_uri())
    page.wait_for_function(READY)
    if not cover:
        begin(page)
    return page


def test_offline_progress_survives_reload(file_context, shipped_package):
    context, watch = file_context
    ids = shipped_package.lesson_ids
    page = open_file(context, shipped_package, cover=True)
    assert page.evaluate("Courseforge.player.adapter.name") == "standalone"
    notice = page.inner_text("#cf-notice")
    assert page.is_visible("#cf-notice")
    assert "Not connected to a learning management system" in notice
    # A first visit: the cover with Start, no resume prompt, nothing viewed yet.
    assert page.is_visible("#cf-cover") and not page.is_visible("#cf-resume")
    assert page.inner_text("#cf-start") == "Start" and not page.is_visible("#cf-restart")
    expect(page.locator("#cf-start")).to_have_accessible_description("")
    assert page.evaluate("document.querySelector('section.lesson:not([hidden])')") is None
    assert progress_text(page).startswith(f"0 of {len(ids)} pages done")
    begin(page)
    assert visible_lesson(page) == ids[0]
    assert progress_text(page).startswith(f"1 of {len(ids)} pages done")
    page.click("#cf-next")
    page.click("#cf-next")
    assert visible_lesson(page) == ids[2]

    page.reload()
    page.wait_for_function(READY)
    # A returning learner is asked, not moved: the cover names the page to continue at.
    assert page.is_visible("#cf-cover") and page.is_visible("#cf-resume")
    title = page.inner_text(f"#lesson-{ids[2]}-title")
    assert page.inner_text("#cf-resume") == f"Welcome back — continue at “{title}”."
    assert page.inner_text("#cf-start") == "Continue" and page.is_visible("#cf-restart")
    # "Continue" alone does not say where to: the button is described by the prompt above it.
    expect(page.locator("#cf-start")).to_have_accessible_description(f"Welcome back — continue at “{title}”.")
    begin(page)
    assert page.is_visible("#cf-notice")
    assert visible_lesson(page) == ids[2]
    assert viewed_ids(page) == ids[:3]
    # A viewed lesson is done: its mark is visible (a check mark) and part of each link's accessible name.
    menu = page.get_by_role("navigation", name="Course menu")
    assert menu.get_by_role("link", name=re.compile(r"\(completed\)")).count() == 3
    assert menu.get_by_role("link").count() == len(ids)
    mark = page.evaluate(
        "getComputedStyle(document.querySelector('.is-viewed .cf-mark'), '::before').content")
    assert mark not in ("none", "normal", '""'), mark
    assert page.get_attribute(f'a[href="#lesson-{ids[3]}"]', "aria-current") is None
    assert page.get_attribute(f'a[href="#lesson-{ids[2]}"]', "aria-current") == "page"
    assert progress_text(page).startswith(f"3 of {len(ids)} pages done")
    assert page.is_disabled("#cf-prev") is False
    # The key is made from the course id and version, so a new version starts afresh; a course from
    # file:// is no launch of an LMS, so nothing else is in it (nor in the quiz backup's key). Beside
    # it, only when it was last used (Courseforge.keep's index, player.js).
    key = course_key()
    assert sorted(page.evaluate("Object.keys(localStorage)")) == sorted([key, "courseforge:used"])
    assert list(page.evaluate("JSON.parse(localStorage.getItem('courseforge:used'))")) == [key]
    assert page.evaluate("[Courseforge.player.adapter.key, Courseforge.player.quiz.key()]") == [
        key, key.replace("courseforge:", "courseforge-backup:", 1)]
    watch.assert_clean()


def course_key() -> str:
    """The key every player so far kept a file:// course's progress under: from course.yml itself."""
    course = yaml.safe_load((CONTENT / "course.yml").read_text(encoding="utf-8"))
    return f"courseforge:{course['identifier']}@{course['version']}"


def test_progress_an_earlier_player_kept_still_resumes(file_context, shipped_package):
    """What a learner's browser holds from an earlier version of the player is theirs after an upgrade,
    and stays theirs when they leave from the cover, before going on (that wrote it away)."""
    context, watch = file_context
    ids = shipped_package.lesson_ids
    record = {"location": ids[1], "data": "3.c1.vAw", "completed": False}  # pages 1 and 2 viewed, at page 2
    # Written before the player starts (the page's own first document, about:blank, has no storage).
    context.add_init_script("([key, record]) => location.protocol != 'file:' || localStorage.getItem(key) ||"
                            " localStorage.setItem(key, record)"
                            .join(["(", f")({json.dumps([course_key(), json.dumps(record)])})"]))
    page = open_file(context, shipped_package, cover=True)
    title = page.inner_text(f"#lesson-{ids[1]}-title")
    assert page.inner_text("#cf-resume") == f"Welcome back — continue at “{title}”."
    page.reload()  # gone from the cover, and back
    page.wait_for_function(READY)
    assert page.inner_text("#cf-resume") == f"Welcome back — continue at “{title}”."
    begin(page)
    assert visible_lesson(page) == ids[1] and viewed_ids(page) == ids[:2]
    watch.assert_clean()


def test_completion_page_offline(file_context, shipped_package):
    """Next names the page it leads to; after the last page comes the course summary. Viewing an
    assessment, a scenario or a survey is not doing it: progress counts only what was done, and the
    shipped course (a graded assessment) is not complete before it is passed."""
    context, watch = file_context
    ids = shipped_package.lesson_ids
    page = open_file(context, shipped_package)
    assert not page.is_visible("#cf-complete")
    for index in range(1, len(ids)):
        title = page.inner_text(f"#lesson-{ids[index]}-title")
        assert page.inner_text("#cf-next").split() == ["Next", *title.split()]
        page.click("#cf-next")
    assert page.inner_text("#cf-next").split() == ["Next", "Course", "summary"]
    assert not page.is_visible("#cf-complete")
    lessons = page.evaluate("Courseforge.player.lessons.filter(l => l.kind === 'lesson').length")
    assert lessons < len(ids)
    assert progress_text(page) == f"{lessons} of {len(ids)} pages done · {round(lessons * 100 / len(ids))}%"
    page.click("#cf-next")
    assert page.is_visible("#cf-complete") and not page.is_visible("#cf-next")
    assert page.evaluate("document.activeElement.id") == "cf-complete-title"
    assert page.evaluate("document.querySelector('section.lesson:not([hidden])')") is None
    assert page.inner_text("#cf-complete-text") == "Pass the assessment to complete the course."
    assert "Course complete" not in progress_text(page)
    assert page.inner_text("#cf-complete-done") == f"{lessons} of {len(ids)} pages done."
    states = page.evaluate("[...document.querySelectorAll('#cf-complete-list li')].map(li => li.className)")
    assert states == ["cf-state-done"] * lessons + ["cf-state-viewed"] * (len(ids) - lessons)
    # From the summary back to the last page, and to any page through its list.
    page.click("#cf-prev")
    assert visible_lesson(page) == ids[-1] and not page.is_visible("#cf-complete")
    page.click("#cf-next")
    page.click(f'#cf-complete-list a[href="#lesson-{ids[1]}"]')
    assert visible_lesson(page) == ids[1]
    watch.assert_clean()


def test_print_shows_every_lesson(file_context, shipped_package):
    context, watch = file_context
    page = open_file(context, shipped_package)
    page.emulate_media(media="print")
    assert page.is_visible("#cf-cover") and page.is_visible("#cf-cover-title")
    for lesson_id in shipped_package.lesson_ids:
        assert page.is_visible(f"#lesson-{lesson_id}"), lesson_id
    assert not page.is_visible("#cf-complete")
    for selector in ("#cf-nav", "#cf-prev", "#cf-next", ".cf-progress", "#cf-menu-toggle"):
        assert not page.is_visible(selector), selector
    watch.assert_clean()


def test_reduced_motion_turns_off_transitions(file_context, shipped_package):
    context, watch = file_context
    page = open_file(context, shipped_package)
    page.emulate_media(reduced_motion="reduce")
    duration = page.evaluate(
        "getComputedStyle(document.getElementById('cf-progress-fill')).transitionDuration")
    assert duration in ("0s", "0ms"), duration
    watch.assert_clean()
