"""One zip, judged on its own: the archive, then the descriptor at its root names the standard."""
from __future__ import annotations

from pathlib import Path, PurePosixPath

from courseforge.validate.archive import Archive, Unreadable, integrity, load, open_regular
from courseforge.validate.cmi5 import cmi5_findings
from courseforge.validate.descriptor import MAX_DESCRIPTOR
from courseforge.validate.report import ERROR, WARNING, Finding, PackageReport, error
from courseforge.validate.scorm import manifest_findings
from courseforge.validate.tincan import tincan_findings

# Z1/Z2: the descriptor at the zip root names the standard; a zip holds exactly one of them.
DESCRIPTORS = ("imsmanifest.xml", "cmi5.xml", "tincan.xml")
KINDS = {"imsmanifest.xml": "SCORM (unreadable manifest)", "cmi5.xml": "cmi5", "tincan.xml": "TinCan"}
MAX_FINDINGS = 200  # a hostile zip can earn one finding per entry; the report stays readable


def validate_package(path: Path) -> PackageReport:
    report = PackageReport(str(path))
    try:
        _judge(path, report)
    except Exception as exc:  # a defect of ours must not stop the other zips or print a traceback
        report.findings.append(error("", f"courseforge could not finish checking this zip "
                                         f"({type(exc).__name__}: {exc}); please report it"))
    report.findings = _bounded(report.findings)
    return report


def _judge(path: Path, report: PackageReport) -> None:
    opened = open_regular(path)
    if isinstance(opened, Finding):
        report.findings.append(opened)
        return
    with opened:
        archive = load(opened)
        if isinstance(archive, Finding):
            report.findings.append(archive)
            return
        report.findings += archive.findings
        _descriptors(archive, report)
        report.findings += integrity(archive)


def _bounded(findings: list[Finding]) -> list[Finding]:
    unique = list(dict.fromkeys(findings))  # a descriptor that failed to read fails integrity the same way
    if len(unique) <= MAX_FINDINGS:
        return unique
    hidden = unique[MAX_FINDINGS:]
    level = ERROR if any(f.level == ERROR for f in hidden) else WARNING
    return unique[:MAX_FINDINGS] + [Finding("", f"{len(hidden)} more findings not shown", level)]


def _descriptors(archive: Archive, report: PackageReport) -> None:
    names = archive.names
    found = [name for name in DESCRIPTORS if name in names]
    if not found:
        report.findings.append(_no_descriptor(names))
        return
    if len(found) > 1:
        report.findings.append(error("", f"{' and '.join(found)} in one zip; a package holds one standard "
                                         "(LMSs pick one and ignore the rest; Z2)"))
    report.standard = " + ".join(_descriptor(archive, name, names, report) for name in found)


def _descriptor(archive: Archive, name: str, names: set[str], report: PackageReport) -> str:
    """Checks one descriptor into `report`; returns the standard it names."""
    try:
        data = archive.read(name, MAX_DESCRIPTOR)
    except Unreadable as exc:
        report.findings.append(exc.finding)
        return KINDS[name]
    standard, findings = _check(name, data, names)
    report.findings += findings
    return standard


def _check(name: str, data: bytes, names: set[str]) -> tuple[str, list[Finding]]:
    if name == "cmi5.xml":
        return KINDS[name], cmi5_findings(data, names)
    if name == "tincan.xml":
        return KINDS[name], tincan_findings(data, names)
    return manifest_findings(data, names)


def _no_descriptor(names: set[str]) -> Finding:
    nested = sorted(n for n in names if PurePosixPath(n).name.lower() in DESCRIPTORS)
    hint = f"; found {nested[0]}: zip the folder's contents, not the folder" if nested else ""
    return error("", f"no {', '.join(DESCRIPTORS)} at the zip root (Z1){hint}")
