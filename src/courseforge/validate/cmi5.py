"""cmi5.xml course structures (CHECKLIST §5.1; cmi5 spec §13–14)."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from courseforge.validate.descriptor import parse, schema_findings
from courseforge.validate.hrefs import launch_findings, resolve, xml_bases
from courseforge.validate.report import Finding, error, warning
from courseforge.validate.schemas import CMI5_NS, cmi5_schema

NAME = "cmi5.xml"
NS = {"c": CMI5_NS}
# cmi5 §8.1: the LMS adds these to the AU's URL, so the AU's own query string must not use them.
LAUNCH_NAMES = {"endpoint", "fetch", "actor", "registration", "activityId"}


def absolute_iri(value: str | None) -> bool:
    # cmi5 §3: IRIs "MUST be fully qualified"; xs:anyURI alone lets relative references and spaces through.
    return bool(value) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value) is not None


def cmi5_findings(data: bytes, names: set[str] | None = None) -> list[Finding]:
    root, out = parse(data, NAME)
    if root is None:
        return out
    out = schema_findings(cmi5_schema(), root, NAME)
    if root.tag != f"{{{CMI5_NS}}}courseStructure":
        return out  # the schema has said what is wrong
    out += _ids(root)
    aus = root.findall(".//c:au", NS)
    for au in aus:
        out += _au(au, names)
    if aus and all(au.get("moveOn", "NotApplicable") == "NotApplicable" for au in aus):
        out.append(warning(NAME, "every AU is moveOn NotApplicable, so the course is satisfied before any "
                                 "launch (CHECKLIST C5-M3)"))
    return out


def _ids(root) -> list[Finding]:
    out, seen = [], {}
    for element in root.findall("c:course", NS) + root.findall(".//c:block", NS) + root.findall(".//c:au", NS):
        ident, where, kind = element.get("id"), f"{NAME}:{element.sourceline}", etree.QName(element).localname
        if not absolute_iri(ident):
            out.append(error(where, f"{kind} id {ident!r} is not an absolute IRI (cmi5 §3, §13.1)"))
        elif ident in seen:
            out.append(error(where, f"{kind} id {ident!r} is already used on line {seen[ident]} (cmi5 §13.1.4)"))
        seen.setdefault(ident, element.sourceline)
    return out


def _au(au, names: set[str] | None) -> list[Finding]:
    out, where = [], f"{NAME}:{au.sourceline}"
    if au.get("moveOn") is None:
        out.append(warning(where, "AU without moveOn: the default NotApplicable needs no launch at all (C5-M3)"))
    mastery = au.get("masteryScore")
    if mastery is not None and "." in mastery and len(mastery.split(".", 1)[1]) > 4:
        out.append(error(where, f"masteryScore {mastery} has more than 4 decimals (cmi5 §13.1.4)"))
    url_element = au.find("c:url", NS)
    if url_element is None or url_element.text is None:
        return out
    return out + _url(url_element, names)


def _reserved_parameters(url: str, where: str) -> list[Finding]:
    names = {k for k, _ in parse_qsl(urlsplit(url.strip()).query, keep_blank_values=True)}
    reserved = sorted(LAUNCH_NAMES & names)
    if reserved:
        return [error(where, f"AU url uses launch parameter names the LMS adds: {', '.join(reserved)} (cmi5 §8.1)")]
    return []


def _url(url_element, names: set[str] | None) -> list[Finding]:
    out, url, where = [], url_element.text, f"{NAME}:{url_element.sourceline}"
    if url != url.strip():
        out.append(warning(where, "AU url has surrounding whitespace (C5-M4)"))
    target = resolve(url, xml_bases(url_element))
    if target.scheme != "malformed":
        out += _reserved_parameters(url, where)
    if target.scheme in ("http", "https"):
        return out  # cmi5 §13.1.4: an AU may live on another server
    return out + launch_findings(where, "AU url", url.strip(), target, names)
