"""What a demanding learner met in the shipped course (the learner audit), each kept fixed here: focus
that must not fall to the page when the control holding it goes away."""
from __future__ import annotations

from .e2e_support import axe_violations, format_violations, launch, open_lms, visible_lesson

FOCUSED = """() => { const a = document.activeElement;
  return a && a !== document.body && a.getClientRects().length > 0 ? a.className || a.id : null; }"""


def test_skip_to_the_end_keeps_focus_in_the_scene(lms_context, server, shipped_package):
    """Keyboard only: "Skip to the end" hides itself; focus goes to the scene's heading, not to the page."""
    context, watch = lms_context
    page = open_lms(context, server)
    sco = launch(page, shipped_package)
    kinds = sco.evaluate("Courseforge.player.lessons.map(l => l.kind)")
    sco.evaluate("i => Courseforge.player.show(i)", kinds.index("scenario"))
    section = f"#lesson-{visible_lesson(sco)}"
    scene = f"{section} .scene:not([hidden])"
    for _ in range(6):  # decisions until an ending scene with a clip offers "Skip to the end"
        if sco.is_visible(f"{scene} .scene-end"):
            break
        if sco.is_visible(f"{scene} .scene-skip"):
            sco.focus(f"{scene} .scene-skip")
            page.keyboard.press("Enter")
        sco.focus(f"{scene} .scene-option >> nth=0")
        page.keyboard.press("Enter")
    sco.focus(f"{scene} .scene-end")
    page.keyboard.press("Enter")
    sco.wait_for_function("s => document.querySelector(s).textContent", arg=f"{section} .scenario-status")
    assert sco.evaluate(FOCUSED) == "scene-title", "focus fell to the page with the button"
    assert sco.evaluate("s => document.activeElement === document.querySelector(s)", f"{scene} .scene-title")
    page.keyboard.press("Tab")
    assert sco.evaluate(FOCUSED), "Tab goes on from the scene"
    watch.assert_clean()

