"""The repository carries everything its build and tests need: a clone in an empty folder works."""
import os
import re

from conftest import REPO

# The material beside the repository, written as a path or joined from parts (a quoted shared, then /).
# Built from pieces so that this file does not match itself.
OUTSIDE = re.compile("\\.\\./" + "shared|shared/(standards|seeds)|[\"']" + "shared[\"'] */")


# Folders of generated or installed things, never part of the project's own files.
GENERATED = {".git", "node_modules", "build", "dist", ".courseforge-cache", "__pycache__", ".pytest_cache", ".venv"}


def project_files() -> list[str]:
    """Every file of the project as a clone (or CI's copy of one, which has no .git) holds it."""
    found = []
    for parent, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in GENERATED and not d.endswith(".egg-info")]
        found += [os.path.relpath(os.path.join(parent, name), REPO) for name in files]
    return sorted(found)


def test_nothing_refers_to_material_beside_the_repository():
    offenders = []
    for name in project_files():
        text = (REPO / name).read_bytes().decode("utf-8", errors="replace")
        offenders += [f"{name}: {found.group()}" for found in OUTSIDE.finditer(text)]
    assert not offenders, "\n".join(offenders)

