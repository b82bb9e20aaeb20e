"""What both SCORM editions share: an IMS content package around the player, its manifest validated
before anything is zipped (CHECKLIST V1), with the schema files the manifest names beside it."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from courseforge.model import Course, Site
from courseforge.package import write_package
from courseforge.validate import SCHEMAS

MANIFEST = "imsmanifest.xml"


def content_package(course: Course, site: Site, out_dir: Path, standard: str, schema_files: Iterable[str],
                    manifest: Callable[[Course, list[str], str], bytes],
                    problems: Callable[[bytes, set[str]], list[str]]) -> Path:
    """`manifest(course, files, launch)` describes the package; `problems(manifest, files)` validates it."""
    files = dict(site.files)
    for name in schema_files:
        files[name] = (SCHEMAS / standard / name).read_bytes()
    data = manifest(course, sorted(files), site.launch)
    return write_package(files, MANIFEST, data, problems(data, set(files)), out_dir / f"{course.id}-{standard}.zip")


def vcard(name: str) -> str:
    """An author as the vCard 3.0 both SCORM metadata records hold (its FN value escaped, RFC 2426)."""
    escaped = name.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", " ")
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:{escaped}\nEND:VCARD"
