"""The benchmarks still run: each is run here at its smallest size and its report is read for the figures
it promises. Their timings are not judged (speed lives in benchmarks, never in timed tests), but a
benchmark that a change of the code it measures broke would only be found when someone next needs its
figures."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SECONDS = r"\d+\.\d+"

# (script and its smallest arguments, what its report must show)
RUNS = {
    "build_scale": (["--sizes", "10", "--repeat", "1"], [
        rf"^\s+10\s+cold\s+{SECONDS}\s+{SECONDS}\s",
        rf"^\s+10\s+warm\s+{SECONDS}\s+{SECONDS}\s",
        rf"where it goes \(s\): imports {SECONDS} · load {SECONDS} · review {SECONDS} · render {SECONDS} · "
        rf"package {SECONDS} · other -?{SECONDS}$",
        rf"^courseforge --version: {SECONDS} s \(bare interpreter {SECONDS} s",
    ]),
    "check_scale": (["--sizes", "20", "--repeat", "1"], [rf"^\s+20\s+{SECONDS}\s+{SECONDS}\s+{SECONDS}"]),
    "check_warm": (["--lessons", "20", "--repeat", "1"], [rf"^\s+warm\s+{SECONDS}\s+{SECONDS}"]),
    "launch_payload": (["--sizes", "10", "1000", "--short-from", "500"], [
        rf"^\s+1000 short\s+{SECONDS}\s+{SECONDS}\s+{SECONDS}\s+\d+\s",
        r"^target: launch payload < 500 KB at every size: largest [\d.]+ KB \(met\)$",
    ]),
    "page_reading": (["--pages", "20", "--repeat", "1"], [rf"^\s+{SECONDS} ms CPU a page: markdown-it alone"]),
    "render": (["--seconds", "2", "--repeat", "1"], [rf"^whole clip, cold \(render_media\):\s+{SECONDS} s"]),
    "validate_bounds": (["--repeat", "1", "--megabytes", "5"], [rf"^ratio validate / testzip: {SECONDS}"]),
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_a_benchmark_runs_and_reports_its_figures(name, tmp_path):
    arguments, expected = RUNS[name]
    done = subprocess.run([sys.executable, str(BENCHMARKS / f"{name}.py"), *arguments], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for pattern in expected:
        assert re.search(pattern, done.stdout, re.MULTILINE), f"{pattern!r} not in:\n{done.stdout}"


def test_every_benchmark_is_run_here_but_the_browser_one():
    """preview_reload needs Chromium and the shipped course's clips: the e2e preview tests run that path."""
    scripts = {path.stem for path in BENCHMARKS.glob("*.py")}
    assert scripts - set(RUNS) == {"preview_reload"}
