"""Fixtures and helpers of the cmi5/TinCan end-to-end tests (conftest.py imports the fixtures):
Ralph and the LMS stand-in (lrs.py), the packages built once per session, a browser context that
records what the page did, and the checks every test makes on the statements Ralph stored.

Nothing skips: a missing Ralph fails the run like a missing Chromium does.
"""
from __future__ import annotations

import importlib
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .e2e_support import CONTENT, require
from .lrs import Ralph, RalphError, StandIn

READY = "() => !!(window.Courseforge && Courseforge.player && Courseforge.player.ready)"
VERB = "http://adlnet.gov/expapi/verbs/"
ACTIVITY = "http://adlnet.gov/expapi/activities/"

QUIZ_COURSE = {
    "course.yml": """title: Scored course
identifier: scored-course
version: "1.0.0"
language: en
description: A course with a graded assessment.
mastery_score: 80
""",
    "assessments/01-final.md": """---
id: final
title: Final check
---

::: question q-pick single
Which cue matters most?
- [x] Narrow feet
- [ ] Colour
:::

::: question q-true true-false
Empathy can be learnt.
- [x] True
- [ ] False
:::

::: question q-match matching
Match them.
- Cognitive -> Understanding
- Emotional -> Feeling
:::

::: question q-word fill-in
The first step is to ____.
= listen
:::

::: question q-order ordering
Put in order.
1. Notice
2. Respond
:::

::: question q-like likert
Useful?
:::
""",
}
for _n in (1, 2, 3):
    QUIZ_COURSE[f"lessons/0{_n}-part-{_n}.md"] = (f"---\nid: part-{_n}\ntitle: Part {_n}\nobjectives:\n  - Learn {_n}\n"
                                                  f"---\n\n## Section {_n}\n\nText of part {_n}.\n")


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    try:
        for module in ("ralph.backends.lrs.fs", "fastapi", "uvicorn", "bcrypt"):  # ralph-malph[lrs]
            importlib.import_module(module)
    except ImportError as exc:
        pytest.fail(f"ralph-malph with its LRS extra is missing ({exc}): pip install -e '.[test]'", pytrace=False)
    lrs = Ralph(tmp_path_factory.mktemp("ralph"))
    try:
        lrs.start()
    except RalphError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield lrs
    lrs.stop()


@pytest.fixture(autouse=True)
def ralph_store_per_test(request):
    """Each test that uses Ralph starts it on an empty store (Ralph.fresh_store): every test launches its
    own registrations, and reads back only those."""
    if "ralph" in request.fixturenames:
        request.getfixturevalue("ralph").fresh_store()


@pytest.fixture(scope="session")
def lms(ralph):
    stand_in = StandIn(ralph)
    yield stand_in
    stand_in.close()


def _build(source: Path, out: Path, standard: str) -> Path:
    from courseforge.build import build
    [zip_path] = build(source, out, [standard])
    folder = out / zip_path.stem
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    return folder


@pytest.fixture(scope="session")
def xapi_packages(tmp_path_factory) -> dict[str, Path]:
    """Unzipped packages by name: shipped-cmi5, shipped-tincan, scored-cmi5, scored-tincan, per-page-cmi5."""
    root = tmp_path_factory.mktemp("xapi-packages")
    require((CONTENT / "course.yml").is_file(), "no shipped course in content/")
    scored = root / "scored"
    for name, text in QUIZ_COURSE.items():
        (scored / name).parent.mkdir(parents=True, exist_ok=True)
        (scored / name).write_text(text, encoding="utf-8")
    per_page = root / "per-page"
    for name, text in QUIZ_COURSE.items():
        (per_page / name).parent.mkdir(parents=True, exist_ok=True)
        (per_page / name).write_text(text + ("cmi5_au_per_lesson: true\n" if name == "course.yml" else ""),
                                     encoding="utf-8")
    return {
        "shipped-cmi5": _build(CONTENT, root / "out", "cmi5"),
        "shipped-tincan": _build(CONTENT, root / "out", "tincan"),
        "scored-cmi5": _build(scored, root / "out-scored", "cmi5"),
        "scored-tincan": _build(scored, root / "out-scored", "tincan"),
        "per-page-cmi5": _build(per_page, root / "out-per-page", "cmi5"),
    }


@dataclass
class Watch:
    """What the page did that a test must look at: errors, failed responses, foreign requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[tuple[int, str, str]] = field(default_factory=list)  # status, method, url
    warnings: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def unexpected(self, allowed=lambda status, method, url: False) -> list[str]:
        """Problems, leaving out failed responses `allowed(status, method, url)` accepts and the
        console's own "Failed to load resource" line for each of them."""
        failed = [f for f in self.failed if not allowed(*f)]
        console = [m for m in self.console_errors if failed or not m.startswith("Failed to load resource")]
        return ([f"console error: {m}" for m in console] + [f"page error: {m}" for m in self.page_errors]
                + [f"failed response: {s} {m} {u}" for s, m, u in failed]
                + [f"request outside 127.0.0.1: {u}" for u in self.foreign])


@pytest.fixture
def xapi_page(browser, lms):
    """A fresh browser context and page with its Watch; the stand-in's logs start empty."""
    context, page, watch = xapi_context(browser, lms)
    yield page, watch
    context.close()


def xapi_context(browser, lms):
    """xapi_page's context (to close), page and Watch, in `browser`."""
    lms.reset()
    context = browser.new_context()
    context.set_default_timeout(10_000)
    watch = Watch()

    def on_console(message):
        if message.type == "error":
            watch.console_errors.append(message.text)
        elif message.type == "warning":
            watch.warnings.append(message.text)

    def on_request(request):
        if not request.url.startswith(("http://127.0.0.1:", "about:", "data:")):
            watch.foreign.append(request.url)

    def on_response(response):
        if response.status >= 400:
            watch.failed.append((response.status, response.request.method, response.url))

    context.on("console", on_console)
    context.on("weberror", lambda error: watch.page_errors.append(str(error.error)))
    context.on("request", on_request)
    context.on("response", on_response)
    return context, context.new_page(), watch


# ---------------------------------------------------------------------------------------------
# Driving the player

def open_au(page, url: str):
    page.goto(url)
    page.wait_for_function(READY)
    if page.is_visible("#cf-start"):  # past the cover (e2e_support.begin); an AU of one page has none
        page.click("#cf-start")
    page.wait_for_function("() => document.getElementById('cf-cover').hidden")
    return page


def visible_lesson(page) -> str:
    return page.evaluate("document.querySelector('section.lesson:not([hidden])').dataset.lessonId")


def adapter_name(page) -> str:
    return page.evaluate("Courseforge.player.adapter && Courseforge.player.adapter.name")


def walk(page, lesson_ids: list[str], start: int = 0, stop: int | None = None) -> None:
    """Next, lesson by lesson, from lesson_ids[start] to lesson_ids[stop - 1] (the last by default)."""
    stop = len(lesson_ids) if stop is None else stop
    assert visible_lesson(page) == lesson_ids[start]
    for index in range(start + 1, stop):
        page.click("#cf-next")
        page.wait_for_function("id => !document.getElementById('lesson-' + id).hidden", arg=lesson_ids[index])
    settle(page)


def settle(page) -> None:
    """Until the player's adapter queue is idle and the xAPI queue has nothing in flight or waiting."""
    page.evaluate("Courseforge.player.queue")
    page.wait_for_function("""() => { const a = Courseforge.player.adapter, c = a && a.client;
        return !c || (!c.inflight && (c.queue.length === 0 || c.timer)); }""")


def queued(page) -> int:
    return page.evaluate("(Courseforge.player.adapter.client || {queue: []}).queue.length")


def pages(folder: Path) -> list[tuple[str, str]]:
    """(page id, "lesson" or "test") of every page the player shows, in order: an assessment is a
    test, any other page (lessons, scenarios) a lesson activity."""
    html = (folder / "index.html").read_text(encoding="utf-8")
    found = re.findall(r'<section class="lesson([^"]*)" id="lesson-[^"]+" data-lesson-id="([^"]+)"', html)
    return [(ident, "test" if "lesson-quiz" in classes.split() else "lesson") for classes, ident in found]


def scenario_ids(folder: Path) -> set[str]:
    html = (folder / "index.html").read_text(encoding="utf-8")
    return set(re.findall(r'<section class="lesson lesson-scenario" id="lesson-[^"]+" data-lesson-id="([^"]+)"', html))


def page_language(folder: Path) -> str:
    """The package's `<html lang>`, the key of every xAPI language map the player sends."""
    html = (folder / "index.html").read_text(encoding="utf-8")
    return re.search(r'<html[^>]* lang="([^"]+)"', html)[1]


def lesson_ids(folder: Path) -> list[str]:
    return [ident for ident, _ in pages(folder)]


def close_page(page) -> None:
    """Leave the page the way a learner closing the tab does: pagehide, then nothing."""
    page.goto("about:blank")


def stored(ralph: Ralph, until=lambda found: True, timeout: float = 10, **query) -> list[dict]:
    """Statements Ralph holds for `query`, once `until(statements)` is true (keepalive requests
    from a closed page arrive a little later)."""
    deadline = time.monotonic() + timeout
    while True:
        found = ralph.statements(**query)
        if until(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def ends_with_terminated(found: list[dict]) -> bool:
    return bool(found) and found[-1]["verb"]["id"] == VERB + "terminated"


def tincan_launch_with_the_lrs_out_of_reach(lms, ralph: Ralph, page, name: str, folder: Path, stop: int):
    """(the first launch, the next) of a TinCan registration of `name` for Alice: the first walked to page
    `stop` and closed, its `terminated` stored; the next opened in `page` with the LRS's State API out of
    reach, so it never starts a session (the player falls back in the launch's room)."""
    ids = lesson_ids(folder)
    first = lms.launch_tincan(name, folder, actor=lms.learner("alice"))
    open_au(page, first.url)
    assert adapter_name(page) == "tincan"
    walk(page, ids, stop=stop)
    close_page(page)
    stored(ralph, lambda f: "terminated" in verbs(f), registration=first.registration)
    page.route("**/xAPI/activities/state**", lambda route: route.abort())
    again = lms.launch_tincan(name, folder, actor=first.actor, registration=first.registration)
    page.goto(again.url)
    return first, again


def verbs(found: list[dict]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in found]


def strictly_valid(statement: dict) -> None:
    """Ralph's POST accepts lax statements; hold what came back to its strict xAPI 1.0.3 model too
    (IRIs, language maps, durations, interaction types, UUIDs)."""
    from pydantic import ValidationError
    from ralph.models.xapi.base.statements import BaseXapiStatement
    try:
        BaseXapiStatement.model_validate(statement)
    except ValidationError as error:
        raise AssertionError(f"statement {statement.get('id')} is not valid xAPI:\n{error}") from None


VIDEO = "https://w3id.org/xapi/video"


def video_valid(statement: dict) -> None:
    """A Video Profile statement against the profile's template as Ralph models it (CHECKLIST V4;
    RALPH models/xapi/video/statements.py): played, paused, seeked or completed."""
    from pydantic import ValidationError
    from ralph.models.xapi.video import statements as video
    model = {VIDEO + "/verbs/played": video.VideoPlayed, VIDEO + "/verbs/paused": video.VideoPaused,
             VIDEO + "/verbs/seeked": video.VideoSeeked, VERB + "completed": video.VideoCompleted}[statement["verb"]["id"]]
    try:
        model.model_validate(statement)
    except ValidationError as error:
        raise AssertionError(f"statement {statement.get('id')} is no valid {model.__name__}:\n{error}") from None
