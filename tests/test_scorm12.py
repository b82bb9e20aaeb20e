import io
import zipfile

import pytest
from lxml import etree

from conftest import COURSE_YML, STANDARDS
from courseforge.build import build
from courseforge.validate import NS12, manifest_problems, validate_zip


@pytest.fixture
def package(make_course, tmp_path):
    [path] = build(make_course(), tmp_path / "out", ["scorm12"])
    return path


def manifest_of(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("imsmanifest.xml"), set(archive.namelist())


def test_package_validates_against_the_official_schemas(package):
    assert validate_zip(package) == []


def test_manifest_against_the_published_schema_with_plain_lxml(package):
    # Independent of our own copy: ADL's root schema as published (the package ships them byte for byte).
    data, _ = manifest_of(package)
    parser = etree.XMLParser(no_network=True)
    schema = etree.XMLSchema(etree.parse(str(STANDARDS / "scorm12" / "adlcp_rootv1p2.xsd"), parser))
    root = etree.fromstring(data)
    # The 1.2 CP schema cannot load IMS MD unpatched; check the manifest without its LOM record here.
    for lom in root.iterfind(".//imsmd:lom", NS12):
        lom.getparent().remove(lom)
    assert schema.validate(root), schema.error_log


def test_every_zip_entry_is_listed_and_the_launch_file_is_the_player(package):
    data, names = manifest_of(package)
    root = etree.fromstring(data)
    [resource] = root.iterfind("cp:resources/cp:resource", NS12)
    assert resource.get("href") == "index.html"
    assert resource.get(f"{{{NS12['adlcp']}}}scormtype") == "sco"
    listed = {f.get("href") for f in resource.iterfind("cp:file", NS12)}
    assert listed == names - {"imsmanifest.xml"}
    for schema in ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd"):
        assert schema in names


def test_manifest_carries_course_metadata(package):
    root = etree.fromstring(manifest_of(package)[0])
    assert root.get("identifier") == "MANIFEST-tiny-course" and root.get("version") == "1.0.0"
    assert root.findtext("cp:metadata/cp:schemaversion", namespaces=NS12) == "1.2"
    assert root.findtext(".//imsmd:general/imsmd:title/imsmd:langstring", namespaces=NS12) == "Tiny course"
    assert root.findtext(".//imsmd:general/imsmd:description/imsmd:langstring",
                         namespaces=NS12) == "A course made by a test."
    assert "FN:Test Author" in root.findtext(".//imsmd:vcard", namespaces=NS12)
    assert root.findtext(".//cp:organization/cp:title", namespaces=NS12) == "Tiny course"


def graded_quiz(n: int, passing: str = "") -> str:
    return (f"---\nid: final-{n}\ntitle: Final check {n}\n{passing}---\n\n::: question final-{n}-q single\n"
            "Which detail matters?\n- [x] Her narrow feet\n- [ ] The colour of her outfit\n:::\n")


def mastery_of(make_course, tmp_path, files: dict) -> str | None:
    [path] = build(make_course(files, root=tmp_path / "course"), tmp_path / "out", ["scorm12"])
    assert validate_zip(path) == []
    return etree.fromstring(manifest_of(path)[0]).findtext(".//cp:item/adlcp:masteryscore", namespaces=NS12)


def test_mastery_score_is_the_pass_mark_the_player_judges_by(make_course, tmp_path):
    """S12-M10/S12-R4: the LMS rewrites lesson_status from raw against masteryscore, so it must be the
    mark the player tells the learner: course.yml's mastery_score, or the assessment's own
    passing_score. Several graded assessments: the player passes the course once each is passed,
    which no mark on their mean says, so none."""
    assert mastery_of(make_course, tmp_path / "a", {"assessments/01-final.md": graded_quiz(1)}) == "80"
    own = {"assessments/01-final.md": graded_quiz(1, "passing_score: 60\n")}
    assert mastery_of(make_course, tmp_path / "b", own) == "60"
    several = {"assessments/01-final.md": graded_quiz(1), "assessments/02-final.md": graded_quiz(2)}
    assert mastery_of(make_course, tmp_path / "c", several) is None


def test_no_mastery_score_for_a_course_nothing_scores(package):
    """S12-M10: never a masteryscore for a SCO that reports no score, whatever course.yml says."""
    assert etree.fromstring(manifest_of(package)[0]).find(".//adlcp:masteryscore", NS12) is None


def test_no_mastery_score_without_one(make_course, tmp_path):
    folder = make_course({"course.yml": COURSE_YML.replace("mastery_score: 80\n", "")})
    [path] = build(folder, tmp_path / "out", ["scorm12"])
    root = etree.fromstring(manifest_of(path)[0])
    assert root.find(".//adlcp:masteryscore", NS12) is None
    assert validate_zip(path) == []


MUTATIONS = [
    ('adlcp:scormtype="sco"', 'adlcp:scormtype="SCO"', "scormtype"),
    ("<schemaversion>1.2</schemaversion>", "<schemaversion>1.3</schemaversion>", "schemaversion"),
    ('default="ORG-tiny-course"', 'default="ORG-other"', "organizations/@default"),
    ('<file href="index.html"/>', "", "index.html"),
]


@pytest.mark.parametrize("before,after,expected", MUTATIONS)
def test_validator_catches_broken_manifests(package, before, after, expected):
    data, names = manifest_of(package)
    broken = data.decode().replace(before, after, 1).encode()
    assert broken != data
    problems = manifest_problems(broken, names)
    assert problems and any(expected in p for p in problems), problems


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_foreign_zips_are_handled_as_hostile(tmp_path, package):
    data, _ = manifest_of(package)
    cases = {
        "notzip.zip": b"this is not a zip",
        "empty.zip": zip_bytes({"readme.txt": "hi"}),
        "slip.zip": zip_bytes({"imsmanifest.xml": data, "../evil.sh": "rm -rf /"}),
        "xxe.zip": zip_bytes({"imsmanifest.xml": '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM '
                              '"file:///etc/passwd">]><manifest>&x;</manifest>'}),
    }
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        problems = validate_zip(tmp_path / name)
        assert problems, name
        assert "root:" not in "\n".join(problems)  # nothing from /etc/passwd leaks into a report
    assert any("unsafe entry name '../evil.sh'" in p for p in validate_zip(tmp_path / "slip.zip"))
    assert not (tmp_path.parent / "evil.sh").exists()


def test_manifest_with_entities_is_refused_not_expanded():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            b'<manifest xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2">&b;</manifest>')
    assert manifest_problems(bomb) == ["imsmanifest.xml: declares a DOCTYPE (entities or DTD); a package descriptor must not"]
