"""Findings and the report `courseforge validate` prints, as text or JSON."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    """One thing wrong (error: an LMS may refuse or mis-run the package) or worth knowing (warning:
    real LMSs accept it). `where` is a descriptor line (`imsmanifest.xml:12`), an entry, or empty."""
    where: str
    message: str
    level: str = ERROR

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def error(where: str, message: str) -> Finding:
    return Finding(where, message, ERROR)


def warning(where: str, message: str) -> Finding:
    return Finding(where, message, WARNING)


@dataclass
class PackageReport:
    path: str
    standard: str = "unknown"      # "SCORM 1.2", "SCORM 2004 4th Edition", "cmi5", "TinCan"
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"path": self.path, "standard": self.standard, "valid": self.valid,
                "errors": [str(f) for f in self.errors], "warnings": [str(f) for f in self.warnings]}


def _printable(text: str) -> str:
    # Entry names are someone else's bytes: no terminal escape sequence or line break gets through.
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def render_text(reports: list[PackageReport]) -> str:
    lines = []
    for report in reports:
        verdict = "valid" if report.valid else "INVALID"
        counts = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        # A downloaded zip's file name is someone else's text too: a line break in it forged a "valid" line.
        lines.append(f"{_printable(report.path)}: {verdict} — {report.standard}, {counts}")
        lines += [f"  error: {_printable(str(f))}" for f in report.errors]
        lines += [f"  warning: {_printable(str(f))}" for f in report.warnings]
    return "\n".join(lines)


def render_json(reports: list[PackageReport]) -> str:
    return json.dumps({"valid": all(r.valid for r in reports), "packages": [r.as_dict() for r in reports]},
                      indent=2, ensure_ascii=False)
