"""One module per standard, each with `export(course, site, out_dir) -> Path`.

Adding a standard is a new module here, its runtime adapter in the theme, and one line below.
"""
from __future__ import annotations

from courseforge.exporters import cmi5, scorm12, scorm2004, tincan

EXPORTERS = {
    "scorm12": scorm12,
    "scorm2004": scorm2004,
    "cmi5": cmi5,
    "tincan": tincan,
}
