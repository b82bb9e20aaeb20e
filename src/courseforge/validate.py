"""Package checks: the official XSDs plus the rules the XSDs cannot see (CHECKLIST V1–V4).

Zips handed to `courseforge validate` may come from anywhere, so reading is defensive:
no network, no entity expansion, bounded sizes, and entry names checked before use.
"""
from __future__ import annotations

import functools
import zipfile
from pathlib import Path, PurePosixPath

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "schemas"
SCORM12_FILES = ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd")
NS12 = {
    "cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "imsmd": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
}
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


def parse_xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(**SAFE_PARSER))


def manifest_problems(data: bytes, names: set[str] | None = None) -> list[str]:
    """Everything wrong with a SCORM 1.2 manifest; `names` are the zip's entries, if known."""
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError as exc:
        return [f"imsmanifest.xml:{exc.lineno}: not well-formed XML: {exc.msg}"]
    schema = scorm12_schema()
    problems = [f"imsmanifest.xml:{e.line}: {e.message}" for e in _schema_errors(schema, root)]
    problems += _scorm12_rules(root, names)
    return problems


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


def validate_zip(path: Path) -> list[str]:
    """Check a SCORM 1.2 zip, ours or anyone's, without trusting it."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"{path}: not a readable zip ({exc})"]
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            return [f"{path}: {len(infos)} entries, more than a SCORM package may hold"]
        problems = [f"{path}: unsafe entry name {i.filename!r}" for i in infos if _unsafe(i.filename)]
        names = {i.filename for i in infos if not i.is_dir()}
        if "imsmanifest.xml" not in names:
            return problems + [f"{path}: no imsmanifest.xml at the zip root"]
        info = archive.getinfo("imsmanifest.xml")
        if info.file_size > MAX_MANIFEST:
            return problems + [f"{path}: imsmanifest.xml is {info.file_size} bytes, suspiciously large"]
        data = archive.read(info)
        missing = [f"{path}: {n} (a schema the manifest names) is missing"
                   for n in SCORM12_FILES if n not in names]
        return problems + missing + manifest_problems(data, names)


def _unsafe(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return name.startswith("/") or "\\" in name or ".." in parts or ":" in name
