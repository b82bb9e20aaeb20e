"""Read every lesson and assessment page: unchanged ones from the page cache, the rest in parallel
processes once there are enough of them to pay for it. The result is the same, page for page and
problem for problem, whichever way a page was read (tests/test_pagereading.py checks it)."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import shutil
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from courseforge.assets import AssetCollector
from courseforge.errors import ContentError, ContentErrors, Problems
from courseforge.gcpause import collector_paused
from courseforge.heap import give_back
from courseforge.pagecache import PageStore, code_fingerprint, page_key
from courseforge.ownentry import decode_own
from courseforge.pageahead import SERVED_FROM, Ahead, can_fork
from courseforge.pageentry import encode
from courseforge.sourcetext import MAX_SOURCE_BYTES, read_at_most

# markdown-it, the page reader and the process pool are imported only when a page must be read:
# a rebuild that finds every page in the cache never needs them.

PARALLEL_FROM = 300  # pages in a course before worker processes may pay for their start-up
# Small enough chunks that every core stays busy to the end: this process stops taking chunks when it
# meets one a worker holds, and waits for what that worker still has (its chunk and one queued).
CHUNKS_PER_PROCESS = 48
MIN_CHUNK, MAX_CHUNK = 25, 200  # pages: a chunk's overhead is a few milliseconds


class Job(NamedTuple):  # a tuple: made for each of thousands of pages
    path: Path
    kind: str  # "lesson" or "quiz"
    number: int
    key: str | None  # what the cache was asked for; None when it held nothing to ask (a first build)


@dataclass
class Read:
    page: object | None
    id_line: int | None
    links: list[tuple]  # (url, line, is_image, href): replayed to collect the page's assets
    errors: list[ContentError]
    warnings: list[ContentError]
    entry: str | None = None  # for the page cache: a page read without any problem
    digest: str | None = None  # a clean page's identity: what is made of it may be kept under it (see digest())
    key: str | None = None  # with an entry: the cache key of the very bytes the page was read from

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
    fingerprint: str = ""  # the reading code's (pagecache.code_fingerprint): what a reader keys its entries by


def read_pages(setting: Setting, pages: list[tuple[Path, str]], collector: AssetCollector,
               processes: int | None = None) -> list[Read]:
    """Read `pages` ((path, kind) in course order); assets go to `collector`. Each Read keeps its
    own problems: the caller reports them in page order, between its own checks."""
    cache, fingerprint = PageStore(setting.cache_dir), code_fingerprint()
    setting = replace(setting, fingerprint=fingerprint)
    links = _Links(setting, collector)
    reads: list[Read | None] = []
    todo: list[Job] = []
    ahead = None
    with _Readers(setting, processes, len(pages)) as readers:
        if cache.empty():  # nothing to look up: no source is hashed here, each reader keys what it reads
            todo = [Job(path, kind, number, None) for number, (path, kind) in enumerate(pages, start=1)]
            reads = [None] * len(todo)
            for job in todo:
                readers.add(job)
        else:
            jobs = []
            for number, (path, kind) in enumerate(pages, start=1):
                name = str(path)  # once: os.open and the key would each ask the Path for it (Python-level calls)
                jobs.append(Job(path, kind, number, page_key(fingerprint, kind, name, _bytes(name), setting.mastery_score)))
            ahead = _ahead(setting, [job for job in jobs if not cache.holds(job.key)], len(jobs), processes)
            for job in jobs:
                if ahead is not None and job.number in ahead.numbers:
                    reads.append(None)
                    continue
                reads.append(links.cached(cache.get(job.key, job.path, functools.partial(_read_again, setting, job)), job))
                if reads[-1] is None:
                    todo.append(job)
                    readers.add(job)
        fresh = iter(readers.finish())
        if ahead is not None:
            todo = sorted(todo + ahead.jobs, key=lambda job: job.number)
            fresh = iter(_in_order(ahead, todo, fresh))
    reads = [read or next(fresh) for read in reads]
    for read in reads:
        if read.links:  # a page served from the cache replayed its links when it was served
            links.collect(read)
    for job in todo:
        read = reads[job.number - 1]
        if read.entry is not None:  # kept under the key of what was read (the source may have changed since job.key)
            read.digest = digest(read.key, read.links)
            cache.add(read.key, read.entry)
            read.entry = None  # the cache holds it now: one copy of each page's text is enough
    with contextlib.suppress(OSError):  # a read-only project still builds, without a cache
        cache.save()
    del cache, fresh, readers  # the workers' results and the cache's lines: garbage now
    give_back()
    return reads


class _Forked(NamedTuple):
    jobs: list[Job]
    numbers: frozenset[int]
    child: Ahead


def _ahead(setting: Setting, lacking: list[Job], pages: int, processes: int | None) -> _Forked | None:
    """The pages the cache lacks, being read in a forked child (pageahead.py) when they are few (more go
    to the readers' workers), the cache serves many, and this process has no parser made yet."""
    if not lacking or len(lacking) >= MIN_CHUNK or pages - len(lacking) < SERVED_FROM \
            or processes is not None and processes < 2 or _markdown.cache_info().currsize or not can_fork():
        return None
    return _Forked(lacking, frozenset(job.number for job in lacking),
                   Ahead(functools.partial(_read_jobs_with, setting, lacking), functools.partial(read_chunk, setting, lacking)))


def _in_order(ahead: _Forked, todo: list[Job], fresh):
    """The reads of `todo` (page order): the child's where it read them, the others' as they come."""
    theirs = iter(ahead.child.result())
    for job in todo:
        yield _unpack(next(theirs), job) if job.number in ahead.numbers else next(fresh)


def digest(key: str, links: list[tuple]) -> str:
    """What a clean page's model is made of: its cache key (source, path, settings, reader code) and
    where its links led, which the key does not cover (an image added since may resolve a link)."""
    hrefs = "\0".join(href or "" for *_, href in links) if links else ""  # most pages link nowhere
    return hashlib.sha256(f"{key}\0{hrefs}".encode()).hexdigest()


def _bytes(path: str | Path) -> bytes:
    """What the cache key hashes: never more than a source may hold (the reader refuses the rest)."""
    try:
        return read_at_most(path, MAX_SOURCE_BYTES + 1)
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
        if links and not self._same(links, job):
            return None
        page.number = job.number  # the page was decoded for this build alone
        return Read(page, id_line, [], [], [], digest=digest(job.key, links))

    def _same(self, links: list[tuple], job: Job) -> bool:
        kept = self.quiet.assets
        self.quiet.assets = {}
        same = all(self.quiet.resolve(url, job.path, line, is_image, self.setting.page_files) == href
                   for url, line, is_image, href in links)
        if same:
            kept.update(self.quiet.assets)
        self.quiet.assets = kept
        return same


class _Readers:
    """Read the pages the cache misses: here, and in worker processes (one fewer than `processes`) once
    there are enough of them to pay for their start, each chunk handed over as soon as it is known
    (while the parent still hashes the pages after it). Chunks come back in the order they were added."""

    def __init__(self, setting: Setting, processes: int | None, pages: int):
        self.setting, self.pool, self.chunks, self.pending = setting, None, [], []
        self.folder: str | None = None  # where the workers leave what they read (_read_jobs)
        if processes is None:  # every core for a large course; a few hundred pages a chunk or less
            self.processes = _cores() if pages >= PARALLEL_FROM else 1
            self.size = min(MAX_CHUNK, max(MIN_CHUNK, -(-pages // (self.processes * CHUNKS_PER_PROCESS))))
        else:  # as asked, but a single page is read here
            self.processes, self.size = processes, max(2, -(-pages // (processes * CHUNKS_PER_PROCESS)))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=exc[0] is not None)
        if self.folder is not None:  # the files of chunks never taken back (a failed build)
            shutil.rmtree(self.folder, ignore_errors=True)

    def add(self, job: Job) -> None:
        self.pending.append(job)
        if len(self.pending) >= self.size and self.processes > 1:
            self._submit()

    def finish(self) -> list[Read]:
        if self.pool is None:  # fewer than a chunk: not worth a process
            return read_chunk(self.setting, self.pending)
        if self.pending:
            self._submit()
        # This process is one of the readers: it takes the chunks no worker has started yet, from the
        # last one back, while the workers go on from the first. A page read here comes as it is, not
        # as an entry sent through a pipe and decoded again (a tenth of what a worker's page costs);
        # between its chunks, it decodes those the workers have sent back, so few are left at the end.
        done: dict[int, list[Read]] = {}
        ahead, last = 0, len(self.chunks) - 1  # chunks before `ahead` are decoded, after `last` read here
        while ahead <= last:
            chunk, jobs = self.chunks[last]
            if not chunk.cancel():  # a worker has it: every chunk before it too
                break
            done[last] = read_chunk(self.setting, jobs)
            last -= 1
            while ahead <= last and self.chunks[ahead][0].done():
                done[ahead] = self._unpacked(ahead)
                ahead += 1
        for index in range(ahead, last + 1):  # each as soon as it is back
            done[index] = self._unpacked(index)
        return [read for index in range(len(self.chunks)) for read in done[index]]

    def _unpacked(self, index: int) -> list[Read]:
        chunk, jobs = self.chunks[index]
        reads = result = chunk.result()
        if isinstance(result, str):  # the file a worker wrote them to, in this process's own folder
            with open(result, "rb") as file:
                reads = pickle.load(file)
            os.unlink(result)
        return list(map(_unpack, reads, jobs))

    def _submit(self) -> None:
        if self.pool is None:
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            method = _start_method()
            if method == "fork":  # the page reader imported, markdown-it compiled: once here, not in each worker
                import courseforge.pages  # noqa: F401

                _markdown()
            with contextlib.suppress(OSError):  # none: the reads come back through the pool's pipe
                self.folder = tempfile.mkdtemp(prefix="courseforge-reads-")  # this user's alone (0700)
            # The setting (every page's path) goes to each worker once, not with each chunk. This
            # process reads too (finish()): one worker fewer than the readers.
            self.pool = ProcessPoolExecutor(self.processes - 1, mp_context=get_context(method),
                                            initializer=_take_setting, initargs=(self.setting, self.folder))
        self.chunks.append((self.pool.submit(_read_jobs, self.pending), self.pending))
        self.pending = []


_worker_setting: Setting | None = None
_worker_folder: str | None = None


def _take_setting(setting: Setting, folder: str | None) -> None:
    global _worker_setting, _worker_folder
    _worker_setting, _worker_folder = setting, folder


def _read_jobs(jobs: list[Job]) -> list[Read] | str:
    """In a worker: a clean page comes back as its cache entry alone, which must travel anyway. The
    parent decodes it (_unpack) in less time than pickling the page here and unpickling it there took,
    and holds one copy of the page's text, not two.
    The reads travel in a file of the parent's private folder, its name alone through the pool's pipe.
    Through the pipe, 300 KB a chunk, the parent's result thread took the lock of its interpreter for
    each piece it read, slowing the parent's own reading, and this worker waited on the pipe between
    chunks: a cold build of 5 000 lessons took 0.1 s longer. Without a file, the pipe as before."""
    reads = _read_jobs_with(_worker_setting, jobs)
    if _worker_folder is None:
        return reads
    try:
        handle, name = tempfile.mkstemp(dir=_worker_folder)
    except OSError:
        return reads
    try:
        with os.fdopen(handle, "wb") as file:
            pickle.dump(reads, file, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:  # a full disk: what was written goes, the reads take the pipe
        with contextlib.suppress(OSError):
            os.unlink(name)
        return reads
    return name


def _read_jobs_with(setting: Setting, jobs: list[Job]) -> list[Read]:
    reads = read_chunk(setting, jobs)
    for read in reads:
        if read.entry is not None:
            read.page, read.links = None, []
    return reads


def _unpack(read: Read, job: Job) -> Read:
    """All of the page (one read afresh is reviewed afresh), built unchecked: our worker's entry, not the cache's."""
    if read.page is None and read.entry is not None:
        read.page, read.id_line, read.links = decode_own(read.entry, job.path)
        read.page.number = job.number
    return read


def _read_again(setting: Setting, job: Job):
    """A page served from the cache whose cold part (html, words), read only when first asked for, turned
    out damaged or gone (pagecold.py): read from the source as a cold build reads it; its entry is dropped."""
    read = read_chunk(replace(setting, cache_dir=None), [job])[0]
    with contextlib.suppress(OSError):
        PageStore(setting.cache_dir).forget(job.key)
    if read.page is None or read.errors:  # the source changed meanwhile: what it says now
        raise ContentErrors(read.errors)
    return read.page


def read_chunk(setting: Setting, jobs: list[Job]) -> list[Read]:
    """Read `jobs`; each clean page comes back with its cache entry."""
    if not jobs:  # every page came from the cache: markdown-it is not even imported
        return []
    markdown, collector = _markdown(), AssetCollector(setting.course_dir, Problems())
    with collector_paused():  # a worker started afresh (spawn) collects like any process
        return [_read_one(setting, markdown, collector, job) for job in jobs]


@functools.cache
def _markdown():
    """One markdown-it a process: its rules are compiled once."""
    from courseforge.markdown import LessonMarkdown

    return LessonMarkdown()


def _read_one(setting: Setting, markdown, collector: AssetCollector, job: Job) -> Read:
    from courseforge.pages import PageReader

    problems = collector.problems = Problems()  # each page keeps its own problems
    links: list[tuple] = []
    reader = PageReader(markdown, _Recorder(collector, links), problems, setting.page_files, setting.mastery_score)
    name = str(job.path)
    try:  # read once: the page is made of these bytes, and its entry kept under their key
        data = read_at_most(name, MAX_SOURCE_BYTES + 1)
    except OSError:
        data = None  # the reader meets it again, and reports it with its path
    read = reader.lesson if job.kind == "lesson" else reader.quiz
    page = read(job.path, job.number, data)
    if page is None or problems.errors or problems.warnings or not setting.cache_dir:
        return Read(page, reader.id_line, links, problems.errors, problems.warnings)
    return Read(page, reader.id_line, links, [], [], encode(page, reader.id_line, links),
                key=page_key(setting.fingerprint, job.kind, name, data, setting.mastery_score))


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
