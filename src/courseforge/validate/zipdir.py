"""The zip central directory, read by hand so nothing is built before it is capped.

`zipfile.ZipFile` reads every central record into a list before a caller can count them (a 2-million
entry zip costs a gigabyte first), and raises on invalid UTF-8 names. Here the end record is read
first, the declared count and directory size are capped, then the directory is walked record by
record with the count capped again (the end record may lie).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

MAX_ENTRIES = 65_535            # Zip32's own limit (CHECKLIST Z4); no real package comes close
MAX_DIRECTORY = 16 * 1024 * 1024

END = struct.Struct("<4s4H2IH")            # end of central directory record
LOCATOR = struct.Struct("<4sIQI")          # Zip64 end record locator
END64 = struct.Struct("<4sQ2H2I4Q")        # Zip64 end of central directory record
CENTRAL = struct.Struct("<4s6H3I5H2I")     # central directory file header
LOCAL = struct.Struct("<4s5H3I2H")         # local file header
UTF8_FLAG = 0x800


class ZipDirError(Exception):
    """The directory cannot be trusted at all; the message says why, for a finding."""


@dataclass(slots=True)
class Entry:
    name: str
    raw: bytes
    flags: int
    method: int
    crc: int
    size: int            # uncompressed, as declared
    packed: int          # compressed, as declared
    offset: int          # of the local header, from the start of the file
    system: int          # "version made by" high byte: 3 is Unix (mode bits in external_attr)
    external: int
    bad_utf8: bool = False

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/")


def read_directory(f, file_size: int) -> list[Entry]:
    """Every central record of the zip open as `f`, or ZipDirError when the directory is unusable."""
    end_at, count, dir_size, dir_offset = _end_record(f, file_size)
    if count > MAX_ENTRIES:
        raise ZipDirError(f"declares {count} entries; more than {MAX_ENTRIES} is refused before reading them")
    if dir_size > MAX_DIRECTORY:
        raise ZipDirError(f"central directory of {dir_size} bytes; more than {MAX_DIRECTORY} is refused")
    start = end_at - dir_size  # self-extracting zips have a prefix: trust the position, as unzip does
    if start < 0 or dir_offset > start:
        raise ZipDirError("central directory lies outside the file (truncated or corrupt zip)")
    f.seek(start)
    data = f.read(dir_size)
    return _walk(data, prefix=start - dir_offset)


def _end_record(f, file_size: int) -> tuple[int, int, int, int]:
    tail_size = min(file_size, END.size + 0xFFFF)
    f.seek(file_size - tail_size)
    tail = f.read(tail_size)
    at = _end_position(tail)
    _, _, _, _, count, dir_size, dir_offset, _ = END.unpack_from(tail, at)
    end_at = file_size - tail_size + at
    if at >= LOCATOR.size and tail[at - LOCATOR.size:at - LOCATOR.size + 4] == b"PK\x06\x07":
        return _zip64_end(f, end_at - LOCATOR.size)
    return end_at, count, dir_size, dir_offset


def _end_position(tail: bytes) -> int:
    """The last signature whose comment length reaches exactly the end of the file (a comment may
    itself contain the signature bytes); failing that, as unzip does, the last one that fits."""
    fitting, at = [], tail.rfind(b"PK\x05\x06")
    while at >= 0:
        if at + END.size <= len(tail):
            if at + END.size + END.unpack_from(tail, at)[-1] == len(tail):
                return at
            fitting.append(at)
        at = tail.rfind(b"PK\x05\x06", 0, at)
    if not fitting:
        raise ZipDirError("not a zip (no end of central directory record)")
    return fitting[0]


def _zip64_end(f, locator_at: int) -> tuple[int, int, int, int]:
    # The Zip64 end record sits right before its locator; its own size field says how long it is.
    f.seek(locator_at)
    _, _, record_at, _ = LOCATOR.unpack(f.read(LOCATOR.size))
    if record_at + END64.size > locator_at:
        raise ZipDirError("Zip64 end record points outside the file")
    f.seek(record_at)
    fields = END64.unpack(f.read(END64.size))
    if fields[0] != b"PK\x06\x06":
        raise ZipDirError("Zip64 end record missing where its locator points")
    return record_at, fields[7], fields[8], fields[9]


def _walk(data: bytes, prefix: int) -> list[Entry]:
    entries, at = [], 0
    while at + CENTRAL.size <= len(data):
        if len(entries) >= MAX_ENTRIES:
            raise ZipDirError(f"more than {MAX_ENTRIES} entries in the central directory; refused")
        entry, at = _record(data, at, prefix)
        entries.append(entry)
    return entries


def _record(data: bytes, at: int, prefix: int) -> tuple[Entry, int]:
    (sig, made_by, _, flags, method, _, _, crc, packed, size, name_len, extra_len, comment_len,
     _, _, external, offset) = CENTRAL.unpack_from(data, at)
    if sig != b"PK\x01\x02":
        raise ZipDirError(f"central directory record {at} is damaged (bad signature)")
    name_at = at + CENTRAL.size
    end = name_at + name_len + extra_len + comment_len
    if end > len(data):
        raise ZipDirError("central directory record runs past the directory (truncated zip)")
    raw = data[name_at:name_at + name_len]
    extra = data[name_at + name_len:name_at + name_len + extra_len]
    size, packed, offset = _zip64_sizes(extra, size, packed, offset)
    name, bad = _decode(raw, flags)
    return Entry(name, raw, flags, method, crc, size, packed, offset + prefix, made_by >> 8, external, bad), end


def _zip64_sizes(extra: bytes, size: int, packed: int, offset: int) -> tuple[int, int, int]:
    """Values of 0xFFFFFFFF mean "see the Zip64 extra field", which lists them in this order."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4:at + 4 + length]
        if kind == 1:
            values = iter(struct.unpack_from(f"<{len(body) // 8}Q", body))
            size = next(values, size) if size == 0xFFFFFFFF else size
            packed = next(values, packed) if packed == 0xFFFFFFFF else packed
            offset = next(values, offset) if offset == 0xFFFFFFFF else offset
        at += 4 + length
    return size, packed, offset


def _decode(raw: bytes, flags: int) -> tuple[str, bool]:
    """A name flagged UTF-8 must be UTF-8. Unflagged names are UTF-8 in practice (macOS, Linux and
    Python zips), CP437 only in old DOS tools."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        if flags & UTF8_FLAG:
            return raw.decode("utf-8", "replace"), True
        return raw.decode("cp437"), False
