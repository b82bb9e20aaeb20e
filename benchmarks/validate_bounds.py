"""Time and peak memory of `courseforge validate` on hostile zips and on a large sound package.

Each case runs in a fresh process, so max RSS belongs to that check alone. The reference, measured
in the same run on the same sound package: Python's own `zipfile.ZipFile.testzip()`, which reads
every entry and checks its CRC (the floor for an integrity check). `ratio` is validate time /
testzip time on that package. Targets: every hostile case under 100 MB and 5 s (issue 10 measured
7.3 GB for /dev/zero and 1.1 GB for 2 million entries); ratio within 2.

    python benchmarks/validate_bounds.py [--repeat 3] [--megabytes 300]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from fixtures.packages import golf_scorm12, write_zip  # noqa: E402
from fixtures.rawzip import Raw, bomb_entry, many_entries_zip, overlapping_zip, raw_zip  # noqa: E402

CHILD = textwrap.dedent("""
    import json, resource, sys, time, zipfile
    from pathlib import Path
    mode, path = sys.argv[1], Path(sys.argv[2])
    started = time.perf_counter()
    if mode == "validate":
        from courseforge.validate import validate_package
        valid = validate_package(path).valid
    else:
        with zipfile.ZipFile(path) as archive:
            valid = archive.testzip() is None
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "valid": valid}))
""")
MANIFEST = golf_scorm12()["imsmanifest.xml"].encode()


def hostile_cases(folder: Path) -> dict[str, Path]:
    cases = {"2 million entries": folder / "many.zip", "900 MB bomb": folder / "bomb.zip",
             "overlapping entries": folder / "overlap.zip", "named pipe": folder / "fifo.zip"}
    many_entries_zip(cases["2 million entries"], 2_000_000)
    cases["900 MB bomb"].write_bytes(raw_zip([Raw(b"imsmanifest.xml", MANIFEST),
                                              bomb_entry(b"video.mp4", 900 * 1024 * 1024)]))
    cases["overlapping entries"].write_bytes(overlapping_zip(1000, 4 * 1024 * 1024))
    os.mkfifo(cases["named pipe"])
    return {**cases, "/dev/zero": Path("/dev/zero")}


def sound_package(folder: Path, megabytes: int) -> Path:
    """The golf package with a large incompressible file (like a video), written a megabyte at a time:
    a child forked from a big parent would report the parent's memory as its own peak."""
    path = write_zip(folder / "sound.zip", {k: v for k, v in golf_scorm12().items() if k != "shared/background.jpg"})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("shared/background.jpg", "w", force_zip64=True) as f:
            for _ in range(megabytes):
                f.write(os.urandom(1024 * 1024))
    return path


def measure(mode: str, path: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", CHILD, mode, str(path)], capture_output=True, text=True,
                             timeout=120, env={**os.environ, "PYTHONPATH": str(REPO / "src")}, check=True)
        runs.append(json.loads(out.stdout))
    return min(runs, key=lambda run: run["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--megabytes", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'case':<24} {'seconds':>8} {'max MB':>8}  verdict")
        for name, path in hostile_cases(folder).items():
            run = measure("validate", path, args.repeat)
            print(f"{name:<24} {run['seconds']:>8.2f} {run['mb']:>8.0f}  {'valid' if run['valid'] else 'INVALID'}")
        package = sound_package(folder, args.megabytes)
        ours, floor = measure("validate", package, args.repeat), measure("testzip", package, args.repeat)
        print(f"{'sound ' + str(args.megabytes) + ' MB, validate':<24} {ours['seconds']:>8.2f} {ours['mb']:>8.0f}  "
              f"{'valid' if ours['valid'] else 'INVALID'}")
        print(f"{'same, zipfile.testzip':<24} {floor['seconds']:>8.2f} {floor['mb']:>8.0f}")
        print(f"ratio validate / testzip: {ours['seconds'] / floor['seconds']:.2f} (target within 2)")


if __name__ == "__main__":
    main()
