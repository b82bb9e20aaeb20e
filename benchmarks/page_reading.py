"""CPU a page costs the page-reading worker (pagereading.read_chunk), in one process, cache entry included.

Times read_chunk on the lessons of a synthetic course (build_scale.make_course), against markdown-it
alone rendering the same pages (the floor of any tool that renders at build time), with
time.process_time(), best of --repeat runs, each in a fresh process. Give --src one or more source
trees (a `src` folder of courseforge, e.g. an older checkout beside this one) to compare them on the
same files in the same run; the first is the reference. --profile prints the top of a cProfile.

    python benchmarks/page_reading.py [--pages 1000] [--repeat 5] [--src src /elsewhere/src] [--profile]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_scale import make_course  # noqa: E402

CHILD = textwrap.dedent("""
    import cProfile, json, pstats, sys, time
    from pathlib import Path
    from courseforge.pagereading import Job, Setting, read_chunk
    course, profile = Path(sys.argv[1]), sys.argv[2] == "1"
    files = sorted((course / "lessons").glob("*.md"))
    setting = Setting(course, frozenset(files), 80, course / ".cache")
    jobs = [Job(path, "lesson", number, "k") for number, path in enumerate(files, start=1)]
    read_chunk(setting, jobs[:20])  # imports and compiled rules: what a worker pays once
    if profile:
        cProfile.run("read_chunk(setting, jobs)", str(course / "profile.out"))
        pstats.Stats(str(course / "profile.out")).sort_stats("tottime").print_stats(30)
    started = time.process_time()
    reads = read_chunk(setting, jobs)
    spent = time.process_time() - started
    assert all(read.entry for read in reads), "every synthetic page reads cleanly"
    # The same-run reference: markdown-it alone turning the same pages' Markdown into HTML, what any
    # tool that renders at build time pays at the least.
    from markdown_it import MarkdownIt
    bare = MarkdownIt("commonmark", {"typographer": True}).enable(["table", "replacements", "smartquotes"])
    texts = [path.read_text(encoding="utf-8").split("---", 2)[2] for path in files]
    bare.render(texts[0])
    started = time.process_time()
    for text in texts:
        bare.render(text)
    floor = time.process_time() - started
    print(json.dumps({"ms": spent / len(jobs) * 1000, "markdown_ms": floor / len(jobs) * 1000}))
""")


def per_page(src: Path, course: Path, profile: bool) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(course), "1" if profile else "0"], check=True,
                          capture_output=True, text=True, env={"PYTHONPATH": str(src), "PATH": ""})
    if profile:
        print(done.stdout.rsplit("\n", 2)[0])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--src", type=Path, nargs="+", default=[Path(__file__).resolve().parents[1] / "src"])
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        course = make_course(Path(tmp) / "course", args.pages)
        best = {src: float("inf") for src in args.src}
        floor = float("inf")
        for _ in range(args.repeat):  # interleaved: a busy moment of the machine hits every tree alike
            for src in args.src:
                measured = per_page(src.resolve(), course, False)
                best[src] = min(best[src], measured["ms"])
                floor = min(floor, measured["markdown_ms"])
        if args.profile:
            per_page(args.src[-1].resolve(), course, True)
    reference = best[args.src[0]]
    print(f"{floor:7.3f} ms CPU a page: markdown-it alone rendering the same pages (the reference)")
    for src, ms in best.items():
        print(f"{ms:7.3f} ms CPU a page ({ms / floor:5.2f} × markdown-it alone, {ms / reference:5.2f} of the first tree)  {src}")


if __name__ == "__main__":
    main()
