"""xsi:schemaLocation of a SCORM manifest (CHECKLIST S04-M1, S04-M2, S12-M2): LMSs never read it,
ADL's test suite does, so what is missing is a warning."""
from __future__ import annotations

from lxml import etree

from courseforge.validate.report import Finding, warning

XSI_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
WHERE = "imsmanifest.xml"


def location_findings(root, namespaces: set[str], names: set[str] | None) -> list[Finding]:
    words = (root.get(XSI_LOCATION) or "").split()
    located = dict(zip(words[::2], words[1::2]))
    out = [warning(WHERE, f"namespace {ns} is used but not in xsi:schemaLocation (S04-M1)")
           for ns in sorted(_used(root) & namespaces - set(located))]
    if names is not None:
        out += [warning(WHERE, f"{href} (named in xsi:schemaLocation) is not in the zip (S04-M2)")
                for href in sorted(set(located.values())) if ":" not in href and href not in names]
    return out


def _used(root) -> set[str]:
    used = set()
    for element in root.iter(etree.Element):
        used.add(etree.QName(element).namespace)
        used |= {etree.QName(attr).namespace for attr in element.attrib}
    return used
