"""A large course's launch page (pageparts.py, render.py): small courses keep every page in index.html;
larger ones keep their assessments and role-plays there and send lessons in ordered parts, each
question's data with its page, output the same whatever the standard and build after build."""
from __future__ import annotations

import json
import re
from unittest import mock

import pytest

from conftest import COURSE_YML, lesson, write_course
from courseforge.build import build, prepare, site
from courseforge.pageparts import PART_SIZE, Part, Section, launch_list, split


def course_json(html: str) -> dict:
    return json.loads(re.search(r'id="cf-course">(.*?)</script>', html, re.S)[1])


def big_course(tmp_path, lessons: int = 40, course_yml: str = COURSE_YML):
    words = " ".join(f"word{n}" for n in range(900))  # ~8 KB of markup a lesson
    files = {"course.yml": course_yml}
    for n in range(1, lessons + 1):
        body = f"## Part {n}\n\n{words}\n"
        if n == 30:
            body += "\n::: question late single\nWhich?\n- [x] This\n- [ ] That\n:::\n"
        files[f"lessons/{n:03d}-l.md"] = lesson(f"p{n}", f"Page {n}", body)
    files["assessments/01-final.md"] = ("---\nid: final\ntitle: Final\n---\n\nGo.\n\n"
                                        "::: question q1 true-false\nTrue?\n- [x] True\n- [ ] False\n:::\n\n"
                                        "::: question q2 true-false\nobjective: p35#1\nStill true?\n- [x] True\n"
                                        "- [ ] False\n:::\n")
    return write_course(tmp_path / "course", files)


def site_for(source, standard="scorm12", limit=None):
    prepared = prepare(source, lambda warning: None)
    if limit is None:
        return site(prepared, standard)
    with mock.patch("courseforge.render.LAUNCH_LIMIT", limit):
        return site(prepared, standard)


def test_split_fills_parts_in_order_and_keeps_questions_with_their_pages():
    pages = [Section(*page) for page in [("a", True, "x" * 30_000), ("quiz", False, "q" * 10), ("b", True, "y" * 30_000),
                                         ("c", True, "z" * 30_000), ("huge", True, "h" * (PART_SIZE * 2)), ("d", True, "d")]]
    questions = {"qa": {"page": "a"}, "qc": {"page": "c"}, "qq": {"page": "quiz"}}
    parts = split(pages, questions)
    assert [list(part.sections) for part in parts] == [["a", "b"], ["c"], ["huge"], ["d"]]
    assert [part.path for part in parts] == ["pages/0001.js", "pages/0002.js", "pages/0003.js", "pages/0004.js"]
    assert parts[0].questions == {"qa": {"page": "a"}} and parts[1].questions == {"qc": {"page": "c"}}
    assert set(questions) == {"qa", "qc", "qq"}, "the caller's data is left as it was"


def test_a_part_is_a_script_that_no_markup_can_break_out_of():
    part = Part("pages/0001.js", {"p": Section("p", True, '<section><script>alert(1)</script>\u2028</section>')},
                {"q": {"page": "p"}})
    script = part.script.decode("utf-8")
    assert script.startswith("Courseforge.addPages({") and script.endswith("});\n")
    assert "<" not in script and "\u2028" not in script
    data = json.loads(script[len("Courseforge.addPages("):-len(");\n")])
    assert data == {"part": "pages/0001.js", "pages": [], "questions": {"q": {"page": "p"}},
                    "sections": {"p": part.sections["p"].markup}}


def sent(script) -> dict:
    """A part's data, from its bytes or its zipwriter.Keyed entry."""
    return json.loads(bytes(script).decode("utf-8")[len("Courseforge.addPages("):-len(");\n")])


def test_the_launch_list_names_each_part_once_and_its_pages_travel_in_it():
    parts = [Part("pages/0001.js", {"a": Section("a", True, ""), "b": Section("b", True, "")}),
             Part("pages/0002.js", {"c": Section("c", True, "")})]
    entries = [{"id": "a", "title": "A", "checks": 2}, {"id": "b", "title": "B", "checks": 1},
               {"id": "c", "title": "C"}, {"id": "final", "title": "Final", "kind": "quiz"}]
    listed = launch_list(entries, parts)
    assert listed == [{"part": "pages/0001.js", "pages": 2, "checks": 3}, {"part": "pages/0002.js", "pages": 1},
                      {"id": "final", "title": "Final", "kind": "quiz"}]
    assert parts[0].pages == entries[:2] and parts[1].pages == [entries[2]]
    assert sent(parts[0].script)["pages"] == [{"id": "a", "title": "A", "checks": 2}, {"id": "b", "title": "B", "checks": 1}]
    assert launch_list(entries, parts) == listed and parts[1].pages == [entries[2]], "the same for every package"
    named = launch_list(entries, parts, ids=True)[:2]
    assert [(summary.get("ids"), summary.get("titles")) for summary in named] == [(["a", "b"], ["A", "B"]), (["c"], ["C"])]
    # The player counts a part's pages from its summary's place: they cannot be apart.
    with pytest.raises(ValueError, match="pages/0001.js"):
        launch_list([entries[0], entries[3], entries[1]], parts)


def test_a_small_course_keeps_every_page_in_the_launch_page(make_course):
    files = site_for(make_course(lessons=3)).files
    data = course_json(files["index.html"].decode())
    assert "parts" not in data and not any(path.startswith("pages/") for path in files)
    assert all(f'id="lesson-part-{n}"' in files["index.html"].decode() for n in (1, 2, 3))


def test_a_large_course_sends_its_lessons_in_parts(tmp_path):
    files = site_for(big_course(tmp_path), limit=100_000).files
    html = files["index.html"].decode()
    data = course_json(html)
    assert len(html) < 100_000
    summaries = data["lessons"][:-1]
    assert [path for path in files if path.startswith("pages/")] == [s["part"] for s in summaries]
    assert len(summaries) >= 4 and data["lessons"][-1] == {"id": "final", "title": "Final", "kind": "quiz"}
    assert 'id="lesson-p1"' not in html and 'id="lesson-final"' in html
    # Launch knows each part by its path, page count and knowledge checks; no lesson by name.
    assert all(set(s) <= {"part", "pages", "checks"} for s in summaries) and sum(s["pages"] for s in summaries) == 40
    assert [s.get("checks", 0) for s in summaries].count(1) == 1 and sum(s.get("checks", 0) for s in summaries) == 1
    assert '"p1"' not in html and "Page 1" not in html.split('id="cf-course"')[1].split("</script>")[0]
    assert "late" not in data["questions"] and "q1" in data["questions"]
    parts = [sent(files[s["part"]]) for s in summaries]
    assert all(part["part"] == s["part"] and len(part["pages"]) == s["pages"] for part, s in zip(parts, summaries))
    [holder] = [part for part in parts if "p30" in part["sections"]]
    assert "late" in holder["questions"] and 'id="lesson-p30"' in holder["sections"]["p30"]
    assert {"id": "p30", "title": "Page 30", "checks": 1} in holder["pages"]
    assert holder is parts[[s.get("checks", 0) for s in summaries].index(1)]
    # Every lesson is in exactly one part, in the course's order, listed as its sections are.
    assert [page["id"] for part in parts for page in part["pages"]] == [f"p{n}" for n in range(1, 41)]
    assert all([page["id"] for page in part["pages"]] == sorted(part["sections"], key=lambda i: int(i[1:]))
               for part in parts)
    # The cover lists a dozen of the lessons' objectives, then says how many more there are.
    assert html.count("<li>Learn about page") == 12 and "…and 28 more, one per lesson." in html


@pytest.mark.parametrize("standard", ["scorm2004", "cmi5", "tincan"])
def test_parts_are_the_same_in_every_standard(tmp_path, standard):
    source = big_course(tmp_path)
    one, other = site_for(source, "scorm12", 100_000).files, site_for(source, standard, 100_000).files
    parts = sorted(path for path in one if path.startswith("pages/"))
    assert parts and parts == sorted(path for path in other if path.startswith("pages/"))
    assert all(bytes(one[path]) == bytes(other[path]) for path in parts)


def test_parts_build_byte_identical_zips_and_valid_manifests(tmp_path):
    from courseforge.validate import validate_zip

    source = big_course(tmp_path, lessons=60)  # ~480 KB of pages: over the real launch limit
    first = build(source, tmp_path / "one")
    second = build(source, tmp_path / "two")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    for path in first:
        assert validate_zip(path) == [], path.name
    import zipfile

    with zipfile.ZipFile(next(p for p in first if p.name.endswith("-scorm12.zip"))) as archive:
        manifest = archive.read("imsmanifest.xml").decode()
        parts = [name for name in archive.namelist() if name.startswith("pages/")]
    assert parts and all(f'href="{name}"' in manifest for name in parts)



def test_an_assessment_knows_where_a_lesson_in_a_part_is(tmp_path):
    """A missed question's "Review: <lesson>" link, before that lesson's part has come."""
    data = course_json(site_for(big_course(tmp_path), limit=100_000).files["index.html"].decode())
    assert data["questions"]["q2"]["lesson"] == "p35"
    assert (data["questions"]["q2"]["lessonAt"], data["questions"]["q2"]["lessonTitle"]) == (34, "Page 35")
    assert "lessonAt" not in data["questions"]["q1"]


def test_a_cmi5_au_per_lesson_launch_finds_its_page_by_id(tmp_path):
    source = big_course(tmp_path, course_yml=COURSE_YML + "cmi5_au_per_lesson: true\n")
    cmi5 = course_json(site_for(source, "cmi5", 100_000).files["index.html"].decode())
    scorm = course_json(site_for(source, "scorm12", 100_000).files["index.html"].decode())
    assert [page for entry in cmi5["lessons"] for page in entry.get("ids", [])] == [f"p{n}" for n in range(1, 41)]
    # The AU's statements name its page from the start (cmi5.js), not the course.
    assert [title for entry in cmi5["lessons"] for title in entry.get("titles", [])] == [f"Page {n}" for n in range(1, 41)]
    assert not any("ids" in entry or "titles" in entry for entry in scorm["lessons"])


@pytest.mark.parametrize("lessons", [5_000, 50_000])
def test_the_launch_list_grows_by_the_part(lessons):
    """Launch data of a paged course: a few bytes a lesson (parts of ~20 lessons), where a line per
    lesson took ~56; the whole course JSON of 50 000 lessons far below the 500 KB target."""
    entries = [{"id": f"lesson-{n}", "title": f"Lesson {n}"} for n in range(1, lessons + 1)]
    entries[7]["checks"] = 2
    parts = split([Section(entry["id"], True, "x" * 3_000) for entry in entries], {})
    listed = json.dumps(launch_list(entries, parts), separators=(",", ":"))
    assert len(listed) < 3 * lessons and len(listed) < 150_000
    assert [entry["part"] for entry in json.loads(listed)] == [part.path for part in parts]
    assert json.loads(listed)[0]["checks"] == 2
