"""A large course's menu groups and the cover, as a learner who knows what they want expects them.
A group the learner closed stays closed while they read on in its part; coming into another part
opens that part's group, so the menu shows where they are. And a page chosen from the menu while
the resume page's part is still on its way is not covered by "Welcome back" once the part comes."""
from __future__ import annotations

from .e2e_support import READY, axe_violations, begin, format_violations
from .test_large_course import (course_json, group_of, ids, large_course, large_package,  # noqa: F401 - fixtures
                                part_data, press_until, show)

# The cover coming back over the page: recorded from the moment the observer is installed.
WATCH_COVER = """() => {
  const cover = document.getElementById('cf-cover');
  window.cfCoverShown = 0;
  new MutationObserver(() => { if (!cover.hidden) window.cfCoverShown++; })
    .observe(cover, {attributes: true, attributeFilter: ['hidden']});
}"""


def parts_of(folder) -> list[list[str]]:
    """Each part's page ids, in order."""
    return [[p["id"] for p in part_data(folder, entry["part"])["pages"]]
            for entry in course_json(folder)["lessons"] if "part" in entry]


def group_state(page, button: str) -> tuple[str, bool]:
    """(aria-expanded, whether the list it controls shows)."""
    listed = page.get_attribute(button, "aria-controls")
    return page.get_attribute(button, "aria-expanded"), page.is_visible(f"#{listed}")


def open_served(context, server, folder, name: str):
    """The package over HTTP, opened directly: no LMS, progress in this browser's localStorage."""
    page = context.new_page()
    page.goto(server.origin + server.mount(name, folder) + "index.html")
    page.wait_for_function(READY)
    return page


def next_by_keyboard(page, target: str) -> None:
    press_until(page, "Tab", "#cf-next")
    page.keyboard.press("Enter")
    show(page, target)


def test_a_closed_group_stays_closed_within_its_part_and_the_next_part_opens(lms_context, server, large_package):
    """Keyboard only, over HTTP without an LMS: the learner closes the group of the page they read;
    Next after Next within that part, it stays closed. Next into the following part opens that
    part's group with the page marked current (the closed one stays closed); Previous back into the
    first part opens its group again. No axe violation with one group closed and one open."""
    context, watch = lms_context
    parts = parts_of(large_package)
    first, second = parts[0], parts[1]
    assert len(first) >= 3  # Next twice within the part
    page = open_served(context, server, large_package, "large-menu-groups")
    press_until(page, "Tab", "#cf-start")
    page.keyboard.press("Enter")
    show(page, first[0])
    mine, theirs = group_of(large_package, first[0]), group_of(large_package, second[0])
    assert group_state(page, mine) == ("true", True)  # the group of the page shown
    press_until(page, "Shift+Tab", mine)
    page.keyboard.press("Enter")
    assert group_state(page, mine) == ("false", False)
    for target in first[1:]:
        next_by_keyboard(page, target)
        assert group_state(page, mine) == ("false", False), f"{target}: the group the learner closed reopened"
    next_by_keyboard(page, second[0])
    assert group_state(page, theirs) == ("true", True)
    current = page.locator('#cf-nav a[aria-current="page"]')
    assert current.get_attribute("href") == f"#lesson-{second[0]}" and current.is_visible()
    assert group_state(page, mine) == ("false", False)
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    press_until(page, "Tab", "#cf-prev")
    page.keyboard.press("Enter")
    show(page, first[-1])
    assert group_state(page, mine) == ("true", True)
    assert page.locator('#cf-nav a[aria-current="page"]').is_visible()
    watch.assert_clean()


def test_a_page_chosen_while_the_resume_part_loads_is_not_covered(lms_context, server, large_package):
    """Over HTTP without an LMS (progress in localStorage): a learner left off in a late part; on
    their return that part's answer is held back, and meanwhile they choose a lesson of the first
    part from the menu. It shows, and when the held part comes the cover stays away."""
    context, watch = lms_context
    names, parts = ids(large_package), parts_of(large_package)
    left_at = parts[2][1]
    resume_part = [entry["part"] for entry in course_json(large_package)["lessons"] if "part" in entry][2]
    page = open_served(context, server, large_package, "large-resume-race")
    begin(page)
    page.click(group_of(large_package, left_at))
    page.click(f'a[href="#lesson-{left_at}"]')
    show(page, left_at)
    page.wait_for_function("id => Object.keys(localStorage).some(k => k.startsWith('courseforge:') &&"
                           " (JSON.parse(localStorage[k]) || {}).location === id)", arg=left_at)

    held = []

    def hold(route):  # answered once the learner has chosen a page
        held.append(route)

    page.route(f"**/{resume_part}", hold)
    page.reload(wait_until="domcontentloaded")  # "load" waits for the held part
    page.wait_for_function("() => !!(window.Courseforge && Courseforge.player && Courseforge.player.screens)")
    chosen = parts[0][1]
    page.click(group_of(large_package, chosen))
    page.click(f'a[href="#lesson-{chosen}"]')
    show(page, chosen)
    for _ in range(200):  # the held request reaches its handler as Playwright's events are read
        if held:
            break
        page.wait_for_timeout(25)
    assert len(held) == 1 and not page.evaluate("Courseforge.player.ready")  # the resume part is still held
    page.evaluate(WATCH_COVER)
    held[0].continue_()
    page.wait_for_function(READY)
    assert page.evaluate("window.cfCoverShown") == 0
    assert page.is_hidden("#cf-cover") and page.is_visible(f"#lesson-{chosen}")
    assert page.get_attribute(f'#cf-nav a[href="#lesson-{chosen}"]', "aria-current") == "page"
    page.click("#cf-next")
    show(page, names[names.index(chosen) + 1])
    watch.assert_clean()
