"""Package checks: the official XSDs plus the rules the XSDs cannot see (CHECKLIST V1–V4, Z1–Z2,
C5-M, T-M) for SCORM 1.2 manifests, cmi5 course structures and tincan.xml.

Zips handed to `courseforge validate` may come from anywhere, so reading is defensive:
no network, no entity expansion, bounded sizes, and entry names checked before use.
"""
from __future__ import annotations

import functools
import re
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, unquote, urlsplit

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "schemas"
SCORM12_FILES = ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd")
NS12 = {
    "cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "imsmd": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
}
CMI5_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
TINCAN_NS = "http://projecttincan.com/tincan.xsd"
# Z1/Z2: the descriptor at the zip root names the standard; a zip holds exactly one of them.
DESCRIPTORS = ("imsmanifest.xml", "cmi5.xml", "tincan.xml")
# cmi5 §8.1: the LMS adds these to the AU's URL, so the AU's own query string must not use them.
CMI5_LAUNCH_NAMES = {"endpoint", "fetch", "actor", "registration", "activityId"}
MAX_MANIFEST = 8 * 1024 * 1024
MAX_ENTRIES = 65_535
SAFE_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


class _PatchedImsSchemas(etree.Resolver):
    """Serves the two IMS 1.2 schema files libxml2 cannot load as published (SOURCES.md):
    ims_xml.xsd binds the default namespace to the XML namespace, and the IMS MD schema
    breaks the unique-particle rule with `##any` wildcards after optional elements."""

    def resolve(self, url, public_id, context):
        name = PurePosixPath(url or "").name
        if name == "ims_xml.xsd":
            text = (SCHEMAS / "scorm12" / name).read_text(encoding="utf-8")
            text = text.replace('xmlns="http://www.w3.org/XML/1998/namespace"', "", 1)
            return self.resolve_string(text, context)
        if name == "imsmd_rootv1p2p1.xsd":
            text = (SCHEMAS / "scorm12" / name).read_text(encoding="utf-8")
            return self.resolve_string(text.replace('namespace="##any"', 'namespace="##other"'), context)
        return None


@functools.cache
def scorm12_schema() -> etree.XMLSchema:
    folder = (SCHEMAS / "scorm12").as_uri()
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
        targetNamespace="urn:courseforge:wrapper" elementFormDefault="qualified">
      <xs:import namespace="{NS12['adlcp']}" schemaLocation="{folder}/adlcp_rootv1p2.xsd"/>
      <xs:import namespace="{NS12['imsmd']}" schemaLocation="{folder}/imsmd_rootv1p2p1.xsd"/>
    </xs:schema>"""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_PatchedImsSchemas())
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=folder + "/wrapper.xsd"))


@functools.cache
def _plain_schema(standard: str, name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / standard / name), parser))


def cmi5_schema() -> etree.XMLSchema:
    return _plain_schema("cmi5", "CourseStructure.xsd")


def tincan_schema() -> etree.XMLSchema:
    return _plain_schema("tincan", "tincan.xsd")


def parse_xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(**SAFE_PARSER))


def manifest_problems(data: bytes, names: set[str] | None = None) -> list[str]:
    """Everything wrong with a SCORM 1.2 manifest; `names` are the zip's entries, if known."""
    return _descriptor_problems(data, "imsmanifest.xml", scorm12_schema(), lambda root: _scorm12_rules(root, names))


def _schema_errors(schema: etree.XMLSchema, root) -> list:
    schema.validate(etree.ElementTree(root))
    return list(schema.error_log)


def _scorm12_rules(root, names: set[str] | None) -> list[str]:
    """What the XSDs let through (V4) and what a package needs to actually launch."""
    out = []
    version = root.findtext("cp:metadata/cp:schemaversion", namespaces=NS12)
    if version != "1.2":
        out.append(f"imsmanifest.xml: schemaversion is {version!r}, must be '1.2'")
    orgs = root.find("cp:organizations", NS12)
    default = orgs.get("default") if orgs is not None else None
    if not default or root.find(f"cp:organizations/cp:organization[@identifier='{default}']", NS12) is None:
        out.append("imsmanifest.xml: organizations/@default does not name an organization")
    resources = {r.get("identifier"): r for r in root.iterfind("cp:resources/cp:resource", NS12)}
    for item in root.iterfind(".//cp:item", NS12):
        ref, leaf = item.get("identifierref"), item.find("cp:item", NS12) is None
        if leaf and ref not in resources:
            out.append(f"imsmanifest.xml:{item.sourceline}: item {item.get('identifier')} has no resource")
    if names is not None:
        out += _file_rules(resources.values(), names)
    return out


def _file_rules(resources, names: set[str]) -> list[str]:
    out, listed = [], set()
    for resource in resources:
        files = {f.get("href") for f in resource.iterfind("cp:file", NS12)}
        listed |= files
        href = resource.get("href")
        if href and href not in files:
            out.append(f"imsmanifest.xml:{resource.sourceline}: launch file {href} is not listed as a <file>")
    for href in sorted(listed - names):
        out.append(f"imsmanifest.xml: <file href={href!r}> is not in the zip")
    for name in sorted(names - listed - {"imsmanifest.xml"}):
        out.append(f"{name}: in the zip but not listed in the manifest")
    return out


# xAPI packages: cmi5.xml (CHECKLIST §5.1) and tincan.xml (§4.1)

def _descriptor_problems(data: bytes, name: str, schema: etree.XMLSchema, rules) -> list[str]:
    """Parse untrusted descriptor bytes, refuse DTDs (entities), then the schema and our rules."""
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError as exc:
        return [f"{name}:{exc.lineno}: not well-formed XML: {exc.msg}"]
    if root.getroottree().docinfo.internalDTD is not None:
        return [_DOCTYPE.format(name)]
    problems = [f"{name}:{e.line}: {e.message}" for e in _schema_errors(schema, root)]
    return problems + rules(root)


def cmi5_problems(data: bytes, names: set[str] | None = None) -> list[str]:
    """Everything wrong with a cmi5.xml course structure; `names` are the zip's entries, if known."""
    return _descriptor_problems(data, "cmi5.xml", cmi5_schema(), lambda root: _cmi5_rules(root, names))


def tincan_problems(data: bytes, names: set[str] | None = None) -> list[str]:
    """Everything wrong with a tincan.xml; `names` are the zip's entries, if known."""
    return _descriptor_problems(data, "tincan.xml", tincan_schema(), lambda root: _tincan_rules(root, names))


def _absolute_iri(value: str | None) -> bool:
    # cmi5 §3: IRIs "MUST be fully qualified"; xs:anyURI alone lets relative references and spaces through.
    return bool(value) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value) is not None


def _cmi5_rules(root, names: set[str] | None) -> list[str]:
    if root.tag != f"{{{CMI5_NS}}}courseStructure":
        return []  # the schema has said what is wrong
    ns, out, seen = {"c": CMI5_NS}, [], {}
    for element in root.findall("c:course", ns) + root.findall(".//c:block", ns) + root.findall(".//c:au", ns):
        ident, where = element.get("id"), f"cmi5.xml:{element.sourceline}"
        kind = etree.QName(element).localname
        if not _absolute_iri(ident):
            out.append(f"{where}: {kind} id {ident!r} is not an absolute IRI (cmi5 §3, §13.1)")
        elif ident in seen:
            out.append(f"{where}: {kind} id {ident!r} is already used on line {seen[ident]} (cmi5 §13.1.4)")
        seen.setdefault(ident, element.sourceline)
    aus = root.findall(".//c:au", ns)
    for au in aus:
        out += _cmi5_au_rules(au, ns, names)
    if aus and all(au.get("moveOn", "NotApplicable") == "NotApplicable" for au in aus):
        out.append("cmi5.xml: every AU is moveOn NotApplicable, so the course is satisfied before any launch "
                   "(CHECKLIST C5-M3)")
    return out


def _cmi5_au_rules(au, ns: dict, names: set[str] | None) -> list[str]:
    out, where = [], f"cmi5.xml:{au.sourceline}"
    if au.get("moveOn") is None:
        out.append(f"{where}: AU without moveOn (the default NotApplicable needs no launch at all; C5-M3)")
    mastery = au.get("masteryScore")
    if mastery is not None and "." in mastery and len(mastery.split(".", 1)[1]) > 4:
        out.append(f"{where}: masteryScore {mastery} has more than 4 decimals (cmi5 §13.1.4)")
    url = au.findtext("c:url", None, ns)
    if url is None:
        return out
    if url != url.strip():
        out.append(f"{where}: AU url has surrounding whitespace (C5-M4)")
    parts = urlsplit(url.strip())
    reserved = sorted(CMI5_LAUNCH_NAMES & {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    if reserved:
        out.append(f"{where}: AU url uses launch parameter names the LMS adds: {', '.join(reserved)} (cmi5 §8.1)")
    if names is not None and not parts.scheme and not parts.netloc:
        out += _launch_file_rule("cmi5.xml", au.sourceline, parts.path, names)
    return out


def _launch_file_rule(descriptor: str, line: int, path: str, names: set[str]) -> list[str]:
    target = unquote(path)
    if not target or target.startswith("/") or ".." in target.split("/"):
        return [f"{descriptor}:{line}: launch path {path!r} must be relative to the package root"]
    if target not in names:
        return [f"{descriptor}:{line}: launch file {target} is not in the zip"]
    return []


def _tincan_rules(root, names: set[str] | None) -> list[str]:
    if root.tag != f"{{{TINCAN_NS}}}tincan":
        return []
    ns, out, seen = {"t": TINCAN_NS}, [], {}
    activities = root.findall("t:activities/t:activity", ns)
    for activity in activities:
        ident, where = activity.get("id"), f"tincan.xml:{activity.sourceline}"
        if not _absolute_iri(ident):
            out.append(f"{where}: activity id {ident!r} is not an absolute IRI (CHECKLIST T-M4)")
        elif ident in seen:
            out.append(f"{where}: activity id {ident!r} is already used on line {seen[ident]}")
        seen.setdefault(ident, activity.sourceline)
        if not activity.get("type"):
            out.append(f"{where}: activity {ident!r} has no type")
    launching = [a for a in activities if a.find("t:launch", ns) is not None or a.find("t:resource", ns) is not None]
    if len(launching) != 1:
        out.append(f"tincan.xml: {len(launching)} activities have a launch; exactly one (the root) must (T-M2)")
    for activity in launching:
        for launch in activity.iterfind("t:launch", ns):
            href = (launch.text or "").strip()
            parts = urlsplit(href)
            if names is not None and not parts.scheme and not parts.netloc:
                out += _launch_file_rule("tincan.xml", launch.sourceline, parts.path, names)
    return out


# Entities are never expanded (SAFE_PARSER), and libxml2's schema validator fails outright on a tree
# that still holds entity references: refuse the DTD itself, no package descriptor needs one.
_DOCTYPE = "{}: declares a DOCTYPE (entities or DTD); a package descriptor must not"


def _declares_doctype(data: bytes) -> bool:
    try:
        return parse_xml(data).getroottree().docinfo.internalDTD is not None
    except etree.XMLSyntaxError:
        return False  # the descriptor's own check reports it


DESCRIPTOR_CHECKS = {"imsmanifest.xml": manifest_problems, "cmi5.xml": cmi5_problems, "tincan.xml": tincan_problems}


def validate_zip(path: Path) -> list[str]:
    """Check a SCORM 1.2, cmi5 or TinCan zip, ours or anyone's, without trusting it.
    The descriptor at the zip root says which standard the package claims."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"{path}: not a readable zip ({exc})"]
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            return [f"{path}: {len(infos)} entries, more than a package may hold"]
        problems = [f"{path}: unsafe entry name {i.filename!r}" for i in infos if _unsafe(i.filename)]
        names = {i.filename for i in infos if not i.is_dir()}
        found = [name for name in DESCRIPTORS if name in names]
        if not found:
            return problems + [f"{path}: no {', '.join(DESCRIPTORS)} at the zip root (Z1)"]
        if len(found) > 1:
            problems.append(f"{path}: {' and '.join(found)} in one zip; a package holds one standard "
                            "(LMSs pick one and ignore the rest; Z2)")
        for name in found:
            info = archive.getinfo(name)
            if info.file_size > MAX_MANIFEST:
                problems.append(f"{path}: {name} is {info.file_size} bytes, suspiciously large")
                continue
            if name == "imsmanifest.xml":
                problems += [f"{path}: {n} (a schema the manifest names) is missing"
                             for n in SCORM12_FILES if n not in names]
            data = archive.read(info)
            problems += [_DOCTYPE.format(name)] if _declares_doctype(data) else DESCRIPTOR_CHECKS[name](data, names)
        return problems


def _unsafe(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return name.startswith("/") or "\\" in name or ".." in parts or ":" in name
