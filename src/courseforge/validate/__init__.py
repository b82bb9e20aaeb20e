"""Package checks: the official XSDs plus the rules the XSDs cannot see (CHECKLIST V1–V4, Z1–Z3,
S12-M, S04-M, C5-M, T-M) for SCORM 1.2 and 2004 manifests, cmi5 course structures and tincan.xml.

The exporters call the `*_problems` functions on what they generate: every finding, warnings
included, is something not to ship. `courseforge validate` judges anyone's zip with
`validate_package`, where only errors make a package invalid.
"""
from __future__ import annotations

from pathlib import Path

from courseforge.validate.check import DESCRIPTORS, validate_package
from courseforge.validate.cmi5 import cmi5_findings
from courseforge.validate.descriptor import parse_xml, problems
from courseforge.validate.report import Finding, PackageReport, render_json, render_text
from courseforge.validate.schemas import (CMI5_NS, NS12, NS2004, SCHEMA_FILES_2004, SCHEMAS, SCORM12_FILES,
                                          SCORM2004_FILES, TINCAN_NS, cmi5_schema, scorm12_schema, scorm2004_schema,
                                          tincan_schema)
from courseforge.validate.scorm import scorm12_findings, scorm2004_findings
from courseforge.validate.tincan import tincan_findings

__all__ = ["CMI5_NS", "DESCRIPTORS", "NS12", "NS2004", "SCHEMA_FILES_2004", "SCHEMAS", "SCORM12_FILES",
           "SCORM2004_FILES", "TINCAN_NS", "Finding",
           "PackageReport", "cmi5_problems", "cmi5_schema", "manifest_problems", "parse_xml", "render_json",
           "render_text", "scorm12_schema", "scorm2004_problems", "scorm2004_schema", "tincan_problems",
           "tincan_schema", "validate_package", "validate_zip"]


def manifest_problems(data: bytes, names: set[str] | None = None) -> list[str]:
    """Everything wrong with a SCORM 1.2 manifest; `names` are the zip's entries, if known."""
    return problems(scorm12_findings(data, names))


def scorm2004_problems(data: bytes, names: set[str] | None = None) -> list[str]:
    """Everything wrong with a SCORM 2004 (4th Edition) manifest; `names` are the zip's entries, if known."""
    return problems(scorm2004_findings(data, names))


def cmi5_problems(data: bytes, names: set[str] | None = None) -> list[str]:
    """Everything wrong with a cmi5.xml course structure; `names` are the zip's entries, if known."""
    return problems(cmi5_findings(data, names))


def tincan_problems(data: bytes, names: set[str] | None = None) -> list[str]:
    """Everything wrong with a tincan.xml; `names` are the zip's entries, if known."""
    return problems(tincan_findings(data, names))


def validate_zip(path: Path) -> list[str]:
    """Every finding about one zip, prefixed with its path; empty when there is nothing to say."""
    return [f"{path}: {finding}" for finding in validate_package(path).findings]
