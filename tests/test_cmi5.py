"""cmi5 packages: cmi5.xml against the official schema, moveOn/masteryScore/IRIs, the AU-per-lesson
option, one standard per zip, reproducible bytes, and a validator that catches what goes wrong.
CHECKLIST Z1–Z4, V1, C5-M1..M6."""
import hashlib
import io
import subprocess
import sys
import zipfile

import pytest
from lxml import etree

from conftest import COURSE_YML, REPO, STANDARDS, script_parts
from courseforge.build import build
from courseforge.validate import CMI5_NS, cmi5_problems, validate_zip

NS = {"c": CMI5_NS}
QUIZ = """---
id: final
title: Final check
passing_score: 75
---

Answer every question.

::: question q-pick single
Which cue matters?
- [x] Narrow feet
- [ ] Colour
:::

::: question q-true true-false
Empathy can be learnt.
- [x] True
- [ ] False
:::
"""
SURVEY = """---
id: survey
title: How was it?
graded: false
---

::: question q-useful likert
The course was useful.
:::
"""


def cmi5_zip(folder, tmp_path, name="out"):
    [path] = build(folder, tmp_path / name, ["cmi5"])
    assert path.name.endswith("-cmi5.zip")
    return path


def structure_of(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("cmi5.xml"), set(archive.namelist())


def aus(data):
    return etree.fromstring(data).findall("c:au", NS)


def official_schema():
    # Independent of our own copy: the published schema, loaded with plain lxml.
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(STANDARDS / "cmi5" / "CourseStructure.xsd"), parser))


def test_shipped_course_validates_against_the_official_schema(tmp_path):
    path = cmi5_zip(REPO / "content", tmp_path)
    data, names = structure_of(path)
    schema = official_schema()
    assert schema.validate(etree.fromstring(data)), schema.error_log
    assert validate_zip(path) == []
    # Z1/Z2: the descriptor at the root, the player beside it, no other standard's descriptor.
    assert "cmi5.xml" in names and "index.html" in names
    assert not names & {"imsmanifest.xml", "tincan.xml"} and not any(n.endswith(".xsd") for n in names)
    # The xAPI core and this standard's adapter, in that order, in the player's one script.
    parts = [part for part in script_parts(path) if "adapters/" in part or "xapi" in part]
    assert parts == ["runtime/xapi.js", "runtime/adapters/cmi5.js", "runtime/adapters/standalone.js"]


def test_one_au_for_the_course_with_stable_iris(make_course, tmp_path):
    data, _ = structure_of(cmi5_zip(make_course(), tmp_path))
    root = etree.fromstring(data)
    assert root.tag == f"{{{CMI5_NS}}}courseStructure"
    course = root.find("c:course", NS)
    assert course.get("id") == "https://courseforge.invalid/courses/tiny-course"
    assert course.findtext("c:title/c:langstring", None, NS) == "Tiny course"
    assert course.find("c:title/c:langstring", NS).get("lang") == "en"
    [au] = aus(data)
    assert au.get("id") == "https://courseforge.invalid/courses/tiny-course/au"
    assert au.findtext("c:url", None, NS) == "index.html"
    # No graded assessment: nothing is scored, so completion alone moves on and there is no pass mark.
    assert (au.get("moveOn"), au.get("masteryScore"), au.get("launchMethod")) == ("Completed", None, "AnyWindow")


def test_graded_assessment_needs_completed_and_passed(make_course, tmp_path):
    data, _ = structure_of(cmi5_zip(make_course({"assessments/01-final.md": QUIZ}), tmp_path))
    [au] = aus(data)
    # The page's passing score (75), which the player judges by, not course.yml's 80: the LMS hands
    # masteryScore to the AU, which judges by it (C5-D4); cmi5 wants 0..1 (C5-M5).
    assert (au.get("moveOn"), au.get("masteryScore")) == ("CompletedAndPassed", "0.75")
    no_mastery = COURSE_YML.replace("mastery_score: 80\n", "")
    data, _ = structure_of(cmi5_zip(make_course({"course.yml": no_mastery, "assessments/01-final.md": QUIZ},
                                                root=tmp_path / "c2"), tmp_path, "out2"))
    assert aus(data)[0].get("masteryScore") == "0.75"


def test_several_graded_assessments_move_on_passed_without_a_mastery_score(make_course, tmp_path):
    """C5-M3/C5-S8: the player passes the course once each assessment is passed, which no masteryScore
    on the mean score says: none, and the AU's own judgement, still CompletedAndPassed."""
    again = QUIZ.replace("id: final", "id: again").replace("question q-", "question again-")
    data, _ = structure_of(cmi5_zip(make_course({"assessments/01-final.md": QUIZ, "assessments/02-again.md": again}),
                                    tmp_path))
    [au] = aus(data)
    assert (au.get("moveOn"), au.get("masteryScore")) == ("CompletedAndPassed", None)


def test_ungraded_survey_is_not_scored(make_course, tmp_path):
    data, _ = structure_of(cmi5_zip(make_course({"assessments/01-survey.md": SURVEY}), tmp_path))
    [au] = aus(data)
    assert (au.get("moveOn"), au.get("masteryScore")) == ("Completed", None)


def test_course_iri_from_course_yml(make_course, tmp_path):
    yml = COURSE_YML + "iri: https://learning.example.com/courses/tiny/\n"
    data, _ = structure_of(cmi5_zip(make_course({"course.yml": yml}), tmp_path))
    root = etree.fromstring(data)
    assert root.find("c:course", NS).get("id") == "https://learning.example.com/courses/tiny"
    assert aus(data)[0].get("id") == "https://learning.example.com/courses/tiny/au"


def test_one_au_per_lesson(make_course, tmp_path):
    yml = COURSE_YML + "cmi5_au_per_lesson: true\n"
    path = cmi5_zip(make_course({"course.yml": yml, "assessments/01-final.md": QUIZ,
                                 "assessments/02-survey.md": SURVEY}), tmp_path)
    data, _ = structure_of(path)
    assert validate_zip(path) == []
    base = "https://courseforge.invalid/courses/tiny-course/au/"
    got = [(au.get("id"), au.findtext("c:url", None, NS), au.get("moveOn"), au.get("masteryScore"))
           for au in aus(data)]
    assert got == [
        (base + "part-1", "index.html?page=part-1", "Completed", None),
        (base + "part-2", "index.html?page=part-2", "Completed", None),
        (base + "part-3", "index.html?page=part-3", "Completed", None),
        (base + "final", "index.html?page=final", "CompletedAndPassed", "0.75"),  # the page's own pass mark
        (base + "survey", "index.html?page=survey", "Completed", None),
    ]
    assert aus(data)[0].findtext("c:title/c:langstring", None, NS) == "Part 1"
    assert aus(data)[0].findtext("c:description/c:langstring", None, NS) == "Learn about part 1"


def test_one_au_per_page_gives_a_scenario_its_au_in_the_learner_s_order(make_course):
    """A scenario is a page of the course too: without an AU of its own no learner would ever reach it,
    since each AU shows its own page alone. Its AU comes where the player puts it, after the lessons."""
    from check_support import SCENARIO
    from courseforge.exporters.cmi5 import structure
    from courseforge.loader import load

    script = SCENARIO.replace("{second_result}", "neutral").replace("{second_next}", "fixed").replace(
        "title: A short call\n", "title: A short call\ndescription: Practise a late order.\n")
    course = load(make_course({"course.yml": COURSE_YML + "cmi5_au_per_lesson: true\n", "assessments/01-final.md": QUIZ,
                               "scenarios/01-short-call.yml": script}, lessons=2))
    base = "https://courseforge.invalid/courses/tiny-course/au/"
    got = [(au.get("id"), au.findtext("c:url", None, NS), au.get("moveOn"),
            au.findtext("c:description/c:langstring", None, NS)) for au in aus(structure(course))]
    assert got == [
        (base + "part-1", "index.html?page=part-1", "Completed", "Learn about part 1"),
        (base + "part-2", "index.html?page=part-2", "Completed", "Learn about part 2"),
        (base + "short-call", "index.html?page=short-call", "Completed", "Practise a late order."),
        (base + "final", "index.html?page=final", "CompletedAndPassed", "Final check"),
    ]


def test_a_per_page_au_s_exit_leaves_that_part(make_course, tmp_path):
    """An AU of one page ends with "Exit this part" (the LMS shows the course's other AUs next), and
    the screen an exit leads to without a return URL says the part was left; the same course's
    whole-course packages, and a cmi5 course of one AU, keep "Exit course" and "left the course"."""
    per_page = make_course({"course.yml": COURSE_YML.replace("language: en", "language: fr")
                                          + "cmi5_au_per_lesson: true\n"})
    built = {path.name.rsplit("-", 1)[1]: path for path in build(per_page, tmp_path / "per-page", ["cmi5", "scorm12"])}
    whole = build(make_course({"course.yml": COURSE_YML}), tmp_path / "whole", ["cmi5"])[0]

    def exits(package) -> list[str]:
        """The two exit buttons' labels, and what the screen after an exit without a return URL says."""
        with zipfile.ZipFile(package) as archive:
            page = etree.HTML(archive.read("index.html"))
        return [page.xpath(f'//*[@id="{name}"]')[0].text for name in ("cf-exit", "cf-exit-end")] + \
            [page.xpath('//*[@id="cf-closed"]/p')[0].text]

    assert exits(built["cmi5.zip"]) == ["Quitter cette partie"] * 2 + ["Vous avez quitté cette partie du cours."]
    assert exits(built["scorm12.zip"]) == ["Quitter le cours"] * 2 + ["Vous avez quitté le cours : Tiny course."]
    assert exits(whole) == ["Exit course"] * 2 + ["You have left the course: Tiny course."]


def test_same_source_gives_identical_zips(make_course, tmp_path):
    folder = make_course({"assessments/01-final.md": QUIZ})
    one, two = cmi5_zip(folder, tmp_path, "a"), cmi5_zip(folder, tmp_path, "b")
    assert hashlib.sha256(one.read_bytes()).digest() == hashlib.sha256(two.read_bytes()).digest()
    with zipfile.ZipFile(one) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_cli_builds_every_standard_by_default(make_course, tmp_path):
    folder = make_course()
    result = subprocess.run([sys.executable, "-m", "courseforge", "build", str(folder), "--out", str(tmp_path / "o")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    built = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert {"tiny-course-cmi5.zip", "tiny-course-tincan.zip", "tiny-course-scorm12.zip"} <= set(built)
    check = subprocess.run([sys.executable, "-m", "courseforge", "validate", str(tmp_path / "o" / "tiny-course-cmi5.zip")],
                           capture_output=True, text=True)
    assert check.returncode == 0 and "valid" in check.stdout, check.stderr


# ---------------------------------------------------------------------------------------------
# The validator: each mutation of a good cmi5.xml must be caught, by the schema or by our rules.

@pytest.fixture
def good(make_course, tmp_path):
    data, names = structure_of(cmi5_zip(make_course({"assessments/01-final.md": QUIZ}), tmp_path))
    assert cmi5_problems(data, names) == []
    return data.decode(), names


AU_OPEN = '<au id="https://courseforge.invalid/courses/tiny-course/au" moveOn="CompletedAndPassed" masteryScore="0.75"'
MUTATIONS = [
    ("moveOn case", lambda t: t.replace('moveOn="CompletedAndPassed"', 'moveOn="completedAndPassed"'), "moveOn"),
    ("masteryScore on the 0-100 scale", lambda t: t.replace('masteryScore="0.75"', 'masteryScore="75"'), "masteryScore"),
    ("masteryScore with 5 decimals", lambda t: t.replace('masteryScore="0.75"', 'masteryScore="0.75001"'), "4 decimals"),
    ("no moveOn", lambda t: t.replace(' moveOn="CompletedAndPassed"', ""), "moveOn"),
    ("launchMethod popup", lambda t: t.replace('launchMethod="AnyWindow"', 'launchMethod="Popup"'), "launchMethod"),
    ("relative course id", lambda t: t.replace('<course id="https://courseforge.invalid/courses/tiny-course"',
                                               '<course id="tiny-course"'), "not an absolute IRI"),
    ("AU id equal to the course id", lambda t: t.replace('/tiny-course/au"', '/tiny-course"'), "already used"),
    ("AU without description", lambda t: t.replace(
        "<description>\n      <langstring lang=\"en\">A course made by a test.</langstring>\n    </description>\n"
        "    <url>", "<url>"), "description"),
    ("launch file missing", lambda t: t.replace("<url>index.html</url>", "<url>start.html</url>"), "not in the zip"),
    ("url with a launch parameter", lambda t: t.replace("<url>index.html</url>", "<url>index.html?fetch=x</url>"),
     "fetch"),
    ("url with whitespace", lambda t: t.replace("<url>index.html</url>", "<url> index.html</url>"), "whitespace"),
    ("wrong namespace", lambda t: t.replace('xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"',
                                            'xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure"'), ""),
    ("no AU at all", lambda t: t[:t.index("  <au ")] + "</courseStructure>\n", ""),
    ("not well-formed", lambda t: t.replace("</courseStructure>", "</courseStruct>"), "not well-formed"),
]


@pytest.mark.parametrize("name,mutate,expected", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_validator_catches(good, name, mutate, expected):
    text, names = good
    mutated = mutate(text)
    assert mutated != text, f"mutation {name!r} did not apply"
    problems = cmi5_problems(mutated.encode(), names)
    assert problems, name
    assert any(expected in p for p in problems), problems


def _rezip(path, tmp_path, extra: dict[str, bytes], drop=()):
    out = tmp_path / "mutated.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename not in drop:
                dst.writestr(info, src.read(info))
        for name, data in extra.items():
            dst.writestr(name, data)
    return out


def test_validate_zip_knows_the_kind_and_wants_one_standard_per_zip(make_course, tmp_path):
    folder = make_course()
    path = cmi5_zip(folder, tmp_path)
    [tincan] = build(folder, tmp_path / "t", ["tincan"])
    with zipfile.ZipFile(tincan) as archive:
        tincan_xml = archive.read("tincan.xml")
    problems = validate_zip(_rezip(path, tmp_path, {"tincan.xml": tincan_xml}))
    assert any("cmi5.xml and tincan.xml in one zip" in p for p in problems), problems
    problems = validate_zip(_rezip(path, tmp_path, {}, drop={"cmi5.xml"}))
    assert problems == [f"{tmp_path / 'mutated.zip'}: no imsmanifest.xml, cmi5.xml, tincan.xml at the zip root (Z1)"]
    problems = validate_zip(_rezip(path, tmp_path, {}, drop={"index.html"}))
    assert any("launch file index.html is not in the zip" in p for p in problems), problems


def test_validate_zip_survives_hostile_descriptors(make_course, tmp_path):
    path = cmi5_zip(make_course(), tmp_path)
    bomb = (b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<courseStructure xmlns="' + CMI5_NS.encode() + b'">&b;&x;</courseStructure>')
    problems = validate_zip(_rezip(path, tmp_path, {"cmi5.xml": bomb}, drop={"cmi5.xml"}))
    assert problems and not any("root:" in p for p in problems)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../cmi5.xml", b"<x/>")
    (tmp_path / "evil.zip").write_bytes(buffer.getvalue())
    problems = validate_zip(tmp_path / "evil.zip")
    assert any("unsafe entry name '../cmi5.xml'" in p for p in problems)
