"""What a learner downloads before a course's first screen, at 10 to 5 000 lessons (SCORM 1.2).

Launch payload: index.html plus the stylesheet and every script it loads at start (the player asks
for the first page's part only after the cover shows, while the learner reads it; it is printed
apart as "first part"). The reference, built in the same run from the same source: the launch page
as it would be with every page inline (pageparts.LAUNCH_LIMIT lifted), what a learner downloaded
before pages came in parts. Lessons as benchmarks/build_scale.py makes them (~320 words).
Target: launch payload < 500 KB at any size.

    python benchmarks/launch_payload.py [--sizes 10 100 1000 5000]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_scale import make_course  # noqa: E402 - the same lessons as the build benchmark

TARGET_KB = 500
STARTUP = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"')


def launch_figures(zip_path: Path) -> dict:
    with zipfile.ZipFile(zip_path) as archive:
        index = archive.read("index.html")
        html = index.decode("utf-8")
        startup = [archive.getinfo(name).file_size for name in STARTUP.findall(html) if name in archive.namelist()]
        data = json.loads(re.search(r'id="cf-course">(.*?)</script>', html, re.S)[1])
        parts = data.get("parts", [])
        first = archive.getinfo(parts[0]).file_size if parts else 0
    return {"index": len(index), "startup": sum(startup), "parts": len(parts), "first": first}


def build_zip(source: Path, out: Path, whole: bool) -> Path:
    from courseforge.build import build

    with mock.patch("courseforge.render.LAUNCH_LIMIT", 10**12) if whole else mock.patch.dict({}):
        return next(p for p in build(source, out, formats=("scorm12",)) if p.suffix == ".zip")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 5000])
    args = parser.parse_args()
    print(f"{'lessons':>8} {'index KB':>9} {'scripts+css KB':>15} {'launch KB':>10} {'parts':>6} {'first part KB':>14} "
          f"{'reference KB':>13} {'ratio':>6}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            source = make_course(Path(tmp) / f"course-{size}", size)
            made = launch_figures(build_zip(source, Path(tmp) / f"out-{size}", whole=False))
            whole = launch_figures(build_zip(source, Path(tmp) / f"whole-{size}", whole=True))
            launch = (made["index"] + made["startup"]) / 1000
            reference = (whole["index"] + whole["startup"]) / 1000
            worst = max(worst, launch)
            print(f"{size:>8} {made['index'] / 1000:>9.1f} {made['startup'] / 1000:>15.1f} {launch:>10.1f} "
                  f"{made['parts']:>6} {made['first'] / 1000:>14.1f} {reference:>13.1f} {launch / reference:>6.2f}")
    print(f"target: launch payload < {TARGET_KB} KB at every size: largest {worst:.1f} KB "
          f"({'met' if worst < TARGET_KB else 'NOT met'})")


if __name__ == "__main__":
    main()
