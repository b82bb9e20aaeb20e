"""`courseforge validate` on good packages: ours, and packages shaped like other tools' output."""
from __future__ import annotations

import json
import zipfile

import pytest
from lxml import etree

from courseforge.build import build
from courseforge.validate import (NS2004, manifest_problems, render_text, scorm2004_problems, scorm2004_schema,
                                  validate_package)
from fixtures.bounded import judge, run_validate
from fixtures.packages import catapult_cmi5, golf_scorm12, golf_scorm2004, golf_tincan, write_zip

OTHER_TOOLS = {
    "golf-scorm12": (golf_scorm12, "SCORM 1.2"),
    "golf-scorm2004-4th": (golf_scorm2004, "SCORM 2004 4th Edition"),
    "golf-scorm2004-3rd": (lambda: golf_scorm2004("2004 3rd Edition"), "SCORM 2004 3rd Edition"),
    "golf-scorm2004-2nd": (lambda: golf_scorm2004("CAM 1.3"), "SCORM 2004 2nd Edition"),
    "catapult-cmi5-blocks": (catapult_cmi5, "cmi5"),
    "catapult-cmi5-flat": (lambda: catapult_cmi5(blocks=False), "cmi5"),
    "tincan-golf": (golf_tincan, "TinCan"),
    "tincan-space-and-query": (lambda: golf_tincan("Golf%20Start.html?lang=en#top", "Golf Start.html"), "TinCan"),
}


@pytest.fixture(scope="module")
def other_tools(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other")
    paths = {name: write_zip(folder / f"{name}.zip", make()) for name, (make, _) in OTHER_TOOLS.items()}
    code, reports = judge(*paths.values())
    return code, {name: reports[str(path)] for name, path in paths.items()}


@pytest.mark.parametrize("name", OTHER_TOOLS)
def test_other_tools_packages_are_valid_and_understood(other_tools, name):
    _, reports = other_tools
    report = reports[name]
    assert report["valid"], report["errors"]
    assert report["standard"] == OTHER_TOOLS[name][1]


def test_all_other_tools_packages_together_exit_0(other_tools):
    assert other_tools[0] == 0


def test_older_2004_editions_say_which_schema_judged_them(other_tools):
    _, reports = other_tools
    for name, edition in (("golf-scorm2004-3rd", "3rd"), ("golf-scorm2004-2nd", "2nd")):
        assert any(f"no {edition} Edition schema is shipped" in w for w in reports[name]["warnings"])
    assert reports["golf-scorm2004-4th"]["warnings"] == []


def test_what_lmss_accept_is_at_most_a_warning(other_tools):
    _, reports = other_tools
    assert any("has no type" in w for w in reports["tincan-golf"]["warnings"])
    assert any("without moveOn" in w for w in reports["catapult-cmi5-blocks"]["warnings"])
    # Schema files at the root, unlisted as <file>: not even a warning.
    assert reports["golf-scorm12"]["warnings"] == []


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    from conftest import default_files, write_course
    root = tmp_path_factory.mktemp("ours")
    folder = write_course(root / "course", default_files())
    return build(folder, root / "out", ["scorm12", "cmi5", "tincan"])


def test_our_own_packages_have_nothing_to_report(ours):
    code, reports = judge(*ours)
    assert code == 0
    assert [(r["standard"], r["errors"], r["warnings"]) for r in reports.values()] == [
        ("SCORM 1.2", [], []), ("cmi5", [], []), ("TinCan", [], [])]


def test_each_zip_is_judged_on_its_own(ours, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip at all")
    code, reports = judge(bad, *ours, tmp_path / "missing.zip")
    assert code == 1
    assert [r["valid"] for r in reports.values()] == [False, True, True, True, False]
    assert "not a usable zip" in reports[str(bad)]["errors"][0]


def test_readable_report_and_exit_codes(ours, tmp_path):
    good = run_validate(ours[0], options=())
    assert good.returncode == 0 and good.stdout.startswith(f"{ours[0]}: valid — SCORM 1.2, 0 error(s)")
    bad = tmp_path / "bad.zip"
    write_zip(bad, {"readme.txt": "hi"})
    result = run_validate(ours[0], bad, options=())
    assert result.returncode == 1
    assert f"{bad}: INVALID" in result.stdout and "error: no imsmanifest.xml, cmi5.xml, tincan.xml" in result.stdout
    assert run_validate(options=()).returncode == 2
    assert run_validate(ours[0], options=("--no-such-option",)).returncode == 2


def test_json_report_shape(ours):
    result = run_validate(ours[1])
    data = json.loads(result.stdout)
    assert data == {"valid": True, "packages": [{"path": str(ours[1]), "standard": "cmi5", "valid": True,
                                                  "errors": [], "warnings": []}]}


def test_text_report_lists_errors_then_warnings(tmp_path):
    files = golf_tincan()
    files["tincan.xml"] = files["tincan.xml"].replace(">index.html?lang=en<", ">start.html<")
    report = validate_package(write_zip(tmp_path / "t.zip", files))
    lines = render_text([report]).splitlines()
    assert lines[0] == f"{tmp_path / 't.zip'}: INVALID — TinCan, 1 error(s), 1 warning(s)"
    assert lines[1].startswith("  error: tincan.xml:7: launch file start.html is not in the zip")
    assert lines[2].startswith("  warning: tincan.xml:14: activity")


def test_scorm2004_api_the_exporter_calls(tmp_path):
    files = golf_scorm2004()
    data, names = files["imsmanifest.xml"].encode(), set(files)
    assert scorm2004_problems(data, names) == []
    assert scorm2004_problems(data) == []  # without the zip's names: only the manifest itself
    assert set(NS2004) >= {"cp", "adlcp", "adlseq", "adlnav", "imsss"}
    assert etree.fromstring(data).tag == f"{{{NS2004['cp']}}}manifest"
    broken = data.replace(b'adlcp:scormType="sco"', b'adlcp:scormType="SCO"', 1)
    assert any("scormType" in p for p in scorm2004_problems(broken, names))
    # A 2004 manifest is never judged by the 1.2 rules, nor a 1.2 one by the 2004 schema.
    assert manifest_problems(data, names) and not scorm2004_schema().validate(
        etree.fromstring(golf_scorm12()["imsmanifest.xml"].encode()))


def test_schema_locations_are_warnings_for_vendors(tmp_path):
    files = golf_scorm2004()
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(
        "http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd", "urn:example:other other.xsd")
    report = validate_package(write_zip(tmp_path / "p.zip", files))
    assert report.valid
    assert sorted(str(w) for w in report.warnings) == [
        "imsmanifest.xml: namespace http://www.imsglobal.org/xsd/imsss is used but not in xsi:schemaLocation (S04-M1)",
        "imsmanifest.xml: other.xsd (named in xsi:schemaLocation) is not in the zip (S04-M2)"]


def test_generators_view_counts_warnings(tmp_path):
    # The exporters ship nothing any finding speaks of: an unlisted file is a warning for a vendor's
    # zip, and a problem for ours.
    files = golf_scorm2004()
    names = set(files) | {"stray.html"}
    problems = scorm2004_problems(files["imsmanifest.xml"].encode(), names)
    assert problems == ["stray.html: in the zip but not listed in the manifest"]
    with zipfile.ZipFile(write_zip(tmp_path / "p.zip", {**files, "stray.html": "x"})) as archive:
        assert archive.namelist()
    assert validate_package(tmp_path / "p.zip").valid


def test_a_defect_of_ours_becomes_a_finding_not_a_traceback(tmp_path, monkeypatch):
    import courseforge.validate.check as check

    def broken(*args):
        raise RecursionError("deep")
    monkeypatch.setattr(check, "integrity", broken)
    report = validate_package(write_zip(tmp_path / "p.zip", golf_scorm12()))
    assert not report.valid
    assert [str(e) for e in report.errors] == [
        "courseforge could not finish checking this zip (RecursionError: deep); please report it"]


def _zip64(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in golf_scorm12().items():
            with archive.open(name, "w", force_zip64=True) as f:
                f.write(data.encode() if isinstance(data, str) else data)


def _prefixed(path):
    # A self-extracting archive: a program in front, offsets counted from the zip's own start.
    write_zip(path, golf_scorm12())
    path.write_bytes(b"#!/bin/sh\nexit 0\n" * 64 + path.read_bytes())


def _commented_with_folders(path):
    files = golf_scorm12()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.comment = b"made by a tool " + b"PK\x05\x06" + b" that writes signatures into comments"
        for folder in ("shared/", "Playing/", "Etiquette/", "Handicapping/"):
            archive.writestr(zipfile.ZipInfo(folder), b"")
        for name, data in files.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name.endswith(".jpg") else None)


def _padded(path):
    # Some download tools pad files; unzip still finds the end record.
    write_zip(path, golf_scorm12())
    path.write_bytes(path.read_bytes() + bytes(100))


TRICKY_GOOD = {"zip64 records": _zip64, "self-extracting prefix": _prefixed,
               "comment and folder entries": _commented_with_folders, "padded after the end record": _padded}


@pytest.mark.parametrize("name", TRICKY_GOOD)
def test_tricky_but_sound_zips_are_valid(tmp_path, name):
    path = tmp_path / "p.zip"
    TRICKY_GOOD[name](path)
    code, reports = judge(path)
    assert code == 0, reports[str(path)]["errors"]
