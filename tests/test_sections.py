"""Sections kept between builds (sectioncache.py): a rebuild renders only the pages whose section can
have changed, whatever changed (the page, the lesson count, the strings, the theme), and makes the
same zips as a build without any cache; a store entry this user did not seal is never used."""
from __future__ import annotations

import json
import re
import shutil
import zipfile

import jinja2.meta
import pytest

from conftest import REPO, as_someone_else, lesson, uncached, zips
from courseforge import cacheseal, sectioncache, theme
from courseforge.loader import CACHE_DIR, load
from courseforge.pageparts import Part, Section, markup_json, part_json
from courseforge.render import render_pages
from courseforge.theme import Theme

QUESTION = "\n::: question {id} single\nPick *one* <b>.\n- [x] Right\n  feedback: Yes.\n- [ ] Wrong\n:::\n"
QUIZ = "---\nid: final\ntitle: Final\n---\n\nIntro.\n" + QUESTION.format(id="final-1")


pytestmark = pytest.mark.usefixtures("own_key")  # a cache key (and compiled templates) of its own


@pytest.fixture
def course(make_course):
    files = {"assessments/01-final.md": QUIZ}
    for n in range(1, 6):
        body = f"Text of part {n} — with \"quotes\", a \\ and a\ttab.\n" + QUESTION.format(id=f"q-{n}")
        files[f"lessons/{n:02d}-part-{n}.md"] = lesson(f"part-{n}", f"Part {n}", body)
    return make_course(files, lessons=0)


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The ids of the pages whose section the theme renders (page.html), in order."""
    pages: list[str] = []
    real = Theme.render_each

    def render_each(self, template, contexts):
        contexts = list(contexts)
        if template == "page.html":
            pages.extend(context["lesson"].id for context in contexts)
        return real(self, template, contexts)

    monkeypatch.setattr(Theme, "render_each", render_each)
    return pages




ALL = ["part-1", "part-2", "part-3", "part-4", "part-5", "final"]


def test_a_rebuild_renders_no_section_of_an_unchanged_page(course, tmp_path, rendered):
    cold = zips(course, tmp_path / "cold", processes=1)
    assert rendered == ALL and (course / CACHE_DIR / "sections").is_dir()
    rendered.clear()
    assert zips(course, tmp_path / "warm", processes=2) == cold
    assert rendered == []
    assert cold == uncached(course, tmp_path / "fresh")


def test_an_edited_page_is_rendered_again_and_only_it(course, tmp_path, rendered):
    zips(course, tmp_path / "cold")
    edited = course / "lessons" / "03-part-3.md"
    edited.write_text(edited.read_text().replace("title: Part 3", "title: Part three"))
    rendered.clear()
    warm = zips(course, tmp_path / "warm")
    assert rendered == ["part-3"]
    assert warm == uncached(course, tmp_path / "fresh")
    rendered.clear()
    assert zips(course, tmp_path / "again") == warm and rendered == []


def test_a_large_courses_parts_are_the_same_from_the_cache(make_course, tmp_path, rendered, monkeypatch):
    """Lessons in pages/*.js parts, put together from kept pieces and fresh ones."""
    monkeypatch.setattr("courseforge.render.LAUNCH_LIMIT", 20_000)
    words = " ".join(f"wörd{n} <i>{n}</i>" for n in range(300))
    files = {"assessments/01-final.md": QUIZ}
    for n in range(1, 31):
        files[f"lessons/{n:02d}-l.md"] = lesson(f"p{n}", f"Page {n}", f"{words}\n" + QUESTION.format(id=f"q-{n}"))
    folder = make_course(files, lessons=0)
    cold = zips(folder, tmp_path / "cold")
    assert cold == uncached(folder, tmp_path / "fresh")
    edited = folder / "lessons" / "07-l.md"
    edited.write_text(edited.read_text().replace("wörd5 ", "wörd5 edited "))
    rendered.clear()
    warm = zips(folder, tmp_path / "warm")
    assert rendered == ["p7"] and warm != cold
    assert warm == uncached(folder, tmp_path / "fresh-warm")
    with zipfile.ZipFile(tmp_path / "warm" / "tiny-course-scorm12.zip") as archive:
        assert len([name for name in archive.namelist() if name.startswith("pages/")]) > 3


def test_a_page_that_moved_is_rendered_again(course, tmp_path, rendered):
    """The page's number ("Lesson 2 of 5") is not in its digest: the section key has it."""
    zips(course, tmp_path / "cold")
    order = ["02-part-2.md", "01-part-1.md", "03-part-3.md", "04-part-4.md", "05-part-5.md"]
    with (course / "course.yml").open("a") as config:
        config.write("lessons:\n" + "".join(f"  - {name}\n" for name in order))
    rendered.clear()
    warm = zips(course, tmp_path / "warm")
    assert rendered == ["part-2", "part-1"]
    assert warm == uncached(course, tmp_path / "fresh")


@pytest.mark.parametrize("change", ["lesson count", "strings", "mastery score"])
def test_what_every_section_reads_renders_every_page_again(course, tmp_path, rendered, change):
    zips(course, tmp_path / "cold")
    expected = ALL
    if change == "lesson count":  # `lessons | length`: "Lesson 1 of 6"
        (course / "lessons" / "06-part-6.md").write_text(lesson("part-6", "Part 6"))
        expected = [*ALL[:5], "part-6", "final"]
    elif change == "strings":  # `t`: the interface strings, with the course's own wording
        with (course / "course.yml").open("a") as config:
            config.write("strings:\n  objectives: By the end you will\n  submit: Hand in\n")
    else:  # changes what each page is read as (its digest)
        (course / "course.yml").write_text((course / "course.yml").read_text().replace("mastery_score: 80",
                                                                                      "mastery_score: 70"))
    rendered.clear()
    warm = zips(course, tmp_path / "warm")
    assert rendered == expected
    assert warm == uncached(course, tmp_path / "fresh")
    if change == "strings":
        assert "Hand in" in _launch_page(tmp_path / "warm")


def _launch_page(out) -> str:
    with zipfile.ZipFile(next(out.glob("*-scorm12.zip"))) as archive:
        return archive.read("index.html").decode("utf-8")


def test_an_edit_of_a_shipped_template_renders_every_page_again(course, tmp_path, rendered, monkeypatch):
    themes = tmp_path / "themes"
    shutil.copytree(REPO / "themes", themes)
    monkeypatch.setattr(theme, "bundled_dir", lambda: themes)
    zips(course, tmp_path / "cold")
    for name in ("page.html", "question.html"):
        template = themes / "default" / "templates" / name
        template.write_text(template.read_text().replace('class="', 'data-edited="yes" class="', 1))
        rendered.clear()
        warm = zips(course, tmp_path / f"warm-{name}")
        assert rendered == ALL, name
        assert warm == uncached(course, tmp_path / f"fresh-{name}")
        assert 'data-edited="yes"' in _launch_page(tmp_path / f"warm-{name}")


def test_a_projects_own_section_template_is_rendered_every_time(course, tmp_path, rendered):
    """It may read any page of the course: its sections are not kept (sectioncache.py says why)."""
    own = course / "themes" / "default" / "templates"
    own.mkdir(parents=True)
    (own / "page.html").write_text("<section id=\"{{ lesson.id }}\">{{ lessons | map(attribute='title') | join(', ') }}"
                                   "</section>\n")
    cold = zips(course, tmp_path / "cold")
    edited = course / "lessons" / "05-part-5.md"
    edited.write_text(edited.read_text().replace("title: Part 5", "title: Part five"))
    rendered.clear()
    warm = zips(course, tmp_path / "warm")
    assert rendered == ALL and not (course / CACHE_DIR / "sections").exists()
    assert warm != cold and "Part five" in _launch_page(tmp_path / "warm").split('id="part-1"')[1].split("</section>")[0]
    assert warm == uncached(course, tmp_path / "fresh")


def test_a_projects_own_launch_page_keeps_the_sections(course, tmp_path, rendered):
    own = course / "themes" / "default" / "templates"
    own.mkdir(parents=True)
    (own / "index.html").write_text("<main>{% for section in sections %}{{ section }}{% endfor %}</main>\n")
    zips(course, tmp_path / "cold")
    rendered.clear()
    warm = zips(course, tmp_path / "warm")
    assert rendered == []
    assert warm == uncached(course, tmp_path / "fresh")


def test_a_page_without_a_digest_is_always_rendered(course):
    loaded = load(course)
    del loaded.digests[loaded.lessons[1].source]
    first = render_pages(loaded, Theme.for_course(loaded))
    counted: list[str] = []
    real = Theme.render_each

    class Counting(Theme):
        def render_each(self, template, contexts):
            contexts = list(contexts)
            counted.extend(context["lesson"].id for context in contexts if template == "page.html")
            return real(self, template, contexts)

    again = render_pages(loaded, Counting(Theme.for_course(loaded).dirs))
    assert counted == ["part-2"]
    assert [s.markup for s in again.sections] == [s.markup for s in first.sections]
    uncached_course = load(course, cache=False)
    assert not uncached_course.digests
    assert [s.markup for s in render_pages(uncached_course, Theme.for_course(uncached_course)).sections] == [
        s.markup for s in first.sections]


def shards(folder) -> list:
    return sorted((folder / CACHE_DIR / "sections").glob("??"))


def forged(folder) -> dict:
    """Every shard, with the kept section of lesson part-1 made to say something else."""
    return {shard: cacheseal.opened(shard.read_bytes()).replace(b"Text of part 1", b"Forged words")
            for shard in shards(folder)}


@pytest.mark.parametrize("how", ["unsealed", "someone else's key"])
def test_a_forged_section_is_a_miss(course, tmp_path, rendered, monkeypatch, how):
    clean = zips(course, tmp_path / "clean")
    texts = forged(course)
    assert any(b"Forged words" in text for text in texts.values())
    as_someone_else(monkeypatch, tmp_path, lambda: [
        shard.write_bytes(bytes(cacheseal.TAG) + text if how == "unsealed" else cacheseal.seal(text))
        for shard, text in texts.items()])
    rendered.clear()
    again = zips(course, tmp_path / "again")
    assert "part-1" in rendered
    assert again == clean and "Forged words" not in _launch_page(tmp_path / "again")


def test_a_broken_entry_of_this_users_own_is_a_miss_too(course, tmp_path, rendered):
    clean = zips(course, tmp_path / "clean")
    broken = [b"x \"a\"", b"12", b"12 not a string", b"", b"7 \"", b"-1 \"a\""]
    number = 0
    for shard in shards(course):
        lines = [line for line in cacheseal.opened(shard.read_bytes()).split(b"\n") if line]
        lines = [line.split(b" ", 1)[0] + b" " + broken[(number + at) % len(broken)] for at, line in enumerate(lines)]
        number += len(lines)
        shard.write_bytes(cacheseal.seal(b"\n".join(lines) + b"\n"))
    rendered.clear()
    assert zips(course, tmp_path / "again") == clean
    assert sorted(rendered) == sorted(ALL)


def test_a_store_that_is_a_link_is_not_used(course, tmp_path, rendered):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "ab").write_text("someone's file")
    (course / CACHE_DIR).mkdir()
    (course / CACHE_DIR / "sections").symlink_to(elsewhere)
    zips(course, tmp_path / "cold")
    rendered.clear()
    warm = zips(course, tmp_path / "warm")
    assert rendered == ALL and [path.name for path in elsewhere.iterdir()] == ["ab"]
    assert (elsewhere / "ab").read_text() == "someone's file"
    assert warm == uncached(course, tmp_path / "fresh")


TRICKY = ["", "plain", "<section>\n\t\"q\" \\ </script>\r\n", "é — ü 日本 😀", "\u2028 and \u2029", "\x85 nel",
          "\x00\x01\x08\x0b\x0c\x1f\x7f", "\\u003c already", "<!-- -->"]


@pytest.mark.parametrize("markup", TRICKY)
def test_a_sections_piece_is_its_json_in_a_part(markup):
    assert markup_json(markup) == part_json(markup)
    assert Section("p", True, piece=markup_json(markup), length=len(markup)).markup == markup


def test_a_part_is_the_json_of_its_pages_sections_and_questions():
    """As pageparts made it with one json.dumps of the whole part (the output must not change)."""
    sections = {f"p{n}": Section(f"p{n}", True, markup) for n, markup in enumerate(TRICKY)}
    sections["p<1>"] = Section("p<1>", True, piece=markup_json("kept"), length=4)
    part = Part("pages/0001.js", sections, {"q<": {"page": "p1", "options": ["a", "<b>"]}},
                pages=[{"id": "p1", "title": "Un été <chaud>", "checks": 1}])
    whole = json.dumps({"part": part.path, "pages": part.pages, "questions": part.questions,
                        "sections": {page_id: section.markup for page_id, section in sections.items()}},
                       ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    whole = whole.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    assert part.script == f"Courseforge.addPages({whole});\n".encode("utf-8")
    assert Part("pages/0002.js").script == b'Courseforge.addPages({"pages":[],"part":"pages/0002.js","questions":{},' \
                                          b'"sections":{}});\n'


def test_the_shipped_section_templates_read_what_the_key_covers():
    """The theme key covers `t` and `lessons | length` besides the page: a shipped template that read
    more of the course (its config, other pages) would need it in the key (sectioncache.theme_key)."""
    env = Theme([REPO / "themes" / "default"]).env
    read = {}
    for name in sectioncache.TEMPLATES:
        source = env.loader.get_source(env, name)[0]
        own = set(re.findall(r"{%-?\s*set\s+(\w+)", source))  # set in a branch, Jinja counts it as read
        read[name] = jinja2.meta.find_undeclared_variables(env.parse(source)) - own
    assert read == {"page.html": {"lesson", "lessons", "t"}, "question.html": {"question", "page", "t"}}
    source = re.sub(r"{#.*?#}", "", env.loader.get_source(env, "page.html")[0], flags=re.S)
    assert [line for line in source.splitlines() if "lessons" in line and "lessons | length" not in line] == [], \
        "page.html reads only the number of lessons"
    templates = "".join(re.sub(r"{#.*?#}", "", env.loader.get_source(env, name)[0], flags=re.S)
                        for name in sectioncache.TEMPLATES)
    assert not re.search(r"{%-?\s*(include|import|from|extends)\b", templates), "a section reads no other template"
