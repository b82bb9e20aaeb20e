"""CI installs pinned versions (.ci/constraints.txt): every dependency courseforge declares must be
pinned there, or a new one would come in at whatever version is newest on the day CI runs."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / ".ci" / "constraints.txt"


def _name(requirement: str) -> str:
    """PEP 503's normalised name of a requirement (`PyYAML>=6.0` → `pyyaml`, `ralph-malph[lrs]` → `ralph-malph`)."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip()).group()).lower()


def pinned() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version and re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version), f"not an exact pin: {line!r}"
            pins[_name(name)] = version
    return pins


def test_every_declared_dependency_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = [*project["project"]["dependencies"], *project["project"]["optional-dependencies"]["test"],
                *project["build-system"]["requires"]]
    pins = pinned()
    missing = sorted({_name(requirement) for requirement in declared} - pins.keys())
    assert not missing, f"add these to {CONSTRAINTS.name} (see its header): {missing}"
    assert "courseforge" not in pins, "courseforge itself is installed from the checkout, never pinned"


def test_ci_installs_with_the_constraints():
    install = (ROOT / ".ci" / "install").read_text(encoding="utf-8")
    pip_lines = [line for line in install.splitlines() if "pip install" in line and not line.lstrip().startswith("#")]
    assert pip_lines, "CI installs no Python package"
    for line in pip_lines:
        assert "constraints.txt" in line, f"installs without the pins: {line}"
