"""The repository carries everything its build and tests need: a clone in an empty folder works."""
import re
import subprocess

from conftest import REPO

# The material beside the repository, written as a path or joined from parts (a quoted shared, then /).
# Built from pieces so that this file does not match itself.
OUTSIDE = re.compile("\\.\\./" + "shared|shared/(standards|seeds)|[\"']" + "shared[\"'] */")


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, check=True, capture_output=True).stdout
    return [name for name in listed.decode().split("\0") if name and (REPO / name).is_file()]


def test_nothing_refers_to_material_beside_the_repository():
    offenders = []
    for name in tracked_files():
        text = (REPO / name).read_bytes().decode("utf-8", errors="replace")
        offenders += [f"{name}: {found.group()}" for found in OUTSIDE.finditer(text)]
    assert not offenders, "\n".join(offenders)

