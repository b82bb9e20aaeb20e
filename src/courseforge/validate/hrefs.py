"""Launch URLs and file references, resolved the way an LMS serving the unzipped package does:
`xml:base` prefixes, `%20` escapes, query strings and fragments (which name no file)."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from courseforge.validate.report import Finding, error, warning

DANGEROUS = {"javascript", "data", "vbscript", "file"}


@dataclass(frozen=True)
class Target:
    path: str | None = None       # the zip entry it names, when local
    scheme: str = ""              # when not local
    escapes: bool = False         # leading "/", "\\" or ".." past the package root


def resolve(href: str, bases: tuple[str | None, ...] = ()) -> Target:
    value = "".join(_folder(b.strip()) for b in bases if b and b.strip()) + href.strip()
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[::1" and the like
        return Target(scheme="malformed")
    if len(parts.scheme) > 1 or parts.netloc:
        return Target(scheme=parts.scheme.lower() or "//")
    if parts.scheme or value.startswith("/") or "\\" in value:  # "C:" drive letters parse as a scheme
        return Target(escapes=True)
    path = posixpath.normpath(unquote(parts.path)) if parts.path else ""
    if path == ".." or path.startswith("../"):
        return Target(escapes=True)
    return Target(path="" if path == "." else path)


def _folder(base: str) -> str:
    # CTS04 wants xml:base to end with "/"; LMSs join it to the href either way.
    return base if base.endswith("/") else base + "/"


def launch_findings(where: str, what: str, href: str | None, target: Target, names: set[str] | None,
                    folded: dict | None = None) -> list[Finding]:
    """A URL the LMS opens: dangerous schemes, escapes, and (when the zip is known) the file itself."""
    if target.scheme in DANGEROUS:
        return [error(where, f"{what} {href!r} is a {target.scheme}: URL; an LMS would run it, not a course file")]
    if target.scheme == "malformed":
        return [error(where, f"{what} {href!r} is not a valid URL")]
    if target.scheme:
        return [warning(where, f"{what} {href!r} is outside the package; it only works while that site is up")]
    if target.escapes:
        return [error(where, f"{what} {href!r} must be relative to the package root (no leading /, \\ or ..)")]
    if names is not None:
        return missing_file(where, "launch file", target.path or "", names, folded, f" ({what} {href!r})")
    return []


def missing_file(where: str, what: str, path: str, names: set[str], folded: dict | None = None,
                 source: str = "") -> list[Finding]:
    if path in names:
        return []
    twin = (folded if folded is not None else {n.lower(): n for n in names}).get(path.lower())
    if twin:
        return [error(where, f"{what} {path} is not in the zip, {twin} is: "
                             f"LMS file systems are case-sensitive{source}")]
    return [error(where, f"{what} {path or '(empty)'} is not in the zip{source}")]


def xml_bases(element) -> tuple[str | None, ...]:
    """The xml:base values in force at `element`, outermost first."""
    chain = [e.get("{http://www.w3.org/XML/1998/namespace}base") for e in element.iterancestors()]
    return tuple(reversed(chain)) + (element.get("{http://www.w3.org/XML/1998/namespace}base"),)
