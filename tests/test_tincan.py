"""TinCan packages: tincan.xml against the official schema and complete (course activity with its launch,
lessons, assessments, questions with full interaction definitions), one standard per zip, reproducible
bytes, and a validator that catches what goes wrong. CHECKLIST Z1–Z4, V1, T-M1..T-M5, X6."""
import hashlib
import zipfile

import pytest
from lxml import etree

from conftest import COURSE_YML, REPO, STANDARDS, lesson, script_parts
from courseforge.build import build
from courseforge.loader import load
from courseforge.exporters.tincan import interaction
from courseforge.validate import TINCAN_NS, tincan_problems, validate_zip

NS = {"t": TINCAN_NS}
ADL = "http://adlnet.gov/expapi/activities/"
BASE = "https://courseforge.invalid/courses/tiny-course"
QUIZ = """---
id: final
title: Final check
---

::: question q-single single
Which cue matters **most**?
- [x] Narrow feet
- [ ] Colour
:::

::: question q-multi multiple
Which are cues?
- [x] Tone
- [ ] Weather
- [x] Pauses
:::

::: question q-tf true-false
Empathy can be learnt.
- [ ] True
- [x] False
:::

::: question q-fill fill-in
The first step is to ____.
= listen
= Listen carefully
case: sensitive
:::

::: question q-match matching
Match them.
- Cognitive -> Understanding
- Emotional -> Feeling
:::

::: question q-order ordering
Put in order.
1. Notice
2. Respond
3. Act
:::

::: question q-scale likert
Useful?
scale: No | Somewhat | Yes
:::

::: question q-think reflection
What will you change?
:::
"""
CHECK = lesson("part-1", "Part 1", "Text.\n\n::: question kc single\nPick one.\n- [x] Yes\n- [ ] No\n:::\n")


def tincan_zip(folder, tmp_path, name="out"):
    [path] = build(folder, tmp_path / name, ["tincan"])
    assert path.name.endswith("-tincan.zip")
    return path


def descriptor_of(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("tincan.xml"), set(archive.namelist())


def activities(data):
    return {a.get("id"): a for a in etree.fromstring(data).iterfind("t:activities/t:activity", NS)}


@pytest.fixture
def quiz_course(make_course):
    return make_course({"assessments/01-final.md": QUIZ, "lessons/01-part-1.md": CHECK})


def test_shipped_course_validates_against_the_official_schema(tmp_path):
    path = tincan_zip(REPO / "content", tmp_path)
    data, names = descriptor_of(path)
    parser = etree.XMLParser(no_network=True)
    schema = etree.XMLSchema(etree.parse(str(STANDARDS / "tincan" / "tincan.xsd"), parser))
    assert schema.validate(etree.fromstring(data)), schema.error_log
    assert validate_zip(path) == []
    assert "tincan.xml" in names and "index.html" in names
    assert not names & {"imsmanifest.xml", "cmi5.xml"}  # Z2
    parts = [part for part in script_parts(path) if "adapters/" in part or "xapi" in part]
    assert parts == ["runtime/xapi.js", "runtime/adapters/tincan.js", "runtime/adapters/standalone.js"]
    # No credential in the package: the launch brings them (T-L2).
    with zipfile.ZipFile(path) as archive:
        text = b"".join(archive.read(n) for n in names if n.endswith((".js", ".html", ".xml")))
    assert b"Basic " not in text.replace(b"'Basic '", b"") and b"auth-token" not in text


def test_course_activity_is_the_only_launchable_one(quiz_course, tmp_path):
    data, _ = descriptor_of(tincan_zip(quiz_course, tmp_path))
    found = activities(data)
    root = found[BASE]
    assert root.get("type") == ADL + "course"
    assert root.findtext("t:name", None, NS) == "Tiny course" and root.find("t:name", NS).get("lang") == "en"
    assert root.findtext("t:description", None, NS) == "A course made by a test."
    assert root.findtext("t:launch", None, NS) == "index.html"
    assert [a for a in found.values() if a.find("t:launch", NS) is not None] == [root]  # T-M2
    assert list(found)[0] == BASE


def test_lessons_assessments_and_questions_are_listed(quiz_course, tmp_path):
    found = activities(descriptor_of(tincan_zip(quiz_course, tmp_path))[0])
    kinds = {ident: a.get("type") for ident, a in found.items()}
    assert kinds[f"{BASE}/lesson/part-1"] == ADL + "lesson"
    assert kinds[f"{BASE}/lesson/part-3"] == ADL + "lesson"
    assert kinds[f"{BASE}/test/final"] == ADL + "assessment"
    assert kinds[f"{BASE}/lesson/part-1/question/kc"] == ADL + "cmi.interaction"
    questions = [i for i in found if "/question/" in i]
    assert len(questions) == 9 and all(kinds[q] == ADL + "cmi.interaction" for q in questions)
    single = found[f"{BASE}/test/final/question/q-single"]
    assert single.findtext("t:name", None, NS) == "Which cue matters most?"  # plain text of the prompt
    assert single.findtext("t:interactionType", None, NS) == "choice"
    assert [c.findtext("t:id", None, NS) for c in single.iterfind("t:choices/t:component", NS)] == ["0", "1"]
    assert [c.findtext("t:description", None, NS) for c in single.iterfind("t:choices/t:component", NS)] == \
        ["Narrow feet", "Colour"]
    match = found[f"{BASE}/test/final/question/q-match"]
    assert match.findtext("t:correctResponsePatterns/t:correctResponsePattern", None, NS) == "0[.]0[,]1[.]1"
    assert [c.findtext("t:description", None, NS) for c in match.iterfind("t:target/t:component", NS)] == \
        ["Understanding", "Feeling"]


def test_interaction_definitions_for_every_question_type(quiz_course):
    course = load(quiz_course)
    got = {q.id: interaction(q) for q in course.quizzes[0].questions}
    assert (got["q-single"].type, got["q-single"].patterns) == ("choice", ("0",))
    assert (got["q-multi"].type, got["q-multi"].patterns) == ("choice", ("0[,]2",))
    assert (got["q-tf"].type, got["q-tf"].patterns, got["q-tf"].components) == ("true-false", ("false",), ())
    assert got["q-fill"].type == "fill-in"
    assert got["q-fill"].patterns == ("{case_matters=true}listen", "{case_matters=true}Listen carefully")
    assert (got["q-match"].type, [k for k, _ in got["q-match"].components]) == ("matching", ["source", "target"])
    assert (got["q-order"].type, got["q-order"].patterns) == ("sequencing", ("0[,]1[,]2",))
    assert got["q-scale"].type == "likert" and got["q-scale"].patterns == ()
    assert got["q-scale"].components == (("scale", (("0", "No"), ("1", "Somewhat"), ("2", "Yes"))),)
    assert (got["q-think"].type, got["q-think"].patterns) == ("long-fill-in", ())


def test_course_iri_from_course_yml(make_course, tmp_path):
    yml = COURSE_YML + "iri: https://learning.example.com/courses/tiny\n"
    found = activities(descriptor_of(tincan_zip(make_course({"course.yml": yml}), tmp_path))[0])
    assert "https://learning.example.com/courses/tiny" in found
    assert "https://learning.example.com/courses/tiny/lesson/part-2" in found


def test_same_source_gives_identical_zips(quiz_course, tmp_path):
    one, two = tincan_zip(quiz_course, tmp_path, "a"), tincan_zip(quiz_course, tmp_path, "b")
    assert hashlib.sha256(one.read_bytes()).digest() == hashlib.sha256(two.read_bytes()).digest()


# ---------------------------------------------------------------------------------------------
# The validator

@pytest.fixture
def good(quiz_course, tmp_path):
    data, names = descriptor_of(tincan_zip(quiz_course, tmp_path))
    assert tincan_problems(data, names) == []
    return data.decode(), names


MUTATIONS = [
    ("activity without name", lambda t: t.replace('<name lang="en">Tiny course</name>', "", 1), "name"),
    ("wrong namespace", lambda t: t.replace('xmlns="http://projecttincan.com/tincan.xsd"',
                                            'xmlns="http://projecttincan.com/tincan"'), ""),
    ("second launch", lambda t: t.replace('<description lang="en">Learn about part 2</description>',
                                          '<description lang="en">x</description><launch lang="en">index.html</launch>'),
     "exactly one"),
    ("no launch", lambda t: t.replace('<launch lang="en">index.html</launch>', ""), "exactly one"),
    ("launch file missing", lambda t: t.replace(">index.html</launch>", ">start.html</launch>"), "not in the zip"),
    ("launch outside the package", lambda t: t.replace(">index.html</launch>", ">../index.html</launch>"), "relative"),
    ("relative activity id", lambda t: t.replace(f'id="{BASE}/lesson/part-2"', 'id="part-2"'), "absolute IRI"),
    ("duplicate activity id", lambda t: t.replace(f'id="{BASE}/lesson/part-2"', f'id="{BASE}/lesson/part-3"'),
     "already used"),
    ("activity without type", lambda t: t.replace(f' type="{ADL}lesson"', "", 1), "no type"),
    ("elements out of order", lambda t: t.replace("<interactionType>choice</interactionType>", "", 1).replace(
        "<choices>", "<choices><!-- --></choices><interactionType>choice</interactionType><choices>", 1), ""),
]


@pytest.mark.parametrize("name,mutate,expected", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_validator_catches(good, name, mutate, expected):
    text, names = good
    mutated = mutate(text)
    assert mutated != text, f"mutation {name!r} did not apply"
    problems = tincan_problems(mutated.encode(), names)
    assert problems and any(expected in p for p in problems), problems


def test_validate_zip_refuses_an_imsmanifest_beside_tincan_xml(make_course, tmp_path):
    folder = make_course()
    path = tincan_zip(folder, tmp_path)
    mutated = tmp_path / "both.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(mutated, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("imsmanifest.xml", b"<manifest/>")
    problems = validate_zip(mutated)
    assert any("imsmanifest.xml and tincan.xml in one zip" in p for p in problems), problems


def test_scenarios_are_listed_with_their_decisions_and_videos(make_course, tmp_path):
    from lxml import etree
    from test_build import SCENARIO
    from courseforge.build import build
    folder = make_course({"scenarios/01-short-call.yml": SCENARIO,
                          "course.yml": COURSE_YML + "video_size: 320x180\n"})
    [package] = build(folder, tmp_path / "out", ["tincan"])
    root = etree.fromstring(zipfile.ZipFile(package).read("tincan.xml"))
    ns = {"t": "http://projecttincan.com/tincan.xsd"}
    iri = "https://courseforge.invalid/courses/tiny-course"
    ids = {a.get("id"): a for a in root.iterfind("t:activities/t:activity", ns)}
    assert ids[f"{iri}/lesson/short-call"].get("type") == "http://adlnet.gov/expapi/activities/lesson"
    assert ids[f"{iri}/video/short-call/start"].get("type") == "https://w3id.org/xapi/video/activity-type/video"
    decision = ids[f"{iri}/lesson/short-call/question/short-call-start"]
    assert decision.findtext("t:interactionType", namespaces=ns) == "choice"
    assert [p.text for p in decision.iterfind("t:correctResponsePatterns/t:correctResponsePattern", ns)] == ["a"]
    assert [c.findtext("t:id", namespaces=ns) for c in decision.iterfind("t:choices/t:component", ns)] == ["a", "b"]


def test_a_build_without_tincan_never_imports_lxmls_html_parser(make_course, tmp_path):
    """Every build imports the exporters; lxml.html (5 ms of a rebuild) is for TinCan's plain-text names
    (plain(), tested above)."""
    import subprocess
    import sys

    folder = make_course()
    script = ("import sys; from pathlib import Path; from courseforge.build import build; "
              f"build(Path({str(folder)!r}), Path({str(tmp_path / 'out')!r}), ['scorm12']); "
              "print('lxml.html' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "False"
