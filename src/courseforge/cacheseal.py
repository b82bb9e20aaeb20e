"""Seals on what courseforge keeps in .courseforge-cache, so a cache is trusted only if this user made it.

The cache lives in the course folder, and a course folder from someone else is hostile: it could
ship a page cache whose entry for one of its lessons holds live script, or a deflate cache whose
pieces unpack to something else, and a build would package them without reading a source. Each
cache file therefore carries an HMAC-SHA256 tag of its content (faster than keyed BLAKE2b where the
CPU hashes SHA-256 itself, as most do: a rebuild checks some 25 MB); the key is a secret of this user,
kept outside every course folder (in the user's cache directory, readable by the user alone). A
file whose tag does not match (another machine's, edited, cut short) is treated as absent and
rebuilt. Without a writable home for the key, a key of this process alone: caches then last one run.
"""
from __future__ import annotations

import contextlib
import functools
import hmac
import os
import stat
from collections.abc import Iterable
from pathlib import Path

TAG = 32  # bytes of HMAC-SHA256 at the front of a sealed file
# A cache file from someone else may be of any size (a sparse file of 20 GB takes no room in a
# tarball): reading it whole to check its tag was a MemoryError. A file larger than its store ever
# writes is not read (a shard of pages holds a few hundred KB for a 5 000-page course); the deflate
# store's one file may be larger, and past CHECKED_FIRST its tag is checked piece by piece first.
MAX_SHARD = 64 << 20
CHECKED_FIRST = 64 << 20
KEY_FILE = "cache-key"
# Below the C heap's mmap threshold: one buffer, reused for every file written, never page-faulted anew.
WRITE_BUFFER = 64 << 10


_unkept: str | None = None  # why this run's key is its own (see key_unkept), set by _key()


def user_dir() -> Path | None:
    """This user's courseforge folder, outside every course folder (~/.cache/courseforge); None
    without a home (no HOME and no entry for this user, as in a container run under any uid)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative path is invalid (it put the key in the project)
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / "courseforge"


def key_path() -> Path | None:
    folder = user_dir()
    return None if folder is None else folder / KEY_FILE


def key_unkept() -> str | None:
    """Why this user's key cannot be kept, so that every cache lasts one run; None when it is kept."""
    _key()
    return _unkept


@functools.lru_cache(maxsize=1)
def _key() -> bytes:
    global _unkept
    path, _unkept = key_path(), None
    if path is None:
        _unkept = "no home folder: HOME is not set and this user has none in the user database"
        return os.urandom(32)
    with contextlib.suppress(OSError):
        if not path.is_symlink() and len(secret := path.read_bytes()) == 32:
            return secret
    secret = os.urandom(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(secret)
        os.replace(temporary, path)
        # Two first builds at once: both keep the key that landed last.
        if len(landed := path.read_bytes()) == 32:
            return landed
    except OSError as error:
        _unkept = error.strerror or str(error)
    return secret


def _tag(data: bytes | memoryview) -> bytes:
    return hmac.digest(_key(), data, "sha256")


def seal(data: bytes) -> bytes:
    """`data` with this user's tag in front, as a cache file holds it."""
    return _tag(data) + data


def opened(blob: bytes) -> bytes | None:
    """The data of a sealed file, or None when this user did not write it as it is."""
    view = memoryview(blob)
    if len(blob) < TAG or not hmac.compare_digest(view[:TAG], _tag(view[TAG:])):
        return None
    return blob[TAG:]


def store_folder(root: Path | None, name: str) -> Path | None:
    """`root/name`, a store of sealed files, or None when it must not be used: the cache folder or
    the store is a link or not a folder (a course folder from someone else may carry one, to have
    files written and deleted wherever it points)."""
    if root is None:
        return None
    for path in (root, root / name):
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return root / name  # made when first written
        except OSError:
            return None
        if not stat.S_ISDIR(mode):
            return None
    return root / name


def read_sealed(path: Path, limit: int = MAX_SHARD) -> bytes | None:
    """The data of the sealed file at `path`, or None when there is none this user wrote (or it is
    over `limit` bytes). Only a regular file is read: a FIFO opened for reading would block the build
    forever, and a link may point anywhere."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):  # ValueError: a name with a NUL
        return None
    try:
        found = os.fstat(handle)
        if not stat.S_ISREG(found.st_mode) or found.st_size > limit:
            return None
        with os.fdopen(handle, "rb", closefd=False) as file:
            if found.st_size > CHECKED_FIRST and not _sealed_by_us(file):
                return None
            file.seek(0)
            return opened(file.read())
    except OSError:
        return None
    finally:
        os.close(handle)


def _sealed_by_us(file) -> bool:
    """Whether `file` carries this user's tag, read a piece at a time: someone else's file is never
    held in memory whole."""
    tag, digest = file.read(TAG), hmac.new(_key(), digestmod="sha256")
    while piece := file.read(1 << 20):
        digest.update(piece)
    return len(tag) == TAG and hmac.compare_digest(tag, digest.digest())


def write_sealed(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Seal `data` (bytes, or pieces of it in order) into `path`, whole or not at all: readers never
    see half a file. The temporary file is made afresh (a link planted under its name is replaced,
    never written through)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.unlink(missing_ok=True)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    try:
        with os.fdopen(handle, "wb", buffering=WRITE_BUFFER) as out:
            if isinstance(data, (bytes, bytearray, memoryview)):
                out.write(_tag(data))  # then the data: tens of MB are not copied to be put behind the tag
                out.write(data)
            else:
                # Pieces are written as they come, the tag's room left in front and filled in last: a
                # shard of 1.5 MB joined, then encoded, was two fresh buffers of the C heap, and a cold
                # build of 5 000 lessons spent more on their page faults than on sealing its cache.
                out.write(bytes(TAG))
                digest = hmac.new(_key(), digestmod="sha256")
                for piece in data:
                    digest.update(piece)
                    out.write(piece)
                out.seek(0)
                out.write(digest.digest())
        os.replace(temporary, path)
    except BaseException:
        # A full disk, or a folder planted under the file's name: named after this process, the
        # temporary file would stay for ever, one more each build.
        temporary.unlink(missing_ok=True)
        raise
