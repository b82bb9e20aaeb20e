"""SCORM 1.2: one SCO (the player) described by imsmanifest.xml (CHECKLIST §1.1)."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from courseforge.model import Course, Site
from courseforge.package import write_package, xml_bytes
from courseforge.validate import NS12, SCHEMAS, SCORM12_FILES, manifest_problems

STANDARD = "scorm12"
# The theme scripts this standard needs, in load order; other standards' adapters stay out of the zip.
RUNTIME = ("runtime/lmsapi.js", "runtime/adapters/scorm12.js")
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CP, ADLCP, MD = NS12["cp"], NS12["adlcp"], NS12["imsmd"]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _e(parent, ns: str, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _langstring(parent, tag: str, text: str, language: str) -> None:
    _e(_e(parent, MD, tag), MD, "langstring", text, **{XML_LANG: language})


def _vocabulary(parent, tag: str, value: str) -> None:
    holder = _e(parent, MD, tag)
    _e(_e(holder, MD, "source"), MD, "langstring", "LOMv1.0", **{XML_LANG: "x-none"})
    _e(_e(holder, MD, "value"), MD, "langstring", value, **{XML_LANG: "x-none"})


def _lom(parent, course: Course) -> None:
    """Inline IMS MD 1.2.1 record: what importers show as the course's title and description."""
    config, lang = course.config, course.config.language
    lom = _e(parent, MD, "lom")
    general = _e(lom, MD, "general")
    _langstring(general, "title", config.title, lang)
    _e(general, MD, "language", lang)
    if config.description:
        _langstring(general, "description", config.description, lang)
    lifecycle = _e(lom, MD, "lifecycle")
    _langstring(lifecycle, "version", config.version, lang)
    for author in config.authors:
        contribute = _e(lifecycle, MD, "contribute")
        _vocabulary(contribute, "role", "Author")
        _e(_e(contribute, MD, "centity"), MD, "vcard", f"BEGIN:VCARD\nVERSION:3.0\nFN:{_vcard(author)}\nEND:VCARD")
    technical = _e(lom, MD, "technical")
    _e(technical, MD, "format", "text/html")


def _vcard(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", " ")


def manifest(course: Course, files: list[str], launch: str) -> bytes:
    ident = course.id
    locations = " ".join(f"{ns} {name}" for ns, name in
                         ((CP, "imscp_rootv1p1p2.xsd"), (MD, "imsmd_rootv1p2p1.xsd"), (ADLCP, "adlcp_rootv1p2.xsd")))
    root = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "adlcp": ADLCP, "imsmd": MD, "xsi": XSI},
                         identifier=f"MANIFEST-{ident}", version=course.config.version)
    root.set(f"{{{XSI}}}schemaLocation", locations)
    metadata = _e(root, CP, "metadata")
    _e(metadata, CP, "schema", "ADL SCORM")
    _e(metadata, CP, "schemaversion", "1.2")
    _lom(metadata, course)
    organizations = _e(root, CP, "organizations", default=f"ORG-{ident}")
    organization = _e(organizations, CP, "organization", identifier=f"ORG-{ident}")
    _e(organization, CP, "title", course.title)
    item = _e(organization, CP, "item", identifier=f"ITEM-{ident}", identifierref=f"RES-{ident}", isvisible="true")
    _e(item, CP, "title", course.title)
    if course.config.mastery_score is not None:
        _e(item, ADLCP, "masteryscore", str(course.config.mastery_score))
    resources = _e(root, CP, "resources")
    resource = _e(resources, CP, "resource", identifier=f"RES-{ident}", type="webcontent", href=launch)
    resource.set(f"{{{ADLCP}}}scormtype", "sco")
    for name in files:
        _e(resource, CP, "file", href=name)
    return xml_bytes(root)


def export(course: Course, site: Site, out_dir: Path) -> Path:
    files = dict(site.files)
    for name in SCORM12_FILES:
        files[name] = (SCHEMAS / "scorm12" / name).read_bytes()
    data = manifest(course, sorted(files), site.launch)
    problems = manifest_problems(data, set(files))
    return write_package(files, "imsmanifest.xml", data, problems, out_dir / f"{course.id}-{STANDARD}.zip")
