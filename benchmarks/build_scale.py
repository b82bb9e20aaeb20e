"""Build synthetic courses of 10 to 5 000 lessons, cold and warm, and print time and memory per size.

Each build runs in a fresh process so peak memory (max RSS) belongs to that build alone (its page
reading workers are reported apart: "workers MB"). Cold: no page cache. Warm: the cache of the
previous build, one lesson edited (what an author's save costs). The reference, measured in the same
run on the same files, is the floor a tool reaches when it renders nothing at build time: read every
.md file and zip it unchanged (what a tool that renders Markdown in the browser does). Also timed:
`courseforge --version` against a bare `python -c pass`. Under each row, where its seconds went: imports,
load (sources read, pages parsed or served from the cache), review (`courseforge check`'s rules),
render (sections, launch page), package (descriptor, zip, validation), other (media, output).
Targets (2 cores): 5 000 lessons cold < 2.0 s, warm < 0.5 s, memory < 200 MB, --version < 0.1 s.

    python benchmarks/build_scale.py [--sizes 10 100 1000 5000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

WORDS = ("customer agent empathy listen notice cue frame call feel understand respond act policy "
         "support coach story reflect team service problem time order refund wait question answer").split()
# One block: rows apart, as blank lines set them, would be three paragraphs of pipes and dashes.
TABLE = "| cue | meaning |\n|---|---|\n| *wait* | **time** |"
TARGETS = {"cold": 2.0, "warm": 0.5}  # seconds at 5 000 lessons
TARGET_VERSION = 0.1
TARGET_MB = 200

CHILD = textwrap.dedent("""
    import json, resource, sys, time, zipfile
    from pathlib import Path
    mode, source, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    started = time.perf_counter()
    phases = {}
    if mode == "courseforge":
        from courseforge import build as pipeline
        from courseforge.build import build
        imported = time.perf_counter()

        def timed(owner, name, phase):
            run = getattr(owner, name)
            def wrapper(*args, **kwargs):
                begun = time.perf_counter()
                try:
                    return run(*args, **kwargs)
                finally:
                    phases[phase] = phases.get(phase, 0.0) + time.perf_counter() - begun
            setattr(owner, name, wrapper)

        # Where the time goes, one wrapper a stage of build.py (a few calls a build: no cost to speak of).
        for name, phase in (("load", "load"), ("check_course", "review"), ("render_pages", "render"),
                            ("site", "render")):
            timed(pipeline, name, phase)
        exporter = pipeline.EXPORTERS["scorm12"]
        timed(exporter, "export", "package")
        build(source, out, ["scorm12"])
    else:
        from courseforge.package import write_zip
        files = {p.relative_to(source).as_posix(): p.read_bytes() for p in sorted(source.rglob("*")) if p.is_file()}
        out.mkdir(parents=True, exist_ok=True)
        write_zip(files, out / "reference.zip")
    ended = time.perf_counter()
    startup = imported - started if mode == "courseforge" else 0.0
    me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime
    print(json.dumps({"seconds": ended - started, "startup": startup, "cpu": cpu, "phases": phases,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
""")


def paragraph(rng: random.Random, words: int) -> str:
    """Prose of `words` words in sentences of 8 to 20, as a lesson has (and as the review reads it)."""
    sentences = []
    while words > 0:
        length = min(words, rng.randint(8, 20))
        text = " ".join(rng.choice(WORDS) for _ in range(length))
        sentences.append(text[0].upper() + text[1:] + ".")
        words -= length
    return " ".join(sentences)


def make_course(root: Path, lessons: int) -> Path:
    rng = random.Random(lessons)
    (root / "lessons").mkdir(parents=True)
    (root / "course.yml").write_text("title: Scale test\nidentifier: scale-test\nmastery_score: 80\n")
    for n in range(1, lessons + 1):
        body = [f"## Part {n}", paragraph(rng, 80), "::: story A story", paragraph(rng, 60), ":::",
                TABLE, paragraph(rng, 80),
                "- " + paragraph(rng, 20), "- " + paragraph(rng, 20), "::: reflection", paragraph(rng, 30), ":::"]
        (root / "lessons" / f"{n:04d}-lesson.md").write_text(
            f"---\nid: lesson-{n}\ntitle: Lesson {n}\nobjectives:\n  - Do thing {n}\nminutes: 5\n---\n\n"
            + "\n\n".join(body) + "\n")
    return root


def run_child(mode: str, source: Path, out: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, mode, str(source), str(out)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def measure(mode: str, source: Path, out: Path, repeat: int, warm: bool = False) -> dict:
    """Best of `repeat` builds; cold ones start without a page cache, warm ones after editing one lesson."""
    cache = source / ".courseforge-cache"
    lessons = sorted((source / "lessons").glob("*.md"))
    runs = []
    for attempt in range(repeat):
        if warm:
            if not cache.exists():
                run_child(mode, source, out)
            edited = lessons[(attempt * 7919) % len(lessons)]
            edited.write_text(edited.read_text() + f"\nEdited {attempt}.\n")
        else:
            shutil.rmtree(cache, ignore_errors=True)
        runs.append(run_child(mode, source, out))
    return min(runs, key=lambda r: r["seconds"])


def where_it_goes(run: dict) -> str:
    """The run's seconds by stage of build.py: what to work on next is where most of them go."""
    phases = run["phases"]
    stages = {"imports": run["startup"], **phases}
    stages["other"] = run["seconds"] - sum(stages.values())
    return "where it goes (s): " + " · ".join(f"{name} {seconds:.3f}" for name, seconds in stages.items())


def command_seconds(command: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(max(repeat, 5)):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 5000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the fastest counts")
    args = parser.parse_args()
    print(f"{'lessons':>8} {'build':>5} {'seconds':>8} {'cpu s':>6} {'s/lesson':>10} {'peak MB':>8} {'workers MB':>10} "
          f"{'reference s':>12} {'ratio':>6}")
    print("(seconds: wall clock of the whole process after interpreter start, imports included; cpu s: user + "
          "system time of the process and its workers, what a busy machine does not distort)")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            source = make_course(Path(tmp) / f"course-{size}", size)
            floor = measure("reference", source, Path(tmp) / f"ref-{size}", args.repeat)
            for kind in ("cold", "warm"):
                ours = measure("courseforge", source, Path(tmp) / f"out-{size}", args.repeat, warm=kind == "warm")
                results[size, kind] = ours
                print(f"{size:>8} {kind:>5} {ours['seconds']:>8.3f} {ours['cpu']:>6.2f} "
                      f"{ours['seconds'] / size * 1000:>8.3f}ms "
                      f"{ours['peak_mb']:>8.1f} {ours['workers_mb']:>10.1f} {floor['seconds']:>12.3f} "
                      f"{ours['seconds'] / floor['seconds']:>6.2f}")
                print(f"{'':>15}{where_it_goes(ours)}")
    print(f"load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    bare = command_seconds([sys.executable, "-c", "pass"], args.repeat)
    version = command_seconds([sys.executable, "-m", "courseforge", "--version"], args.repeat)
    print(f"courseforge --version: {version:.3f} s (bare interpreter {bare:.3f} s, courseforge's own "
          f"{version - bare:.3f} s); target < {TARGET_VERSION} s: {'met' if version < TARGET_VERSION else 'MISSED'}")
    for kind, target in TARGETS.items():
        if (5000, kind) in results:
            took = results[5000, kind]
            memory = max(took["peak_mb"], took["workers_mb"])
            print(f"target: 5000 lessons {kind} in {took['seconds']:.2f} s (< {target} s: "
                  f"{'met' if took['seconds'] < target else 'MISSED'}), {memory:.0f} MB "
                  f"(< {TARGET_MB} MB: {'met' if memory < TARGET_MB else 'MISSED'})")


if __name__ == "__main__":
    main()
