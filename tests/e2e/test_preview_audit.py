"""`courseforge preview` used as an author does all day: the terminal's messages, the figures the
stand-in LMS shows, the place a save brings the author back to, and the panel on a phone."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import courseforge
from courseforge.cli import main
from courseforge.preview import Preview
from courseforge.preview.session import Session
from courseforge.scaffold import create

from .e2e_support import axe_violations, format_violations

LESSON = "content/lessons/02-listening.md"
TITLE = "My first course"  # the starter's course.yml: the cover's heading


def test_a_port_in_use_is_one_line_not_a_traceback(tmp_path):
    project = tmp_path / "project"
    create(project)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["preview", str(project), "--no-open", "--port", str(port)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip() == (f"Error: cannot serve the preview on 127.0.0.1:{port}: the port is in use "
                                     "(another preview?) — stop what uses it, or leave out --port to take a free one")


def broken_starter(tmp_path) -> tuple[Path, Path, str]:
    """A starter whose lesson has an unknown callout: (project, that lesson, its good text)."""
    project = tmp_path / "project"
    create(project)
    lesson = project / LESSON
    good = lesson.read_text()
    lesson.write_text(good.replace("::: story The late parcel", "::: storry The late parcel"))
    return project, lesson, good


def test_a_course_that_never_built_is_not_called_the_last_good_build(tmp_path, page):
    project, lesson, good = broken_starter(tmp_path)
    said: list[str] = []
    running = Preview(project, report=lambda text, is_error: said.append(text)).start()
    try:
        page.goto(running.url)
        alert = page.get_by_role("alert")
        alert.get_by_text("02-listening.md:11: unknown callout").wait_for()
        assert "last good build" not in alert.inner_text()
        assert "has not built yet" in alert.inner_text()
        assert said[-1] == "1 problem found; nothing to show until the course builds"

        lesson.write_text(good)
        page.frame_locator("#pv-frame").get_by_role("heading", name=TITLE, level=1).wait_for()
        lesson.write_text(good.replace("::: story The late parcel", "::: storry The late parcel"))
        alert.get_by_text("02-listening.md:11: unknown callout").wait_for()
        assert "the preview still shows the last good build" in alert.inner_text()
        assert said[-1] == "1 problem found; still showing the last good build"
    finally:
        running.close()


FRAME_READY = """() => { const w = document.getElementById('pv-frame').contentWindow;
  return !!(w && w.Courseforge && w.Courseforge.player && w.Courseforge.player.ready); }"""


def to_the_assessment(page):
    """The course frame, on the starter's assessment (past two lessons and the scenario)."""
    page.wait_for_function(FRAME_READY)
    course = page.frame_locator("#pv-frame")
    course.locator("#cf-start").click()
    for _ in range(3):  # Welcome, Listening first, The first call
        course.locator("#cf-next").click()
    course.get_by_role("heading", name="Check your understanding", level=1).wait_for()
    return course


def shown(page, element: str) -> str:
    return page.locator("#pv-model tr", has_text=element).locator("td").nth(1).inner_text()


def log(page) -> list[str]:
    return page.locator("#pv-log > li").all_inner_texts()


@pytest.mark.parametrize("standard, prefix, finish, zero", [
    ("scorm12", "cmi.core.", "Finish", "0000:00:00.00"), ("scorm2004", "cmi.", "Terminate", "PT0S")])
def test_a_finished_session_s_time_joins_the_learner_s_total_time(preview, page, standard, prefix, finish, zero):
    running, _ = preview
    page.goto(running.url)
    page.get_by_role("group", name="Standard").get_by_role("button", name=standard, exact=True).click()
    page.get_by_role("button", name="Reset learner").click()  # the panel empties: what it shows next is this learner's
    page.locator("#pv-log > li", has_text="Initialize").wait_for()
    page.wait_for_function(FRAME_READY)
    course = page.frame_locator("#pv-frame")
    course.locator("#cf-start").click()
    course.get_by_role("heading", name="Welcome", level=1).wait_for()
    assert shown(page, prefix + "total_time") == zero
    page.get_by_role("button", name="Relaunch").click()
    page.locator("#pv-log > li", has_text=finish).wait_for()
    calls = log(page)
    ended = calls.index(finish)
    session = next(call for call in calls[ended:] if call.startswith(f"SetValue {prefix}session_time = "))
    assert shown(page, prefix + "total_time") == session.rpartition(" = ")[2]


SCROLLED = "() => document.getElementById('pv-frame').contentWindow.scrollY"


def test_a_save_brings_the_author_back_to_where_they_were_reading_on_the_page(preview, browser):
    running, project = preview
    context = browser.new_context(viewport={"width": 800, "height": 500})  # the lesson is taller than its frame
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        page.goto(running.url)
        page.wait_for_function(FRAME_READY)
        course = page.frame_locator("#pv-frame")
        course.locator("#cf-start").click()
        course.locator("#cf-next").click()
        course.get_by_role("heading", name="Listening first", level=1).wait_for()
        page.evaluate("() => document.getElementById('pv-frame').contentWindow.scrollTo(0, 300)")
        assert page.evaluate(SCROLLED) == 300

        source = project / LESSON
        source.write_text(source.read_text().replace("A customer rarely starts", "Edited: a customer rarely starts"))
        course.get_by_text("Edited: a customer rarely starts").wait_for()
        page.wait_for_function(f"() => ({SCROLLED})() === 300", timeout=5_000)

        page.get_by_role("button", name="Relaunch").click()  # a learner's relaunch: the top of the page
        page.wait_for_function(f"() => ({SCROLLED})() === 0", timeout=5_000)
        course.get_by_role("heading", name="Listening first", level=1).wait_for()
    finally:
        context.close()


TARGETS = """() => [...document.querySelectorAll('button, select, summary, a[href]')]
  .filter(e => e.getClientRects().length)
  .map(e => { const r = e.getBoundingClientRect();
    return {name: (e.id || e.textContent.trim()).slice(0, 40), width: r.width, height: r.height}; })"""


def test_on_a_phone_every_control_of_the_panel_is_a_44_px_target_and_nothing_scrolls_sideways(preview, browser):
    running, _ = preview
    context = browser.new_context(viewport={"width": 320, "height": 640})
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        page.goto(running.url)
        page.get_by_role("group", name="Standard").get_by_role("button", name="cmi5", exact=True).click()
        page.locator("#pv-log summary").first.wait_for()  # the statements the course sent, each one's JSON folded
        page.locator("#pv-log summary").first.click()
        small = [t for t in page.evaluate(TARGETS) if t["width"] < 44 or t["height"] < 44]
        assert not small, f"tap targets under 44x44 px at 320 px wide: {small}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        violations = axe_violations(page.main_frame)
        assert not violations, "axe-core found WCAG violations in the stand-in page:\n" + format_violations(violations)
    finally:
        context.close()


def test_scorm_2004_a_finished_attempt_is_followed_by_a_new_one_with_a_new_data_model(preview, page):
    running, _ = preview
    page.goto(running.url)
    page.get_by_role("group", name="Standard").get_by_role("button", name="scorm2004", exact=True).click()
    page.get_by_role("button", name="Reset learner").click()
    page.locator("#pv-log > li", has_text="Initialize").wait_for()
    course = to_the_assessment(page)
    for question, answer in (("check-first-step", 1), ("check-listening", 1), ("check-front-matter", 1)):
        course.locator(f"#q-{question}-{answer}").check()
    course.locator(".quiz-submit").click()
    page.locator("#pv-log > li", has_text="SetValue cmi.exit = normal").wait_for()
    assert shown(page, "cmi.success_status") == "passed"

    page.get_by_role("button", name="Relaunch").click()  # the attempt ended normally: an LMS starts a new one
    page.wait_for_function("""() => {
      const calls = [...document.querySelectorAll('#pv-log > li')].map(li => li.textContent);
      return calls.includes('Terminate') && calls.indexOf('Initialize') < calls.indexOf('Terminate'); }""")
    assert shown(page, "cmi.entry") == "ab-initio"
    assert shown(page, "cmi.success_status") == "unknown"
    assert shown(page, "cmi.interactions._count") == "0"
    assert page.locator("#pv-model tr", has_text="cmi.score.raw").count() == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# `courseforge preview` as run from a terminal, where Ctrl+C interrupts: a test suite started in the
# background by a shell without job control (`pytest &`) hands its children SIGINT ignored.
AS_FROM_A_TERMINAL = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                      "sys.argv[0] = 'courseforge'; runpy.run_module('courseforge', run_name='__main__')")


def run_preview(project, port: int) -> subprocess.Popen:
    """`courseforge preview` as the author runs it, once it says where it serves."""
    env = {**os.environ, "PYTHONPATH": str(Path(courseforge.__file__).parents[1])}
    running = subprocess.Popen([sys.executable, "-c", AS_FROM_A_TERMINAL, "preview", str(project), "--no-open",
                                "--port", str(port)], env=env, stdout=subprocess.PIPE, text=True)
    while not running.stdout.readline().startswith("preview: "):
        assert running.poll() is None, "the preview did not start"
    return running


def stop(running: subprocess.Popen) -> None:
    running.send_signal(signal.SIGINT)
    assert running.wait(timeout=20) == 0


def test_the_page_says_when_the_preview_stops_and_shows_the_sources_as_they_are_when_it_is_back(tmp_path, page):
    project = tmp_path / "project"
    create(project)
    port = free_port()
    running = run_preview(project, port)
    try:
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_function(FRAME_READY)
        course = page.frame_locator("#pv-frame")
        course.locator("#cf-start").click()
        course.locator("#cf-next").click()
        course.get_by_role("heading", name="Listening first", level=1).wait_for()
        stop(running)
        page.get_by_role("status").get_by_text("The preview has stopped").wait_for()

        source = project / LESSON  # saved while no preview runs
        source.write_text(source.read_text().replace("A customer rarely starts", "Edited: a customer rarely starts"))
        running = run_preview(project, port)
        course.get_by_text("Edited: a customer rarely starts").wait_for()
        assert course.get_by_role("heading", name="Listening first", level=1).is_visible()
        assert page.get_by_role("status").inner_text() == "The preview is back: build 1"
    finally:
        if running.poll() is None:
            stop(running)


def test_before_the_first_good_build_the_panel_s_controls_say_so_and_the_standard_chosen_is_kept(tmp_path, page):
    project, lesson, good = broken_starter(tmp_path)
    running = Preview(project).start()
    failures: list[str] = []
    page.on("pageerror", lambda error: failures.append(str(error)))
    try:
        page.goto(running.url)
        page.get_by_role("alert").wait_for()
        page.get_by_role("button", name="Relaunch").click()
        page.get_by_role("button", name="Reset learner").click()
        page.get_by_role("group", name="Standard").get_by_role("button", name="cmi5", exact=True).click()
        assert page.get_by_role("status").inner_text() == "No build yet: fix the problems above and save."
        assert not failures, f"the stand-in page's script failed: {failures}"

        lesson.write_text(good)
        page.frame_locator("#pv-frame").get_by_role("heading", name=TITLE, level=1).wait_for()
        page.locator("#pv-log li", has_text="initialized").first.wait_for()  # launched as cmi5, the standard chosen
        assert not failures, f"the stand-in page's script failed: {failures}"
    finally:
        running.close()


def test_the_panel_shows_what_the_course_reads_and_the_calls_the_lms_refuses(preview, page):
    running, _ = preview
    page.goto(running.url)
    page.wait_for_function(FRAME_READY)
    assert "GetValue cmi.core.entry → ab-initio" in log(page)  # how the course knows to start, not resume
    # A course that writes after it ended its session: the LMS refuses, and the author sees it.
    page.evaluate("() => { API.LMSFinish(''); API.LMSSetValue('cmi.core.lesson_location', 'late'); }")
    assert log(page)[0] == "SetValue cmi.core.lesson_location = late — refused: 301 Not initialized"
    assert shown(page, "cmi.core.lesson_location") != "late"


def test_the_panel_shows_suspend_data_s_length_beside_the_standard_s_limit(preview, page):
    running, _ = preview
    page.goto(running.url)
    page.wait_for_function(FRAME_READY)
    page.frame_locator("#pv-frame").locator("#cf-start").click()
    page.locator("#pv-log > li", has_text="SetValue cmi.suspend_data").first.wait_for()
    data, _, size = shown(page, "cmi.suspend_data").rpartition(" (")
    assert size == f"{len(data)} of 4096 characters)"
    page.evaluate("() => API.LMSSetValue('cmi.suspend_data', 'x'.repeat(5000))")
    assert shown(page, "cmi.suspend_data").endswith(
        "… (5000 of 4096 characters: over the limit, an LMS may refuse or cut it)")


def test_a_mastery_score_edited_in_course_yml_is_the_one_the_lms_hands_the_course(preview, page):
    running, project = preview
    page.goto(running.url)
    course = to_the_assessment(page)
    assert shown(page, "cmi.student_data.mastery_score") == "80"

    config = project / "content" / "course.yml"
    config.write_text(config.read_text().replace("mastery_score: 80", "mastery_score: 60"))
    page.get_by_role("status").get_by_text("Build 2 ready").wait_for()
    page.wait_for_function(FRAME_READY)
    course.get_by_role("heading", name="Check your understanding", level=1).wait_for()
    assert shown(page, "cmi.student_data.mastery_score") == "60"
    for question, answer in (("check-first-step", 0), ("check-listening", 1), ("check-front-matter", 1)):
        course.locator(f"#q-{question}-{answer}").check()  # 2 of 3: 67%, a pass at 60
    course.locator(".quiz-submit").click()
    course.get_by_text("Pass mark 60%", exact=True).wait_for()
    reported = page.wait_for_function("""() => [...document.querySelectorAll('#pv-log > li')]
      .map(li => li.textContent).find(call => call.startsWith('SetValue cmi.core.lesson_status = ') &&
        !call.endsWith('incomplete'))""").json_value()
    assert reported == "SetValue cmi.core.lesson_status = passed"


def test_a_crash_before_the_first_build_does_not_claim_a_last_good_build(tmp_path, monkeypatch):
    project = tmp_path / "project"
    create(project)

    def crash(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr("courseforge.preview.session.prepare", crash)
    said: list[str] = []
    session = Session(project, lambda text, is_error: said.append(text))
    assert not session.rebuild()
    assert session.errors == ["courseforge failed: RuntimeError('boom') — please report it with the terminal's traceback"]
    assert said[0].startswith("Traceback (most recent call last)")
    assert said[-1] == "1 problem found; nothing to show until the course builds"
