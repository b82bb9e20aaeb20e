"""The SCORM 2004 4th Edition manifest: valid against ADL's schemas, elements in the schema's order,
objectives and mastery, reproducible, every file listed; and broken manifests are caught (V1, V3, V4)."""
import hashlib
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import COURSE_YML, script_parts
from courseforge.build import build
from courseforge.cli import main
from courseforge.exporters import scorm2004
from courseforge.validate import NS2004, SCORM2004_FILES, scorm2004_problems, validate_zip

FINAL = ("---\ntitle: Final check\n---\n\nOne question.\n\n::: question final-q single\nWhich detail matters?\n"
         "- [x] Her narrow feet\n- [ ] The colour of her outfit\n:::\n")
SS = f"{{{NS2004['imsss']}}}"


@pytest.fixture
def graded(make_course):
    return make_course({"assessments/01-final.md": FINAL})


@pytest.fixture
def package(graded, tmp_path):
    [path] = build(graded, tmp_path / "out", ["scorm2004"])
    return path


def manifest_of(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("imsmanifest.xml"), set(archive.namelist())


def local_names(element) -> list[str]:
    return [etree.QName(child).localname for child in element]


def test_package_is_valid_and_named_for_its_standard(package):
    assert package.name == "tiny-course-scorm2004.zip"
    assert validate_zip(package) == []
    data, names = manifest_of(package)
    assert scorm2004_problems(data, names) == []


def test_manifest_valid_against_the_schemas_shipped_in_the_zip(package, tmp_path):
    """The XSDs at the zip root (S04-M2) are enough: a wrapper over them accepts the manifest."""
    with zipfile.ZipFile(package) as archive:
        archive.extractall(tmp_path / "pkg")
    folder = (tmp_path / "pkg").as_uri()
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{folder}/{name}"/>'
                      for ns, name in scorm2004.SCHEMA_FILES_2004.items())
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'

    class LocalXml(etree.Resolver):
        def resolve(self, url, public_id, context):
            local = tmp_path / "pkg" / "xml.xsd"
            return self.resolve_filename(str(local), context) if url.endswith("/xml.xsd") else None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalXml())
    schema = etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=folder + "/wrapper.xsd"))
    manifest = etree.parse(str(tmp_path / "pkg" / "imsmanifest.xml"))
    assert schema.validate(manifest), schema.error_log


def test_manifest_content_and_element_order(package):
    root = etree.fromstring(manifest_of(package)[0])
    ns = NS2004
    assert (root.get("identifier"), root.get("version")) == ("MANIFEST-tiny-course", "1.0.0")
    assert [root.findtext(f"cp:metadata/cp:{tag}", namespaces=ns) for tag in ("schema", "schemaversion")] == [
        "ADL SCORM", "2004 4th Edition"]
    assert root.find("cp:organizations", ns).get("default") == "ORG-tiny-course"
    [organization] = root.iterfind("cp:organizations/cp:organization", ns)
    assert organization.get(f"{{{ns['adlseq']}}}objectivesGlobalToSystem") == "false"
    assert organization.get(f"{{{ns['adlcp']}}}sharedDataGlobalToSystem") == "false"
    # One SCO shown as one item; the organization's sequencing after the items (the schema's order).
    assert local_names(organization) == ["title", "item", "sequencing"]
    control = organization.find("imsss:sequencing/imsss:controlMode", ns)
    assert (control.get("choice"), control.get("flow")) == ("true", "true")
    [item] = organization.iterfind("cp:item", ns)
    assert local_names(item) == ["title", "sequencing", "presentation"]
    assert item.get("identifierref") == "RES-tiny-course"
    assert local_names(item.find("imsss:sequencing", ns)) == ["objectives", "deliveryControls"]
    delivery = item.find("imsss:sequencing/imsss:deliveryControls", ns)
    assert (delivery.get("completionSetByContent"), delivery.get("objectiveSetByContent")) == ("true", "true")
    assert [h.text for h in item.iterfind(".//adlnav:hideLMSUI", ns)] == ["previous", "continue"]
    [resource] = root.iterfind("cp:resources/cp:resource", ns)
    assert (resource.get("href"), resource.get(f"{{{ns['adlcp']}}}scormType"), resource.get("type")) == (
        "index.html", "sco", "webcontent")


def test_inline_lom_metadata(package):
    root = etree.fromstring(manifest_of(package)[0])
    lom = root.find("cp:metadata/lom:lom", NS2004)
    assert lom.findtext("lom:general/lom:title/lom:string", namespaces=NS2004) == "Tiny course"
    assert lom.findtext("lom:general/lom:description/lom:string", namespaces=NS2004) == "A course made by a test."
    assert lom.findtext("lom:lifeCycle/lom:version/lom:string", namespaces=NS2004) == "1.0.0"
    assert "FN:Test Author" in lom.findtext("lom:lifeCycle/lom:contribute/lom:entity", namespaces=NS2004)


def test_objectives_from_the_lessons_judged_by_the_mastery_score(package):
    objectives = etree.fromstring(manifest_of(package)[0]).find(".//imsss:objectives", NS2004)
    primary, *others = objectives
    assert etree.QName(primary).localname == "primaryObjective"
    assert [o.get("objectiveID") for o in others] == ["part-1#1", "part-2#1", "part-3#1"]
    for objective in objectives:
        assert objective.get("satisfiedByMeasure") == "true"
        assert objective.findtext(f"{SS}minNormalizedMeasure") == "0.8"


def test_mastery_score_is_normalized(make_course, tmp_path):
    folder = make_course({"assessments/01-final.md": FINAL,
                          "course.yml": COURSE_YML.replace("mastery_score: 80", "mastery_score: 75")})
    [path] = build(folder, tmp_path / "out", ["scorm2004"])
    root = etree.fromstring(manifest_of(path)[0])
    assert root.findtext(f".//{SS}primaryObjective/{SS}minNormalizedMeasure") == "0.75"


def test_pass_mark_is_the_one_the_player_judges_by(make_course, tmp_path):
    """S04-R2: the LMS judges success by cmi.scaled_passing_score, so the manifest carries the mark the
    player tells the learner: the assessment's own passing_score; none for several assessments (the
    player passes once each is passed, which no mark on the mean says)."""
    own = FINAL.replace("title: Final check\n", "title: Final check\npassing_score: 60\n")
    for name, files, expected in (("own", {"assessments/01-final.md": own}, "0.6"),
                                  ("several", {"assessments/01-final.md": FINAL,
                                               "assessments/02-again.md": FINAL.replace("final-q", "again-q")}, None)):
        [path] = build(make_course(files, root=tmp_path / name), tmp_path / f"{name}-out", ["scorm2004"])
        root = etree.fromstring(manifest_of(path)[0])
        assert root.findtext(f".//{SS}primaryObjective/{SS}minNormalizedMeasure") == expected, name
        assert validate_zip(path) == []


def test_no_pass_mark_without_a_graded_assessment(make_course, tmp_path):
    [path] = build(make_course(), tmp_path / "out", ["scorm2004"])
    root = etree.fromstring(manifest_of(path)[0])
    assert root.find(f".//{SS}primaryObjective").get("satisfiedByMeasure") is None
    assert root.find(f".//{SS}minNormalizedMeasure") is None
    assert validate_zip(path) == []


def test_every_file_listed_and_only_the_2004_adapter_shipped(package):
    data, names = manifest_of(package)
    [resource] = etree.fromstring(data).iterfind("cp:resources/cp:resource", NS2004)
    assert {f.get("href") for f in resource.iterfind("cp:file", NS2004)} == names - {"imsmanifest.xml"}
    assert set(SCORM2004_FILES) <= names
    parts = [part for part in script_parts(package) if "adapters/" in part or "lmsapi" in part]
    assert parts == ["runtime/lmsapi.js", "runtime/adapters/scorm2004.js", "runtime/adapters/standalone.js"]


def test_reproducible(graded, tmp_path):
    one, two = (build(graded, tmp_path / name, ["scorm2004"])[0] for name in ("a", "b"))
    assert hashlib.sha256(one.read_bytes()).digest() == hashlib.sha256(two.read_bytes()).digest()


def test_all_builds_four_zips_and_validate_says_valid(graded, tmp_path):
    made = build(graded, tmp_path / "out")
    assert sorted(p.name for p in made) == [f"tiny-course-{s}.zip" for s in ("cmi5", "scorm12", "scorm2004", "tincan")]
    result = CliRunner().invoke(main, ["validate", *map(str, made)])
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'out' / 'tiny-course-scorm2004.zip'}: valid" in result.output


LOCATIONS = "http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd"
MUTATIONS = [
    # Caught by the schemas (V3).
    ('adlcp:scormType="sco"', 'adlcp:scormType="SCO"', "scormType"),
    ("<imsss:minNormalizedMeasure>0.8<", "<imsss:minNormalizedMeasure>80<", "minNormalizedMeasure"),
    ("<adlnav:hideLMSUI>previous<", "<adlnav:hideLMSUI>back<", "hideLMSUI"),
    ("<lom:value>author<", "<lom:value>writer<", "role"),
    ('<imsss:deliveryControls completionSetByContent="true"',
     '<imsss:deliveryControls completionSetByContent="yes"', "completionSetByContent"),
    # Caught by our own rules (V4).
    ("<schemaversion>2004 4th Edition<", "<schemaversion>CAM 1.3<", "schemaversion"),
    ('default="ORG-tiny-course"', 'default="ORG-other"', "organizations/@default"),
    ('adlcp:scormType="sco"', 'adlcp:scormtype="sco"', "scormtype"),
    ("<title>Tiny course</title>\n        <imsss", "<imsss", "exactly one title"),
    ('<file href="index.html"/>', "", "index.html"),
    ('<file href="index.html"/>', '<file href="index.html"/><file href="missing.js"/>', "missing.js"),
    (LOCATIONS, "", "not in xsi:schemaLocation"),
    ('imsss_v1p0.xsd"', 'imsss_v1p0.xsd urn:example:other other.xsd"', "other.xsd"),
]


def _mutate(data: bytes, before: str, after: str) -> bytes:
    text = data.decode()
    assert before in text, before
    return text.replace(before, after, 1).encode()


@pytest.mark.parametrize("before,after,expected", MUTATIONS)
def test_broken_manifests_are_caught(package, before, after, expected):
    data, names = manifest_of(package)
    problems = scorm2004_problems(_mutate(data, before, after), names)
    assert problems and any(expected in p for p in problems), problems


def test_sequencing_before_the_items_is_caught(package):
    """Real generators put the organization's imsss:sequencing before its items (S04-M5)."""
    data, names = manifest_of(package)
    root = etree.fromstring(data)
    organization = root.find(".//cp:organization", NS2004)
    sequencing = organization.find("imsss:sequencing", NS2004)
    organization.remove(sequencing)
    organization.insert(1, sequencing)
    problems = scorm2004_problems(etree.tostring(root), names)
    assert any("sequencing" in p for p in problems), problems


def test_scorm12_names_in_a_2004_manifest_are_caught(package):
    data, names = manifest_of(package)
    broken = _mutate(data, "<title>Tiny course</title>\n        <imsss",
                     '<title>Tiny course</title>\n        <adlcp:masteryscore>80</adlcp:masteryscore>\n        <imsss')
    problems = scorm2004_problems(broken, names)
    assert any("masteryscore" in p and "S04-M11" in p for p in problems), problems


def test_a_manifest_failing_validation_is_never_zipped(graded, tmp_path, monkeypatch):
    monkeypatch.setattr(scorm2004, "HIDDEN_LMS_UI", ("back",))
    with pytest.raises(RuntimeError, match="generated imsmanifest.xml is invalid"):
        build(graded, tmp_path / "out", ["scorm2004"])
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_dtd_in_a_2004_manifest_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]>'
            b'<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1">&a;</manifest>')
    assert scorm2004_problems(bomb) == ["imsmanifest.xml: declares a DOCTYPE (entities or DTD); a package descriptor "
                                        "must not"]
