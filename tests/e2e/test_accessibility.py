"""axe-core (WCAG 2.0/2.1 A and AA rules) inside the SCO frame, in the states a learner sees:
first lesson, a middle lesson, the lesson richest in tables and callouts, the narrow layout with
the lesson menu open, and the completed course."""
from __future__ import annotations

from .e2e_support import axe_violations, begin, format_violations, launch, open_lms, visible_lesson, wait_for_call
from .test_scorm12_lms import assert_api_clean

RICHEST_LESSON = """() => {
  const score = s => (s.querySelector('table') ? 10 : 0) +
    new Set([...s.querySelectorAll('.callout')].map(c => c.className)).size;
  const sections = [...document.querySelectorAll('section.lesson')];
  sections.sort((a, b) => score(b) - score(a));
  return sections[0].dataset.lessonId;
}"""


def go_to(sco, lesson_id: str) -> None:
    """Open a lesson through the lesson menu, as a learner would."""
    sco.click(f'a[href="#lesson-{lesson_id}"]')
    sco.wait_for_function("id => !document.getElementById('lesson-' + id).hidden", arg=lesson_id)


def test_no_wcag_violations(lms_context, server, shipped_package):
    context, watch = lms_context
    ids = shipped_package.lesson_ids
    page = open_lms(context, server)
    sco = launch(page, shipped_package, cover=True)
    found: dict[str, list] = {}

    found["cover"] = axe_violations(sco)
    begin(sco)
    found["first lesson"] = axe_violations(sco)

    middle = ids[len(ids) // 2]
    go_to(sco, middle)
    found[f"middle lesson ({middle})"] = axe_violations(sco)

    rich = sco.evaluate(RICHEST_LESSON)
    assert sco.evaluate("id => !!document.querySelector('#lesson-' + id + ' table')", rich), \
        "the shipped course should have a lesson with a table for this check"
    assert sco.evaluate("id => !!document.querySelector('#lesson-' + id + ' .callout')", rich)
    go_to(sco, rich)
    found[f"tables and callouts ({rich})"] = axe_violations(sco)

    for lesson_id in ids:
        if visible_lesson(sco) != lesson_id:
            go_to(sco, lesson_id)
    sco.click("#cf-next")
    assert sco.is_visible("#cf-complete")
    found["course summary"] = axe_violations(sco)

    page.set_viewport_size({"width": 375, "height": 740})
    sco.wait_for_selector("#cf-menu-toggle", state="visible")
    assert not sco.is_visible("#cf-nav"), "the lesson menu should collapse on a narrow screen"
    sco.focus("#cf-menu-toggle")
    page.keyboard.press("Enter")
    sco.wait_for_selector("#cf-nav", state="visible")
    assert sco.get_attribute("#cf-menu-toggle", "aria-expanded") == "true"
    found["narrow layout, menu open"] = axe_violations(sco)
    # Escape closes the menu and gives focus back to its toggle.
    page.keyboard.press("Escape")
    assert not sco.is_visible("#cf-nav")
    assert sco.evaluate("document.activeElement.id") == "cf-menu-toggle"
    assert sco.get_attribute("#cf-menu-toggle", "aria-expanded") == "false"

    report = "\n\n".join(f"[{state}]\n{format_violations(v)}" for state, v in found.items() if v)
    assert not report, "axe-core found WCAG violations:\n" + report
    page.evaluate("cfLMS.unload()")
    wait_for_call(page, "LMSFinish")
    assert_api_clean(page)  # zero API errors to the end, dismissal included
    watch.assert_clean()
