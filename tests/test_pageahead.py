"""A rebuild reads the few pages the cache lacks in a forked child while it serves the others: the same
zips, problems and cache as reading them here, whatever becomes of the child.

Each build under test runs in a process of its own, as `courseforge build` does: the test session runs
servers in threads, and a process with threads rightly never forks (pageahead.can_fork)."""
import hashlib
import json
import subprocess
import sys

import pytest

from conftest import lesson, uncached, zips
from courseforge.errors import ContentErrors

# The build in a fresh process: every fork it makes counted, with a head start worth taking from one
# page served (a real one wants hundreds), after `setup`; it prints the forks and the zips' digests or
# the errors.
BUILD = """if True:
    import hashlib, json, os, sys
    from pathlib import Path
    from courseforge import pageahead, pagereading
    from courseforge.build import build
    from courseforge.errors import ContentErrors

    forks, real_fork = [], os.fork

    def fork():
        forks.append(1)
        return real_fork()

    os.fork = fork
    pagereading.SERVED_FROM = 1
    {setup}
    try:
        made = build(Path(sys.argv[1]), Path(sys.argv[2]), processes={processes})
        found = {{"zips": {{path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in made}}}}
    except ContentErrors as stopped:
        found = {{"errors": [str(error) for error in stopped.errors]}}
    print(json.dumps({{"forks": len(forks), **found}}))
"""


def course_files(count: int = 12) -> dict:
    files = {"images/pic.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"}
    for n in range(1, count + 1):
        body = f"Text {n} with ![a picture](../images/pic.svg).\n\n::: tip\nListen first.\n:::\n"
        files[f"lessons/{n:02d}-part-{n}.md"] = lesson(f"part-{n}", f"Part {n}", body)
    return files


@pytest.fixture
def built(make_course, tmp_path):
    """A course built once (its caches filled), then two of its lessons edited."""
    folder = make_course(course_files(), lessons=0)
    zips(folder, tmp_path / "first")
    for name in ("03-part-3.md", "09-part-9.md"):
        edited = folder / "lessons" / name
        edited.write_text(edited.read_text().replace("Listen first.", "Listen first, then *act*."))
    return folder


def build_apart(folder, out, setup: str = "", processes=None) -> dict:
    done = subprocess.run([sys.executable, "-c", BUILD.format(setup=setup, processes=processes), str(folder), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def digests(folder, out) -> dict:
    """The zips of a build of `folder` without any cache, as build_apart() reports them."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in uncached(folder, out).items()}


def test_the_pages_the_cache_lacks_are_read_in_a_child_and_the_zips_are_the_same(built, tmp_path):
    ahead = build_apart(built, tmp_path / "ahead")
    assert ahead == {"forks": 1, "zips": digests(built, tmp_path / "uncached")}
    refused = "pagereading.read_chunk = lambda setting, jobs: [] if not jobs else sys.exit(f'read {jobs} again')"
    assert build_apart(built, tmp_path / "again", refused) == {"forks": 0, "zips": ahead["zips"]}  # kept


def test_a_page_with_a_problem_read_in_the_child_is_reported_as_one_read_here(built, tmp_path):
    broken = built / "lessons" / "09-part-9.md"
    broken.write_text(broken.read_text().replace("::: tip", "::: hint"))
    there = build_apart(built, tmp_path / "ahead")
    with pytest.raises(ContentErrors) as here:
        zips(built, tmp_path / "here", processes=1)
    assert there == {"forks": 1, "errors": [str(error) for error in here.value.errors]}
    assert 'unknown callout "::: hint"' in there["errors"][0]


@pytest.mark.parametrize("child", ["raises", "dies", "sends garbage", "cannot be forked"])
def test_whatever_becomes_of_the_child_the_pages_are_read_here(built, tmp_path, child):
    setup = {
        "raises": "pagereading._read_jobs_with = lambda setting, jobs: 1 / 0",
        "dies": "pagereading._read_jobs_with = lambda setting, jobs: os._exit(0)",  # before sending a byte
        "sends garbage": "pageahead.pickle.dumps = lambda value, protocol: b'not a pickle'",
        "cannot be forked": "os.fork = lambda: forks.append(1) or (_ for _ in ()).throw(BlockingIOError(11, 'no'))",
    }[child]
    assert build_apart(built, tmp_path / "ahead", setup) == {"forks": 1, "zips": digests(built, tmp_path / "uncached")}


@pytest.mark.parametrize("reason", ["one process asked for", "a parser made already", "too many to read",
                                    "too few served", "threads running", "nothing to read"])
def test_no_child_is_forked_where_it_cannot_pay_or_must_not(built, tmp_path, reason):
    setup, processes = {
        "one process asked for": ("", 1),
        "a parser made already": ("pagereading._markdown()", None),
        "too many to read": ("pagereading.MIN_CHUNK = 2", None),
        "too few served": ("pagereading.SERVED_FROM = 11", None),
        "threads running": ("pageahead.threading.active_count = lambda: 2", None),
        "nothing to read": ("", None),
    }[reason]
    if reason == "nothing to read":
        zips(built, tmp_path / "first-again")
    expected = digests(built, tmp_path / "uncached")
    assert build_apart(built, tmp_path / "here", setup, processes) == {"forks": 0, "zips": expected}


def test_a_process_with_threads_never_forks(monkeypatch):
    from courseforge import pageahead

    monkeypatch.setattr(pageahead.threading, "active_count", lambda: 3)
    assert not pageahead.can_fork()
    monkeypatch.setattr(pageahead.threading, "active_count", lambda: 1)
    assert pageahead.can_fork()
    monkeypatch.delattr(pageahead.os, "fork")
    assert not pageahead.can_fork()
