"""What a learner walking the course met (the walk audit), each kept fixed here: the course summary
must not call a course complete that the header, and the LMS, do not."""
from __future__ import annotations

from .e2e_support import launch, open_lms, progress_text

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
