"""Crafted zips and non-files: never a traceback, never unbounded, and the finding says why.

Each case runs `courseforge validate` in its own child process limited to 1 GB of address space
and 20 s (fixtures/bounded.py): a bound, not a speed test."""
from __future__ import annotations

import os
import struct

import pytest

from fixtures.bounded import judge, run_validate
from fixtures.packages import golf_scorm12
from fixtures.rawzip import Raw, bomb_entry, many_entries_zip, overlapping_zip, raw_zip

MANIFEST = golf_scorm12()["imsmanifest.xml"].encode()


def _zip(*entries: Raw):
    return lambda path: path.write_bytes(raw_zip(list(entries)))


def _with_manifest(*entries: Raw):
    return _zip(Raw(b"imsmanifest.xml", MANIFEST, method=8), *entries)


def _patched(offset_from_end: int, fmt: str, value: int, *entries: Raw):
    """A zip whose bytes at `offset_from_end` are overwritten: an end record or directory that lies."""
    def make(path):
        data = bytearray(raw_zip(list(entries) or [Raw(b"imsmanifest.xml", MANIFEST)]))
        struct.pack_into(fmt, data, len(data) - offset_from_end, value)
        path.write_bytes(bytes(data))
    return make


def _bad_zip64_locator(path):
    data = raw_zip([Raw(b"imsmanifest.xml", MANIFEST)])
    end = data.rindex(b"PK\x05\x06")
    path.write_bytes(data[:end] + struct.pack("<4sIQI", b"PK\x06\x07", 0, 10, 1) + data[end:])


def _truncated(path):
    path.write_bytes(raw_zip([Raw(b"imsmanifest.xml", MANIFEST)])[:-30])


CASES = {
    "wrong CRC": (_with_manifest(Raw(b"page.html", b"<p>hi", crc=0xDEADBEEF)), "fails its CRC check"),
    "lying CRC on the descriptor": (_zip(Raw(b"imsmanifest.xml", MANIFEST, crc=7)), "fails its CRC check"),
    "size smaller than the data": (_zip(Raw(b"imsmanifest.xml", MANIFEST, method=8, size=100)),
                                   "more bytes than its header declares"),
    "size larger than the data": (_with_manifest(Raw(b"page.html", b"<p>hi", method=8, size=999)),
                                  "its header declares 999"),
    "encrypted entry": (_with_manifest(Raw(b"page.html", b"\x01" * 40, flags=1)), "is encrypted"),
    "encrypted descriptor": (_zip(Raw(b"imsmanifest.xml", MANIFEST, flags=1)), "is encrypted"),
    "unsupported compression": (_zip(Raw(b"imsmanifest.xml", MANIFEST, method=14)), "compression method 14"),
    "local name differs": (_zip(Raw(b"imsmanifest.xml", MANIFEST, local_name=b"evil.html")),
                           "local header names it 'evil.html'"),
    "invalid UTF-8 name": (_with_manifest(Raw(b"caf\xc3\x28.html", b"x", flags=0x800)), "not valid UTF-8"),
    "symlink entry": (_with_manifest(Raw(b"shared/passwd", b"/etc/passwd", mode=0o120777)), "symbolic link"),
    "duplicate names": (_zip(Raw(b"imsmanifest.xml", b"<broken"), Raw(b"imsmanifest.xml", MANIFEST)),
                        "appears twice"),
    "zip-slip": (_with_manifest(Raw(b"../../home/evil.sh", b"x")), "unsafe entry name '../../home/evil.sh'"),
    "absolute name": (_with_manifest(Raw(b"/etc/cron.d/evil", b"x")), "unsafe entry name '/etc/cron.d/evil'"),
    "windows drive name": (_with_manifest(Raw(b"C:\\evil.bat", b"x")), "unsafe entry name"),
    "decompression bomb": (_with_manifest(bomb_entry(b"video.mp4", 900 * 1024 * 1024)), "decompression bomb"),
    "bomb as descriptor": (_zip(bomb_entry(b"imsmanifest.xml", 64 * 1024 * 1024)), "decompression bomb"),
    "oversized descriptor": (_zip(Raw(b"imsmanifest.xml", b" " * (9 * 1024 * 1024) + MANIFEST, method=8)),
                             "more than 8388608 is refused"),
    "overlapping entries": (lambda path: path.write_bytes(overlapping_zip(100, 2 * 1024 * 1024)),
                            "overlapping entries"),
    "truncated zip": (_truncated, "not a usable zip"),
    "not a zip": (lambda path: path.write_bytes(b"MZ\x90\x00" + b"\x00" * 5000), "not a usable zip"),
    "empty file": (lambda path: path.write_bytes(b""), "not a usable zip"),
    "entry count lies low": (lambda path: many_entries_zip(path, 80_000, declared=10), "more than 65535 entries"),
    "directory too large": (lambda path: many_entries_zip(path, 400_000, declared=10), "central directory of"),
    "2 million entries": (lambda path: many_entries_zip(path, 2_000_000), "declares 2000000 entries"),
    "directory offset past the end": (_patched(6, "<I", 10**9), "lies outside the file"),
    "entry offset past the end": (_patched(22 + len(b"imsmanifest.xml") + 4, "<I", 10**8),
                                  "runs past the end of the file"),
    "Zip64 locator to garbage": (_bad_zip64_locator, "Zip64 end record"),
    "corrupt deflate data": (_zip(Raw(b"imsmanifest.xml", method=8, packed=b"\xff" * 64, crc=0, size=50)),
                             "not valid deflate data"),
    "empty zip": (lambda path: path.write_bytes(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0, 0, 0, 0, 0)),
                  "no imsmanifest.xml, cmi5.xml, tincan.xml at the zip root"),
    "external DTD in the descriptor": (_zip(Raw(b"imsmanifest.xml", b'<!DOCTYPE m SYSTEM "http://127.0.0.1:9/x.dtd">'
                                                                    + MANIFEST.split(b"?>", 1)[1])),
                                       "declares a DOCTYPE"),
    "descriptor nested 5000 deep": (_zip(Raw(b"cmi5.xml", b"<a>" * 5000 + b"</a>" * 5000, method=8)),
                                    "Excessive depth"),
    "named pipe": (lambda path: os.mkfifo(path), "not a regular file"),
    "folder": (lambda path: path.mkdir(), "not a regular file"),
}


@pytest.mark.parametrize("name", CASES)
def test_hostile_input_is_refused_for_the_right_reason(tmp_path, name):
    make, expected = CASES[name]
    path = tmp_path / "package.zip"
    make(path)
    code, reports = judge(path)
    assert code == 1
    errors = reports[str(path)]["errors"]
    assert any(expected in e for e in errors), errors


def test_dev_zero_is_refused_without_reading():
    code, reports = judge("/dev/zero")
    assert code == 1 and reports["/dev/zero"]["errors"] == [
        "not a regular file (a pipe, device or folder); refused without opening it"]


def test_a_hostile_zip_does_not_stop_the_others(tmp_path):
    fifo, bomb, good = tmp_path / "fifo.zip", tmp_path / "bomb.zip", tmp_path / "good.zip"
    os.mkfifo(fifo)
    _with_manifest(bomb_entry(b"x.bin", 300 * 1024 * 1024))(bomb)
    from fixtures.packages import write_zip
    write_zip(good, golf_scorm12())
    code, reports = judge(fifo, bomb, good)
    assert code == 1
    assert [reports[str(p)]["valid"] for p in (fifo, bomb, good)] == [False, False, True]


def test_entry_names_cannot_drive_the_terminal(tmp_path):
    path = tmp_path / "p.zip"
    _with_manifest(Raw(b"\x1b[2J\x1b]0;pwned\x07\nfake: valid.html", b"x"))(path)
    result = run_validate(path, options=())
    assert result.returncode == 1 and "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[2J" in result.stdout and "fake: valid.html" not in result.stdout.splitlines()[0]


def test_entries_are_integrity_checked_even_when_the_manifest_is_fine(tmp_path):
    path = tmp_path / "p.zip"
    _with_manifest(Raw(b"shared/launchpage.html", b"<p>ok", crc=1))(path)
    _, reports = judge(path)
    assert ("shared/launchpage.html: fails its CRC check: the zip is damaged or was tampered with"
            in reports[str(path)]["errors"])
