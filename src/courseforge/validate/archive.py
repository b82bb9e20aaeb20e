"""Someone else's zip, read without trusting it (CHECKLIST Z1–Z3).

Only regular files are opened (a FIFO would block, /dev/zero never ends); entries are counted and
their declared sizes and ratios capped before anything is decompressed; decompression stops one byte
past the declared size; every entry's CRC is checked while streaming, so memory stays bounded.
"""
from __future__ import annotations

import os
import stat
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from courseforge.validate.report import Finding, error
from courseforge.validate.zipdir import LOCAL, Entry, ZipDirError, read_directory

MAX_ENTRY = 1024 ** 3              # one file of a package
MAX_TOTAL = 2 * 1024 ** 3          # everything unpacked; LMS upload limits are far lower
MAX_RATIO = 200                    # deflate of real content stays well under; bombs reach ~1000
RATIO_FLOOR = 1024 * 1024          # tiny entries compress absurdly well and harm nobody
CHUNK = 1024 * 1024
STORED, DEFLATED = 0, 8


class Unreadable(Exception):
    """This entry cannot be read; the finding says why."""

    def __init__(self, finding: Finding):
        super().__init__(str(finding))
        self.finding = finding


@dataclass
class Archive:
    """An open zip: its entries by name (first copy wins) and what was wrong with them."""
    file: object
    size: int
    entries: dict[str, Entry] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    unsafe: set[str] = field(default_factory=set)     # entries never decompressed

    @property
    def names(self) -> set[str]:
        return {name for name, entry in self.entries.items() if not entry.is_dir}

    def read(self, name: str, cap: int) -> bytes:
        """The bytes of one entry, at most `cap` of them, checked against its CRC."""
        entry = self.entries[name]
        if entry.size > cap:
            raise Unreadable(error(name, f"is {entry.size} bytes; more than {cap} is refused"))
        return b"".join(_stream(self, entry))


def open_regular(path: Path):
    """A binary file object for a regular file, or a finding: never open a FIFO or a device."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return error("", "not a regular file (a pipe, device or folder); refused without opening it")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return error("", f"cannot be read ({exc.strerror})")
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between stat and open
        os.close(fd)
        return error("", "not a regular file; refused")
    return os.fdopen(fd, "rb")


def load(f) -> Archive | Finding:
    size = os.fstat(f.fileno()).st_size
    try:
        entries = read_directory(f, size)
    except ZipDirError as exc:
        return error("", f"not a usable zip: {exc}")
    archive = Archive(f, size)
    for entry in entries:
        _add(archive, entry)
    overlaps, totals = _overlaps(entries), _totals(entries)
    archive.findings += overlaps + totals
    archive.unsafe |= {f.where for f in overlaps} | (set(archive.entries) if totals else set())
    return archive


def _add(archive: Archive, entry: Entry) -> None:
    found = entry_findings(entry, archive.size)
    archive.findings += found
    if found:
        archive.unsafe.add(entry.name)
    if entry.name in archive.entries:
        archive.findings.append(error(entry.name, "appears twice in the zip; unzip tools disagree about which "
                                                   "copy wins, and the first may be the broken one"))
    archive.entries.setdefault(entry.name, entry)


def entry_findings(entry: Entry, file_size: int) -> list[Finding]:
    return _name_findings(entry) + _content_findings(entry, file_size)


def _name_findings(entry: Entry) -> list[Finding]:
    out, name = [], entry.name
    if entry.bad_utf8:
        out.append(error(name, "name is flagged UTF-8 but is not valid UTF-8"))
    if unsafe_name(name):
        out.append(error("", f"unsafe entry name {name!r}: absolute or escaping (zip-slip), unzipping it may write "
                               "outside the package folder"))
    if entry.system == 3 and stat.S_ISLNK(entry.external >> 16):
        out.append(error(name, "is a symbolic link; an LMS unzipping it may expose files outside the package"))
    return out


def _content_findings(entry: Entry, file_size: int) -> list[Finding]:
    out, name = [], entry.name
    if entry.flags & 1:
        out.append(error(name, "is encrypted; an LMS cannot read it"))
    if entry.method not in (STORED, DEFLATED):
        out.append(error(name, f"uses compression method {entry.method}; LMSs read only stored and deflate"))
    if entry.size > MAX_ENTRY:
        out.append(error(name, f"unpacks to {entry.size} bytes; more than {MAX_ENTRY} is refused"))
    elif entry.size > RATIO_FLOOR and entry.size > MAX_RATIO * max(entry.packed, 1):
        out.append(error(name, f"unpacks {entry.size // max(entry.packed, 1)} times larger than it is stored "
                               "(a decompression bomb); not read"))
    if entry.offset + LOCAL.size + entry.packed > file_size:
        out.append(error(name, "its data runs past the end of the file (truncated zip)"))
    return out


def unsafe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return (name.startswith("/") or "\\" in name or ".." in parts or (len(name) > 1 and name[1] == ":")
            or "\x00" in name)


def _overlaps(entries: list[Entry]) -> list[Finding]:
    # Overlapping entries are how the small-input, huge-output zip bombs are built.
    ordered = sorted(entries, key=lambda e: e.offset)
    return [error(b.name, f"shares its bytes with {a.name!r} (overlapping entries: a zip bomb construction); not read")
            for a, b in zip(ordered, ordered[1:]) if b.offset < a.offset + LOCAL.size + a.packed]


def _totals(entries: list[Entry]) -> list[Finding]:
    total = sum(e.size for e in entries)
    if total > MAX_TOTAL:
        return [error("", f"unpacks to {total} bytes in all; more than {MAX_TOTAL} is refused")]
    return []


def _stream(archive: Archive, entry: Entry):
    """Yields the entry's bytes in chunks; raises Unreadable on any lie or damage."""
    if entry.name in archive.unsafe:
        raise Unreadable(error(entry.name, "cannot be read safely (see the findings about this entry)"))
    start = _data_start(archive, entry)
    chunks = _raw_chunks(archive.file, start, entry)
    produced, crc = 0, 0
    for chunk in (_inflate(chunks, entry) if entry.method == DEFLATED else chunks):
        produced += len(chunk)
        if produced > entry.size:
            raise Unreadable(error(entry.name, "unpacks to more bytes than its header declares"))
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if produced != entry.size:
        raise Unreadable(error(entry.name, f"unpacks to {produced} bytes, its header declares {entry.size}"))
    if crc != entry.crc:
        raise Unreadable(error(entry.name, "fails its CRC check: the zip is damaged or was tampered with"))


def _data_start(archive: Archive, entry: Entry) -> int:
    archive.file.seek(entry.offset)
    header = archive.file.read(LOCAL.size)
    if len(header) < LOCAL.size or header[:4] != b"PK\x03\x04":
        raise Unreadable(error(entry.name, "has no local header where the directory points"))
    *_, name_len, extra_len = LOCAL.unpack(header)
    local_name = archive.file.read(name_len)
    if local_name != entry.raw:
        raise Unreadable(error(entry.name, f"its local header names it {local_name.decode('utf-8', 'replace')!r}: "
                                           "tools that read local headers unpack a different file"))
    return entry.offset + LOCAL.size + name_len + extra_len


def _raw_chunks(f, start: int, entry: Entry):
    f.seek(start)
    length = entry.packed
    while length > 0:
        chunk = f.read(min(CHUNK, length))
        if not chunk:
            raise Unreadable(error(entry.name, "the zip ends in the middle of this entry (truncated)"))
        length -= len(chunk)
        yield chunk


def _inflate(chunks, entry: Entry):
    inflater = zlib.decompressobj(-15)
    try:
        for chunk in chunks:
            while chunk:
                yield inflater.decompress(chunk, CHUNK)
                chunk = inflater.unconsumed_tail
        yield inflater.flush(CHUNK)
    except zlib.error as exc:
        raise Unreadable(error(entry.name, f"is not valid deflate data ({exc})")) from None


def integrity(archive: Archive) -> list[Finding]:
    """Streams every readable entry once: CRC, declared sizes, local headers."""
    out = []
    for entry in archive.entries.values():
        if entry.is_dir or entry.name in archive.unsafe:
            continue
        try:
            for _ in _stream(archive, entry):
                pass
        except Unreadable as exc:
            out.append(exc.finding)
    return out
