"""A large course's pages/*.js parts kept whole between builds (zipwriter.Keyed, Part.key): a rebuild
puts together only the parts whose sections changed, and its zips are the same bytes as a build
without any cache, whatever changed, whatever the cache holds, whichever standard."""
from __future__ import annotations

import functools
import shutil
import threading
import urllib.request
import zipfile

import pytest

from conftest import REPO, as_someone_else, lesson, uncached, zips
from courseforge import cacheseal, sectioncache, theme, zipwriter
from courseforge.loader import CACHE_DIR
from courseforge.pageparts import Part
from courseforge.preview import Preview
from courseforge.preview.session import Session

QUIZ = ("---\nid: final\ntitle: Final\n---\n\nIntro.\n\n"
        "::: question final-1 true-false\nTrue?\n- [x] True\n- [ ] False\n:::\n")
WORDS = " ".join(f"wörd{n} <i>{n}</i>" for n in range(300))  # ~10 KB a lesson in its part


pytestmark = pytest.mark.usefixtures("small_parts")


@pytest.fixture
def course(make_course):
    files = {"assessments/01-final.md": QUIZ}
    for n in range(1, 31):
        question = f"\n::: question q-{n} single\nPick *one*.\n- [x] Right\n- [ ] Wrong\n:::\n" if n % 4 == 0 else ""
        files[f"lessons/{n:02d}-l.md"] = lesson(f"p{n}", f"Page {n}", f"{WORDS}\n{question}")
    return make_course(files, lessons=0)


@pytest.fixture
def made(monkeypatch) -> list[str]:
    """The paths of the parts put together (Part.script made), in order."""
    paths: list[str] = []
    real = Part.script.func

    def script(self) -> bytes:
        paths.append(self.path)
        return real(self)

    spied = functools.cached_property(script)
    spied.__set_name__(Part, "script")
    monkeypatch.setattr(Part, "script", spied)
    return paths




def parts_of(out) -> dict[str, bytes]:
    """The pages/*.js parts in the SCORM 1.2 zip written to `out`."""
    with zipfile.ZipFile(out / "tiny-course-scorm12.zip") as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.startswith("pages/")}


def test_a_rebuild_puts_together_only_the_edited_lessons_part(course, tmp_path, made):
    cold = zips(course, tmp_path / "cold", processes=1)
    every = sorted(made)
    assert len(every) >= 5 and len(set(every)) == len(every), "each part is made once for every standard"
    assert min(map(len, parts_of(tmp_path / "cold").values())) >= zipwriter.CACHED_FROM, "every part is kept"
    assert (course / CACHE_DIR / "entries.bin").is_file()
    edited = course / "lessons" / "07-l.md"
    edited.write_text(edited.read_text().replace("wörd5 ", "wörd5 edited "))
    made.clear()
    warm = zips(course, tmp_path / "warm", processes=2)
    [part] = made
    assert warm != cold and warm == uncached(course, tmp_path / "fresh")
    parts = parts_of(tmp_path / "warm")
    assert "wörd5 edited" in parts[part].decode("utf-8") and sorted(parts) == every
    made.clear()
    assert zips(course, tmp_path / "again", processes=1) == warm and made == []


@pytest.mark.parametrize("change", ["lesson count", "strings", "shipped template", "an assessment"])
def test_what_the_parts_read_puts_them_together_again(course, tmp_path, made, monkeypatch, change):
    themes = tmp_path / "themes"
    shutil.copytree(REPO / "themes", themes)
    monkeypatch.setattr(theme, "bundled_dir", lambda: themes)
    zips(course, tmp_path / "cold")
    every = sorted(made)
    if change == "lesson count":  # every page says "Lesson n of 31", and the last part gains a page
        (course / "lessons" / "31-l.md").write_text(lesson("p31", "Page 31", WORDS))
    elif change == "strings":
        with (course / "course.yml").open("a") as config:
            config.write("strings:\n  objectives: By the end you will\n")
    elif change == "shipped template":
        template = themes / "default" / "templates" / "page.html"
        template.write_text(template.read_text().replace('class="', 'data-edited="yes" class="', 1))
    else:  # in the launch page, not in a part: every part is taken from the cache
        (course / "assessments" / "01-final.md").write_text(QUIZ.replace("True?", "Really true?"))
    made.clear()
    warm = zips(course, tmp_path / "warm")
    assert sorted(made) == ([] if change == "an assessment" else sorted(parts_of(tmp_path / "warm")))
    assert len(made) >= len(every) or change == "an assessment"
    assert warm == uncached(course, tmp_path / "fresh")


def _entries(folder):
    return folder / CACHE_DIR / "entries.bin"


@pytest.mark.parametrize("how", ["unsealed", "someone else's key", "cut short", "pieces gone", "a link"])
def test_a_forged_or_damaged_part_entry_is_a_miss(course, tmp_path, made, monkeypatch, how):
    clean = zips(course, tmp_path / "clean")
    every = sorted(made)
    text = cacheseal.opened(_entries(course).read_bytes())
    # Every record's CRC (after its 32-byte key) and size changed: trusted, they would make a broken zip.
    head = text.index(b"\n") + 1
    forged, at = bytearray(text), head
    while at < len(text):
        count = int.from_bytes(text[at + 40:at + 42], "little")
        forged[at + 32:at + 40] = b"\x01\x00\x00\x00\x02\x00\x00\x00"
        at += 42 + 20 * count
    if how == "unsealed":
        _entries(course).write_bytes(bytes(cacheseal.TAG) + bytes(forged))
    elif how == "someone else's key":
        as_someone_else(monkeypatch, tmp_path, lambda: _entries(course).write_bytes(cacheseal.seal(bytes(forged))))
    elif how == "cut short":  # this user's own file, cut within its last record
        _entries(course).write_bytes(cacheseal.seal(text[:-7]))
    elif how == "pieces gone":  # the records name deflated pieces the piece cache no longer has
        (course / CACHE_DIR / "deflate.bin").unlink()
    else:
        elsewhere = tmp_path / "forged.bin"
        elsewhere.write_bytes(cacheseal.seal(bytes(forged)))
        _entries(course).unlink()
        _entries(course).symlink_to(elsewhere)
    made.clear()
    assert zips(course, tmp_path / "again") == clean
    assert sorted(made) == every
    made.clear()
    assert zips(course, tmp_path / "healed") == clean and made == []


def test_the_preview_serves_parts_it_never_zipped(course, tmp_path):
    zips(course, tmp_path / "zips")
    zipped = parts_of(tmp_path / "zips")
    session = Session(course, report=lambda text, is_error: None)
    assert session.rebuild()
    for standard in ("scorm12", "cmi5", "tincan", "scorm2004"):  # several sites from one Prepared
        served = session.site(standard)
        assert {path: served.data(path) for path in served.files if path.startswith("pages/")} == zipped
    version = session.state()["standards"][0]["version"]
    (course / "assessments" / "01-final.md").write_text(QUIZ.replace("True?", "Really true?"))
    assert session.rebuild() and session.state()["standards"][0]["version"] == version  # the launch page alone changed
    edited = course / "lessons" / "02-l.md"
    edited.write_text(edited.read_text().replace("wörd5 ", "wörd5 edited "))
    assert session.rebuild() and session.state()["standards"][0]["version"] != version
    running = Preview(course)
    assert running.session.rebuild()
    serving = threading.Thread(target=running.server.serve_forever, daemon=True)
    serving.start()
    try:
        name = session.state()["standards"][0]["name"]
        with urllib.request.urlopen(f"{running.url}course/{name}/pages/0001.js") as part:
            assert "wörd5 edited" in part.read().decode("utf-8")
    finally:
        running.close()



@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The ids of the pages whose section the theme renders (page.html), in order."""
    pages: list[str] = []
    real = theme.Theme.render_each

    def render_each(self, template, contexts):
        contexts = list(contexts)
        if template == "page.html":
            pages.extend(context["lesson"].id for context in contexts)
        return real(self, template, contexts)

    monkeypatch.setattr(theme.Theme, "render_each", render_each)
    return pages


@pytest.fixture
def shards_read(monkeypatch) -> list[str]:
    """The names of the section store's shards read, in order."""
    names: list[str] = []
    real = sectioncache.SectionStore._read
    monkeypatch.setattr(sectioncache.SectionStore, "_read", lambda self, name: names.append(name) or real(self, name))
    return names


def test_a_rebuild_reads_only_the_shards_of_the_edited_lessons_part(course, tmp_path, made, rendered, shards_read):
    cold = zips(course, tmp_path / "cold")
    shards = sorted(path.name for path in (course / CACHE_DIR / "sections").glob("??"))
    assert len(shards) >= 12 and (course / CACHE_DIR / "sections" / sectioncache.LENGTHS).is_file()
    edited = course / "lessons" / "07-l.md"
    edited.write_text(edited.read_text().replace("wörd5 ", "wörd5 edited "))
    shards_read.clear()
    rendered.clear()
    warm = zips(course, tmp_path / "warm")
    # The edited lesson's shard (rewritten with its new section) and those of its part's other lessons
    # (a shard or so each: 64 shards for a few dozen lessons), and the assessment's.
    assert rendered == ["p7"] and 1 <= len(set(shards_read)) <= 6 < len(shards) and warm != cold
    assert warm == uncached(course, tmp_path / "fresh")


def test_a_forged_shard_is_rendered_when_its_part_is_needed_and_kept_again(course, tmp_path, made, rendered,
                                                                         monkeypatch):
    zips(course, tmp_path / "cold")
    def forge() -> None:
        for shard in (course / CACHE_DIR / "sections").glob("??"):
            forged = cacheseal.opened(shard.read_bytes()) or b""
            shard.write_bytes(cacheseal.seal(forged.replace(b"w\\u00f6rd1 ", b"forged ").replace("wörd1 ".encode(),
                                                                                                b"forged ")))
    as_someone_else(monkeypatch, tmp_path, forge)
    edited = course / "lessons" / "07-l.md"
    edited.write_text(edited.read_text().replace("wörd5 ", "wörd5 edited "))
    rendered.clear()
    made.clear()
    warm = zips(course, tmp_path / "warm")
    [part] = made
    assert "p7" in rendered and len(rendered) >= 3, "the part's other lessons too: their entries are forged"
    assert b"forged" not in parts_of(tmp_path / "warm")[part]
    assert warm == uncached(course, tmp_path / "fresh")
    rendered.clear()
    again = course / "lessons" / "08-l.md"  # in the same part: its neighbours now come from the healed shards
    again.write_text(again.read_text().replace("wörd5 ", "wörd5 again "))
    healed = zips(course, tmp_path / "again")
    assert rendered == ["p8"] and healed == uncached(course, tmp_path / "fresh-again")


@pytest.mark.parametrize("how", ["someone else's key", "damaged by this user"])
def test_a_forged_index_of_lengths_is_a_miss(course, tmp_path, rendered, monkeypatch, how):
    clean = zips(course, tmp_path / "clean")
    index = course / CACHE_DIR / "sections" / sectioncache.LENGTHS
    lines = cacheseal.opened(index.read_bytes()).split(b"\n")
    if how == "someone else's key":  # lengths that would lay the parts out otherwise
        as_someone_else(monkeypatch, tmp_path, lambda: index.write_bytes(
            cacheseal.seal(b"\n".join(line.replace(b" ", b" 1") for line in lines))))
    else:
        index.write_bytes(cacheseal.seal(b"\n".join(line[:20] + b" x" if line else b"" for line in lines)))
    rendered.clear()
    assert zips(course, tmp_path / "again") == clean and rendered == []
