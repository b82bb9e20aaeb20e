"""What a learner downloads before a course's first screen, at 10 to 50 000 lessons (SCORM 1.2).

Launch payload: index.html plus the stylesheet and every script it loads at start (the player asks
for the first page's part once started, while the learner reads the cover, or before it for a
returning learner's "continue at <page>"; it is printed apart as "first part"). The reference, built in the same run from the same source: the launch page
as it would be with every page inline (pageparts.LAUNCH_LIMIT lifted), what a learner downloaded
before pages came in parts. Lessons as benchmarks/build_scale.py makes them (~320 words); from
--short-from lessons on (default 10 000), short ones (a heading and ~40 words) with the same ids,
titles and objectives, so that making and building 50 000 stays within minutes: the launch payload
depends on how many lessons there are and what they are called, not on their length.
Target: launch payload < 500 KB at any size.

    python benchmarks/launch_payload.py [--sizes 10 100 1000 5000 20000 50000] [--short-from 10000]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_scale import make_course, paragraph  # noqa: E402 - the same lessons as the build benchmark

TARGET_KB = 500
STARTUP = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"')


def launch_figures(zip_path: Path) -> dict:
    with zipfile.ZipFile(zip_path) as archive:
        index = archive.read("index.html")
        html = index.decode("utf-8")
        startup = [archive.getinfo(name).file_size for name in STARTUP.findall(html) if name in archive.namelist()]
        data = json.loads(re.search(r'id="cf-course">(.*?)</script>', html, re.S)[1])
        parts = [entry["part"] for entry in data["lessons"] if "part" in entry]  # a part's summary
        first = archive.getinfo(parts[0]).file_size if parts else 0
    return {"index": len(index), "startup": sum(startup), "parts": len(parts), "first": first}


def make_short_course(root: Path, lessons: int) -> Path:
    """build_scale's course with one short paragraph a lesson (ids, titles, objectives as there)."""
    rng = random.Random(lessons)
    (root / "lessons").mkdir(parents=True)
    (root / "course.yml").write_text("title: Scale test\nidentifier: scale-test\nmastery_score: 80\n")
    for n in range(1, lessons + 1):
        (root / "lessons" / f"{n:05d}-lesson.md").write_text(
            f"---\nid: lesson-{n}\ntitle: Lesson {n}\nobjectives:\n  - Do thing {n}\nminutes: 5\n---\n\n"
            f"## Part {n}\n\n{paragraph(rng, 40)}\n")
    return root


def build_zip(source: Path, out: Path, whole: bool) -> Path:
    from courseforge.build import build

    with mock.patch("courseforge.render.LAUNCH_LIMIT", 10**12) if whole else mock.patch.dict({}):
        return next(p for p in build(source, out, formats=("scorm12",)) if p.suffix == ".zip")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 5000, 20000, 50000])
    parser.add_argument("--short-from", type=int, default=10_000, help="lessons from which they are short")
    args = parser.parse_args()
    print(f"{'lessons':>8} {'':5} {'index KB':>9} {'scripts+css KB':>15} {'launch KB':>10} {'parts':>6} {'first part KB':>14} "
          f"{'reference KB':>13} {'ratio':>6}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            maker = make_short_course if size >= args.short_from else make_course
            source = maker(Path(tmp) / f"course-{size}", size)
            made = launch_figures(build_zip(source, Path(tmp) / f"out-{size}", whole=False))
            whole = launch_figures(build_zip(source, Path(tmp) / f"whole-{size}", whole=True))
            launch = (made["index"] + made["startup"]) / 1000
            reference = (whole["index"] + whole["startup"]) / 1000
            worst = max(worst, launch)
            print(f"{size:>8} {'short' if size >= args.short_from else '':5} {made['index'] / 1000:>9.1f} {made['startup'] / 1000:>15.1f} {launch:>10.1f} "
                  f"{made['parts']:>6} {made['first'] / 1000:>14.1f} {reference:>13.1f} {launch / reference:>6.2f}")
    print(f"target: launch payload < {TARGET_KB} KB at every size: largest {worst:.1f} KB "
          f"({'met' if worst < TARGET_KB else 'NOT met'})")


if __name__ == "__main__":
    main()
