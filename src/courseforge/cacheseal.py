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
import contextvars
import functools
import hmac
import os
import stat
from pathlib import Path

TAG = 32  # bytes of HMAC-SHA256 at the front of a sealed file
# A cache file from someone else may be of any size (a sparse file of 20 GB takes no room in a
# tarball): reading it whole to check its tag was a MemoryError. A file larger than its store ever
# writes is not read (a shard of pages holds a few hundred KB for a 5 000-page course); the deflate
# store's one file may be larger, and past CHECKED_FIRST its tag is checked piece by piece first.
MAX_SHARD = 64 << 20
CHECKED_FIRST = 64 << 20
KEY_FILE = "cache-key"


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
    _written(path)
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


def write_sealed(path: Path, data: bytes) -> None:
    """Seal `data` into `path`, whole or not at all: readers never see half a file. The temporary file
    is made afresh (a link planted under its name is replaced, never written through). Within
    written_behind(), the writer's thread does it, and an OSError is dropped there (every store goes
    on without its file when it cannot be written, as its callers do here)."""
    writer = _writer.get()
    if writer is not None and writer.pid == os.getpid():
        writer.add(path, _write, path, data)
    else:
        _write(path, data)


def remove_sealed(path: Path) -> None:
    """Remove a sealed file: within written_behind(), after the writes asked for before."""
    writer = _writer.get()
    if writer is not None and writer.pid == os.getpid():
        writer.add(path, path.unlink, True)
    else:
        path.unlink(missing_ok=True)


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.unlink(missing_ok=True)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(_tag(data))  # then the data: tens of MB are not copied to be put behind the tag
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        # A full disk, or a folder planted under the file's name: named after this process, the
        # temporary file would stay for ever, one more each build.
        temporary.unlink(missing_ok=True)
        raise


class _Writer:
    """One thread that writes and removes sealed files in the order they were asked for, started by
    the first of them (a build that writes nothing starts none)."""

    def __init__(self):
        self.pid, self.pool, self.pending = os.getpid(), None, []
        self.last: dict[str, object] = {}  # a file's last write or removal asked for (a Future)

    def add(self, path: Path, work, *args) -> None:
        if self.pool is None:
            from concurrent.futures import ThreadPoolExecutor

            # The key is made here, not by the thread: made by it and by a read at once, it could be
            # two keys through one temporary file (files sealed with the one lost: misses next time;
            # or a replace that finds the temporary gone: the key warned about as unkept).
            _key()
            self.pool = ThreadPoolExecutor(1, "courseforge-cache")
        self.pending.append(done := self.pool.submit(_quietly, work, *args))
        self.last[os.path.abspath(path)] = done

    def wait(self, path: Path | None = None) -> None:
        """Every write asked for has landed; with `path`, those of that file: the thread does them
        in order, so its last one landed means every one before it did (the others are not waited
        for: a shard read is not held up by the writes of the shards saved before it)."""
        if path is not None:
            done = self.last.pop(os.path.abspath(path), None)
            if done is not None:
                done.result()  # an error that is not the file system's is raised here
            return
        pending, self.pending, self.last = self.pending, [], {}
        for done in pending:
            done.result()

    def stop(self) -> None:
        """Every write landed, and the thread gone: the next write starts another."""
        try:
            self.wait()
        finally:
            self.close()

    def close(self) -> None:
        """The thread gone once the writes asked for have landed (their errors dropped: the build's
        own error, if any, is the one to see)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None


def _quietly(work, *args) -> None:
    with contextlib.suppress(OSError):
        work(*args)


_writer: contextvars.ContextVar[_Writer | None] = contextvars.ContextVar("cache_writer", default=None)


@contextlib.contextmanager
def written_behind():
    """Within it, the caches' files are sealed and written by a thread of their own while the build
    goes on: HMAC and the writes let go of the GIL, so they run beside the review and the rendering,
    on another core (a cold build of 5 000 lessons writes 49 MB of cache, 60 ms). Every file has
    landed when it ends, and each before that file is read (read_sealed waits for its own). A forked process
    writes its own (the thread is not in it); the thread is gone at the end, so a later build in the
    same process forks its page readers again (pagereading._start_method)."""
    if _writer.get() is not None:  # within one already: its thread does the writing
        yield
        return
    writer = _Writer()
    token = _writer.set(writer)
    try:
        yield
        writer.wait()
    finally:
        _writer.reset(token)
        writer.close()


def settle() -> None:
    """Every write asked for so far has landed and the writer's thread is gone (the next write starts
    another): called before this process forks, which copies the locks another thread holds, into a
    child that waits for ever on one it needs (pagereading._start_method forks only with one thread)."""
    writer = _writer.get()
    if writer is not None and writer.pid == os.getpid():
        writer.stop()


def _written(path: Path) -> None:
    """Every write of `path` asked for so far has landed: a read must not find it as it was before."""
    writer = _writer.get()
    if writer is not None and writer.pid == os.getpid():
        writer.wait(path)
