"""Cache entries (pageentry.py) give back the page they were made of, and nothing else."""
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import cache_text, lesson, other_shard, write_cache
from courseforge import pageentry, pagereading
from courseforge.build import build
from courseforge.loader import CACHE_DIR, load
from courseforge.model import Block, Lesson, PageText

BODY = """\
## Colours

Press the red button, pay $5 or £4, and organise the color of the sidewalk. <!-- check: ignore currency-mixed -->

| Cue | Meaning |
|---|---|
| *wait* | time<br> |

![A chart](../images/pic.svg) and [the policy](https://example.org/policy).

::: tip Mind this
The form was completed by the agent. It is given to them.
:::

::: question kc-1 matching
Match them.
- Red -> Stop
- Green -> Go
objective: 1
:::

::: question kc-2 fill-in
Say it.
= Hello
= hi
:::
"""
QUIZ = """---
title: Final
passing_score: 70
---

Intro.

::: question final-1 single
Pick *one*.
- [x] Right
  feedback: Yes.
- [ ] Wrong
explanation: Because.
:::
"""


@pytest.fixture
def folder(make_course):
    return make_course({"lessons/01-colours.md": lesson("colours", "Colours", BODY),
                        "images/pic.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
                        "assessments/01-final.md": QUIZ}, lessons=1)


def entries(folder) -> list[tuple[str, str]]:
    shards = sorted((folder / CACHE_DIR / "pages").glob("?"))
    return [tuple(line.split(" ", 1)) for shard in shards for line in cache_text(shard).splitlines()]


def test_a_cached_page_equals_the_page_read_from_its_source(folder, monkeypatch):
    fresh = load(folder, cache=False)
    load(folder)
    monkeypatch.setattr(pagereading, "read_chunk", lambda setting, jobs: [] if not jobs else pytest.fail(f"read {jobs}"))
    cached = load(folder)
    assert len(entries(folder)) == 3
    for read, kept in zip(fresh.pages, cached.pages, strict=True):
        assert kept == read
        assert kept.page_text == read.page_text  # compare=False on the page: checked on its own
    marks = cached.lessons[0].page_text.marks
    assert marks.colour_cues and marks.currencies and marks.spellings and marks.ignores
    assert marks.raw_html == ((15, "<br>"),)


def test_an_entry_round_trips_with_its_tuples_and_paths(folder):
    page = load(folder, cache=False).lessons[0]
    again, id_line, links = pageentry.decode(pageentry.encode(page, 2, [("a.svg", 3, True, "assets/a.svg")]),
                                             page.source)
    assert (again, again.page_text, id_line, links) == (page, page.page_text, 2, [("a.svg", 3, True, "assets/a.svg")])
    assert again.source is page.source and type(again.objectives) is tuple
    assert type(again.questions[0].options) is tuple and type(again.page_text.blocks[0].line) is int


@pytest.mark.parametrize("entry", [
    "null", "[]", '"text"', "{}", '{"kind": "lesson"}', '{"kind": ["lesson"], "page": [], "id_line": 1, "links": []}',
    '{"kind": "Popen", "page": ["touch", "/tmp/x"], "id_line": 1, "links": []}',
    '{"kind": "lesson", "page": {"$t": "Lesson"}, "id_line": 1, "links": []}',
    '{"kind": "lesson", "page": [1, 2, 3], "id_line": 1, "links": []}',
    "[" * 100_000 + "]" * 100_000,
])
def test_an_entry_that_is_no_page_is_a_miss(entry, tmp_path):
    with pytest.raises(pageentry.MISS):
        pageentry.decode(entry, tmp_path / "a.md")


def test_every_value_of_an_entry_is_checked_against_the_schema(folder):
    """A well-formed entry with a value of the wrong type anywhere is a miss, not a page that fails later;
    in its cold part (a lesson's html, a page's words), decoded when first read, it is the page read
    again instead."""
    tried, pages = [], load(folder, cache=False).pages
    for page in pages:
        line = pageentry.encode(page, 2, [["a.svg", 3, True, "assets/a.svg"]])
        head, html, bulk = line.split("\t")
        good = {"head": json.loads(head), "html": json.loads(html), "bulk": json.loads(bulk)}
        front = ["head", "page", len(good["head"]["page"]) - 1, 0, 0]  # the front matter's YAML data: any JSON
        places = [place for place in _places(good) if place[:5] != front and place not in (["head"], ["bulk"])]
        tried += [place[0] for place in places]
        fresh = replace(page, **{"html": "read again"} if isinstance(page, Lesson) else {},
                        page_text=PageText(front="read again"))
        for place in places:
            forged = _replaced(good, place, {"bad": {}})
            entry = "\t".join(json.dumps(forged[part]) for part in ("head", "html", "bulk"))
            with pytest.raises(pageentry.MISS):
                pageentry.decode(entry, page.source)  # all of it decoded at once
            if place[0] == "head" and place != ["head", "kind"]:
                with pytest.raises(pageentry.MISS):
                    pageentry.decode(entry, page.source, lambda: pytest.fail("read again"))
            elif place[0] in ("bulk", "html"):
                served = pageentry.decode(entry, page.source, lambda: fresh)[0]
                assert served.page_text.links is fresh.page_text.links
                assert served.page_text.stats == page.page_text.stats
                if isinstance(page, Lesson):
                    assert served.html == "read again"
    assert tried.count("head") > 80 and tried.count("bulk") > 40 and tried.count("html") == len(pages)


def _places(value, at=()):
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        yield [*at, key]
        yield from _places(item, (*at, key))


def _replaced(entry, place, new):
    copy = json.loads(json.dumps(entry))
    holder = copy
    for key in place[:-1]:
        holder = holder[key]
    holder[place[-1]] = new
    return copy


def test_a_corrupt_cache_is_rebuilt_and_the_zips_stay_the_same(folder, tmp_path):
    clean = {path.name: path.read_bytes() for path in build(folder, tmp_path / "clean")}
    shards = sorted((folder / CACHE_DIR / "pages").glob("?"))
    keys = [key for key, _ in entries(folder)]
    write_cache(shards[0], f"{keys[0]} " + '{"kind": "lesson", "page": ' + "[" * 50_000 + "]" * 50_000 + "}\n"
                + f"{keys[1]} [1, 2\n" + "no key here\n\n" + "\x00" * 50)
    write_cache(other_shard(shards), b"\xff\xfe not UTF-8")
    unused = next(name for name in "0123456789abcdef" if not (shards[0].parent / name).exists())
    write_cache(shards[0].parent / unused, b"\xff\xfe no page of this course is kept here")
    again = {path.name: path.read_bytes() for path in build(folder, tmp_path / "again")}
    assert again == clean
    assert len(entries(folder)) == 3  # every page read again and stored afresh
    assert not (shards[0].parent / unused).exists()  # a shard that holds nothing this build used goes
    assert {path.name: path.read_bytes() for path in build(folder, tmp_path / "warm")} == clean


def test_ignore_comments_found_when_read_name_the_lines_the_review_counts(make_course):
    """The review numbers a file's lines as the reader and an editor do: LF, CRLF and CR end one, and
    U+2028 and NEL, which str.splitlines() breaks at, do not."""
    import re

    from courseforge.check.review import Review

    body = "One.\u2028Two. <!-- check: ignore colour-only -->\r\n\r\nThree check: ignore a, b\n\n\x85 check: ignore all\n"
    folder = make_course({"lessons/01-odd.md": lesson("odd", "Odd", body)}, lessons=0)
    course = load(folder)
    path = course.lessons[0].source
    review = Review(course)
    lines = re.split(r"\r\n|\r|\n", path.read_bytes().decode("utf-8"))
    for line in range(0, len(lines) + 3):
        expected = {name for text in lines[max(0, line - 2):line]
                    for match in re.finditer(r"check:\s*ignore\s+([A-Za-z0-9_, -]+)", text)
                    for name in re.split(r"[\s,]+", match.group(1).strip())}
        assert review.ignored_at(path, line) == expected, line
    assert "colour-only" in review.ignored_at(path, 10) and review.ignored_at(path, 14) == {"all"}


def test_a_rebuild_after_an_edit_keeps_every_other_entry(make_course, monkeypatch):
    """Entries are dropped from memory once decoded; the shards a rebuild rewrites are read again."""
    files = {f"lessons/{n:03d}-part.md": lesson(f"part-{n}", f"Part {n}", f"Text {n}.") for n in range(1, 301)}
    folder = make_course(files, lessons=0)
    load(folder, processes=1)
    before = dict(entries(folder))
    edited = folder / "lessons" / "007-part.md"
    edited.write_text(edited.read_text().replace("Text 7.", "Edited."))
    load(folder, processes=1)
    after = dict(entries(folder))
    # The edited page's old entry stays until its shard is rewritten (PageCache.UNUSED_SHARE).
    old = next(key for key, line in before.items() if '"part-7"' in line)
    used = set(after) - {old}
    assert len(used) == 300 and len(used - set(before)) == 1
    cold = [line.split(" ", 1)[0] for shard in (folder / CACHE_DIR / "pages-text").glob("??")
            for line in cache_text(shard).splitlines()]
    assert set(cold) >= used and len(cold) <= 301  # the old cold part stays until its shard is rewritten
    assert all(after[key] == line for key, line in before.items() if key in after)
    monkeypatch.setattr(pagereading, "read_chunk", lambda setting, jobs: [] if not jobs else pytest.fail(f"read {jobs}"))
    assert "Edited." in load(folder).lessons[6].html


def _fields(value):
    """Every field of a page, its text and their parts, with each value's type: equal pages of unequal
    kinds (a tuple for a list, a str for a Path) differ here."""
    from dataclasses import fields, is_dataclass

    if is_dataclass(value):
        kind = type(value).__name__  # a page served from the cache is one whose html and words are read when asked
        kind = {"CachedLesson": "Lesson", "CachedText": "PageText"}.get(kind, kind)
        return (kind, [(f.name, _fields(getattr(value, f.name))) for f in fields(value)])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_fields(item) for item in value])
    if isinstance(value, dict):
        return ("dict", [(key, _fields(item)) for key, item in value.items()])
    return (type(value).__name__, value)


def test_an_entry_our_worker_wrote_makes_the_page_decode_makes_unchecked(folder):
    from courseforge.ownentry import decode_own

    links = [("a.svg", 3, True, "assets/a.svg"), ("b.svg", 4, False, None)]
    for page in load(folder, cache=False).pages:
        entry = pageentry.encode(page, 2, links)
        checked, own = pageentry.decode(entry, page.source), decode_own(entry, page.source)
        assert _fields(own[0]) == _fields(checked[0]) == _fields(page)
        assert own[1:] == checked[1:] == (2, links)
        assert own[0].source is page.source and all(q.source is page.source for q in own[0].questions)
        kinds = [block.kind for block in own[0].page_text.blocks]
        assert all(kind is sys.intern(kind) for kind in kinds)


def test_a_page_our_worker_wrote_keeps_its_blocks_as_text_until_they_are_read(folder):
    """The review reads a page's blocks only for the glossary rule: until a reader asks, the parent
    holds them as the entry's JSON text; read, they are what the checked decoder makes."""
    from courseforge.ownentry import decode_own
    from courseforge.pagecold import BULK, CachedText

    for page in load(folder, cache=False).pages:
        entry = pageentry.encode(page, None, [])
        text = decode_own(entry, page.source)[0].page_text
        assert isinstance(text, CachedText)
        with pytest.raises(AttributeError):
            PageText.blocks.__get__(text)  # the slot itself: unset, nothing decoded
        for name in BULK:
            if name != "blocks":  # the rest of the words came with the page
                assert getattr(PageText, name).__get__(text) == getattr(page.page_text, name)
        assert text.blocks == page.page_text.blocks and text.blocks  # decoded on first read
        assert text == page.page_text and text._cold is None
        assert all(block.kind is sys.intern(block.kind) for block in text.blocks)


def test_an_entry_keeps_the_blocks_last_so_they_can_stay_text():
    text = PageText(blocks=[Block(3, "Words.", "paragraph")], headings=[(2, 2, "H")])
    head, html, words = pageentry.encode(Lesson("a", "A", 1, Path("a.md"), "<p>x</p>", page_text=text), None, []).split("\t")
    assert json.loads(words)[-1] == [[3, "Words.", "paragraph"]]
    assert pageentry.STORED[-1] == "blocks" and sorted(pageentry.STORED) == sorted(pageentry.BULK)


def test_a_page_read_by_a_worker_by_the_building_process_or_from_the_cache_is_the_same(folder, make_course):
    """Field by field, whichever process read it and whether its entry was checked (from the cache)."""
    files = {f"lessons/{n:02d}-colours.md": lesson(f"colours-{n}", "Colours", BODY.replace("kc-", f"kc{n}-"))
             for n in range(1, 7)}
    many = make_course({**files, "images/pic.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
                        "assessments/01-final.md": QUIZ}, lessons=0)
    here = load(many, cache=False, processes=1).pages
    workers = load(many, processes=2).pages  # read afresh in workers: their entries built unchecked
    assert entries(many)
    cached = load(many, processes=2).pages
    assert [_fields(p) for p in workers] == [_fields(p) for p in here]
    assert [_fields(p) for p in cached] == [_fields(p) for p in here]


def _light(page, change):
    """The entry of `page` with its stats and text marks (the hot part's last field) as `change` makes them."""
    head, html, bulk = pageentry.encode(page, 2, []).split("\t")
    entry = json.loads(head)
    change(entry["page"][-1])  # [front, stats, marks]
    return "\t".join((json.dumps(entry), html, bulk))


def _long(light, rows):
    light[1][5] = rows


@pytest.mark.parametrize("rows", [
    [[11, True, False, "A long one"]],  # a bool where words are counted: equal to 1, but not an int
    [[11, 20, False]], [[11, 20, False, "A long one", 3]], [{"line": 11}], [[11, 20, False, "A"], "text"],
    [[11, 20, False, "A"], [11.0, 20, False, "B"]], {"0": [11, 20, False, "A"]},
])
def test_sentences_of_the_wrong_shape_are_a_miss(folder, rows):
    page = load(folder, cache=False).lessons[0]
    for lazily in (None, lambda: pytest.fail("read again")):
        with pytest.raises(pageentry.MISS):
            pageentry.decode(_light(page, lambda light: _long(light, rows)), page.source, lazily)


def test_sentences_come_back_as_they_were_kept(folder):
    from courseforge.model import Sentence

    page = load(folder, cache=False).lessons[0]
    rows = [[11, 20, False, "A long one"], [12, 30, True, "Another"]]
    served = pageentry.decode(_light(page, lambda light: _long(light, rows)), page.source)[0]
    assert served.page_text.stats.long == (Sentence(11, 20, False, "A long one"), Sentence(12, 30, True, "Another"))
    assert type(served.page_text.stats.long[0].words) is int


@pytest.mark.parametrize("marks", [[[]] * 5, [[]] * 7, [[], [], [], [], [], {}], [[], [], [], [], [], None],
                                   [[], [], [], [], [], [[]]]])
def test_text_marks_that_are_nearly_blank_are_a_miss(folder, marks):
    page = load(folder, cache=False).lessons[0]
    with pytest.raises(pageentry.MISS):
        pageentry.decode(_light(page, lambda light: light.__setitem__(2, marks)), page.source)


def test_text_marks_as_an_entry_kept_them_before_raw_html_are_a_miss(folder):
    """An entry of the former layout (five marks, no raw HTML) is never taken for a page without tags.
    (Its key is not asked for either: the reading code's fingerprint changed with the layout.)"""
    page = load(folder, cache=False).lessons[0]
    assert page.page_text.marks.spellings
    for lazily in (None, lambda: pytest.fail("read again")):
        with pytest.raises(pageentry.MISS):
            pageentry.decode(_light(page, lambda light: light[2].pop()), page.source, lazily)


def test_blank_text_marks_are_one_value_equal_to_none_found(folder):
    from courseforge.textmarks import TextMarks

    first, second = load(folder, cache=False).pages[:2]
    blank = [[]] * 6
    served = [pageentry.decode(_light(page, lambda light: light.__setitem__(2, blank)), page.source)[0]
              for page in (first, second)]
    assert served[0].page_text.marks == TextMarks() and served[0].page_text.marks is served[1].page_text.marks


@pytest.mark.parametrize("text", ["", " {}", "{} ", "{}x", "{}\n", "nul", '"open', "\ufeff{}", "{},{}"])
def test_an_entry_is_one_json_object_and_nothing_around_it(text, tmp_path):
    with pytest.raises(pageentry.MISS):
        pageentry.decode(text + "\t\"\"\t[]", tmp_path / "a.md")
    assert pageentry._json_text("{}") == {}


@pytest.mark.parametrize("links", ['""', "{}", "0", "null", '"a"', "[[]]", '[["a.svg", 3, true]]'])
def test_links_that_are_not_a_list_of_links_are_a_miss(folder, links):
    page = load(folder, cache=False).lessons[0]
    head, html, bulk = pageentry.encode(page, 2, []).split("\t")
    forged = head.replace('"links":[]', f'"links":{links}')
    assert forged != head
    for lazily in (None, lambda: pytest.fail("read again")):
        with pytest.raises(pageentry.MISS):
            pageentry.decode("\t".join((forged, html, bulk)), page.source, lazily)


def _variants(pages) -> list:
    """The pages, and pages whose hot parts hold what theirs do not: no front matter or text marks,
    blank ones, sentences, duplicate keys, a grade of None."""
    from courseforge.model import PageStats, Sentence
    from courseforge.textmarks import TextMarks
    from courseforge.yamltext import Mapping

    front = Mapping({"id": "x", "objectives": ["a", "b"]}, {"id": 2, "objectives": 3}, {"objectives": [4, 5], "no": []},
                    1, [("id", 6), ("id", 7)])
    stats = PageStats(120, None, None, 3, (Sentence(4, 9, True, "It was done"),),
                      (Sentence(5, 40, False, "A long one"), Sentence(8, 31, True, "Another")))
    marks = TextMarks(spellings=((3, "color"),), ignores=((2, ("colour-only", "all")), (4, ())),
                      raw_html=((5, "<br>"),))
    made = []
    for page in pages:
        made.append(page)
        for text in (replace(page.page_text, front=None, marks=None), replace(page.page_text, marks=TextMarks()),
                     replace(page.page_text, front=front, stats=stats, marks=marks)):
            made.append(replace(page, page_text=text, **{"minutes": None} if isinstance(page, Lesson) else {"draw": 3}))
    return made


def _decoded(entry, source, lazily, makers):
    """What decode() gives of an entry with the given makers of pages: the page field by field, with
    what it shares (its source, the blank text marks), or the class of the miss it raises."""
    from courseforge.textmarks import TextMarks

    saved = pageentry.MAKERS, pageentry.LAZY_MAKERS
    pageentry.MAKERS, pageentry.LAZY_MAKERS = makers
    try:
        page, id_line, links = pageentry.decode(entry, source, *lazily)
    except Exception as error:  # noqa: BLE001 - both must fail alike, and only with a miss
        assert isinstance(error, pageentry.MISS), error
        return type(error)
    finally:
        pageentry.MAKERS, pageentry.LAZY_MAKERS = saved
    marks = page.page_text.marks
    sources = [getattr(question, "source", None) is source for question in page.questions]  # a question may be null
    shared = (page.source is source, sources,
              marks is pageentry._blank(TextMarks)[1] if marks == TextMarks() else marks)
    return type(page), type(page.page_text), _fields(page), _fields(page.page_text), shared, id_line, links


def _damaged(value):
    """Values to put in a place of an entry: of each JSON type, and the place's own, one item short or long."""
    nested = []
    for _ in range(300):  # as deep as _fields can walk it
        nested = [nested]
    yield from (None, True, False, 0, 7, 1.5, "x", "", [], [[]], [None], {}, {"a": 1}, [[[[[[]]]]]] * 2, [0] * 6,
                nested)
    if isinstance(value, list) and value:
        yield value[:-1]
        yield [*value, value[-1]]
        yield [*value, None]


def test_the_hand_written_makers_make_what_the_generic_ones_do(folder):
    """decode() makes a hot part's classes by hand (speed); the generic makers, led by SCHEMA, are the
    reference: for good entries and for entries damaged at every place of their hot part, both give
    the same page, type by type, or miss with the same error."""
    checked = pageentry.CHECKED_MAKERS, pageentry.CHECKED_LAZY_MAKERS
    fast = pageentry.MAKERS, pageentry.LAZY_MAKERS
    assert fast[0]["lesson"] is not checked[0]["lesson"] and fast[1]["quiz"] is not checked[1]["quiz"]
    outcomes = []
    for page in _variants(load(folder, cache=False).pages):
        head, html, bulk = pageentry.encode(page, 2, [("a.svg", 3, True, "assets/a.svg")]).split("\t")

        def both_ways(hot: str):
            """Decoded whole, and as the page cache does: the hot part alone, the cold part fetched when read."""
            for line, lazily in ((f"{hot}\t{html}\t{bulk}", ()),
                                 (hot, (lambda: pytest.fail("read again"), lambda: f"{html}\t{bulk}"))):
                ours = _decoded(line, page.source, lazily, fast)
                assert ours == _decoded(line, page.source, lazily, checked), hot
                outcomes.append(ours)

        both_ways(head)
        assert not isinstance(outcomes[-1], type) and outcomes[-1][2] == _fields(page)
        good = json.loads(head)
        for place in [["page", *place] for place in _places(good["page"])] + [["page"], ["id_line"], ["links"]]:
            holder = good
            for key in place[:-1]:
                holder = holder[key]
            for value in _damaged(holder[place[-1]]):
                both_ways(json.dumps(_replaced(good, place, value)))
    misses = sum(isinstance(outcome, type) for outcome in outcomes)
    assert len(outcomes) > 10_000 and 0.5 < misses / len(outcomes) < 1
