"""A finding of `courseforge check` and the report that groups them (text or JSON)."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from courseforge.check.catalogue import FAMILY_OF, RULE_IDS
from courseforge.errors import ContentError, Location, printable


@dataclass(frozen=True)
class Finding:
    rule: str  # an id of catalogue.RULE_IDS
    location: Location
    problem: str
    hint: str

    def __str__(self) -> str:
        return f"{self.location}: {printable(self.problem)} — {printable(self.hint)} [{self.rule}]"

    def as_error(self) -> ContentError:
        return ContentError(self.location, self.problem, f"{self.hint} [{self.rule}]")


def finding(rule: str, path: Path, line: int | None, problem: str, hint: str) -> Finding:
    """Finding(rule, Location(path, line), problem, hint). A review makes 20 000 of them for 5 000
    lessons, most read back from what was kept: their fields go in as one dict each, not through
    the frozen classes' __init__ (an object.__setattr__ a field), in half the time."""
    location = _new(Location)
    location.__dict__.update(path=path, line=line)
    made = _new(Finding)
    made.__dict__.update(rule=rule, location=location, problem=problem, hint=hint)
    return made


_new = object.__new__


@dataclass
class Report:
    findings: list[Finding]
    facts: dict = field(default_factory=dict)  # what the figures rest on: reading speed, estimated minutes

    def counts(self) -> dict[str, int]:
        counted = Counter(f.rule for f in self.findings)
        return {rule: counted[rule] for rule in RULE_IDS if counted[rule]}

    def summary(self) -> str:
        counts = self.counts()
        facts = "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in self.facts.items())
        if not counts:
            return f"no findings ({facts})"
        total = len(self.findings)
        rules = ", ".join(f"{rule} {count}" for rule, count in counts.items())
        return f"{total} finding{'s' if total != 1 else ''}: {rules} ({facts})"

    def text(self) -> str:
        lines = []
        for rule in self.counts():
            lines.append(f"{rule} ({FAMILY_OF[rule]}):")
            lines += [f"  {f.location}: {f.problem} — {f.hint}" for f in self.findings if f.rule == rule]
        return "\n".join([*lines, self.summary()])

    def json(self, warnings: list = ()) -> str:
        """The report as JSON; `warnings`: the ContentErrors loading the course warned about."""
        items = [{"rule": f.rule, "family": FAMILY_OF[f.rule], "path": _path(f.location), "line": f.location.line,
                  "problem": f.problem, "hint": f.hint} for f in self.findings]
        warned = [{"path": _path(w.location), "line": w.location.line, "problem": w.problem, "hint": w.hint}
                  for w in warnings]
        return json.dumps({"findings": items, "counts": self.counts(), "facts": self.facts, "warnings": warned,
                           "summary": self.summary()}, indent=1, ensure_ascii=False)


def _path(location: Location) -> str:
    return str(Location(location.path))
