"""End-to-end fixtures: a loopback web server, a test LMS page (lms.html, scorm-again as the LMS),
headless Debian Chromium driven by Python Playwright, and the shipped course built once.

Nothing here skips: a missing browser, node_modules or build fails the run with a clear message
(CI installs them: apt chromium, `npm ci`, `pip install -e .[test]`).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .e2e_support import (AXE, CHROMIUM, CHROMIUM_ARGS, CONTENT, REPO, SCORM_AGAIN, Package, Server,
                         build_package, lesson_ids, require, unzip, watched_context)
from .conftest_xapi import (  # noqa: F401 - cmi5/TinCan fixtures
    lms, ralph, ralph_store_per_test, xapi_packages, xapi_page)


@pytest.fixture(scope="session")
def server():
    for path in (SCORM_AGAIN, AXE):
        require(path.is_file(), f"{path.relative_to(REPO)} is missing: run `npm ci` in the repository root")
    srv = Server()
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(),
            f"{CHROMIUM} not found: install Debian's chromium (`apt-get install chromium`); "
            "the tests never download a browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - environment problem
        pytest.fail("Python Playwright is missing: `pip install playwright` (no browser download needed)",
                    pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def lms_context(browser, server):
    """A fresh browser context on the test server, with its Watch; Server.commits starts empty."""
    server.commits.clear()
    context, watch = watched_context(browser, server.origin)
    context.set_default_timeout(10_000)
    yield context, watch
    context.close()


@pytest.fixture
def file_context(browser):
    """A fresh browser context for file:// pages (no server at all)."""
    context, watch = watched_context(browser, None)
    context.set_default_timeout(10_000)
    yield context, watch
    context.close()


@pytest.fixture(scope="session")
def shipped_package(tmp_path_factory, server) -> Package:
    """The repository's own course (content/), built once for the session and served."""
    require((CONTENT / "course.yml").is_file(),
            f"no shipped course at {CONTENT.relative_to(REPO)}/course.yml")
    root = tmp_path_factory.mktemp("shipped")
    zip_path = build_package(CONTENT, root / "out")
    folder = unzip(zip_path, root / "unzipped")
    prefix = server.mount("shipped", folder)
    ids = lesson_ids(folder)
    require(len(ids) >= 3, f"the shipped course needs at least 3 lessons for these tests, found {ids}")
    return Package(zip_path, folder, prefix + "index.html", ids)


@pytest.fixture
def package_factory(tmp_path, server):
    """Build any course folder, unzip it under tmp_path and serve it."""
    counter = iter(range(1000))

    def make(source: Path, name: str | None = None) -> Package:
        name = name or f"course-{next(counter)}-{tmp_path.name}"
        zip_path = build_package(source, tmp_path / f"out-{name}")
        folder = unzip(zip_path, tmp_path / f"unzipped-{name}")
        prefix = server.mount(name, folder)
        return Package(zip_path, folder, prefix + "index.html", lesson_ids(folder))

    return make


@pytest.fixture
def preview(tmp_path):
    """`courseforge preview` of a fresh starter project, serving: (the Preview, the project folder)."""
    from courseforge.preview import Preview
    from courseforge.scaffold import create

    project = tmp_path / "project"
    create(project)
    running = Preview(project).start()
    yield running, project
    running.close()


@pytest.fixture
def page(browser):
    """A page of its own browser context (the preview tests: the stand-in page is the LMS)."""
    context = browser.new_context()
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()
