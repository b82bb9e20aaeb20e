"""Read every lesson and assessment page: unchanged ones from the page cache, the rest in parallel
processes once there are enough of them to pay for it. The result is the same, page for page and
problem for problem, whichever way a page was read (tests/test_pagereading.py checks it)."""
from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from courseforge.assets import AssetCollector
from courseforge.errors import ContentError, Problems
from courseforge.gcpause import collector_paused
from courseforge.pagecache import PageCache, code_fingerprint, page_key
from courseforge.pageentry import encode
from courseforge.sourcetext import MAX_SOURCE_BYTES

# markdown-it, the page reader and the process pool are imported only when a page must be read:
# a rebuild that finds every page in the cache never needs them.

PARALLEL_FROM = 300  # pages to read before worker processes pay for their start-up
CHUNKS_PER_PROCESS = 4  # small enough chunks that both cores stay busy to the end


@dataclass(frozen=True)
class Job:
    path: Path
    kind: str  # "lesson" or "quiz"
    number: int
    key: str


@dataclass
class Read:
    page: object | None
    id_line: int | None
    links: list[tuple]  # (url, line, is_image, href): replayed to collect the page's assets
    errors: list[ContentError]
    warnings: list[ContentError]
    entry: str | None = None  # for the page cache: a page read without any problem

    def report(self, problems: Problems) -> None:
        problems.errors += self.errors
        problems.warnings += self.warnings


@dataclass(frozen=True)
class Setting:
    """What reading a page needs besides the page: the same in every worker process."""

    course_dir: Path
    page_files: frozenset[Path]
    mastery_score: int | None
    cache_dir: Path | None


def read_pages(setting: Setting, pages: list[tuple[Path, str]], collector: AssetCollector,
               processes: int | None = None) -> list[Read]:
    """Read `pages` ((path, kind) in course order); assets go to `collector`. Each Read keeps its
    own problems: the caller reports them in page order, between its own checks."""
    cache, fingerprint = PageCache(setting.cache_dir), code_fingerprint()
    links = _Links(setting, collector)
    reads: list[Read | None] = []
    todo: list[Job] = []
    for number, (path, kind) in enumerate(pages, start=1):
        job = Job(path, kind, number, page_key(fingerprint, kind, path, _bytes(path), setting.mastery_score))
        reads.append(links.cached(cache.get(job.key, path), job))
        if reads[-1] is None:
            todo.append(job)
    fresh = iter(_read_all(setting, todo, processes))
    reads = [read or next(fresh) for read in reads]
    for read in reads:
        links.collect(read)
    for job in todo:
        read = reads[job.number - 1]
        if read.entry is not None:
            cache.add(job.key, read.entry)
            read.entry = None  # the cache holds it now: one copy of each page's text is enough
    with contextlib.suppress(OSError):  # a read-only project still builds, without a cache
        cache.save()
    return reads


def _bytes(path: Path) -> bytes:
    """What the cache key hashes: never more than a source may hold (the reader refuses the rest)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_SOURCE_BYTES + 1)
    except OSError:
        return b""  # the reader reports it, with its path


class _Links:
    """Replays the links a page resolved when it was read, to collect its assets without reading it.

    Problems they raise were recorded with the page; a quiet collector sharing the real one's assets
    replays them. A cached page is served only if each link still resolves to the same file."""

    def __init__(self, setting: Setting, collector: AssetCollector):
        self.setting = setting
        self.quiet = AssetCollector(setting.course_dir, Problems())
        self.quiet.assets = collector.assets

    def collect(self, read: Read) -> None:
        for url, line, is_image, _ in read.links:
            self.quiet.resolve(url, read.page.source, line, is_image, self.setting.page_files)

    def cached(self, hit, job: Job) -> Read | None:
        if hit is None:
            return None
        page, id_line, links = hit
        kept = self.quiet.assets
        self.quiet.assets = {}
        same = all(self.quiet.resolve(url, job.path, line, is_image, self.setting.page_files) == href
                   for url, line, is_image, href in links)
        if same:
            kept.update(self.quiet.assets)
        self.quiet.assets = kept
        return Read(replace(page, number=job.number), id_line, [], [], []) if same else None


def _read_all(setting: Setting, jobs: list[Job], processes: int | None) -> list[Read]:
    processes = processes or (_cores() if len(jobs) >= PARALLEL_FROM else 1)
    if processes <= 1 or len(jobs) < 2:
        return read_chunk(setting, jobs)
    size = max(1, -(-len(jobs) // (processes * CHUNKS_PER_PROCESS)))
    chunks = [jobs[start:start + size] for start in range(0, len(jobs), size)]
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    context = get_context(_start_method())
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        return [read for reads in pool.map(read_chunk, [setting] * len(chunks), chunks) for read in reads]


def read_chunk(setting: Setting, jobs: list[Job]) -> list[Read]:
    """Read `jobs` with one markdown-it; each clean page comes back with its cache entry."""
    from courseforge.markdown import LessonMarkdown

    markdown, collector = LessonMarkdown(), AssetCollector(setting.course_dir, Problems())
    with collector_paused():  # a worker started afresh (spawn) collects like any process
        return [_read_one(setting, markdown, collector, job) for job in jobs]


def _read_one(setting: Setting, markdown, collector: AssetCollector, job: Job) -> Read:
    from courseforge.pages import PageReader

    problems = collector.problems = Problems()  # each page keeps its own problems
    links: list[tuple] = []
    reader = PageReader(markdown, _Recorder(collector, links), problems, setting.page_files, setting.mastery_score)
    page = reader.lesson(job.path, job.number) if job.kind == "lesson" else reader.quiz(job.path, job.number)
    clean = page is not None and not problems.errors and not problems.warnings
    entry = encode(page, reader.id_line, links) if clean and setting.cache_dir else None
    return Read(page, reader.id_line, links, problems.errors, problems.warnings, entry)


class _Recorder:
    """An AssetCollector that notes each link it resolved, so a cached page can collect them again."""

    def __init__(self, collector: AssetCollector, links: list[tuple]):
        self.collector, self.links = collector, links

    def resolver(self, source: Path, lesson_files: frozenset[Path] = frozenset()):
        def resolve(url: str, line: int, is_image: bool) -> str | None:
            href = self.collector.resolve(url, source, line, is_image, lesson_files)
            self.links.append((url, line, is_image, href))
            return href
        return resolve


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_method() -> str:
    """fork is the fast start, but only safe while this process has a single thread (the preview
    serves and watches in threads: there, workers start afresh)."""
    from multiprocessing import get_all_start_methods

    if "fork" in get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"
