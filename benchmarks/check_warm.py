"""Time the review of a build (check_course) on 5 000 lessons, cold and warm, against reviewing every page.

Each run is a fresh process that loads the course (not timed) and times check_course alone. Cold: no
cache at all (a first build: every page reviewed, its findings kept). Warm: the caches of the run
before, one lesson edited (what an author's save costs). The reference, in the same run on the same
files, is the warm course reviewed with nothing kept: every per-page rule on every page, as the review
did before findings were kept. Also counted, in a run of its own in the same state: the pages whose
heavy text (blocks, questions, headings, images, links, tables, callouts) the review read, which a
page served from the cache decodes only when read. CPU seconds move far less than wall time on a
shared machine.

    python benchmarks/check_warm.py [--lessons 5000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from build_scale import make_course

CHILD = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from courseforge.check import check_course
    from courseforge.gcpause import collector_paused
    from courseforge.loader import load

    HEAVY = frozenset({"blocks", "questions", "headings", "images", "links", "tables", "callouts"})

    class Counted:
        read = set()

        def __init__(self, text, name):
            self.text, self.name = text, name

        def __getattr__(self, field):
            if field in HEAVY:
                Counted.read.add(self.name)
            return getattr(self.text, field)

    mode, source, count = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "count"
    with collector_paused():
        course = load(source)
        if mode == "reference":
            course.digests = {}  # nothing kept: every rule reviews every page
        if count:
            for page in course.pages:
                page.page_text = Counted(page.page_text, page.source.name)
        started, cpu = time.perf_counter(), time.process_time()
        found = len(check_course(course).findings)
        print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                          "findings": found, "heavy_pages": len(Counted.read)}))
""")


def child(mode: str, source: Path, count: bool = False) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, mode, str(source), "count" if count else "time"],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def edit(source: Path, count: int) -> None:
    with open(source / "lessons" / "0001-lesson.md", "a", encoding="utf-8") as lesson:
        lesson.write(f"\nEdited {count} times.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest counts")
    args = parser.parse_args()
    runs: dict[str, list[dict]] = {"cold": [], "warm": [], "reference": []}
    pages: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        source = make_course(Path(tmp) / "course", args.lessons)
        edits = 0
        for _ in range(args.repeat):
            shutil.rmtree(source / ".courseforge-cache", ignore_errors=True)
            runs["cold"].append(child("cold", source))
            edits += 1
            edit(source, edits)
            runs["warm"].append(child("warm", source))
            runs["reference"].append(child("reference", source))
        # The same states again, for the count (its wrapper would slow the timed runs).
        shutil.rmtree(source / ".courseforge-cache", ignore_errors=True)
        pages["cold"] = child("cold", source, count=True)["heavy_pages"]
        edits += 1
        edit(source, edits)
        pages["warm"] = child("warm", source, count=True)["heavy_pages"]
        pages["reference"] = child("reference", source, count=True)["heavy_pages"]
    print(f"check_course on {args.lessons} lessons (fastest of {args.repeat})")
    print(f"{'':>10} {'s':>7} {'cpu s':>7} {'findings':>9} {'pages read':>11}")
    for mode, measured in runs.items():
        best = min(measured, key=lambda run: run["cpu"])
        print(f"{mode:>10} {best['seconds']:>7.3f} {best['cpu']:>7.3f} {best['findings']:>9} {pages[mode]:>11}")


if __name__ == "__main__":
    main()
