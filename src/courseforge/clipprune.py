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
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # no flock (Windows): no way to know another build is reading, so nothing is pruned
    fcntl = None

GRACE = 7 * 24 * 3600
SKEW = 24 * 3600  # a use this far in the future is a clock set back, not a use to keep for ever
ENTRY = re.compile(r"^[0-9a-f]{32}$")
LOCK = "lock"  # not dot-named: those are clips being made (clipcache.WORK)


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


def prune(store: Path, used: set[Path], now: float | None = None) -> tuple[int, int]:
    """Remove the entries not in `used` that have gone unused for GRACE: (how many, their bytes).
    Nothing happens while another build holds the store, and nothing but entry folders is touched."""
    now = time.time() if now is None else now
    handle = _open_lock(store)
    if handle is None:
        return 0, 0
    removed = size = 0
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another build is looking for or reading its clips
            return 0, 0
        try:
            listing = list(os.scandir(store))
        except OSError:
            return 0, 0
        for found in listing:
            path = Path(found.path)
            if not ENTRY.match(found.name) or path in used or not found.is_dir(follow_symlinks=False):
                continue
            last = _last_use(path, now)
            if last is not None and now - last > GRACE:
                taken = _size(path)
                shutil.rmtree(path, ignore_errors=True)
                if not path.exists():
                    removed, size = removed + 1, size + taken
    finally:
        os.close(handle)
    return removed, size


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
