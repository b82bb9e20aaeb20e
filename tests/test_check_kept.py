"""Per-page findings kept between builds (check/kept.py): the same report with and without them, and
a warm review that neither runs a per-page rule on an unchanged page nor reads its heavy text."""
from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter

import pytest

from check_support import SCENARIO, course, lesson_text, single
from conftest import COURSE_YML, cache_text, write_cache
from courseforge.build import build
from courseforge.check import COURSE_RULES, PAGE_RULES, check_course, kept
from courseforge.check.catalogue import RULE_IDS
from courseforge.check.findings import Finding
from courseforge.loader import CACHE_DIR, load

HARD = ("Organisational considerations notwithstanding, comprehensive interdepartmental communication "
        "necessitates systematic documentation of accountability. ") * 12
PASSIVE = " ".join(["The call was answered by the agent."] * 6 + ["We listen first."] * 4)
LONG = "Then " + "one more word " * 11 + "ends here."
# A flaw for every per-page rule; two on one line (their order must hold), one switched off by a comment.
FLAWS = f"""#### Too deep

![](../images/a.png) and ![Image of a phone](../images/a.png)

|  |  |
|---|---|
| cue | meaning |

For the policy [click here](../files/p.pdf). Press the green button.<br>

<!-- check: ignore link-text -->
Or [here](../files/p.pdf).

::: tip
:::

Send an email about the callback.

{LONG}

{PASSIVE}

{single("q-long", "Listen to the whole story before you act", ["Type", "Wait"], stem="What first?")}
{single("q-above", "All of the above", ["Listen", "Ask"], key_at=2)}
{single("q-echo", "Ask about the parcel", ["Say sorry", "Hang up"], stem="A parcel is late. What now?")}
"""
GLOSSARY = ("---\nid: glossary\ntitle: Glossary\n---\n\n**E-mail**: a message.\n\n"
            "Call back\n: A promised return call.\n")
FIRST, FLAWED = "lessons/01-part-1.md", "lessons/02-part-2.md"
HEAVY = frozenset({"blocks", "questions", "headings", "images", "links", "tables", "callouts"})
LIGHT = frozenset({"front", "stats", "marks"})


def flawed_course(tmp_path, name: str = "course", **extra):
    scenario = SCENARIO.replace("{second_result}", "neutral").replace("{second_next}", "fixed")
    files = {"images/a.png": b"\x89PNG\r\n\x1a\n", "files/p.pdf": b"%PDF",
             FIRST: lesson_text(body=HARD).replace("minutes: 1", "minutes: 12"),
             FLAWED: lesson_text("part-2", 2, body=FLAWS), "lessons/03-glossary.md": GLOSSARY,
             "scenarios/01-call.yml": scenario.replace("My order is late again.",
                                                       "My email about the red button went unanswered."),
             **extra}
    return course(tmp_path, files, name)


def said(report) -> tuple:
    """All a report tells, in its order: each finding, the text and the JSON."""
    return [str(f) for f in report.findings], report.text(), report.json()


def unkept(folder):
    return said(check_course(load(folder, cache=False)))


def store(folder):
    return folder / CACHE_DIR / kept.FOLDER


def edit(folder, name: str, old: str = "---\n\n", new: str = "---\n\nAn edited first line.\n\n"):
    path = folder / name
    path.write_text(path.read_text().replace(old, new, 1))


class Guarded:
    """A page's text that fails the test when a heavy part is read: on a warm build a page served from
    the cache decodes those parts only when read, and for 5 000 pages that costs."""

    def __init__(self, text):
        object.__setattr__(self, "text", text)

    def __getattr__(self, name: str):
        if name not in LIGHT:
            raise AssertionError(f"the review read `{name}` of an unchanged page")
        return getattr(self.text, name)

    def __setattr__(self, name: str, value) -> None:
        raise AssertionError(f"the review wrote `{name}` of an unchanged page")


@pytest.fixture
def counted(monkeypatch):
    """Per-page rule runs, (rule, page file name) → count."""
    calls: Counter = Counter()

    def counting(rule, run):
        def counted_run(review, page):
            calls[rule, page.source.name] += 1
            return run(review, page)
        return counted_run

    for rule, run in list(PAGE_RULES.items()):
        monkeypatch.setitem(PAGE_RULES, rule, counting(rule, run))
    return calls


def test_the_rules_split_into_per_page_and_course_wide():
    assert set(PAGE_RULES) == {"readability", "long-sentence", "passive-voice", "image-alt", "heading-skip",
                               "table-header", "link-text", "colour-only", "empty-callout", "raw-html",
                               "time-claim", "key-length", "all-none-of-the-above", "stem-echo", "glossary-variant"}
    assert set(PAGE_RULES) | set(COURSE_RULES) == set(RULE_IDS)


def test_the_report_is_the_same_without_the_store_cold_warm_and_after_an_edit(tmp_path):
    folder = flawed_course(tmp_path)
    without = unkept(folder)
    assert not store(folder).exists()  # nothing is kept without a cache
    assert set(PAGE_RULES) <= {f.rule for f in check_course(load(folder, cache=False)).findings}
    assert 'link text "here"' not in without[1]  # its comment switches it off
    assert said(check_course(load(folder))) == without  # cold: reviewed and kept
    assert any(store(folder).iterdir())
    assert said(check_course(load(folder))) == without  # warm: as kept
    edit(folder, FLAWED, "Press the green button.", "Press the green button. Pick the red one.")
    assert said(check_course(load(folder))) == unkept(folder) != without


def test_check_and_build_report_the_same_findings_in_the_same_order_with_and_without_the_store(tmp_path,
                                                                                                 monkeypatch):
    folder = flawed_course(tmp_path)
    monkeypatch.chdir(folder)  # where `courseforge check` runs: paths are shown relative to it
    report = check_course(load(folder, cache=False))
    checked = [str(f) for f in report.findings]
    for state in ("cold", "warm"):
        warned = []
        build(folder, tmp_path / state, ["scorm12"], on_warning=warned.append)
        assert [str(w) for w in warned if isinstance(w, Finding)] == checked, state
        assert [str(f) for f in check_course(load(folder)).findings] == checked, state
    shutil.rmtree(folder / CACHE_DIR)
    for state in ("cold", "warm"):
        done = subprocess.run([sys.executable, "-m", "courseforge", "check"], cwd=folder, capture_output=True, text=True)
        assert (done.returncode, done.stdout) == (1, report.text() + "\n"), state
        assert any(store(folder).iterdir())


def test_a_warm_review_runs_no_page_rule_and_reads_no_heavy_text_of_an_unchanged_page(tmp_path, counted):
    folder = flawed_course(tmp_path)
    check_course(load(folder))
    edit(folder, FIRST)
    counted.clear()
    loaded = load(folder)
    for page in loaded.pages:
        if not page.source.name.startswith("01-"):
            page.page_text = Guarded(page.page_text)
    warm = said(check_course(loaded))
    assert set(counted) == {(rule, "01-part-1.md") for rule in PAGE_RULES} and set(counted.values()) == {1}
    assert warm == unkept(folder)


@pytest.mark.parametrize("processes", [2, 1])
def test_raw_html_is_found_without_the_words_of_a_page_read_by_a_worker_or_served_from_the_cache(tmp_path,
                                                                                                  processes):
    """The tags were found when the page was read and kept with its marks: the rule reads no heavy text
    (which a page read by a worker or served from the page cache decodes only when asked), and finds
    what it finds on a page read here afresh."""
    from courseforge.check.housekeeping import raw_html
    from courseforge.check.review import Review

    folder = flawed_course(tmp_path)
    fresh = load(folder, cache=False, processes=1)
    expected = [str(f) for page in fresh.pages for f in raw_html(Review(fresh), page)]
    assert [line.split(": ", 1)[1] for line in expected] == ["HTML shows to the learner as text: <br> — write it in "
                                                              "Markdown (a blank line between paragraphs, **bold**, "
                                                              "[text](address) for a link, an image file for a "
                                                              "picture), or remove it [raw-html]"]
    assert expected[0].startswith(str(fresh.pages[1].source) + ":19: ")
    for state in ("read", "served"):  # read afresh (by workers with 2 processes), then from the page cache
        loaded = load(folder, processes=processes)
        for page in loaded.pages:
            page.page_text = Guarded(page.page_text)
        assert [str(f) for page in loaded.pages for f in raw_html(Review(loaded), page)] == expected, state


def test_changed_check_settings_review_every_page_again(tmp_path, counted):
    folder = flawed_course(tmp_path)
    check_course(load(folder))
    for settings in ("check: {max_sentence_words: 40}\n", "check: {ignore: [link-text]}\n"):
        (folder / "course.yml").write_text(COURSE_YML + settings)
        counted.clear()
        again = said(check_course(load(folder)))
        assert {name for _, name in counted} == {"01-part-1.md", "02-part-2.md", "03-glossary.md"}
        assert again == unkept(folder)


def test_the_glossarys_terms_are_part_of_every_pages_key(tmp_path, counted):
    folder = flawed_course(tmp_path)
    check_course(load(folder))
    edit(folder, "lessons/03-glossary.md", "**E-mail**", "**Email**")
    counted.clear()
    again = said(check_course(load(folder)))
    assert {name for _, name in counted} == {"01-part-1.md", "02-part-2.md", "03-glossary.md"}
    assert again == unkept(folder) and '"email" is written' not in again[1]


def test_an_edited_rule_module_reviews_every_page_again(tmp_path, monkeypatch, counted):
    folder = flawed_course(tmp_path)
    check_course(load(folder))
    same = shutil.copytree(kept.RULES_DIR, tmp_path / "same", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(kept, "RULES_DIR", same)
    counted.clear()
    check_course(load(folder))
    assert not counted  # the fingerprint is of the code, wherever it lies
    edited = shutil.copytree(same, tmp_path / "edited")
    access = edited / "access.py"
    access.write_text(access.read_text() + "\n# a rule's code changed\n")
    monkeypatch.setattr(kept, "RULES_DIR", edited)
    again = said(check_course(load(folder)))
    assert {name for _, name in counted} == {"01-part-1.md", "02-part-2.md", "03-glossary.md"}
    assert again == unkept(folder)


def test_an_unsealed_or_forged_store_is_a_miss(tmp_path, counted):
    folder = flawed_course(tmp_path)
    truth = said(check_course(load(folder)))
    shards = sorted(path for path in store(folder).iterdir() if not path.name.startswith("."))
    entries = [line.split(" ", 1) for shard in shards for line in cache_text(shard).splitlines()]
    assert len(entries) == 3
    # Unsealed: each page "has no findings", in a shard no build of this user wrote.
    for shard in shards:
        shard.write_text("".join(f"{key} {kept.NONE}\n" for key, _ in entries))
    counted.clear()
    assert said(check_course(load(folder))) == truth and len({name for _, name in counted}) == 3
    # Sealed but not what kept.py writes: a miss each, never a traceback or a wrong finding.
    bad = ["nonsense", "readability\x1f5\x1fonly three", "no-such-rule\x1f5\x1fa\x1fb", "readability\x1fx\x1fa\x1fb",
           "readability\x1f\u0661\x1fa\x1fb", ""]
    for index, shard in enumerate(shards):
        write_cache(shard, "".join(f"{key} {bad[(index + n) % len(bad)]}\n" for n, (key, _) in enumerate(entries)))
    counted.clear()
    assert said(check_course(load(folder))) == truth and len({name for _, name in counted}) == 3


def test_a_page_whose_findings_would_not_read_back_is_reviewed_every_time(tmp_path, counted):
    # A line break in a finding's text. (The store's separator, \x1f, is a control character no source
    # may hold: sourcetext.py refuses it, and no escape of a front matter makes one.)
    broken = lesson_text("part-5", 5, body="![Image of\na phone](../images/a.png)")
    folder = flawed_course(tmp_path, **{"lessons/05-part-5.md": broken})
    truth = said(check_course(load(folder)))
    counted.clear()
    warm = said(check_course(load(folder)))
    assert {name for _, name in counted} == {"05-part-5.md"}
    assert warm == truth == unkept(folder) and "Image of\na phone" in truth[1]


def test_a_cache_folder_that_cannot_be_written_still_gives_the_report(tmp_path):
    folder = flawed_course(tmp_path)
    (folder / CACHE_DIR).write_text("a file where the cache folder would go")
    assert said(check_course(load(folder))) == said(check_course(load(folder))) == unkept(folder)


def test_a_finding_made_by_finding_is_one_made_by_its_classes(tmp_path):
    import dataclasses

    from courseforge.check.findings import finding
    from courseforge.errors import Location

    for line in (7, None):
        made = finding("readability", tmp_path / "a.md", line, "hard", "easier")
        plain = Finding("readability", Location(tmp_path / "a.md", line), "hard", "easier")
        assert made == plain and hash(made) == hash(plain) and hash(made.location) == hash(plain.location)
        assert (repr(made), str(made), vars(made.location)) == (repr(plain), str(plain), vars(plain.location))
        assert dataclasses.astuple(made) == dataclasses.astuple(plain)
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.rule = "other"
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.location.line = 3


def test_kept_findings_read_back_as_they_were_found(tmp_path):
    from courseforge.errors import Location

    source = tmp_path / "a.md"
    found = [Finding("readability", Location(source, 12), "hard", "easier"),
             Finding("time-claim", Location(source), "long", "shorter"),
             Finding("readability", Location(source, 3), "", "")]
    again = kept._decode(kept._encode(found, source), source)
    assert again == found and all(f.location.path is source for f in again)
    assert [type(f.location.line) for f in again] == [int, type(None), int]
