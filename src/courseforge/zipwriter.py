"""Reproducible zip files, written field by field so large entries can be deflated in pieces.

An entry of a megabyte or more is cut into pieces at content-defined points (some `<section`
starts, chosen by a hash of what follows, so an edit moves no other cut); an entry of 16 KB or more
is one piece. Pieces are deflated on their own with a full flush, all the package's on every core,
and joined into one valid deflate stream, as pigz does. Within `deflate_cache(folder)`, pieces
deflated by the previous build are reused: a rebuild after editing one lesson of a large course
deflates its part (pageparts.py), not the whole course.
The same input gives the same bytes, cached or not, whatever the number of cores.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import re
import struct
import zlib
from pathlib import Path

from courseforge.cacheseal import read_sealed, store_folder, write_sealed

LEVEL = 6
CACHED_FROM = 16 << 10  # bytes: smaller entries are deflated whole, each time (they cost nothing)
PIECES_FROM = 1 << 20  # bytes: larger entries are cut into pieces
MAX_PIECE = 1 << 20  # a piece with no cut point in it is cut by size
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
_cache: contextvars.ContextVar["_PieceCache | None"] = contextvars.ContextVar("deflate_cache", default=None)


def write(entries: list[tuple[str, bytes, bool]], dest: Path) -> Path:
    """Write (name, data, deflate?) entries, in the order given, to `dest`."""
    central, offset = [], 0
    packed_all = iter(_deflate_all([data for _, data, deflate in entries if deflate]))
    with open(dest, "wb") as out:
        for name, data, deflate in entries:
            packed = next(packed_all) if deflate else data
            crc, method, encoded = zlib.crc32(data), 8 if deflate else 0, name.encode("ascii")
            if max(len(data), len(packed), offset) > 0xFFFFFFFF:
                raise ValueError(f"{name}: too large for a zip without ZIP64")
            out.write(LOCAL.pack(b"PK\x03\x04", VERSION, 0, method, DOS_TIME, DOS_DATE, crc, len(packed), len(data),
                                 len(encoded), 0) + encoded)
            out.write(packed)
            central.append(CENTRAL.pack(b"PK\x01\x02", MADE_BY, VERSION, 0, method, DOS_TIME, DOS_DATE, crc,
                                        len(packed), len(data), len(encoded), 0, 0, 0, 0, MODE, offset) + encoded)
            offset += LOCAL.size + len(encoded) + len(packed)
        directory = b"".join(central)
        out.write(directory + END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0))
    return dest


def _deflate_all(datas: list[bytes]) -> list[bytes]:
    """Every entry deflated: small ones whole; from CACHED_FROM on as pieces (one, or cut at
    content-defined points from PIECES_FROM on) deflated together on every core, the pieces the last
    build deflated taken from the cache (a large course's pages/*.js parts, its index.html)."""
    from concurrent.futures import ThreadPoolExecutor

    cache = _cache.get()
    known = cache.pieces if cache is not None else {}
    plans: list[list[bytes] | None] = []
    missing: dict[bytes, memoryview] = {}
    for data in datas:
        if len(data) < CACHED_FROM:
            plans.append(None)
            continue
        pieces = _pieces(data) if len(data) >= PIECES_FROM else [memoryview(data)]
        keys = [hashlib.sha1(piece).digest() for piece in pieces]
        missing.update((key, piece) for key, piece in zip(keys, pieces) if key not in known)
        plans.append(keys)
    with ThreadPoolExecutor(_cores()) as pool:  # zlib lets go of the GIL while it deflates
        made = dict(zip(missing, pool.map(_deflate_piece, missing.values())))
    if cache is not None:
        cache.add(made, [key for keys in plans if keys for key in keys])
    return [_deflate_whole(data) if keys is None else b"".join(known.get(key) or made[key] for key in keys) + FINAL_BLOCK
            for data, keys in zip(datas, plans)]


def _deflate_whole(data: bytes) -> bytes:
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


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
    """Deflated pieces by the SHA-1 of their bytes, in one file sealed with this user's key (a piece
    from someone else's cache could unpack to anything): [20-byte key][4-byte length][data]…"""

    RECORD = struct.Struct("<20sL")

    def __init__(self, path: Path):
        self.path, self.pieces, self.used = path, {}, set()
        with contextlib.suppress(struct.error):
            blob, at = read_sealed(path) or b"", 0
            while at < len(blob):
                key, size = self.RECORD.unpack_from(blob, at)
                at += self.RECORD.size
                if at + size > len(blob):  # cut short: trust none of it
                    self.pieces.clear()
                    break
                self.pieces[key] = blob[at:at + size]
                at += size

    def add(self, made: dict[bytes, bytes], keys: list[bytes]) -> None:
        self.pieces.update(made)
        self.used.update(keys)

    def save(self) -> None:
        """Keep what this build used, nothing older."""
        records = b"".join(self.RECORD.pack(key, len(self.pieces[key])) + self.pieces[key] for key in sorted(self.used))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_sealed(self.path, records)


@contextlib.contextmanager
def deflate_cache(folder: Path | None):
    """Reuse (and keep for next time) the deflated pieces of large entries under `folder`."""
    if folder is None or store_folder(Path(folder).parent, Path(folder).name) is None:
        yield  # no cache folder, or one that is a link (a course folder from someone else may carry one)
        return
    cache = _PieceCache(Path(folder) / "deflate.bin")
    token = _cache.set(cache)
    try:
        yield
        if cache.used:
            with contextlib.suppress(OSError):  # a read-only project still builds, without a cache
                cache.save()
    finally:
        _cache.reset(token)
