"""Pages read from the cache or by several processes give the same course and the same zips."""
import json

import pytest

from conftest import cache_text, lesson, other_shard, write_cache, zips
from courseforge import pagereading
from courseforge.build import FORMATS
from courseforge.errors import ContentErrors
from courseforge.loader import CACHE_DIR, load
from courseforge.sourcetext import MAX_SOURCE_BYTES

QUESTION = """
::: question {id} single
Pick *one*.
- [x] Right
  feedback: Yes.
- [ ] Wrong
explanation: Because.
:::
"""
QUIZ = "---\ntitle: Final\n---\n\nIntro.\n" + QUESTION.format(id="final-1")


def course_files(count: int = 12) -> dict:
    files = {"images/pic.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>", "assessments/01-final.md": QUIZ}
    for n in range(1, count + 1):
        body = f"Text {n} with ![a picture](../images/pic.svg).\n" + QUESTION.format(id=f"q-{n}")
        files[f"lessons/{n:02d}-part-{n}.md"] = lesson(f"part-{n}", f"Part {n}", body)
    return files


def cached_entries(folder) -> list[str]:
    """The lines of every shard of the page cache: one a page."""
    shards = sorted((folder / CACHE_DIR / "pages").glob("?"))
    return [line for shard in shards for line in cache_text(shard).splitlines()]



def refuse_reading(monkeypatch):
    """Fail if any page is read from its source: everything must come from the cache."""
    real = pagereading.read_chunk
    monkeypatch.setattr(pagereading, "read_chunk",
                        lambda setting, jobs: real(setting, jobs) if not jobs else pytest.fail(f"read {jobs}"))


def test_cache_and_processes_leave_every_zip_byte_identical(make_course, tmp_path, monkeypatch):
    folder = make_course(course_files(), lessons=0)
    serial = zips(folder, tmp_path / "serial", processes=1)
    (folder / CACHE_DIR).rename(tmp_path / "first-cache")
    parallel = zips(folder, tmp_path / "parallel", processes=2)
    assert len(cached_entries(folder)) == 13
    refuse_reading(monkeypatch)
    warm = zips(folder, tmp_path / "warm")
    assert serial == parallel == warm and len(serial) == len(FORMATS) == 4


def test_an_edited_page_is_read_again_and_only_it(make_course, tmp_path, monkeypatch):
    folder = make_course(course_files(), lessons=0)
    zips(folder, tmp_path / "cold")
    edited = folder / "lessons" / "05-part-5.md"
    edited.write_text(edited.read_text().replace("Text 5", "Edited text 5"))
    read = []
    real = pagereading.read_chunk
    monkeypatch.setattr(pagereading, "read_chunk", lambda setting, jobs: read.extend(jobs) or real(setting, jobs))
    warm = zips(folder, tmp_path / "warm")
    assert [job.path for job in read] == [edited]
    monkeypatch.undo()
    assert warm == zips(folder, tmp_path / "fresh", processes=2) == zips_without_cache(folder, tmp_path)
    assert "Edited text 5" in load(folder).lessons[4].html


def zips_without_cache(folder, tmp_path) -> dict:
    import shutil

    shutil.rmtree(folder / CACHE_DIR)
    return zips(folder, tmp_path / "uncached")


def test_a_cached_page_whose_image_went_missing_reports_it(make_course):
    folder = make_course(course_files(2), lessons=0)
    load(folder)
    (folder / "images" / "pic.svg").unlink()
    with pytest.raises(ContentErrors) as caught:
        load(folder)
    assert sum("pic.svg' does not exist" in str(error) for error in caught.value.errors) == 2


def test_a_hostile_or_broken_cache_entry_is_only_a_miss(make_course, tmp_path):
    folder = make_course(course_files(2), lessons=0)
    clean = zips(folder, tmp_path / "clean")
    shards = sorted((folder / CACHE_DIR / "pages").glob("?"))
    key = cache_text(shards[0]).split(" ", 1)[0]
    write_cache(shards[0], key + " " + json.dumps({"page": {"$t": "Popen", "args": ["touch", str(tmp_path / "pwned")]},
                                                   "id_line": 1, "links": []}) + "\n")
    write_cache(other_shard(shards), b"\x00not json\xff")
    assert zips(folder, tmp_path / "again") == clean
    assert not (tmp_path / "pwned").exists()


def test_pages_with_problems_are_not_cached_and_stale_entries_are_pruned(make_course):
    broken = {"lessons/03-bad.md": lesson("bad", "Bad", "::: nonsense\nx\n:::\n")}
    folder = make_course(course_files(2) | broken, lessons=0)
    with pytest.raises(ContentErrors):
        load(folder)
    assert len(cached_entries(folder)) == 3  # two lessons and the assessment, not the broken lesson
    (folder / "lessons" / "03-bad.md").unlink()
    (folder / "lessons" / "02-part-2.md").unlink()
    load(folder)
    assert len(cached_entries(folder)) == 2


def test_workers_start_afresh_in_a_threaded_process(make_course, tmp_path):
    """The preview serves in threads: forking it could copy a held lock, so workers are spawned."""
    import threading

    folder = make_course(course_files(4), lessons=0)
    results = {}
    worker = threading.Thread(target=lambda: results.update(
        method=pagereading._start_method(), course=load(folder, cache=False, processes=2)))
    worker.start()
    worker.join()
    assert results["method"] == "spawn"
    assert [lesson.html for lesson in results["course"].lessons] == [
        lesson.html for lesson in load(folder, cache=False, processes=1).lessons]


def test_forked_workers_find_markdown_it_ready_in_the_parent(make_course):
    """The parent imports the page reader and compiles markdown-it's rules once, just before it forks,
    rather than each worker doing it after. In a process of its own: the test session runs servers in
    threads, and a process with threads starts its workers afresh (spawn), as it should."""
    import subprocess
    import sys

    folder = make_course(course_files(4), lessons=0)
    script = """if True:
        import sys
        from pathlib import Path
        from courseforge import pagereading
        from courseforge.loader import load

        real = pagereading.read_chunk

        def ready_first(setting, jobs):  # runs in the workers: they inherit this module as forked
            if pagereading._markdown.cache_info().currsize != 1:
                raise AssertionError("a worker made its own markdown-it")
            return real(setting, jobs)

        pagereading.read_chunk = ready_first
        assert pagereading._markdown.cache_info().currsize == 0
        assert pagereading._start_method() == "fork"
        course = load(Path(sys.argv[1]), cache=False, processes=2)
        print([lesson.id for lesson in course.lessons], pagereading._markdown.cache_info().currsize)
    """
    done = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str([f"part-{n}" for n in range(1, 5)]) + " 1"


def test_a_project_whose_cache_cannot_be_written_still_builds(make_course, tmp_path):
    folder = make_course(course_files(2), lessons=0)
    (folder / CACHE_DIR).write_text("a file where the cache folder would go")
    assert zips(folder, tmp_path / "out") == zips(folder, tmp_path / "again")


def test_a_page_keeps_its_digest_whichever_way_it_was_read_and_only_while_it_is_the_same(make_course, tmp_path):
    folder = make_course(course_files(3), lessons=0)
    cold = load(folder).digests
    assert len(cold) == 4 and len(set(cold.values())) == 4  # three lessons and the assessment, all clean
    assert load(folder).digests == cold  # served from the cache
    zips_without_cache(folder, tmp_path)
    assert load(folder, processes=2).digests == cold  # read again by workers
    edited = folder / "lessons" / "02-part-2.md"
    edited.write_text(edited.read_text().replace("Text 2", "Edited text 2"))
    again = load(folder).digests
    assert {path for path in cold if again[path] != cold[path]} == {edited}
    assert not load(folder, cache=False).digests  # nothing is kept between builds: nothing to key



@pytest.mark.parametrize("size", [0, 10, 70_000, MAX_SOURCE_BYTES, MAX_SOURCE_BYTES + 1, MAX_SOURCE_BYTES + 100_000])
@pytest.mark.parametrize("told", [None, 5])
def test_a_key_hashes_a_source_to_a_byte_past_the_limit_whatever_size_it_was_said_to_have(tmp_path, monkeypatch,
                                                                                            size, told):
    import os

    path = tmp_path / "page.md"
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path.write_bytes(data)
    if told is not None:  # a file written to between its size (a seek to its end) and its reading
        monkeypatch.setattr(os, "lseek", lambda handle, offset, whence: told)
    assert pagereading._bytes(path) == data[:MAX_SOURCE_BYTES + 1]
    assert pagereading._bytes(tmp_path / "gone.md") == b""


def test_a_rebuild_from_the_cache_loads_no_page_reader(make_course, tmp_path):
    """markdown-it and the readers are imported when a page must be read, not for a warm rebuild."""
    import subprocess
    import sys

    folder = make_course(course_files(3), lessons=0)
    zips(folder, tmp_path / "cold")
    script = ("import sys; from pathlib import Path; from courseforge.build import build; "
              f"build(Path({str(folder)!r}), Path({str(tmp_path / 'warm')!r}), ['scorm12']); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('markdown_it', 'mdit_py_plugins') "
              "or m in ('courseforge.pages', 'courseforge.markdown')))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_a_whole_source_is_hashed_with_a_single_read(tmp_path, monkeypatch):
    """A short read of a file is its end: no second system call a page to find the end-of-file."""
    import os

    path = tmp_path / "page.md"
    path.write_bytes(b"x" * 1000)
    asked, real = [], os.pread
    monkeypatch.setattr(os, "pread", lambda handle, size, at: asked.append((size, at)) or real(handle, size, at))
    monkeypatch.setattr(os, "read", lambda handle, size: pytest.fail("read from where the seek left it"))
    assert pagereading._bytes(path) == b"x" * 1000 and asked == [(1001, 0)]


def test_a_cache_rewrites_only_the_shards_whose_keys_changed_each_in_key_order(tmp_path):
    from conftest import cache_text
    from courseforge.pagecache import PageCache

    def build(new: dict[str, str], used: set[str]) -> dict[str, int]:
        store = PageCache(tmp_path, "store")
        for key in used:
            store.serve(key)
        for key, line in new.items():
            store.add(key, line)
        store.save()
        return {path.name: path.stat().st_mtime_ns for path in (tmp_path / "store").iterdir()}

    def lines(name: str) -> list[str]:
        return cache_text(tmp_path / "store" / name).splitlines()

    first = build({"aa03": "three", "aa01": "one", "bb02": "two", "bb01": "one", "cc01": "one"},
                  {"aa03", "aa01", "bb02", "bb01", "cc01"})
    assert lines("aa") == ["aa01 one", "aa03 three"] and lines("bb") == ["bb01 one", "bb02 two"]
    # Every key used again, none new: nothing is written.
    assert build({}, {"aa03", "aa01", "bb02", "bb01", "cc01"}) == first
    # One key left unused, one added to another shard, and as many used there as it held before.
    after = build({"bb00": "zero"}, {"aa03", "aa01", "bb00", "bb01", "cc01"})
    assert lines("aa") == ["aa01 one", "aa03 three"] and lines("bb") == ["bb00 zero", "bb01 one"]
    assert after["aa"] == first["aa"] and after["cc"] == first["cc"] and lines("cc") == ["cc01 one"]
    build({}, {"aa01", "aa02", "bb00", "bb01", "cc01"})  # as many keys in "aa", one of them never kept
    assert lines("aa") == ["aa01 one"]
    build({}, {"aa01"})
    assert sorted(path.name for path in (tmp_path / "store").iterdir()) == ["aa"] and lines("aa") == ["aa01 one"]


def test_the_bytes_a_key_hashes_are_the_sources_up_to_a_byte_past_the_limit(tmp_path):
    import os
    import threading

    from courseforge.pagereading import _bytes
    from courseforge.sourcetext import MAX_SOURCE_BYTES

    sizes = {"empty": 0, "small": 2_500, "grown": 70_000, "at": MAX_SOURCE_BYTES, "over": MAX_SOURCE_BYTES + 5_000}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    for name, size in sizes.items():
        data = (tmp_path / name).read_bytes()
        assert _bytes(tmp_path / name) == _bytes(str(tmp_path / name)) == data[:MAX_SOURCE_BYTES + 1], name
    assert _bytes(tmp_path / "missing") == b"" and _bytes(tmp_path) == b""
    pipe = tmp_path / "pipe"  # no end to seek to: read to its end all the same
    os.mkfifo(pipe)
    writer = threading.Thread(target=lambda: pipe.write_bytes(b"a pipe's lesson\n" * 5_000))
    writer.start()
    assert _bytes(pipe) == b"a pipe's lesson\n" * 5_000
    writer.join()


def cache_files(folder) -> dict[str, str]:
    """Every file of the page cache (both stores), unsealed, by its path in the cache folder."""
    root = folder / CACHE_DIR
    return {str(path.relative_to(root)): cache_text(path)
            for store in ("pages", "pages-text") for path in sorted((root / store).iterdir())}


def test_a_first_build_hashes_no_source_and_keeps_what_any_other_way_of_reading_keeps(make_course, monkeypatch):
    """With an empty store no lookup can hit: the readers key what they read, nothing is hashed here first."""
    import shutil

    folder = make_course(course_files(6), lessons=0)
    monkeypatch.setattr(pagereading, "_bytes", lambda name: pytest.fail(f"hashed {name} with nothing to look up"))
    first = load(folder, processes=2).digests
    kept = cache_files(folder)
    monkeypatch.undo()
    shutil.rmtree(folder / CACHE_DIR)
    (folder / CACHE_DIR / "pages").mkdir(parents=True)
    write_cache(folder / CACHE_DIR / "pages" / "f", "f0 {}\n")  # an entry of no page: the store is not empty
    hashed = []
    real = pagereading._bytes
    monkeypatch.setattr(pagereading, "_bytes", lambda name: hashed.append(name) or real(name))
    here = load(folder, processes=1).digests
    assert len(hashed) == 7 and cache_files(folder) == kept
    refuse_reading(monkeypatch)
    assert load(folder).digests == here == first and len(first) == 7
    assert cache_files(folder) == kept


def test_a_page_saved_after_it_was_hashed_is_kept_under_the_key_of_what_was_read(make_course, monkeypatch):
    folder = make_course(course_files(3), lessons=0)
    load(folder)
    edited = folder / "lessons" / "02-part-2.md"
    edited.write_text(edited.read_text().replace("Text 2", "Edited text 2"))
    real = pagereading._bytes

    def saved_after_hashing(name):  # the author saves again between this build's hash and its reading
        data = real(name)
        if name == str(edited):
            edited.write_text(edited.read_text().replace("Edited text 2", "Newer text 2"))
        return data

    monkeypatch.setattr(pagereading, "_bytes", saved_after_hashing)
    raced = load(folder, processes=1)
    assert "Newer text 2" in raced.lessons[1].html
    monkeypatch.undo()
    refuse_reading(monkeypatch)  # its entry is found under the key of the text it holds
    again = load(folder)
    assert "Newer text 2" in again.lessons[1].html and again.digests == raced.digests


def test_a_page_read_and_keyed_opens_its_source_once(make_course, monkeypatch):
    import os

    folder = make_course(course_files(2), lessons=0)
    edited = folder / "lessons" / "02-part-2.md"
    opened, real = [], os.open
    monkeypatch.setattr(os, "open", lambda path, *args, **kw: opened.append(str(path)) or real(path, *args, **kw))
    load(folder, processes=1)
    assert opened.count(str(edited)) == 1  # a first build: the reader's read is the key's
    load(folder)
    edited.write_text(edited.read_text().replace("Text 2", "Edited text 2"))
    opened.clear()
    load(folder, processes=1)
    assert opened.count(str(edited)) == 2  # the lookup's hash, then the reader's read it keeps the entry by


@pytest.mark.parametrize("front, page_id, problem", [
    ("id: part-one\n", "part-one", None),
    ("id: 7\n", "7", None),
    ("", "detecting-cues", None),
    ("id: Bad Id\n", "detecting-cues", 'line 2: "id" is "Bad Id", not a valid id'),
    ("id: [a, b]\n", "detecting-cues", 'line 2: "id" must be a non-empty text'),
    ("id:\n", "detecting-cues", None),
])
def test_a_page_without_a_good_id_takes_its_files_name_and_says_why(tmp_path, front, page_id, problem):
    from courseforge.assets import AssetCollector
    from courseforge.errors import Problems
    from courseforge.markdown import LessonMarkdown
    from courseforge.pages import PageReader

    path = tmp_path / "03-Detecting cues.md"
    path.write_text(f"---\n{front}title: Cues\n---\n\nText.\n", encoding="utf-8")
    problems = Problems()
    reader = PageReader(LessonMarkdown(), AssetCollector(tmp_path, problems), problems, frozenset({path}), 80)
    page = reader.lesson(path, 1)
    assert page.id == page_id
    said = [f"line {error.location.line}: {error.problem}" for error in problems.errors]
    assert said == ([problem] if problem else [])


def test_the_building_process_reads_the_chunks_no_worker_has_started(make_course, monkeypatch):
    """With workers, this process reads too: the chunks still waiting, from the last one back, while
    the workers take them from the first. Its pages come as they are (no entry decoded again), the
    workers' as their entries; the course is the same as one process reading it all."""
    import os
    import time

    folder = make_course(course_files(40), lessons=0)
    parent, unpacked, real_read, real_unpack = os.getpid(), [], pagereading.read_chunk, pagereading._unpack
    here: list = []

    def read_chunk(setting, jobs):
        if os.getpid() == parent and jobs and not here:
            time.sleep(0.3)  # the worker has surely started on the first chunks meanwhile
        if os.getpid() == parent:
            here.extend(job.number for job in jobs)
        return real_read(setting, jobs)

    def unpack(read, job):
        unpacked.append(job.number)
        return real_unpack(read, job)

    monkeypatch.setattr(pagereading, "read_chunk", read_chunk)
    monkeypatch.setattr(pagereading, "_unpack", unpack)
    both = load(folder, cache=False, processes=2)
    assert here and unpacked and sorted(here + unpacked) == list(range(1, 42))
    assert min(here) > max(unpacked), "this process takes the last chunks, the worker the first"
    monkeypatch.undo()
    alone = load(folder, cache=False, processes=1)
    assert [(page.id, page.number, page.page_text) for page in both.pages] == [
        (page.id, page.number, page.page_text) for page in alone.pages]
    assert [lesson.html for lesson in both.lessons] == [lesson.html for lesson in alone.lessons]


@pytest.fixture
def own_tmp(tmp_path, monkeypatch):
    """The temporary folder this process's tempfile makes its folders in, empty to start with."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_workers_hand_their_reads_back_in_files_of_a_private_folder_that_goes_with_the_build(make_course, own_tmp,
                                                                                              monkeypatch):
    folder = make_course(course_files(40), lessons=0)
    real_load, real_mkdtemp, opened, made = pagereading.pickle.load, pagereading.tempfile.mkdtemp, [], []
    monkeypatch.setattr(pagereading.pickle, "load", lambda file: opened.append(file.name) or real_load(file))
    monkeypatch.setattr(pagereading.tempfile, "mkdtemp", lambda **kw: made.append(real_mkdtemp(**kw)) or made[-1])
    both = load(folder, processes=2)
    assert opened and all(name.startswith(made[0]) for name in opened)
    monkeypatch.undo()
    assert not list(own_tmp.iterdir())  # each file taken back, and the folder gone
    alone = load(folder, cache=False, processes=1)
    assert [(page.id, page.number, page.page_text) for page in both.pages] == [
        (page.id, page.number, page.page_text) for page in alone.pages]
    assert [lesson.html for lesson in both.lessons] == [lesson.html for lesson in alone.lessons]


def test_the_folder_is_private(make_course, own_tmp, monkeypatch):
    import os
    import stat

    folder = make_course(course_files(40), lessons=0)
    real_mkdtemp, modes = pagereading.tempfile.mkdtemp, []

    def mkdtemp(**kw):
        made = real_mkdtemp(**kw)
        modes.append(stat.S_IMODE(os.stat(made).st_mode))
        return made

    monkeypatch.setattr(pagereading.tempfile, "mkdtemp", mkdtemp)
    load(folder, cache=False, processes=2)
    assert modes == [0o700]


@pytest.mark.parametrize("trouble", ["no folder", "folder gone"])
def test_without_a_folder_to_write_in_the_reads_come_back_through_the_pool(make_course, own_tmp, monkeypatch, trouble):
    folder = make_course(course_files(40), lessons=0)
    alone = load(folder, cache=False, processes=1)

    def mkdtemp(**kw):
        if trouble == "no folder":
            raise OSError(28, "No space left on device")
        return str(own_tmp / "never-made")  # each worker fails to make its file there

    monkeypatch.setattr(pagereading.tempfile, "mkdtemp", mkdtemp)
    opened = []
    real_load = pagereading.pickle.load
    monkeypatch.setattr(pagereading.pickle, "load", lambda file: opened.append(file) or real_load(file))
    both = load(folder, processes=2)
    assert not opened
    assert [(page.id, page.page_text) for page in both.pages] == [(page.id, page.page_text) for page in alone.pages]
    assert not list(own_tmp.iterdir())


def test_a_build_stopped_while_workers_read_leaves_no_file_behind(make_course, own_tmp, monkeypatch):
    folder = make_course(course_files(40), lessons=0)
    real = pagereading._unpack

    def unpack(read, job):
        if job.number > 3:
            raise KeyboardInterrupt  # the author stops the build
        return real(read, job)

    monkeypatch.setattr(pagereading, "_unpack", unpack)
    with pytest.raises(KeyboardInterrupt):
        load(folder, cache=False, processes=2)
    assert not list(own_tmp.iterdir())


def test_every_module_that_shapes_a_read_page_keys_the_page_cache(tmp_path):
    """A page's cache key covers the code that made its entry (pagecache.READERS): a module imported by
    reading pages is there, or is one of those that shape no entry. In a process of its own, to see
    what reading imports."""
    import subprocess
    import sys

    from courseforge import pagecache

    shaping_nothing = {
        "pagereading.py": "hands pages to readers and back",
        "pageahead.py": "a forked child reading the same way",
        "ownentry.py": "decodes a worker's entry in the parent",
        "errors.py": "problems, which keep a page out of the cache",
        "gcpause.py": "when the collector runs",
        "heap.py": "gives memory back",
        "distributions.py": "reads library versions, which the key holds",
    }
    course = tmp_path / "course"
    (course / "lessons").mkdir(parents=True)
    page = course / "lessons" / "01-a.md"
    page.write_text(lesson("a", "A", "Text with *em*.\n\n| a |\n|---|\n| b |\n\n::: tip T\nA tip.\n:::\n\n"
                                     "::: question q single\nPick.\n- [x] Yes\n  feedback: Right.\n- [ ] No\n:::\n"))
    script = """if True:
        import sys
        from pathlib import Path
        from courseforge.pagereading import Job, Setting, read_chunk
        course, page = Path(sys.argv[1]), Path(sys.argv[2])
        reads = read_chunk(Setting(course, frozenset([page]), 80, course / ".cache"), [Job(page, "lesson", 1, "k")])
        assert reads[0].entry, reads[0].errors
        print(" ".join(name.split(".")[1] + ".py" for name in sys.modules
                       if name.startswith("courseforge.") and name.count(".") == 1))
    """
    done = subprocess.run([sys.executable, "-c", script, str(course), str(page)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    imported = set(done.stdout.split())
    assert "simpleblocks.py" in imported and "markdown.py" in imported
    assert imported - set(pagecache.READERS) - set(shaping_nothing) == set()
