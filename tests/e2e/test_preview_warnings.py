"""The build's warnings in the preview's page: an author who keeps the browser in front saw the
content errors there, but the warnings (check findings, a page left out) only in the terminal."""
from __future__ import annotations

from courseforge.preview import Preview
from courseforge.scaffold import create

from .e2e_support import axe_violations, format_violations

LESSON = "content/lessons/02-listening.md"
SAID = "the part that explains their problem."
LONG = ("A caller who is cut off before the end of the story will tell it again from the start and grow "
        "more impatient with every word the agent says over them before they finish it.")
FINDING = ('02-listening.md:9: a sentence of 35 words: "A caller who is cut off before the …" — '
           "split it: aim for at most 30 words [long-sentence]")
FRAME_READY = """() => { const w = document.getElementById('pv-frame').contentWindow;
  return !!(w && w.Courseforge && w.Courseforge.player && w.Courseforge.player.ready); }"""


def overlaps(one: dict, other: dict) -> bool:
    return (one["x"] < other["x"] + other["width"] and other["x"] < one["x"] + one["width"]
            and one["y"] < other["y"] + other["height"] and other["y"] < one["y"] + one["height"])


def test_the_last_build_s_warnings_show_in_the_page_by_keyboard_and_follow_each_save(tmp_path, page):
    project = tmp_path / "project"
    create(project)
    lesson = project / LESSON
    good = lesson.read_text()
    lesson.write_text(good.replace(SAID, f"{SAID} {LONG}"))
    running = Preview(project).start()
    try:
        page.goto(running.url)
        page.wait_for_function(FRAME_READY)
        summary = page.locator("#pv-warnings summary")
        assert summary.inner_text() == "1 warning in the last build"
        warnings = page.get_by_role("list", name="1 warning in the last build")
        assert not warnings.is_visible()  # folded: one line above the course

        for _ in range(12):  # the standard's buttons, Relaunch and Reset learner come first
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "pv-warnings-title":
                break
        assert page.evaluate("document.activeElement.id") == "pv-warnings-title", "the warnings are out of Tab's reach"
        page.keyboard.press("Enter")
        [shown] = warnings.get_by_role("listitem").all_inner_texts()
        assert shown.endswith(FINDING), shown
        page.keyboard.press("Tab")  # the list scrolls when long: it takes the focus, for the arrow keys
        assert page.evaluate("document.activeElement.id") == "pv-warnings-list"

        notice = page.locator("#pv-warnings").bounding_box()
        course = page.locator("#pv-frame").bounding_box()
        assert course["height"] > 200 and not overlaps(notice, course), (notice, course)
        violations = axe_violations(page.main_frame)
        assert not violations, "axe-core found WCAG violations in the stand-in page:\n" + format_violations(violations)

        lesson.write_text(good.replace(SAID, f"{SAID} {LONG}").replace("an apology.", f"an apology. {LONG}"))
        page.get_by_role("status").get_by_text("Build 2 ready").wait_for()
        assert page.get_by_role("status").inner_text().endswith(" s — 2 warnings")  # heard by a screen reader
        assert summary.inner_text() == "2 warnings in the last build"
        assert page.locator("#pv-warnings li").count() == 2 and page.locator("#pv-warnings li").first.is_visible()

        lesson.write_text(good.replace(SAID, f"{SAID} {LONG}").replace("::: story", "::: storry"))
        page.get_by_role("alert").get_by_text("unknown callout").wait_for()
        assert page.get_by_role("status").inner_text() == "1 problem in the last save"  # no warning met before it
        assert page.locator("#pv-warnings").is_hidden()

        lesson.write_text(good)
        page.get_by_role("status").get_by_text("Build 3 ready").wait_for()
        assert page.get_by_role("status").inner_text().endswith(" s")
        assert page.locator("#pv-warnings").is_hidden() and page.get_by_role("alert").is_hidden()
    finally:
        running.close()


def test_a_save_with_many_errors_lists_the_first_fifty_and_counts_the_rest(tmp_path, page):
    # as `build` prints them: 60 lines of errors made a page to scroll through, the first fixes out of sight
    project = tmp_path / "project"
    create(project)
    running = Preview(project).start()
    try:
        page.goto(running.url)
        page.wait_for_function(FRAME_READY)
        for number in range(3, 63):
            (project / "content" / "lessons" / f"{number:02d}-more.md").write_text("---\ntitle: [x\n---\n\nText.\n")
        page.get_by_role("status").get_by_text("60 problems in the last save").wait_for()
        items = page.locator("#pv-error-list li")
        assert items.count() == 51 and "03-more.md:" in items.first.inner_text()
        assert items.last.inner_text() == "… and 10 more problems — fix these and save again"
    finally:
        running.close()
