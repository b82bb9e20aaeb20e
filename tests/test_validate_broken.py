"""Broken variants of good packages: each must be INVALID for the right reason, within bounds."""
from __future__ import annotations

import re

import pytest

from fixtures.bounded import judge
from fixtures.packages import catapult_cmi5, golf_scorm12, golf_scorm2004, golf_tincan, write_zip


def edit(make, descriptor: str, before: str, after: str, drop=(), add=None):
    def variant():
        files = make()
        assert before in files[descriptor], f"{before!r} not in {descriptor}"
        files[descriptor] = files[descriptor].replace(before, after, 1)
        for name in drop:
            del files[name]
        files.update(add or {})
        return files
    return variant


def _without_organization(files):
    files[M] = re.sub(r"<organizations .*</organizations>", "<organizations/>", files[M], flags=re.S)
    return files


M, C, T = "imsmanifest.xml", "cmi5.xml", "tincan.xml"
AU1 = "https://w3id.org/xapi/cmi5/catapult/lts/au/001"
CASES = {
    # SCORM 2004
    "2004 with the 1.2 scormtype": (edit(golf_scorm2004, M, 'adlcp:scormType="sco" xml', 'adlcp:scormtype="sco" xml'),
                                    "scormtype is the SCORM 1.2 spelling"),
    "2004 with a 1.2 masteryscore": (edit(golf_scorm2004, M, "<title>Handicapping</title>",
                                          "<title>Handicapping</title><adlcp:masteryscore>80</adlcp:masteryscore>"),
                                     "masteryscore is SCORM 1.2 only"),
    "2004 unknown schemaversion": (edit(golf_scorm2004, M, "2004 4th Edition", "2004 5th Edition"), "schemaversion is"),
    "1.2 schemaversion in a 2004 namespace": (edit(golf_scorm2004, M, "2004 4th Edition", "1.2"),
                                              "schemaversion '1.2' in the SCORM 2004 IMS CP namespace"),
    "2004 without a default organization": (edit(golf_scorm2004, M, ' default="golf_org"', ""),
                                            "no default attribute"),
    "default with quotes": (edit(golf_scorm2004, M, 'default="golf_org"', 'default="a\'b&quot;c]"'),
                            "does not name an organization"),
    "leaf item without identifierref": (edit(golf_scorm2004, M, ' identifierref="handicap_resource"', ""),
                                        "has no identifierref"),
    "item without title": (edit(golf_scorm2004, M, "<title>Handicapping</title>", ""), "exactly one title"),
    "mastery above 1": (edit(golf_scorm2004, M, ">0.8<", ">8<"), "maxInclusive"),
    "sequencing before title": (edit(golf_scorm2004, M, "<title>Handicapping</title>",
                                     "<imsss:sequencing/><title>Handicapping</title>"),
                                "title': This element is not expected"),
    "listed file missing": (edit(golf_scorm2004, M, "", "", drop=["Playing/Par.html"]),
                            "<file> Playing/Par.html is not in the zip"),
    "launch file missing": (edit(golf_scorm2004, M, 'href="Playing.html?', 'href="Start.html?'),
                            "launch file Playing/Start.html is not in the zip"),
    "case mismatch": (edit(golf_scorm2004, M, '<file href="Par.html"/>', '<file href="par.html"/>'),
                      "case-sensitive"),
    "javascript: launch": (edit(golf_scorm2004, M, 'href="Handicapping/Example%20Page.html">',
                                'href="javascript:alert(document.cookie)">'), "is a javascript: URL"),
    "file without href": (edit(golf_scorm2004, M, '<file href="Par.html"/>', "<file/>"), "'href' is required"),
    "duplicate identifier": (edit(golf_scorm2004, M, 'identifier="handicap_item"', 'identifier="playing_item"'),
                             "already used"),
    "dependency on nothing": (edit(golf_scorm2004, M, '<dependency identifierref="common_files"/>',
                                   '<dependency identifierref="nope"/>'), "does not exist"),
    "href escapes the package": (edit(golf_scorm2004, M, 'href="Handicapping/Overview.html"',
                                      'href="../../etc/passwd"'), "relative to the package root"),
    "malformed href": (edit(golf_scorm2004, M, 'href="Handicapping/Overview.html"', 'href="http://[::1/x.html"'),
                       "is not a valid URL"),
    # SCORM 1.2
    "1.2 scormtype uppercase": (edit(golf_scorm12, M, 'scormtype="sco"', 'scormtype="SCO"'), "scormtype"),
    "1.2 wrong schemaversion": (edit(golf_scorm12, M, ">1.2</schemaversion>", ">1.3</schemaversion>"),
                                "schemaversion is '1.3'"),
    "1.2 default names nothing": (edit(golf_scorm12, M, 'default="golf_sample_default_org"', 'default="x"'),
                                  "does not name an organization"),
    "1.2 data: launch": (edit(golf_scorm12, M, 'href="shared/launchpage.html"',
                              'href="data:text/html,&lt;script&gt;x()&lt;/script&gt;"'), "is a data: URL"),
    "1.2 item without resource": (edit(golf_scorm12, M, 'identifierref="resource_1"', 'identifierref="resource_9"'),
                                  "which does not exist"),
    "1.2 with the 2004 scormType": (edit(golf_scorm12, M, 'adlcp:scormtype="sco"', 'adlcp:scormType="sco"'),
                                    "scormType"),
    "1.2 no organization": (lambda: _without_organization(golf_scorm12()), "no <organization>"),
    # cmi5
    "cmi5 javascript: url": (edit(catapult_cmi5, C, "<url>au002/index.html</url>", "<url>javascript:alert(1)</url>"),
                             "is a javascript: URL"),
    "cmi5 AU file missing": (edit(catapult_cmi5, C, "", "", drop=["au001/index.html"]),
                             "launch file au001/index.html is not in the zip"),
    "cmi5 relative id": (edit(catapult_cmi5, C, f'id="{AU1}"', 'id="au-001"'), "not an absolute IRI"),
    "cmi5 duplicate id": (edit(catapult_cmi5, C, '<au id="https://w3id.org/xapi/cmi5/catapult/lts/au/002"',
                               f'<au id="{AU1}"'), "already used"),
    "cmi5 launch parameter in url": (edit(catapult_cmi5, C, "<url>au002/index.html</url>",
                                          "<url>au002/index.html?fetch=x</url>"), "launch parameter names"),
    "cmi5 malformed url": (edit(catapult_cmi5, C, "<url>au002/index.html</url>", "<url>https://[x/i.html?fetch=1</url>"),
                           "is not a valid URL"),
    "cmi5 moveOn case": (edit(catapult_cmi5, C, 'moveOn="Completed"', 'moveOn="completed"'), "moveOn"),
    # TinCan
    "tincan javascript: launch": (edit(golf_tincan, T, ">index.html?lang=en<", ">javascript:void(0)<"),
                                  "is a javascript: URL"),
    "tincan launch file missing": (edit(golf_tincan, T, "", "", drop=["index.html"]), "launch file index.html"),
    "tincan without launch": (edit(golf_tincan, T, '<launch lang="en-us">index.html?lang=en</launch>', ""),
                              "no activity has a <launch>"),
    "tincan wrong namespace": (edit(golf_tincan, T, 'xmlns="http://projecttincan.com/tincan.xsd"',
                                    'xmlns="http://projecttincan.com/tincan"'), "No matching global declaration"),
    # package level
    "folder zipped instead of contents": (lambda: {f"golf/{k}": v for k, v in golf_scorm12().items()},
                                          "zip the folder's contents"),
    "cmi5 and tincan together": (lambda: {**golf_tincan(), **catapult_cmi5()}, "cmi5.xml and tincan.xml in one zip"),
    "entity bomb descriptor": (edit(golf_tincan, T, '<?xml version="1.0" encoding="utf-8" ?>',
                                    '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
                                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x SYSTEM '
                                    '"file:///etc/passwd">]>'), "declares a DOCTYPE"),
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("broken")
    paths = {name: write_zip(folder / f"case{n}.zip", make()) for n, (name, (make, _)) in enumerate(CASES.items())}
    code, reports = judge(*paths.values())
    return code, {name: reports[str(path)] for name, path in paths.items()}


@pytest.mark.parametrize("name", CASES)
def test_broken_variant_is_invalid_for_the_right_reason(verdicts, name):
    report = verdicts[1][name]
    expected = CASES[name][1]
    assert not report["valid"]
    assert any(expected in e for e in report["errors"]), report["errors"]


def test_broken_variants_exit_1_and_leak_nothing(verdicts):
    code, reports = verdicts
    assert code == 1
    assert not any("root:x:0" in e for r in reports.values() for e in r["errors"])
