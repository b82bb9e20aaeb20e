"""imsmanifest.xml: which SCORM it is, its schema, and the rules the schemas let through.

SCORM 1.2 and 2004 live in different IMS CP namespaces; within 2004 the edition is only in
`schemaversion` (2nd Edition wrote "CAM 1.3"). 2nd and 3rd Edition share the 4th's namespaces, and
the 4th's schemas only add to theirs, so they are validated against the 4th's (said in a warning).
"""
from __future__ import annotations

from lxml import etree

from courseforge.validate.contentpackage import MANIFEST, at, package_findings
from courseforge.validate.descriptor import parse, schema_findings
from courseforge.validate.locations import location_findings
from courseforge.validate.report import Finding, error, warning
from courseforge.validate.schemas import NS12, NS2004, scorm12_schema, scorm2004_schema

EDITIONS = {"2004 4th Edition": "4th", "2004 3rd Edition": "3rd", "CAM 1.3": "2nd", "2004 2nd Edition": "2nd"}


def standard_of(root) -> str:
    """A name for the report, from the root namespace and schemaversion."""
    if root.tag == f"{{{NS2004['cp']}}}manifest":
        edition = EDITIONS.get(_version(root, NS2004))
        return f"SCORM 2004 {edition} Edition" if edition else "SCORM 2004 (edition unknown)"
    if root.tag == f"{{{NS12['cp']}}}manifest":
        return "SCORM 1.2"
    return "unknown (imsmanifest.xml in no SCORM namespace)"


def _version(root, ns: dict) -> str | None:
    text = root.findtext("cp:metadata/cp:schemaversion", namespaces=ns)
    return text.strip() if text is not None else None


def manifest_findings(data: bytes, names: set[str] | None = None) -> tuple[str, list[Finding]]:
    root, out = parse(data, MANIFEST)
    if root is None:
        return "SCORM (unreadable manifest)", out
    standard = standard_of(root)
    if standard.startswith("SCORM 2004"):
        return standard, _scorm2004(root, names)
    if standard == "SCORM 1.2":
        return standard, _scorm12(root, names)
    return standard, [error(f"{MANIFEST}:{root.sourceline}",
                            f"root element {root.tag} is neither SCORM 1.2 ({NS12['cp']}) nor SCORM 2004 "
                            f"({NS2004['cp']}) IMS CP")]


def scorm12_findings(data: bytes, names: set[str] | None = None) -> list[Finding]:
    root, out = parse(data, MANIFEST)
    return out if root is None else _scorm12(root, names)


def scorm2004_findings(data: bytes, names: set[str] | None = None) -> list[Finding]:
    root, out = parse(data, MANIFEST)
    return out if root is None else _scorm2004(root, names)


def _scorm12(root, names) -> list[Finding]:
    out = schema_findings(scorm12_schema(), root, MANIFEST)
    version = _version(root, NS12)
    if version is None:
        out.append(warning(MANIFEST, "no metadata/schemaversion; read as SCORM 1.2 from its namespace"))
    elif version != "1.2":
        out.append(error(MANIFEST, f"schemaversion is {version!r} in a SCORM 1.2 (IMS CP 1.1.2) manifest; "
                                   "must be '1.2'"))
    return out + location_findings(root, set(NS12.values()), names) + package_findings(root, NS12, names, strict=False)


def _scorm2004(root, names) -> list[Finding]:
    version = _version(root, NS2004)
    edition = EDITIONS.get(version or "")
    note = "" if edition in (None, "4th") else f" (checked against the 4th Edition schema)"
    out = schema_findings(scorm2004_schema(), root, MANIFEST, note)
    if version == "1.2":
        out.append(error(MANIFEST, f"schemaversion '1.2' in the SCORM 2004 IMS CP namespace {NS2004['cp']}; a SCORM "
                                   f"1.2 manifest uses {NS12['cp']} (LMSs disagree about what this package is)"))
    elif edition is None:
        out.append(error(MANIFEST, f"schemaversion is {version!r}; a SCORM 2004 manifest says '2004 4th Edition' "
                                   "(or '2004 3rd Edition', 'CAM 1.3')"))
    elif edition != "4th":
        out.append(warning(MANIFEST, f"SCORM 2004 {edition} Edition (schemaversion {version!r}): no {edition} Edition "
                                     "schema is shipped, so it was validated against the 4th Edition schemas "
                                     "(same namespaces)"))
    out += _header(root) + _titles(root) + _no_12_names(root) + _scorm_types(root)
    return out + location_findings(root, set(NS2004.values()), names) + package_findings(root, NS2004, names, True)


def _header(root) -> list[Finding]:
    schema = root.findtext("cp:metadata/cp:schema", namespaces=NS2004)
    if schema is not None and schema.strip() != "ADL SCORM":
        return [warning(MANIFEST, f"metadata/schema is {schema!r}, ADL's test suite wants 'ADL SCORM' (S04-M3)")]
    return []


def _titles(root) -> list[Finding]:
    # S04-M4/M5: the 2004 XSD lets an item have no title; ADL's test suite requires exactly one.
    out = []
    for organization in root.iterfind("cp:organizations/cp:organization", NS2004):
        for element in (organization, *organization.iterfind(".//cp:item", NS2004)):
            if len(element.findall("cp:title", NS2004)) != 1:
                kind = etree.QName(element).localname
                out.append(error(at(element), f"{kind} {element.get('identifier')} must have exactly one title (S04-M5)"))
    return out


def _no_12_names(root) -> list[Finding]:
    # V4/S04-M11: the SCORM 1.2 spellings pass the 2004 XSDs (lax wildcards) and LMSs ignore them.
    out, old = [], "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attr in element.attrib:
            if attr in (f"{{{NS2004['adlcp']}}}scormtype", f"{old}scormtype"):
                out.append(error(at(element), "adlcp:scormtype is the SCORM 1.2 spelling; 2004 reads "
                                              "adlcp:scormType (capital T) and ignores this one (S04-M11)"))
        if element.tag.endswith("}masteryscore"):
            out.append(error(at(element), "adlcp:masteryscore is SCORM 1.2 only; 2004 ignores it (use imsss "
                                          "primaryObjective satisfiedByMeasure + minNormalizedMeasure; S04-M11)"))
    return out


def _scorm_types(root) -> list[Finding]:
    launched = {item.get("identifierref") for item in root.iterfind(".//cp:item", NS2004)}
    scorm_type = f"{{{NS2004['adlcp']}}}scormType"
    out = []
    for resource in root.iterfind("cp:resources/cp:resource", NS2004):
        if resource.get(scorm_type) is None:
            level = error if resource.get("identifier") in launched else warning
            out.append(level(at(resource), f"resource {resource.get('identifier')} has no adlcp:scormType "
                                           "(sco or asset); an LMS cannot tell whether it talks to the API"))
    return out
