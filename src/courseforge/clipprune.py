"""Keeping the clip cache's size bounded: every edit of a scene's lines, title, cast or voice makes a
new entry (about 0.7 MB), and the old ones would otherwise stay for ever, in every backup and CI cache.

The rule: after a build that has all its clips, an entry it did not use goes once it has gone unused
for GRACE (a week). An entry's use is its meta.json's mtime, touched by each build that serves it, so
switching a git branch back and forth, undoing an edit the next morning or the preview's rebuild on
every save never renders a clip again; what goes is what no build asked for in a week.

Builds share the store: each holds a shared lock on video/lock from looking for its clips until it has
read them, and pruning takes the lock exclusively or does not happen (another build is at work; the
next one prunes). A clip another build is making is a dot-named work folder (clipcache.work_prefix),
never an entry, and is renamed into place with a fresh meta.json: pruning does not see the one and
keeps the other.

A cap bounds the store's size as well (CAP_VARIABLE, a machine's concern rather than a course's: its
disk, a CI runner's cache): a day of heavy tuning, or a large video_size, leaves far more than a disk
should carry for a week. After the age rule, the entries this build did not use go least recently used
first until the store is within the cap. What this build uses always stays (the preview shows it), even
when it alone is larger than the cap: that is said, once, and the cap then keeps nothing else. Sizes
are the entries' files' sizes from stat, never from reading them; work folders are not counted (they
are renamed into entries or removed with their dead process, clipcache.remove_abandoned).
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path

import click

try:
    import fcntl
except ImportError:  # no flock (Windows): no way to know another build is reading, so nothing is pruned
    fcntl = None

GRACE = 7 * 24 * 3600
SKEW = 24 * 3600  # a use this far in the future is a clock set back, not a use to keep for ever
ENTRY = re.compile(r"^[0-9a-f]{32}$")
LOCK = "lock"  # not dot-named: those are clips being made (clipcache.WORK)
CAP_VARIABLE = "COURSEFORGE_CLIP_CACHE_MB"
DEFAULT_CAP_MB = 1000  # 1 GB: some 1400 clips at 1280x720, a large course and a good deal of tuning
MB = 1_000_000  # as every size courseforge prints (and package_budget_mb) counts it
MAX_CAP_DIGITS = 15  # a million terabytes: any longer value is no cap at all (int() refuses 4300+ digits)


class CapError(click.ClickException):
    """A cap that is not a number: one line naming the variable, exit status 1, before any work."""

    exit_code = 1


@dataclass(frozen=True)
class Pruned:
    """What one prune removed, and what it could not."""

    aged: tuple[int, int] = (0, 0)  # entries unused for GRACE: how many, their bytes
    capped: tuple[int, int] = (0, 0)  # entries removed, least recently used first, to bring the store within `cap`
    kept: int = 0  # the bytes of this build's own entries when they alone exceed `cap` (kept all the same), else 0
    cap: int = 0


def size_cap() -> int:
    """The store's cap in bytes: CAP_VARIABLE, a whole number of megabytes (empty or unset: the default;
    0: keep only what the last build used), else CapError."""
    value = os.environ.get(CAP_VARIABLE, "").strip()
    if not value:
        return DEFAULT_CAP_MB * MB
    if not re.fullmatch(r"[0-9]+", value):  # int() would take "1_000", "+5" and other scripts' digits too
        shown = value if len(value) <= 40 else value[:39] + "…"
        raise CapError(f"{CAP_VARIABLE} is {shown!r}, but it must be a whole number of megabytes: the most "
                       f"the clip cache (.courseforge-cache/video) may hold, such as {DEFAULT_CAP_MB} (the "
                       f"default when it is not set) — or 0 to keep only the clips of the last build")
    digits = value.lstrip("0") or "0"
    return int(digits) * MB if len(digits) <= MAX_CAP_DIGITS else 10 ** (MAX_CAP_DIGITS + 6)


@contextlib.contextmanager
def reading(store: Path):
    """Held while a build looks for, touches and reads its entries: no other build prunes meanwhile."""
    handle = _open_lock(store)
    try:
        if handle is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH)
            except OSError:
                os.close(handle)
                handle = None
        yield
    finally:
        if handle is not None:
            os.close(handle)


def mark_used(entry: Path) -> None:
    """Record that this build served `entry` (its meta.json's mtime), never through a link."""
    meta = entry / "meta.json"
    try:
        if os.utime in os.supports_follow_symlinks:
            os.utime(meta, follow_symlinks=False)
        elif not meta.is_symlink():
            os.utime(meta)
    except (OSError, NotImplementedError):  # a read-only cache: the entry simply ages
        return


def prune(store: Path, used: set[Path], now: float | None = None, cap: int | None = None) -> Pruned:
    """Remove the entries not in `used` that have gone unused for GRACE, then, least recently used
    first, those that keep the store above `cap` bytes (default: size_cap()). Nothing happens while
    another build holds the store, and nothing but entry folders is touched."""
    now = time.time() if now is None else now
    cap = size_cap() if cap is None else cap
    handle = _open_lock(store)
    if handle is None:
        return Pruned(cap=cap)
    aged = capped = (0, 0)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another build is looking for or reading its clips
            return Pruned(cap=cap)
        try:
            listing = list(os.scandir(store))
        except OSError:
            return Pruned(cap=cap)
        in_use = 0
        others = []  # (last use, name, path, bytes) of the entries the age rule kept
        for found in listing:
            path = Path(found.path)
            if not ENTRY.match(found.name) or not found.is_dir(follow_symlinks=False):
                continue
            if path in used:
                in_use += _size(path)
                continue
            last = _last_use(path, now)
            if last is None:
                continue
            if now - last > GRACE:
                aged = _add(aged, _remove(path))
            else:
                others.append((last, found.name, path, _size(path)))
        total = in_use + sum(entry[3] for entry in others)
        for _last, _name, path, size in sorted(others):  # least recently used first, then by name
            if total <= cap:
                break
            gone = _remove(path, size)
            total -= gone[1]
            capped = _add(capped, gone)
    finally:
        os.close(handle)
    return Pruned(aged, capped, in_use if in_use > cap else 0, cap)


def _remove(entry: Path, size: int | None = None) -> tuple[int, int]:
    """(1, its bytes) once `entry` is gone, (0, 0) if it stays (a file another user owns…)."""
    size = _size(entry) if size is None else size
    shutil.rmtree(entry, ignore_errors=True)
    return (0, 0) if entry.exists() else (1, size)


def _add(counted: tuple[int, int], more: tuple[int, int]) -> tuple[int, int]:
    return counted[0] + more[0], counted[1] + more[1]


def tell(pruned: Pruned, store: Path, progress) -> None:
    """Say what `pruned` removed, a line per rule; a store its own build's clips overfill, once per
    process (the preview rebuilds on every save and would say it every time)."""
    if pruned.aged[0]:
        progress.removed(*pruned.aged)
    if pruned.capped[0]:
        progress.capped(*pruned.capped, pruned.cap)
    # A cap of 0 asks for exactly this (only the last build's clips): nothing to say then.
    if pruned.kept and pruned.cap and (store, pruned.cap) not in _TOLD_OVER_CAP:
        _TOLD_OVER_CAP.add((store, pruned.cap))
        progress.over_cap(pruned.kept, pruned.cap)


_TOLD_OVER_CAP: set[tuple[Path, int]] = set()


def _last_use(entry: Path, now: float) -> float | None:
    """When a build last served `entry`: its meta.json's mtime (the folder's when it has none), a
    future one brought back to now so that the entry goes a week later rather than never."""
    for path in (entry / "meta.json", entry):
        try:
            info = path.lstat()
        except OSError:
            continue
        if path == entry or stat.S_ISREG(info.st_mode):
            break
    else:
        return None  # removed meanwhile
    if info.st_mtime > now + SKEW:
        with contextlib.suppress(OSError, NotImplementedError):
            os.utime(path, (now, now), follow_symlinks=False)
        return now
    return info.st_mtime


def _size(entry: Path) -> int:
    total = 0
    try:
        with os.scandir(entry) as names:
            for name in names:
                with contextlib.suppress(OSError):
                    total += name.stat(follow_symlinks=False).st_size
    except OSError:
        return total
    return total


def _open_lock(store: Path) -> int | None:
    """The store's lock file, opened without following a link and only when it is a regular file
    (the cache came with the folder: a link or a FIFO planted there is removed and made again)."""
    if fcntl is None or not store.is_dir() or store.is_symlink():
        return None
    path = store / LOCK
    flags = os.O_RDONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    for _attempt in range(2):
        try:
            handle = os.open(path, flags, 0o600)
        except OSError:
            handle = None
        else:
            if stat.S_ISREG(os.fstat(handle).st_mode):
                return handle
            os.close(handle)
        try:
            info = path.lstat()
        except OSError:
            return None  # cannot be made: a read-only cache
        if stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode):
            return None  # not ours to replace: another build may hold a lock on it
        with contextlib.suppress(OSError):
            path.unlink()  # a link or a special file: the link itself goes, never what it names
    return None
