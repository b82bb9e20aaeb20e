"""Reproducible zip files, written field by field so large entries can be deflated in pieces.

An entry under a megabyte is deflated whole by libdeflate (the `deflate` package), which makes
streams the size of zlib's at level 6 (0.2 % smaller on prose, 3.5 % larger on text of a few dozen
words) in about 40 % of its time, and gives the same bytes on every machine for one version.
An entry of a megabyte or more is cut into pieces at content-defined points (some `<section`
starts, chosen by a hash of what follows, so an edit moves no other cut), deflated by zlib on their
own with a full flush (libdeflate only makes whole streams) and joined into one valid deflate
stream, as pigz does. Entries of 16 KB or more, and pieces, are deflated all together on every
core. Within `deflate_cache(folder)`, what the previous build deflated is reused: a rebuild after
editing one lesson of a large course deflates its part (pageparts.py), not the whole course.
An entry may also be `Keyed`: known by a hash of what makes it (a part: its pages' section keys…).
The cache keeps such an entry's CRC, size and the keys of its deflated pieces under that hash, so a
rebuild writes an unchanged part without making, hashing or checksumming its bytes.
The same input gives the same bytes, cached or not, whatever the number of cores.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import itertools
import os
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import deflate as libdeflate

from courseforge.cachejournal import folds, journal_of
from courseforge.cacheseal import read_sealed, store_folder, write_sealed

LEVEL = 6
CACHED_FROM = 16 << 10  # bytes: smaller entries are deflated each time (they cost nothing)
PIECES_FROM = 1 << 20  # bytes: larger entries are cut into pieces; smaller ones are one libdeflate stream
MAX_PIECE = 1 << 20  # a piece with no cut point in it is cut by size
MAX_PIECES = 4 << 30  # bytes of kept pieces read back (the packages' large entries, deflated, once each)
CUT = re.compile(rb"<section\b")  # a literal start: the regex engine scans for it at memchr speed
CUT_ONE_IN = 16  # about one `<section` start in this many becomes a cut
FINAL_BLOCK = b"\x03\x00"  # an empty, final deflate block: ends a stream of full-flushed pieces
DOS_DATE, DOS_TIME = (1 << 5) | 1, 0  # Z4: 1980-01-01 00:00:00, the earliest time a zip holds and every unzip accepts
VERSION = 20  # 2.0: deflate
MADE_BY = (3 << 8) | VERSION  # Unix, so the permission bits mean the same everywhere
MODE = 0o100644 << 16
LOCAL = struct.Struct("<4sHHHHHLLLHH")
CENTRAL = struct.Struct("<4sHHHHHHLLLHHHHHLL")
END = struct.Struct("<4sHHHHLLH")
# How pieces are cut and deflated: a kept entry's pieces are those of the build that kept it.
FORMAT = b"%d %d %d %d %d %s %s\n" % (LEVEL, CACHED_FROM, PIECES_FROM, MAX_PIECE, CUT_ONE_IN,
                                      zlib.ZLIB_RUNTIME_VERSION.encode(), libdeflate.__version__.encode())
_cache: contextvars.ContextVar["_PieceCache | None"] = contextvars.ContextVar("deflate_cache", default=None)


class Keyed:
    """An entry's data known by `key`, a SHA-256 digest of what makes it (not of its bytes, which
    `bytes(entry)` makes when they are needed: a cache miss, the preview). Entries with the same key
    are equal."""

    __slots__ = ("key", "_make")

    def __init__(self, key: bytes, make: Callable[[], bytes]):
        self.key, self._make = key, make

    def __bytes__(self) -> bytes:
        return self._make()

    def __eq__(self, other) -> bool:
        return isinstance(other, Keyed) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)


def write(entries: list[tuple[str, bytes | Keyed, bool]], dest: Path) -> Path:
    """Write (name, data, deflate?) entries, in the order given, to `dest`."""
    cache = _cache.get()
    kept = [cache.entry(data.key) if cache is not None and deflate and isinstance(data, Keyed) else None
            for _, data, deflate in entries]
    datas = [bytes(data) if found is None else b"" for (_, data, _), found in zip(entries, kept)]
    packed_all = iter(_deflate_all([data for (_, _, deflate), data, found in zip(entries, datas, kept)
                                    if deflate and found is None]))
    central, offset = [], 0
    with open(dest, "wb") as out:
        for (name, given, deflate), data, found in zip(entries, datas, kept):
            if found is not None:
                crc, size, packed = found
            else:
                packed, pieces = next(packed_all) if deflate else (data, None)
                crc, size = libdeflate.crc32(data), len(data)
                if cache is not None and pieces and isinstance(given, Keyed):
                    cache.keep(given.key, crc, size, pieces)
            method, encoded = 8 if deflate else 0, name.encode("ascii")
            if max(size, len(packed), offset) > 0xFFFFFFFF:
                raise ValueError(f"{name}: too large for a zip without ZIP64")
            out.write(LOCAL.pack(b"PK\x03\x04", VERSION, 0, method, DOS_TIME, DOS_DATE, crc, len(packed), size,
                                 len(encoded), 0) + encoded)
            out.write(packed)
            central.append(CENTRAL.pack(b"PK\x01\x02", MADE_BY, VERSION, 0, method, DOS_TIME, DOS_DATE, crc,
                                        len(packed), size, len(encoded), 0, 0, 0, 0, MODE, offset) + encoded)
            offset += LOCAL.size + len(encoded) + len(packed)
        directory = b"".join(central)
        out.write(directory + END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0))
    return dest


def _deflate_all(datas: list[bytes]) -> list[tuple[bytes, list[bytes] | None]]:
    """Every entry deflated, with the keys of what the cache keeps of it: small ones whole, each
    time (no keys); from CACHED_FROM on as one stream (a large course's pages/*.js parts) or, from
    PIECES_FROM on, as pieces cut at content-defined points (a large index.html), deflated together on
    every core, what the last build deflated taken from the cache."""
    from concurrent.futures import ThreadPoolExecutor

    cache = _cache.get()
    known = cache.pieces if cache is not None else {}
    plans: list[list[bytes] | None] = []
    missing: dict[bytes, tuple[memoryview, bool]] = {}  # key → (bytes, whether they are a whole entry)
    for data in datas:
        if len(data) < CACHED_FROM:
            plans.append(None)
            continue
        if len(data) < PIECES_FROM:
            keys = [_stream_key(data)]
            if keys[0] not in known:
                missing[keys[0]] = (memoryview(data), True)
        else:
            pieces = _pieces(data)
            keys = [hashlib.sha1(piece).digest() for piece in pieces]
            missing.update((key, (piece, False)) for key, piece in zip(keys, pieces) if key not in known)
        plans.append(keys)
    with ThreadPoolExecutor(_cores()) as pool:  # zlib and libdeflate let go of the GIL while they deflate
        made = dict(zip(missing, pool.map(_deflate_part, missing.values())))
    if cache is not None:
        cache.add(made, [key for keys in plans if keys for key in keys])
    return [(_deflate_stream(data), None) if keys is None else
            (_joined([known.get(key) or made[key] for key in keys], len(data)), keys)
            for data, keys in zip(datas, plans)]


def _stream_key(data: bytes) -> bytes:
    """The cache's key of an entry deflated as one stream: never a piece's (the same bytes cut from a
    larger entry are deflated otherwise, as a piece to join)."""
    key = hashlib.sha1(b"stream\0")
    key.update(data)
    return key.digest()


def _joined(deflated: list[bytes], size: int) -> bytes:
    """An entry's deflated data from what was deflated of it: one stream as it is, pieces ended."""
    return deflated[0] if size < PIECES_FROM else b"".join(deflated) + FINAL_BLOCK


def _deflate_part(part: tuple[memoryview, bool]) -> bytes:
    data, whole = part
    return _deflate_stream(data) if whole else _deflate_piece(data)


def _deflate_stream(data: bytes | memoryview) -> bytes:
    """A whole entry as one final deflate stream."""
    return libdeflate.deflate_compress(data, LEVEL)


def _deflate_piece(piece: memoryview) -> bytes:
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return packer.compress(piece) + packer.flush(zlib.Z_FULL_FLUSH)


def _pieces(data: bytes) -> list[memoryview]:
    cuts = [match.start() for match in CUT.finditer(data)
            if zlib.crc32(data[match.start():match.start() + 160]) % CUT_ONE_IN == 0]
    bounds = [0]
    for cut in [*cuts, len(data)]:
        while cut - bounds[-1] > MAX_PIECE:
            bounds.append(bounds[-1] + MAX_PIECE)
        if cut > bounds[-1]:
            bounds.append(cut)
    view = memoryview(data)  # pieces without copies of a page that may weigh tens of megabytes
    return [view[start:end] for start, end in zip(bounds, bounds[1:])]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class _PieceCache:
    """Deflated pieces by the SHA-1 of their bytes (whole streams by _stream_key), in files sealed
    with this user's key (a piece from someone else's cache could unpack to anything): the FORMAT
    line, then [20-byte key][4-byte length][data]…; and
    Keyed entries by their key, in another: the FORMAT line, then [32-byte key][CRC][size][number of
    pieces][their keys]… An entry whose pieces are not all here is a miss.

    The pieces are in two files: `path` holds those of some build, its journal (cachejournal.py)
    those made since that this build still uses. A rebuild after one lesson's edit rewrites the
    journal (its part's new piece of ~10 KB at 5 000 lessons, with those of the rebuilds before it:
    at most an eighth of `path`), not every piece of the course (2.6 MB). A piece's key is the hash
    of its bytes."""

    RECORD = struct.Struct("<20sL")
    ENTRY = struct.Struct("<32sLLH")

    def __init__(self, path: Path, entries_path: Path):
        self.path, self.entries_path, self.used = path, entries_path, set()
        self.journal = journal_of(path)
        self.folded = self._read_pieces(path)  # as the file holds them
        journal = self._read_pieces(self.journal)
        self.pieces = {**self.folded, **journal}
        self.journaled = journal.keys() - self.folded.keys()  # as the journal holds them
        self.entries: dict[bytes, tuple[int, int, tuple[bytes, ...]]] = self._read_entries()
        self.kept: dict[bytes, tuple[int, int, tuple[bytes, ...]]] = {}  # what this build used or made

    def entry(self, key: bytes) -> tuple[int, int, bytes] | None:
        """The CRC, size and deflated data of the entry kept under `key`, or None."""
        found = self.kept.get(key) or self.entries.get(key)  # kept: made by a package before this one
        if found is None or not all(piece in self.pieces for piece in found[2]):
            return None
        self.kept[key] = found
        self.used.update(found[2])
        return found[0], found[1], _joined([self.pieces[piece] for piece in found[2]], found[1])

    def keep(self, key: bytes, crc: int, size: int, pieces: list[bytes]) -> None:
        if len(key) == 32 and len(pieces) < 1 << 16:
            self.kept[key] = (crc, size, tuple(pieces))

    def add(self, made: dict[bytes, bytes], keys: list[bytes]) -> None:
        self.pieces.update(made)
        self.used.update(keys)

    def save(self) -> None:
        """Keep what this build used: its new pieces in the journal, or all of them in the file
        (cachejournal.folds)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = sorted(self.used - self.folded.keys())
        unused = sum(len(piece) for key, piece in self.folded.items() if key not in self.used)
        if not folds(sum(map(len, self.folded.values())), sum(len(self.pieces[key]) for key in new), unused):
            if set(new) != self.journaled:
                if new:
                    self._write_pieces(self.journal, new)
                else:
                    self.journal.unlink(missing_ok=True)
        else:
            self._write_pieces(self.path, sorted(self.used))
            self.journal.unlink(missing_ok=True)  # what it held is in the file now
        if self.kept != self.entries:
            write_sealed(self.entries_path, FORMAT + b"".join(
                self.ENTRY.pack(key, crc, size, len(pieces)) + b"".join(pieces)
                for key, (crc, size, pieces) in sorted(self.kept.items())))

    def _read_pieces(self, path: Path) -> dict[bytes, bytes]:
        pieces: dict[bytes, bytes] = {}
        with contextlib.suppress(struct.error):
            blob = read_sealed(path, MAX_PIECES) or b""
            # Pieces deflated otherwise (another level, another zlib) would mix into this build's zips:
            # the same source would then zip to other bytes warm than cold.
            at = len(FORMAT) if blob.startswith(FORMAT) else len(blob)
            while at < len(blob):
                key, size = self.RECORD.unpack_from(blob, at)
                at += self.RECORD.size
                if at + size > len(blob):  # cut short: trust none of it
                    return {}
                pieces[key] = blob[at:at + size]
                at += size
        return pieces

    def _write_pieces(self, path: Path, keys: list[bytes]) -> None:
        write_sealed(path, itertools.chain((FORMAT,), (part for key in keys for part in
                                                      (self.RECORD.pack(key, len(self.pieces[key])), self.pieces[key]))))

    def _read_entries(self) -> dict[bytes, tuple[int, int, tuple[bytes, ...]]]:
        blob, entries = read_sealed(self.entries_path) or b"", {}
        if not blob.startswith(FORMAT):  # none, or cut and deflated otherwise
            return entries
        at = len(FORMAT)
        with contextlib.suppress(struct.error):
            while at < len(blob):
                key, crc, size, count = self.ENTRY.unpack_from(blob, at)
                at += self.ENTRY.size
                pieces = tuple(blob[at + 20 * n:at + 20 * n + 20] for n in range(count))
                at += 20 * count
                if at > len(blob):  # cut short: trust none of it
                    return {}
                entries[key] = (crc, size, pieces)
        return entries if at == len(blob) else {}


@contextlib.contextmanager
def deflate_cache(folder: Path | None):
    """Reuse (and keep for next time) the deflated pieces of large entries under `folder`."""
    if folder is None or store_folder(Path(folder).parent, Path(folder).name) is None:
        yield  # no cache folder, or one that is a link (a course folder from someone else may carry one)
        return
    cache = _PieceCache(Path(folder) / "deflate.bin", Path(folder) / "entries.bin")
    token = _cache.set(cache)
    try:
        yield
        if cache.used:
            with contextlib.suppress(OSError):  # a read-only project still builds, without a cache
                cache.save()
    finally:
        _cache.reset(token)
