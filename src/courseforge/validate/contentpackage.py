"""IMS Content Packaging rules shared by SCORM 1.2 and 2004: identifiers, organizations, items,
resources and the files they name — what the XSDs cannot see (CHECKLIST V4, S12-M4…M9, S04-M4…M8)."""
from __future__ import annotations

from courseforge.validate.hrefs import launch_findings, missing_file, resolve
from courseforge.validate.report import Finding, error, warning

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
MANIFEST = "imsmanifest.xml"
MAX_LISTED = 20


def at(element) -> str:
    return f"{MANIFEST}:{element.sourceline}"


def package_findings(root, ns: dict, names: set[str] | None, strict: bool) -> list[Finding]:
    """`strict` is SCORM 2004, where ADL's conformance suite requires a default organization and
    identifierref on exactly the leaf items; 1.2 LMSs live without both."""
    resources = {}
    for resource in root.iterfind("cp:resources/cp:resource", ns):
        resources.setdefault(resource.get("identifier"), resource)
    out = _identifiers(root) + _organizations(root, ns, strict) + _items(root, ns, resources, strict)
    out += _dependencies(root, ns, resources)
    folded = {n.lower(): n for n in names} if names is not None else None
    listed = set()
    for resource in resources.values():
        out += _resource(root, resource, ns, names, folded, listed)
    if names is not None:
        out += _unlisted(names, listed)
    return out


def _identifiers(root) -> list[Finding]:
    seen, out = {}, []
    for element in root.iter():
        ident = element.get("identifier") if isinstance(element.tag, str) else None
        if ident is None or etree_local(element) not in ("manifest", "organization", "item", "resource"):
            continue
        if ident in seen:
            out.append(error(at(element), f"identifier {ident!r} is already used on line {seen[ident]}; "
                                          "identifiers are unique across the manifest"))
        seen.setdefault(ident, element.sourceline)
    return out


def etree_local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _organizations(root, ns: dict, strict: bool) -> list[Finding]:
    orgs = root.find("cp:organizations", ns)
    found = root.findall("cp:organizations/cp:organization", ns)
    if not found:
        return [error(MANIFEST, "no <organization>: an LMS has nothing to show or launch")]
    default = orgs.get("default")
    if default is None:
        if strict:
            return [error(at(orgs), "organizations has no default attribute (required in SCORM 2004)")]
        return [warning(at(orgs), "organizations has no default attribute; LMSs take the first organization")]
    # Compared in Python, never spliced into XPath: the value is someone else's text.
    if not any(org.get("identifier") == default for org in found):
        return [error(at(orgs), f"organizations/@default {default!r} does not name an organization")]
    return []


def _items(root, ns: dict, resources: dict, strict: bool) -> list[Finding]:
    out = []
    for item in root.iterfind("cp:organizations/cp:organization//cp:item", ns):
        ref, leaf, ident = item.get("identifierref"), item.find("cp:item", ns) is None, item.get("identifier")
        if ref is not None and ref not in resources:
            out.append(error(at(item), f"item {ident} refers to resource {ref!r}, which does not exist"))
        elif ref is not None and not resources[ref].get("href"):
            out.append(error(at(item), f"item {ident} launches resource {ref}, which has no href"))
        elif leaf and ref is None:
            level = error if strict else warning
            out.append(level(at(item), f"item {ident} has no identifierref: it launches nothing"))
        elif not leaf and ref is not None:
            level = error if strict else warning
            out.append(level(at(item), f"item {ident} has child items and an identifierref; only leaf items launch"))
    return out


def _dependencies(root, ns: dict, resources: dict) -> list[Finding]:
    return [error(at(dep), f"dependency on resource {dep.get('identifierref')!r}, which does not exist")
            for dep in root.iterfind("cp:resources/cp:resource/cp:dependency", ns)
            if dep.get("identifierref") not in resources]


def _bases(root, resource) -> tuple[str | None, ...]:
    return root.get(XML_BASE), resource.getparent().get(XML_BASE), resource.get(XML_BASE)


def _files(resource, ns, bases, names, folded, files: set) -> list[Finding]:
    out = []
    for file in resource.iterfind("cp:file", ns):
        href = file.get("href")
        if href is None:
            continue  # the schema reports the missing attribute
        target = resolve(href, bases)
        if target.path is not None and names is not None:
            out += missing_file(at(file), "<file>", target.path, names, folded, f" (href {href!r})")
        elif target.path is None:
            out += launch_findings(at(file), "<file> href", href, target, names, folded)
        files.add(target.path)
    return out


def _resource(root, resource, ns, names, folded, listed: set[str]) -> list[Finding]:
    bases, files = _bases(root, resource), set()
    out = _files(resource, ns, bases, names, folded, files)
    listed |= files
    href = resource.get("href")
    if href is not None:
        target = resolve(href, bases)
        out += launch_findings(at(resource), f"resource {resource.get('identifier')} href", href, target, names, folded)
        if target.path is not None and target.path not in files:
            out.append(warning(at(resource), f"launch file {target.path} is not listed as a <file> of its resource "
                                             "(ADL's SCORM 2004 test suite requires it; LMSs do not)"))
    return out


def _unlisted(names: set[str], listed: set[str]) -> list[Finding]:
    # Schema control files are never required as <file> (SCORM does not ask for it).
    extra = sorted(n for n in names - listed - {MANIFEST} if not n.lower().endswith((".xsd", ".dtd")))
    out = [warning(name, "in the zip but not listed in the manifest") for name in extra[:MAX_LISTED]]
    if len(extra) > MAX_LISTED:
        out.append(warning("", f"{len(extra) - MAX_LISTED} more files are in the zip but not listed in the manifest"))
    return out
