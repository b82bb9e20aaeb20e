"""SVG images from someone else's course: pictures, never programs.

An SVG can carry script (`<script>`, `onload=` and other handlers, `javascript:` links), pull in
other documents (`<foreignObject>`, external `href`, `@import` or `url()` in styles) and, through a
DTD, read local files at parse time. The player shows images inline and learners can open them on
their own, so an image with any of these is refused with a located error rather than shipped.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
MAX_SVG_BYTES = 5_000_000
# Elements that run code or embed another document.
ACTIVE = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
EXTERNAL_STYLE = re.compile(r"@import|url\(\s*['\"]?(?!#)", re.IGNORECASE)
SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)


def svg_problem(path: Path) -> str | None:
    """Why `path` may not ship as an image, or None when it is a plain picture."""
    data = path.read_bytes()
    if len(data) > MAX_SVG_BYTES:
        return f"is over {MAX_SVG_BYTES // 1_000_000} MB, too large for an SVG picture"
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return "declares a DTD or entities, which can read files when the SVG is opened"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return f"is not well-formed XML ({exc.msg})"
    # The byte test above misses a DTD in UTF-16 (or any encoding but ASCII's kin), and a browser
    # expands the entities of one: an entity can hold a <script> that no element of ours shows.
    if root.getroottree().docinfo.internalDTD is not None or root.getroottree().docinfo.doctype:
        return "declares a DTD or entities, which can read files when the SVG is opened"
    if root.tag != f"{{{SVG_NS}}}svg":  # an <img> shows nothing else, not even an <svg> without xmlns
        return (f"is not an SVG picture: its root element is <{etree.QName(root).localname}>"
                + (f' in no namespace, which needs xmlns="{SVG_NS}"' if root.tag == "svg" else ""))
    for element in root.iter():
        found = _element_problem(element)
        if found:
            return f"{found} (line {element.sourceline} of the SVG)"
    return None


def _element_problem(element) -> str | None:
    if not isinstance(element.tag, str):
        return None  # comments and processing instructions are inert in an image
    name = etree.QName(element).localname
    if name in ACTIVE:
        return f"holds a <{name}> element, which can run script or load another document"
    for attribute, value in element.attrib.items():
        local = etree.QName(attribute).localname
        if local.lower().startswith("on"):
            return f"has an event handler ({local}=), which runs script"
        # `xlink:href` is animated like `href`: <set attributeName="xlink:href" to="javascript:…"/> runs.
        animated = value.strip().rpartition(":")[2] if local == "attributeName" else ""
        if SCRIPT_URL.match(value) or animated == "href" or animated.lower().startswith("on"):
            return f"sets {local}={value.strip()[:40]!r}, which can run script"
        if local == "href" and not value.strip().startswith("#"):
            return f"refers to {value.strip()[:60]!r}, outside the picture"
        if local == "style" and EXTERNAL_STYLE.search(value):
            return "loads a resource from its styles"
    if name == "style" and EXTERNAL_STYLE.search(element.text or ""):
        return "loads a resource from its styles"
    return None
