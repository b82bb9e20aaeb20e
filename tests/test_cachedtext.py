"""A cached page's words (pageentry.CachedText) are decoded only when first read, and are then exactly
what reading the page's source gives; words that turn out damaged are read from the source again."""
import copy
import pickle
import shutil
from dataclasses import replace

import pytest

from conftest import REPO, cache_text, lesson, write_cache
from courseforge import pagecache, pagecold, pageentry, pagereading
from courseforge.build import build
from courseforge.errors import ContentErrors
from courseforge.loader import CACHE_DIR, load
from courseforge.model import Lesson, PageText

ODD = """\
## Odd lines

One.\u2028Two, a colour shown in red. <!-- check: ignore colour-only -->\r\n\r\nThree \x85 check: ignore all

| | |
|---|---|
| x | y |

::: tip
:::

![](../images/checklist.svg) [a link](https://example.org/x).
"""


@pytest.fixture
def course(tmp_path):
    """The shipped course (every kind of page, question and front matter) and a page of odd text."""
    folder = tmp_path / "course"
    shutil.copytree(REPO / "content", folder, ignore=shutil.ignore_patterns(CACHE_DIR, "scenarios"))  # no videos
    (folder / "lessons" / "15-odd.md").write_text(lesson("odd", "Odd", ODD), encoding="utf-8")
    yml = folder / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("  - 14-practice.md\n", "  - 14-practice.md\n  - 15-odd.md\n"),
                   encoding="utf-8")
    return folder


def entries(course, store: str) -> list[tuple[str, str]]:
    return [tuple(line.split(" ", 1)) for shard in sorted((course / CACHE_DIR / store).glob("[0-9a-f]*"))
            for line in cache_text(shard).splitlines()]


def forge_words(course, words: dict[str, str]) -> list:
    """Replace the words of the pages keyed in `words` in the store of cold parts (their html stays)."""
    shards = sorted((course / CACHE_DIR / "pages-text").glob("??"))
    for shard in shards:
        lines = []
        for line in cache_text(shard).splitlines():
            key, _, entry = line.partition(" ")
            if key in words:
                entry = entry.partition("\t")[0] + "\t" + words[key]
            lines.append(f"{key} {entry}")
        write_cache(shard, "".join(f"{line}\n" for line in lines))
    return shards


def count_decodes(monkeypatch) -> list:
    decoded = []
    real = pageentry._bulk
    monkeypatch.setattr(pageentry, "_bulk", lambda bulk: decoded.append(bulk) or real(bulk))
    return decoded


def refuse_reading(monkeypatch):
    real = pagereading.read_chunk
    monkeypatch.setattr(pagereading, "read_chunk",
                        lambda setting, jobs: real(setting, jobs) if not jobs else pytest.fail(f"read {jobs}"))


def test_a_warm_load_decodes_no_page_words_until_one_is_read(course, monkeypatch):
    cold = load(course)
    assert len(cold.pages) == 18
    refuse_reading(monkeypatch)
    decoded = count_decodes(monkeypatch)
    warm = load(course)
    texts = [page.page_text for page in warm.pages]
    assert all(type(text) is pageentry.CachedText and isinstance(text, PageText) for text in texts)
    assert [(t.front.data, t.stats, t.marks) for t in texts] == [(p.page_text.front.data, p.page_text.stats,
                                                                  p.page_text.marks) for p in cold.pages]
    assert decoded == []
    assert texts[3].callouts == cold.pages[3].page_text.callouts and len(decoded) == 1
    assert texts[3].blocks == cold.pages[3].page_text.blocks
    assert len(decoded) == 1  # one decode gives all of a page's words


@pytest.mark.parametrize("first", pageentry.BULK)
def test_whichever_word_field_is_read_first_the_page_text_is_the_cold_one(course, monkeypatch, first):
    cold = load(course, cache=False).pages
    load(course)
    refuse_reading(monkeypatch)
    warm = load(course).pages
    for kept, read in zip(warm, cold, strict=True):
        assert getattr(kept.page_text, first) == getattr(read.page_text, first)
        assert kept.page_text == read.page_text and read.page_text == kept.page_text
        assert kept == read
    assert any(getattr(page.page_text, first) for page in cold)  # the course holds every kind of word


def test_a_cached_page_text_copies_and_pickles_as_a_plain_one(course):
    load(course)
    text = load(course).lessons[1].page_text
    again = pickle.loads(pickle.dumps(text))
    assert type(again) is PageText and type(copy.deepcopy(text)) is PageText
    assert again == text == copy.copy(text) and "Block(" in repr(text)
    with pytest.raises(AttributeError):
        text.nothing  # noqa: B018


def test_a_reader_that_set_a_word_field_keeps_its_value(course):
    load(course)
    text = load(course).lessons[1].page_text
    text.images = []
    assert text.blocks and text.images == []
    del text.headings
    with pytest.raises(AttributeError):
        text.headings  # noqa: B018


FORGED = ['[[{"$t": "Popen", "args": ["touch", "{pwned}"]}],[],[],[],[],[],[]]', "[1, 2", "[" * 50_000 + "]" * 50_000,
          '[[[1, "text", 3]],[],[],[],[],[],[]]', "[[],[],[],[],[],[]]", "", '"words"', "[[],[],[],[],[],[],[]] [",
          '[[],[],[[1, 2, "x", 4]],[],[],[],[]]']


def test_forged_page_words_are_read_again_from_the_source_and_dropped(course, tmp_path, monkeypatch):
    def zips(out) -> dict:
        return {path.name: path.read_bytes() for path in build(course, tmp_path / out, ["scorm12", "cmi5"])}

    clean = zips("clean")
    lessons = [key for key, entry in entries(course, "pages") if entry.startswith('{"kind":"lesson"')]
    words = {key: FORGED[n % len(FORGED)].replace("{pwned}", str(tmp_path / "pwned")) for n, key in enumerate(lessons)}
    shards = forge_words(course, words)
    forged = len(words)
    assert forged == 16
    shutil.rmtree(course / CACHE_DIR / "findings")  # no findings kept: the review reads every page's words
    read = []
    real = pagereading.read_chunk
    monkeypatch.setattr(pagereading, "read_chunk", lambda setting, jobs: read.extend(jobs) or real(setting, jobs))
    assert zips("forged") == clean  # each forged page is read again
    assert len(read) == forged and not (tmp_path / "pwned").exists()
    assert sum(1 for shard in shards if shard.exists() for line in cache_text(shard).splitlines()) == 2  # quizzes
    assert zips("again") == clean  # the dropped entries were misses: read and stored afresh
    read.clear()
    assert zips("warm") == clean and read == []


def test_forged_words_of_a_page_whose_source_broke_meanwhile_are_a_clear_failure(course):
    load(course)
    forge_words(course, {key: "[1, 2" for key, entry in entries(course, "pages")
                         if entry.startswith('{"kind":"lesson","page":["odd",')})
    page = load(course).lessons[-1]
    assert page.id == "odd" and page.page_text.front.data["title"] == "Odd"
    page.source.write_text(lesson("odd", "Odd", "::: nonsense\nx\n:::\n"), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        page.page_text.blocks  # noqa: B018
    assert str(caught.value).startswith(f"{page.source}:")


def test_a_warm_load_reads_no_lesson_html_until_one_is_read(course, monkeypatch):
    cold = load(course, cache=False)
    load(course)
    refuse_reading(monkeypatch)
    read = []
    real = pagecache.TextStore._read
    monkeypatch.setattr(pagecache.TextStore, "_read", lambda store, name: read.append(name) or real(store, name))
    warm = load(course)
    assert read == [] and all(type(page) is pagecold.CachedLesson for page in warm.lessons)
    assert warm.lessons[2].html == cold.lessons[2].html and len(read) == 1
    assert [page.html for page in warm.lessons] == [page.html for page in cold.lessons]
    assert warm.lessons == cold.lessons and cold.lessons == warm.lessons
    assert [page.page_text for page in warm.pages] == [page.page_text for page in cold.pages]


def test_a_cached_lesson_copies_and_pickles_as_a_plain_one(course):
    load(course)
    page = load(course).lessons[1]
    again = pickle.loads(pickle.dumps(page))
    assert type(again) is Lesson and type(copy.deepcopy(page)) is Lesson and type(copy.copy(page)) is Lesson
    assert again == page and again.html == load(course, cache=False).lessons[1].html
    assert repr(page).startswith("Lesson(") and replace(page, title="T").html == page.html
    with pytest.raises(AttributeError):
        page.nothing  # noqa: B018


def test_a_reader_that_set_a_lesson_html_keeps_it(course):
    load(course)
    page = load(course).lessons[1]
    page.html = "<p>mine</p>"
    assert page.html == "<p>mine</p>" and page.page_text.blocks  # the cold part read since: html stands


def test_a_lost_store_of_html_and_words_reads_those_pages_again(course, tmp_path, monkeypatch):
    def zips(out) -> dict:
        return {path.name: path.read_bytes() for path in build(course, tmp_path / out, ["scorm12", "cmi5"])}

    clean = zips("clean")
    shutil.rmtree(course / CACHE_DIR / "pages-text")
    shutil.rmtree(course / CACHE_DIR / "sections")  # a lesson's html is needed: its section is rendered again
    shutil.rmtree(course / CACHE_DIR / "findings")
    read = []
    real = pagereading.read_chunk
    monkeypatch.setattr(pagereading, "read_chunk", lambda setting, jobs: read.extend(jobs) or real(setting, jobs))
    assert zips("lost") == clean
    assert len(read) == 18  # each page, as its html or words were first asked for
    read.clear()
    assert zips("again") == clean and len(read) == 18  # their entries were dropped: misses, stored afresh
    read.clear()
    assert zips("warm") == clean and read == []
