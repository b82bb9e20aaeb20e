"""Time `courseforge check` on generated courses of 100 and 1000 lessons against loading alone.

Each run is a fresh process (imports included, interpreter start excluded). The reference, measured
in the same run on the same files, is `load()` alone: what any command pays before it can say
anything about a course. `check` adds every rule on top; with --sources also originality against
50 generated articles of 2 000 words. Target: check on 1000 lessons < 2 s. CPU seconds are printed
too: on a shared machine they move far less than wall time.

    python benchmarks/check_scale.py [--sizes 100 1000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from build_scale import TABLE, WORDS, paragraph

TARGET_1000 = 2.0

CHILD = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    mode, source, sources = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    started, cpu = time.perf_counter(), time.process_time()
    from courseforge.loader import load
    course = load(source)
    found = None
    if mode == "check":
        from courseforge.check import check_course
        found = len(check_course(course, Path(sources) if sources else None).findings)
    print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "findings": found}))
""")

QUESTION = """::: question kc-{n} single
> A customer calls about order {n}.
Which {w} matters most?
- [x] The {w} they repeat
- [ ] The order number
- [ ] The weather
objective: 1
:::
"""


def make_course(root: Path, lessons: int) -> Path:
    rng = random.Random(lessons)
    (root / "lessons").mkdir(parents=True)
    (root / "course.yml").write_text("title: Scale test\nidentifier: scale-test\nmastery_score: 80\nlanguage: en-GB\n")
    for n in range(1, lessons + 1):
        body = [f"## Part {n}", paragraph(rng, 80), "::: story A story", paragraph(rng, 60), ":::",
                TABLE, paragraph(rng, 80),
                "- " + paragraph(rng, 20), "- " + paragraph(rng, 20), QUESTION.format(n=n, w=rng.choice(WORDS))]
        (root / "lessons" / f"{n:04d}-lesson.md").write_text(
            f"---\nid: lesson-{n}\ntitle: Lesson {n}\nobjectives:\n  - Do thing {n}\nminutes: 2\n---\n\n"
            + "\n\n".join(body) + "\n")
    return root


def make_sources(root: Path) -> Path:
    rng = random.Random(7)
    root.mkdir()
    for n in range(50):
        (root / f"article-{n}.txt").write_text("\n".join(paragraph(rng, 100) for _ in range(20)))
    return root


def measure(mode: str, source: Path, sources: str, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", CHILD, mode, str(source), sources],
                              check=True, capture_output=True, text=True)
        runs.append(json.loads(done.stdout))
    return min(runs, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the fastest counts")
    args = parser.parse_args()
    print(f"{'lessons':>8} {'load s':>8} {'check s':>8} {'ratio':>6} {'load cpu':>9} {'check cpu':>9} "
          f"{'+sources s':>11} {'findings':>9}")
    totals = {}
    with tempfile.TemporaryDirectory() as tmp:
        sources = make_sources(Path(tmp) / "sources")
        for size in args.sizes:
            course = make_course(Path(tmp) / f"course-{size}", size)
            floor = measure("load", course, "", args.repeat)
            ours = measure("check", course, "", args.repeat)
            original = measure("check", course, str(sources), args.repeat)
            totals[size] = ours["seconds"]
            print(f"{size:>8} {floor['seconds']:>8.3f} {ours['seconds']:>8.3f} {ours['seconds'] / floor['seconds']:>6.2f}"
                  f" {floor['cpu']:>9.3f} {ours['cpu']:>9.3f} {original['seconds']:>11.3f} {ours['findings']:>9}")
    if 1000 in totals:
        met = "met" if totals[1000] < TARGET_1000 else "MISSED"
        print(f"target: check on 1000 lessons in {totals[1000]:.2f} s (< {TARGET_1000} s: {met})")


if __name__ == "__main__":
    main()
