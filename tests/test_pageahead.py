"""A rebuild reads the few pages the cache lacks in a forked child while it serves the others: the same
zips, problems and cache as reading them here, whatever becomes of the child."""
import os

import pytest

from conftest import lesson, uncached, zips
from courseforge import pageahead, pagereading
from courseforge.errors import ContentErrors
from courseforge.loader import CACHE_DIR


def course_files(count: int = 12) -> dict:
    files = {"images/pic.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"}
    for n in range(1, count + 1):
        body = f"Text {n} with ![a picture](../images/pic.svg).\n\n::: tip\nListen first.\n:::\n"
        files[f"lessons/{n:02d}-part-{n}.md"] = lesson(f"part-{n}", f"Part {n}", body)
    return files


@pytest.fixture
def forks(monkeypatch):
    """The forks a build makes, counted, in a process as a fresh `courseforge build` is at that point (no
    page parser made yet), with a head start worth taking from one page served (a real one wants hundreds)."""
    made = []
    real = os.fork

    def fork():
        made.append(1)
        return real()

    monkeypatch.setattr(pageahead.os, "fork", fork)
    monkeypatch.setattr(pagereading, "SERVED_FROM", 1)
    pagereading._markdown.cache_clear()
    yield made
    pagereading._markdown.cache_clear()


@pytest.fixture
def built(make_course, tmp_path):
    """A course built once (its caches filled), then two of its lessons edited."""
    folder = make_course(course_files(), lessons=0)
    zips(folder, tmp_path / "first")
    for name in ("03-part-3.md", "09-part-9.md"):
        edited = folder / "lessons" / name
        edited.write_text(edited.read_text().replace("Listen first.", "Listen first, then *act*."))
    return folder


def refuse_reading(monkeypatch):
    monkeypatch.setattr(pagereading, "read_chunk",
                        lambda setting, jobs: [] if not jobs else pytest.fail(f"read {jobs} again"))


def test_the_pages_the_cache_lacks_are_read_in_a_child_and_the_zips_are_the_same(built, tmp_path, forks,
                                                                                 monkeypatch):
    ahead = zips(built, tmp_path / "ahead")
    assert forks == [1]
    assert ahead == uncached(built, tmp_path / "uncached")
    refuse_reading(monkeypatch)  # what the child read is in the cache now
    assert zips(built, tmp_path / "again") == ahead


def test_a_page_with_a_problem_read_in_the_child_is_reported_as_one_read_here(built, tmp_path, forks,
                                                                                 monkeypatch):
    broken = built / "lessons" / "09-part-9.md"
    broken.write_text(broken.read_text().replace("::: tip", "::: hint"))
    with pytest.raises(ContentErrors) as there:
        zips(built, tmp_path / "ahead")
    assert forks == [1]
    monkeypatch.setattr(pagereading, "SERVED_FROM", 10_000)
    with pytest.raises(ContentErrors) as here:
        zips(built, tmp_path / "here")
    assert forks == [1]
    assert [str(error) for error in there.value.errors] == [str(error) for error in here.value.errors]
    assert 'unknown callout "::: hint"' in str(there.value.errors[0])


@pytest.mark.parametrize("child", ["raises", "dies", "sends garbage"])
def test_whatever_becomes_of_the_child_the_pages_are_read_here(built, tmp_path, forks, monkeypatch, child):
    def there(setting, jobs):
        if child == "dies":
            os._exit(0)  # before sending a byte
        raise MemoryError

    if child == "sends garbage":
        monkeypatch.setattr(pageahead.pickle, "dumps", lambda value, protocol: b"not a pickle")
    else:
        monkeypatch.setattr(pagereading, "_read_jobs_with", there)
    assert zips(built, tmp_path / "ahead") == uncached(built, tmp_path / "uncached")
    assert forks == [1]


def test_a_fork_refused_reads_the_pages_here(built, tmp_path, forks, monkeypatch):
    def refused():
        forks.append(1)
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(pageahead.os, "fork", refused)
    assert zips(built, tmp_path / "ahead") == uncached(built, tmp_path / "uncached")
    assert forks == [1]


@pytest.mark.parametrize("reason", ["one process asked for", "a parser made already", "too many to read",
                                    "too few served", "threads running", "nothing to read"])
def test_no_child_is_forked_where_it_cannot_pay_or_must_not(built, tmp_path, forks, monkeypatch, reason):
    options = {}
    if reason == "one process asked for":
        options["processes"] = 1
    elif reason == "a parser made already":
        pagereading._markdown()
    elif reason == "too many to read":
        monkeypatch.setattr(pagereading, "MIN_CHUNK", 2)
    elif reason == "too few served":
        monkeypatch.setattr(pagereading, "SERVED_FROM", 11)
    elif reason == "threads running":
        monkeypatch.setattr(pageahead.threading, "active_count", lambda: 2)
    else:
        zips(built, tmp_path / "first-again")
        forks.clear()
    assert zips(built, tmp_path / "here", **options) == uncached(built, tmp_path / "uncached")
    assert forks == []
    assert (built / CACHE_DIR).is_dir()
