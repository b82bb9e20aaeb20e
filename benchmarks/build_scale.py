"""Build synthetic courses of 10, 100 and 1000 lessons and print time and memory per size.

Each size runs in a fresh process so peak memory (max RSS) belongs to that build alone.
The reference, measured in the same run on the same files, is the floor a tool reaches when it
renders nothing at build time: read every .md file and zip it unchanged (what a tool that
renders Markdown in the browser does). Targets: 1000 lessons < 1.5 s; seconds per lesson flat
from 100 to 1000 lessons (linear growth).

    python benchmarks/build_scale.py [--sizes 10 100 1000] [--repeat 3]
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

WORDS = ("customer agent empathy listen notice cue frame call feel understand respond act policy "
         "support coach story reflect team service problem time order refund wait question answer").split()
TARGET_1000 = 1.5

CHILD = textwrap.dedent("""
    import json, resource, sys, time, zipfile
    from pathlib import Path
    mode, source, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    started = time.perf_counter()
    if mode == "courseforge":
        from courseforge.build import build
        imported = time.perf_counter()
        build(source, out, ["scorm12"])
    else:
        from courseforge.package import write_zip
        files = {p.relative_to(source).as_posix(): p.read_bytes() for p in sorted(source.rglob("*")) if p.is_file()}
        out.mkdir(parents=True, exist_ok=True)
        write_zip(files, out / "reference.zip")
    ended = time.perf_counter()
    startup = imported - started if mode == "courseforge" else 0.0
    print(json.dumps({"seconds": ended - started, "startup": startup,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def make_course(root: Path, lessons: int) -> Path:
    rng = random.Random(lessons)
    (root / "lessons").mkdir(parents=True)
    (root / "course.yml").write_text("title: Scale test\nidentifier: scale-test\nmastery_score: 80\n")
    for n in range(1, lessons + 1):
        body = [f"## Part {n}", paragraph(rng, 80), "::: story A story", paragraph(rng, 60), ":::",
                "| cue | meaning |", "|---|---|", "| *wait* | **time** |", paragraph(rng, 80),
                "- " + paragraph(rng, 20), "- " + paragraph(rng, 20), "::: reflection", paragraph(rng, 30), ":::"]
        (root / "lessons" / f"{n:04d}-lesson.md").write_text(
            f"---\nid: lesson-{n}\ntitle: Lesson {n}\nobjectives:\n  - Do thing {n}\nminutes: 5\n---\n\n"
            + "\n\n".join(body) + "\n")
    return root


def measure(mode: str, source: Path, out: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", CHILD, mode, str(source), str(out)],
                              check=True, capture_output=True, text=True)
        runs.append(json.loads(done.stdout))
    return min(runs, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the fastest counts")
    args = parser.parse_args()
    print(f"{'lessons':>8} {'seconds':>8} {'s/lesson':>10} {'peak MB':>8} {'reference s':>12} {'ratio':>6}"
          "   (seconds: whole process after interpreter start, imports included)")
    per_lesson, totals = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            source = make_course(Path(tmp) / f"course-{size}", size)
            ours = measure("courseforge", source, Path(tmp) / f"out-{size}", args.repeat)
            floor = measure("reference", source, Path(tmp) / f"ref-{size}", args.repeat)
            per_lesson[size] = ours["seconds"] / size
            totals[size] = ours["seconds"] - ours["startup"]
            print(f"{size:>8} {ours['seconds']:>8.3f} {per_lesson[size] * 1000:>8.3f}ms {ours['peak_mb']:>8.1f} "
                  f"{floor['seconds']:>12.3f} {ours['seconds'] / floor['seconds']:>6.2f}")
    sizes = sorted(per_lesson)
    if len(sizes) >= 3:
        # Start-up (imports) hides the trend in s/lesson; the marginal cost of the build itself does not.
        a, b, c = sizes[-3:]
        early = (totals[b] - totals[a]) / (b - a)
        late = (totals[c] - totals[b]) / (c - b)
        print(f"marginal cost per lesson: {early * 1000:.3f} ms ({a}→{b}), {late * 1000:.3f} ms ({b}→{c}); "
              f"ratio {late / early:.2f} (≈1 or below = linear)")
    if 1000 in per_lesson:
        total = per_lesson[1000] * 1000
        print(f"target: 1000 lessons in {total:.2f} s (< {TARGET_1000} s: {'met' if total < TARGET_1000 else 'MISSED'})")


if __name__ == "__main__":
    main()
