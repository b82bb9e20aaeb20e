"""Installed versions of the libraries whose output the caches depend on.

importlib.metadata answers this too, but importing it (and the email package it pulls in) costs
about 10 ms, a fiftieth of a one-lesson rebuild of a large course. An installed distribution is a
`<name>-<version>.dist-info` folder on sys.path (the wheel and PEP 376 layouts), so the first such
folder in sys.path order, the one importlib.metadata would read, names the version. Anything else
(an egg, a zip) is left to importlib.metadata.
"""
from __future__ import annotations

import functools
import os
import re
import sys

SUFFIX = ".dist-info"


def version(distribution: str) -> str:
    wanted = _normalised(distribution)
    for entry in sys.path:
        found = _versions(entry or ".").get(wanted)
        if found is not None:
            return found
    from importlib import metadata

    return metadata.version(distribution)


@functools.cache
def _versions(folder: str) -> dict[str, str]:
    try:
        names = os.listdir(folder)
    except OSError:  # a zip or a folder gone from sys.path: nothing installed there as a folder
        return {}
    versions: dict[str, str] = {}
    for name in sorted(names):
        if name.endswith(SUFFIX):
            project, _, release = name[:-len(SUFFIX)].rpartition("-")
            if project and release:
                versions.setdefault(_normalised(project), release)
    return versions


def _normalised(name: str) -> str:
    """PEP 503: case, dots, dashes and underscores do not tell two distributions apart."""
    return re.sub(r"[-_.]+", "-", name).lower()
