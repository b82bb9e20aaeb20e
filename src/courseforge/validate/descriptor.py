"""Untrusted descriptor XML: parsed with no network, no DTD and no entities; then its schema."""
from __future__ import annotations

from lxml import etree

from courseforge.validate.report import Finding, error

MAX_DESCRIPTOR = 8 * 1024 * 1024
SAFE_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
# Entities are never expanded, and libxml2's schema validator fails outright on a tree that still
# holds entity references: refuse the DTD itself, no package descriptor needs one.
DOCTYPE = "declares a DOCTYPE (entities or DTD); a package descriptor must not"


def parse_xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(**SAFE_PARSER))


def parse(data: bytes, name: str) -> tuple[etree._Element | None, list[Finding]]:
    """The root element, or None and the finding that says why there is none."""
    if len(data) > MAX_DESCRIPTOR:
        return None, [error(name, f"is {len(data)} bytes; more than {MAX_DESCRIPTOR} is refused")]
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError as exc:
        return None, [error(f"{name}:{exc.lineno}", f"not well-formed XML: {exc.msg}")]
    if root.getroottree().docinfo.internalDTD is not None:
        return None, [error(name, DOCTYPE)]
    return root, []


def schema_findings(schema: etree.XMLSchema, root, name: str, note: str = "") -> list[Finding]:
    schema.validate(etree.ElementTree(root))
    return [error(f"{name}:{e.line}", e.message + note) for e in schema.error_log]


def problems(findings: list[Finding]) -> list[str]:
    """The generators' view: any finding, warnings included, is something not to ship."""
    return [str(f) for f in findings]
