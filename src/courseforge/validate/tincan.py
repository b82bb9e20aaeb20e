"""tincan.xml (CHECKLIST §4.1; Rustici's launch guidelines, "Packaging")."""
from __future__ import annotations

from courseforge.validate.cmi5 import absolute_iri
from courseforge.validate.descriptor import parse, schema_findings
from courseforge.validate.hrefs import launch_findings, resolve, xml_bases
from courseforge.validate.report import Finding, error, warning
from courseforge.validate.schemas import TINCAN_NS, tincan_schema

NAME = "tincan.xml"
NS = {"t": TINCAN_NS}


def tincan_findings(data: bytes, names: set[str] | None = None) -> list[Finding]:
    root, out = parse(data, NAME)
    if root is None:
        return out
    out = schema_findings(tincan_schema(), root, NAME)
    if root.tag != f"{{{TINCAN_NS}}}tincan":
        return out
    activities = root.findall("t:activities/t:activity", NS)
    out += _activities(activities)
    launching = [a for a in activities if a.find("t:launch", NS) is not None]
    if not launching:
        out.append(error(NAME, "no activity has a <launch>: an LMS has nothing to open; exactly one (the root) must (T-M2)"))
    elif len(launching) > 1:
        out.append(warning(NAME, f"{len(launching)} activities have a launch; exactly one (the root) should, LMSs open the first (T-M2)"))
    return out + _launches(root, names)


def _launches(root, names: set[str] | None) -> list[Finding]:
    out = []
    for launch in root.iterfind("t:activities/t:activity/t:launch", NS):
        href = (launch.text or "").strip()
        out += launch_findings(f"{NAME}:{launch.sourceline}", "launch", href, resolve(href, xml_bases(launch)), names)
    return out


def _activities(activities) -> list[Finding]:
    out, seen = [], {}
    for activity in activities:
        ident, where = activity.get("id"), f"{NAME}:{activity.sourceline}"
        if not absolute_iri(ident):
            out.append(error(where, f"activity id {ident!r} is not an absolute IRI (CHECKLIST T-M4)"))
        elif ident in seen:
            out.append(error(where, f"activity id {ident!r} is already used on line {seen[ident]}"))
        seen.setdefault(ident, activity.sourceline)
        if not activity.get("type"):
            out.append(warning(where, f"activity {ident!r} has no type (LMSs accept it; reports cannot group it)"))
    return out
