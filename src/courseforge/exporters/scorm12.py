"""SCORM 1.2: one SCO (the player) described by imsmanifest.xml (CHECKLIST §1.1)."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from courseforge.model import Course, Site
from courseforge.exporters.imscp import content_package, vcard
from courseforge.package import element, xml_bytes
from courseforge.validate import NS12, SCORM12_FILES, manifest_problems

STANDARD = "scorm12"
# The theme scripts this standard needs, in load order; other standards' adapters stay out of the zip.
RUNTIME = ("runtime/lmsapi.js", "runtime/adapters/scorm12.js")
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CP, ADLCP, MD = NS12["cp"], NS12["adlcp"], NS12["imsmd"]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _langstring(parent, tag: str, text: str, language: str) -> None:
    element(element(parent, MD, tag), MD, "langstring", text, **{XML_LANG: language})


def _vocabulary(parent, tag: str, value: str) -> None:
    holder = element(parent, MD, tag)
    element(element(holder, MD, "source"), MD, "langstring", "LOMv1.0", **{XML_LANG: "x-none"})
    element(element(holder, MD, "value"), MD, "langstring", value, **{XML_LANG: "x-none"})


def _lom(parent, course: Course) -> None:
    """Inline IMS MD 1.2.1 record: what importers show as the course's title and description."""
    config, lang = course.config, course.config.language
    lom = element(parent, MD, "lom")
    general = element(lom, MD, "general")
    _langstring(general, "title", config.title, lang)
    element(general, MD, "language", lang)
    if config.description:
        _langstring(general, "description", config.description, lang)
    lifecycle = element(lom, MD, "lifecycle")
    _langstring(lifecycle, "version", config.version, lang)
    for author in config.authors:
        contribute = element(lifecycle, MD, "contribute")
        _vocabulary(contribute, "role", "Author")
        element(element(contribute, MD, "centity"), MD, "vcard", vcard(author))
    technical = element(lom, MD, "technical")
    element(technical, MD, "format", "text/html")


def manifest(course: Course, files: list[str], launch: str) -> bytes:
    ident = course.id
    locations = " ".join(f"{ns} {name}" for ns, name in
                         ((CP, "imscp_rootv1p1p2.xsd"), (MD, "imsmd_rootv1p2p1.xsd"), (ADLCP, "adlcp_rootv1p2.xsd")))
    root = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "adlcp": ADLCP, "imsmd": MD, "xsi": XSI},
                         identifier=f"MANIFEST-{ident}", version=course.config.version)
    root.set(f"{{{XSI}}}schemaLocation", locations)
    metadata = element(root, CP, "metadata")
    element(metadata, CP, "schema", "ADL SCORM")
    element(metadata, CP, "schemaversion", "1.2")
    _lom(metadata, course)
    organizations = element(root, CP, "organizations", default=f"ORG-{ident}")
    organization = element(organizations, CP, "organization", identifier=f"ORG-{ident}")
    element(organization, CP, "title", course.title)
    item = element(organization, CP, "item", identifier=f"ITEM-{ident}", identifierref=f"RES-{ident}", isvisible="true")
    element(item, CP, "title", course.title)
    if course.pass_mark is not None:
        element(item, ADLCP, "masteryscore", str(course.pass_mark))
    resources = element(root, CP, "resources")
    resource = element(resources, CP, "resource", identifier=f"RES-{ident}", type="webcontent", href=launch)
    resource.set(f"{{{ADLCP}}}scormtype", "sco")
    for name in files:
        element(resource, CP, "file", href=name)
    return xml_bytes(root)


def export(course: Course, site: Site, out_dir: Path) -> Path:
    return content_package(course, site, out_dir, STANDARD, SCORM12_FILES, manifest, manifest_problems)
