"""How long each track of an MP4 lasts, read from its boxes (moov → trak → mdia → mdhd, hdlr).

moviepy never looks at ffmpeg's exit status: an ffmpeg stopped half-way (a SIGINT that reached it and
not the build, a full disk) leaves a short or broken clip that would be cached and packaged as if whole.
"""
from __future__ import annotations

import struct
from pathlib import Path

def track_seconds(path: Path) -> dict[str, float]:
    """Seconds of each track by handler ("vide", "soun"); {} when the file is cut short (its media data
    not whole) or holds no readable moov."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    found: dict[str, float] = {}
    top = list(_boxes(data, 0, len(data)))
    if b"mdat" not in {box for box, _ in top}:
        return {}
    for box, body in top:
        if box == b"moov":
            for trak, trak_body in _boxes(data, *body):
                if trak == b"trak":
                    handler, seconds = _track(data, *trak_body)
                    if handler and seconds is not None:
                        found[handler] = max(found.get(handler, 0.0), seconds)
    return found


def _track(data: bytes, start: int, end: int) -> tuple[str | None, float | None]:
    handler, seconds = None, None
    for box, (at, stop) in _boxes(data, start, end):
        if box != b"mdia":
            continue
        for inner, (inner_at, inner_stop) in _boxes(data, at, stop):
            if inner == b"hdlr" and inner_stop - inner_at >= 12:
                handler = data[inner_at + 8:inner_at + 12].decode("latin-1")
            elif inner == b"mdhd" and inner_stop > inner_at:
                seconds = _media_seconds(data, inner_at, inner_stop)
    return handler, seconds


def _media_seconds(data: bytes, at: int, stop: int) -> float | None:
    version = data[at]
    layout, offset = (">LQ", at + 20) if version == 1 else (">LL", at + 12)
    if offset + struct.calcsize(layout) > stop:
        return None
    timescale, duration = struct.unpack_from(layout, data, offset)
    return duration / timescale if timescale else None


def _boxes(data: bytes, start: int, end: int):
    """(type, (body start, body end)) of each box between `start` and `end`; stops at a cut-short one."""
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack_from(">L4s", data, at)
        header = 8
        if size == 1 and at + 16 <= end:
            size, header = struct.unpack_from(">Q", data, at + 8)[0], 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            return
        yield kind, (at + header, at + size)
        at += size
