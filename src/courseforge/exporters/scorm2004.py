"""SCORM 2004 4th Edition: one SCO (the player) described by imsmanifest.xml (CHECKLIST §2.1, §2.2).

The organization shows the course as one item. Its sequencing lets the learner leave and come back
(the SCO suspends; choice and flow stay on so the LMS can start and resume it), the SCO itself sets
completion and success (S04-S2), and the primary objective is satisfied by the score against the
mastery score (S04-S3), which the LMS hands back as `cmi.scaled_passing_score`.
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from courseforge.exporters.imscp import content_package, vcard
from courseforge.model import Course, Site
from courseforge.package import element, xml_bytes
from courseforge.validate import NS2004, SCHEMA_FILES_2004, SCORM2004_FILES, scorm2004_problems

STANDARD = "scorm2004"
# The theme scripts this standard needs, in load order; other standards' adapters stay out of the zip.
RUNTIME = ("runtime/lmsapi.js", "runtime/adapters/scorm2004.js")
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CP, ADLCP, ADLSEQ, ADLNAV, IMSSS, LOM = (NS2004[k] for k in ("cp", "adlcp", "adlseq", "adlnav", "imsss", "lom"))
# The player has its own Previous/Next; the LMS's would only leave the one SCO (S04-S6).
HIDDEN_LMS_UI = ("previous", "continue")


def _string(parent, tag: str, text: str, language: str) -> None:
    element(element(parent, LOM, tag), LOM, "string", text, language=language)


def _lom(parent, course: Course) -> None:
    """Inline IEEE LOM: what importers show as the course's title, description, version and authors."""
    config, lang = course.config, course.config.language
    lom = element(parent, LOM, "lom")
    general = element(lom, LOM, "general")
    _string(general, "title", config.title, lang)
    element(general, LOM, "language", lang)
    if config.description:
        _string(general, "description", config.description, lang)
    lifecycle = element(lom, LOM, "lifeCycle")
    _string(lifecycle, "version", config.version, lang)
    for author in config.authors:
        contribute = element(lifecycle, LOM, "contribute")
        role = element(contribute, LOM, "role")
        element(role, LOM, "source", "LOMv1.0")
        element(role, LOM, "value", "author")
        element(contribute, LOM, "entity", vcard(author))
    element(element(lom, LOM, "technical"), LOM, "format", "text/html")


def objective_ids(course: Course) -> list[str]:
    """One objective per lesson objective, `<lesson id>#<n>` (the notation questions use for them)."""
    return [f"{lesson.id}#{n}" for lesson in course.lessons for n in range(1, len(lesson.objectives) + 1)]


def passing_measure(course: Course) -> str | None:
    """The course's pass mark as a normalized measure (80 → "0.8"), or None (Course.pass_mark)."""
    mastery = course.pass_mark
    return None if mastery is None else f"{mastery / 100:g}"


def _objective(parent, tag: str, ident: str, measure: str | None) -> None:
    objective = element(parent, IMSSS, tag, objectiveID=ident, satisfiedByMeasure="true" if measure else None)
    if measure:
        element(objective, IMSSS, "minNormalizedMeasure", measure)


def _item_sequencing(item, course: Course) -> None:
    """S04-S4 order: objectives, then deliveryControls."""
    sequencing = element(item, IMSSS, "sequencing")
    objectives = element(sequencing, IMSSS, "objectives")
    measure = passing_measure(course)
    _objective(objectives, "primaryObjective", f"{course.id}-passed", measure)
    for ident in objective_ids(course):
        _objective(objectives, "objective", ident, measure)
    # S04-S2: the SCO reports completion and success; an opened-and-closed SCO is not complete.
    element(sequencing, IMSSS, "deliveryControls", completionSetByContent="true", objectiveSetByContent="true")


def _organization(organizations, course: Course) -> None:
    ident = course.id
    organization = element(organizations, CP, "organization", identifier=f"ORG-{ident}")
    # S04-M12: this course's objectives and shared data are its own, not every course's with the same ids.
    organization.set(f"{{{ADLSEQ}}}objectivesGlobalToSystem", "false")
    organization.set(f"{{{ADLCP}}}sharedDataGlobalToSystem", "false")
    element(organization, CP, "title", course.title)
    item = element(organization, CP, "item", identifier=f"ITEM-{ident}", identifierref=f"RES-{ident}", isvisible="true")
    element(item, CP, "title", course.title)
    _item_sequencing(item, course)
    presentation = element(element(item, ADLNAV, "presentation"), ADLNAV, "navigationInterface")
    for event in HIDDEN_LMS_UI:
        element(presentation, ADLNAV, "hideLMSUI", event)
    # After the items (the schema's order): flow lets the LMS start the SCO by itself (S04-S1),
    # choice lets the learner pick it from the LMS's outline to come back.
    element(element(organization, IMSSS, "sequencing"), IMSSS, "controlMode", choice="true", flow="true")


def manifest(course: Course, files: list[str], launch: str) -> bytes:
    ident = course.id
    root = etree.Element(f"{{{CP}}}manifest", identifier=f"MANIFEST-{ident}", version=course.config.version,
                         nsmap={None: CP, "adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV, "imsss": IMSSS,
                                "lom": LOM, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", " ".join(f"{ns} {name}" for ns, name in SCHEMA_FILES_2004.items()))
    metadata = element(root, CP, "metadata")
    element(metadata, CP, "schema", "ADL SCORM")
    element(metadata, CP, "schemaversion", "2004 4th Edition")
    _lom(metadata, course)
    _organization(element(root, CP, "organizations", default=f"ORG-{ident}"), course)
    resource = element(element(root, CP, "resources"), CP, "resource", identifier=f"RES-{ident}", type="webcontent",
                  href=launch)
    resource.set(f"{{{ADLCP}}}scormType", "sco")
    for name in files:
        element(resource, CP, "file", href=name)
    return xml_bytes(root)


def export(course: Course, site: Site, out_dir: Path) -> Path:
    return content_package(course, site, out_dir, STANDARD, SCORM2004_FILES, manifest, scorm2004_problems)
