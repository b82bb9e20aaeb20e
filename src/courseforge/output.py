"""The output folder: packages appear in it all together or not at all.

Packages are written into a staging folder inside the output folder itself, so that publishing is
a rename on one file system (an output on another volume, as with `docker run -v …:/out`, made a
rename from beside it fail with EXDEV). Publishing moves the previous files aside first and puts
them back if any rename fails, so an LMS team never finds old and new zips mixed. A build killed
half-way leaves its staging folder behind; the next build removes those whose process is gone.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import click

STAGING_PREFIX = ".courseforge-staging-"
STAGING = re.compile(rf"^{re.escape(STAGING_PREFIX)}(\d+)-")
# Staging folders of builds before this module: `.courseforge-` and eight random characters, beside the output.
LEGACY_STAGING = re.compile(r"^\.courseforge-[a-z0-9_]{8}$")
LEGACY_AGE = 3600


class OutputError(click.ClickException):
    """The output folder cannot be written: one line for the user, exit status 1."""

    exit_code = 1


def _failure(out: Path, error: OSError) -> OutputError:
    if out.is_file():  # the default build/ is no --out, so click never checked that it is a folder
        return OutputError(f"cannot write to {out}: it is a file, not a folder — choose another folder "
                           "with --out, or move the file away")
    if out.is_symlink() and not out.exists():  # mkdir says "File exists" of a link to nothing
        return OutputError(f"cannot write to {out}: it is a symbolic link to {_target(out)}, which does not "
                           "exist — make that folder, or choose another with --out")
    reason = error.strerror or str(error)
    return OutputError(f"cannot write to {out}: {reason} — choose another folder with --out, "
                       "or make this one writable")


def default_output(source: Path) -> Path:
    """build/ in `source`, which must be a folder of its own: a course folder from someone else can
    ship `build -> ~/somewhere`, and a build would write (its staging folder first) wherever it points.
    An --out the user types is theirs to point anywhere."""
    out = Path(source) / "build"
    if out.is_symlink():
        raise OutputError(f"{out}: is a symbolic link to {_target(out)}, so the build would write wherever "
                          f"it points — delete the link (courseforge makes a folder), or pass --out "
                          f"{_target(out)} to write there")
    return out


def _target(link: Path) -> Path:
    """Where `link` points, as a full path (a relative link is read from the link's folder)."""
    return Path(os.path.abspath(link.parent / os.readlink(link)))


class Output:
    """`with Output(out) as output:` write into `output.staging`, then `output.publish(paths)`."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.created = False
        self.staging: Path | None = None

    def __enter__(self) -> "Output":
        try:
            self.created = not self.out.exists()
            self.out.mkdir(parents=True, exist_ok=True)
            remove_stale(self.out)
            self.staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=self.out))
        except OSError as error:
            raise _failure(self.out, error) from None
        return self

    def __exit__(self, kind, value, traceback) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        if kind is not None and self.created:
            shutil.rmtree(self.out, ignore_errors=True)  # we made it, it holds nothing of the user's

    def publish(self, made: list[Path]) -> list[Path]:
        """Rename every file of `made` (in the staging folder) into the output, all or none."""
        previous = self.staging / ".previous"
        moved, placed = [], []
        try:
            previous.mkdir()
            for path in made:
                if (self.out / path.name).exists():
                    os.replace(self.out / path.name, previous / path.name)
                    moved.append(path.name)
            for path in made:
                os.replace(path, self.out / path.name)
                placed.append(path.name)
        except OSError as error:
            _roll_back(self.out, previous, placed, moved)
            raise _failure(self.out, error) from None
        except BaseException:
            # Ctrl+C between two renames: the previous zips wait in the staging folder, which
            # __exit__ deletes, so they go back first or the output is left with a mix (or nothing).
            _roll_back(self.out, previous, placed, moved)
            raise
        return [self.out / path.name for path in made]


def _roll_back(out: Path, previous: Path, placed: list[str], moved: list[str]) -> None:
    for name in placed:
        (out / name).unlink(missing_ok=True)
    for name in moved:
        os.replace(previous / name, out / name)


def remove_stale(out: Path) -> None:
    """Staging folders of builds that died: ours by process id, older ones beside `out` by age."""
    for path in out.iterdir():
        found = STAGING.match(path.name)
        if found and path.is_dir() and not path.is_symlink() and not running(int(found[1])):
            shutil.rmtree(path, ignore_errors=True)
    try:
        beside = list(out.parent.iterdir())
    except OSError:
        return
    for path in beside:
        if LEGACY_STAGING.match(path.name) and path.is_dir() and not path.is_symlink() \
                and time.time() - path.stat().st_mtime > LEGACY_AGE:
            shutil.rmtree(path, ignore_errors=True)


def running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
