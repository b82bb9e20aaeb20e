"""The official schemas (schemas/SOURCES.md), loaded offline, and the namespaces they define.

A SCORM manifest is validated against a wrapper importing every namespace it may use: IMS CP alone
rejects every 1.2 manifest (strict wildcards) and checks nothing ADL or IMS SS in 2004 (lax ones).
"""
from __future__ import annotations

import functools
from pathlib import Path, PurePosixPath

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
SCORM12_FILES = ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd")
NS12 = {
    "cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "imsmd": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
}
NS2004 = {
    "cp": "http://www.imsglobal.org/xsd/imscp_v1p1",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
    "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
    "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
    "imsss": "http://www.imsglobal.org/xsd/imsss",
    "lom": "http://ltsc.ieee.org/xsd/LOM",
}
# Top-level file per namespace of the 2004 wrapper; lom.xsd pulls in common/ extend/ unique/ vocab/.
SCORM2004_ROOTS = {"cp": "imscp_v1p1.xsd", "adlcp": "adlcp_v1p3.xsd", "adlseq": "adlseq_v1p3.xsd",
                   "adlnav": "adlnav_v1p3.xsd", "imsss": "imsss_v1p0.xsd", "lom": "lom.xsd"}
# namespace → its top schema, as named in xsi:schemaLocation.
SCHEMA_FILES_2004 = {NS2004[key]: name for key, name in SCORM2004_ROOTS.items()}
# Those and every file they include, shipped at a 2004 zip's root in the same layout (S04-M2).
SCORM2004_FILES = (*SCHEMA_FILES_2004.values(), "xml.xsd", "XMLSchema.dtd", "datatypes.dtd",
                   *(f"imsss_v1p0{part}.xsd" for part in ("auxresource", "control", "delivery", "limit", "objective",
                                                          "random", "rollup", "seqrule", "util")),
                   *(f"common/{name}.xsd" for name in ("anyElement", "dataTypes", "elementNames", "elementTypes",
                                                       "rootElement", "vocabTypes", "vocabValues")),
                   "unique/strict.xsd", "vocab/strict.xsd", "extend/strict.xsd")
CMI5_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
TINCAN_NS = "http://projecttincan.com/tincan.xsd"
XML_XSD_URL = "http://www.w3.org/2001/xml.xsd"


class _LocalSchemas(etree.Resolver):
    """Never the network: ADL's imscp_v1p1.xsd imports xml.xsd from w3.org, served from our copy.
    And the two IMS 1.2 files libxml2 cannot load as published, served patched in memory:
    ims_xml.xsd binds the default namespace to the XML namespace, and the IMS MD schema breaks the
    unique-particle rule with `##any` wildcards after optional elements."""

    def resolve(self, url, public_id, context):
        if url == XML_XSD_URL:
            return self.resolve_filename(str(SCHEMAS / "scorm2004" / "xml.xsd"), context)
        name = PurePosixPath(url or "").name
        if "/scorm12/" not in (url or ""):
            return None
        if name == "ims_xml.xsd":
            text = (SCHEMAS / "scorm12" / name).read_text(encoding="utf-8")
            return self.resolve_string(text.replace('xmlns="http://www.w3.org/XML/1998/namespace"', "", 1), context)
        if name == "imsmd_rootv1p2p1.xsd":
            text = (SCHEMAS / "scorm12" / name).read_text(encoding="utf-8")
            return self.resolve_string(text.replace('namespace="##any"', 'namespace="##other"'), context)
        return None


def _wrapper(folder: Path, imports: dict[str, str]) -> etree.XMLSchema:
    lines = "".join(f'<xs:import namespace="{ns}" schemaLocation="{(folder / name).as_uri()}"/>'
                    for ns, name in imports.items())
    text = (f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:courseforge:wrapper" '
            f'elementFormDefault="qualified">{lines}</xs:schema>')
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.fromstring(text.encode(), parser, base_url=(folder / "wrapper.xsd").as_uri()))


@functools.cache
def scorm12_schema() -> etree.XMLSchema:
    # ADL's root schema imports IMS CP 1.1.2, so these two cover every 1.2 namespace.
    return _wrapper(SCHEMAS / "scorm12", {NS12["adlcp"]: "adlcp_rootv1p2.xsd", NS12["imsmd"]: "imsmd_rootv1p2p1.xsd"})


@functools.cache
def scorm2004_schema() -> etree.XMLSchema:
    return _wrapper(SCHEMAS / "scorm2004", SCHEMA_FILES_2004)


@functools.cache
def _plain_schema(standard: str, name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / standard / name), parser))


def cmi5_schema() -> etree.XMLSchema:
    return _plain_schema("cmi5", "CourseStructure.xsd")


def tincan_schema() -> etree.XMLSchema:
    return _plain_schema("tincan", "tincan.xsd")
