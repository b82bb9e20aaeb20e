"""The shared zip writer (reproducible bytes) and XML helpers every exporter uses."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

# Z4: 1980-01-01 is the earliest time a zip can hold and every unzip accepts it.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
SAFE_ENTRY = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
# Already-compressed media gains nothing from deflate; storing it is much faster.
STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp4", ".m4a", ".mp3", ".woff2", ".zip")


def check_entry(name: str) -> None:
    if not SAFE_ENTRY.match(name) or ".." in name.split("/"):
        raise ValueError(f"unsafe zip entry name {name!r}")


def write_zip(files: dict[str, bytes], dest: Path) -> Path:
    """Write `files` to `dest` so that the same input always gives the same bytes."""
    with zipfile.ZipFile(dest, "w", allowZip64=False) as archive:
        for name in sorted(files):
            check_entry(name)
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.create_system = 3  # Unix, so the permission bits below mean the same everywhere
            info.external_attr = 0o100644 << 16
            stored = name.lower().endswith(STORED_SUFFIXES)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name], compresslevel=None if stored else 6)
    return dest


DESCRIPTORS = ("imsmanifest.xml", "cmi5.xml", "tincan.xml")


def write_package(files: dict[str, bytes], descriptor: str, data: bytes, problems: list[str], dest: Path) -> Path:
    """Add the package's descriptor and zip it. A descriptor that fails validation is a bug in
    courseforge or a theme, never something to ship (CHECKLIST V1); so is a second descriptor (Z2)."""
    problems = problems + [f"{name} must not ship beside {descriptor} (Z2)"
                           for name in DESCRIPTORS if name != descriptor and name in files]
    if problems:
        raise RuntimeError(f"generated {descriptor} is invalid:\n" + "\n".join(problems))
    return write_zip({**files, descriptor: data}, dest)


def xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
