"""The package opened straight from disk (file://) with no LMS: the standalone adapter keeps progress
in localStorage and says so; print shows every lesson without the navigation."""
from __future__ import annotations

import re

from .e2e_support import READY, progress_text, viewed_ids, visible_lesson


def open_file(context, shipped_package):
    page = context.new_page()
    page.goto((shipped_package.folder / "index.html").as_uri())
    page.wait_for_function(READY)
    return page


def test_offline_progress_survives_reload(file_context, shipped_package):
    context, watch = file_context
    ids = shipped_package.lesson_ids
    page = open_file(context, shipped_package)
    assert page.evaluate("Courseforge.player.adapter.name") == "standalone"
    notice = page.inner_text("#cf-notice")
    assert page.is_visible("#cf-notice")
    assert "Not connected to a learning management system" in notice
    assert visible_lesson(page) == ids[0]
    assert progress_text(page).startswith(f"1 of {len(ids)} lessons viewed")
    page.click("#cf-next")
    page.click("#cf-next")
    assert visible_lesson(page) == ids[2]

    page.reload()
    page.wait_for_function(READY)
    assert page.is_visible("#cf-notice")
    assert visible_lesson(page) == ids[2]
    assert viewed_ids(page) == ids[:3]
    # The viewed mark is visible (a check mark) and part of each link's accessible name.
    menu = page.get_by_role("navigation", name="Lessons")
    assert menu.get_by_role("link", name=re.compile(r"\(viewed\)")).count() == 3
    assert menu.get_by_role("link").count() == len(ids)
    mark = page.evaluate(
        "getComputedStyle(document.querySelector('.is-viewed .cf-mark'), '::before').content")
    assert mark not in ("none", "normal", '""'), mark
    assert page.get_attribute(f'a[href="#lesson-{ids[3]}"]', "aria-current") is None
    assert page.get_attribute(f'a[href="#lesson-{ids[2]}"]', "aria-current") == "page"
    assert progress_text(page).startswith(f"3 of {len(ids)} lessons viewed")
    assert page.is_disabled("#cf-prev") is False
    # The key is made from the course id and version, so a new version starts afresh.
    keys = page.evaluate("Object.keys(localStorage)")
    assert any(key.startswith("courseforge:") for key in keys), keys
    watch.assert_clean()


def test_completion_message_offline(file_context, shipped_package):
    context, watch = file_context
    ids = shipped_package.lesson_ids
    page = open_file(context, shipped_package)
    assert not page.is_visible("#cf-complete")
    for _ in ids[1:]:
        page.click("#cf-next")
    assert page.is_visible("#cf-complete")
    assert page.is_disabled("#cf-next")
    assert progress_text(page).startswith(f"{len(ids)} of {len(ids)} lessons viewed")
    assert page.evaluate("document.getElementById('cf-progress-fill').style.width") == "100%"
    watch.assert_clean()


def test_print_shows_every_lesson(file_context, shipped_package):
    context, watch = file_context
    page = open_file(context, shipped_package)
    page.emulate_media(media="print")
    for lesson_id in shipped_package.lesson_ids:
        assert page.is_visible(f"#lesson-{lesson_id}"), lesson_id
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
