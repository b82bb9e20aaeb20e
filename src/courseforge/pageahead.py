"""The few pages a rebuild must read, read in a forked child while this process serves the others from
the page cache.

A rebuild after an edit reads a page or a few. Read here, they wait until this process has imported
markdown-it and made its parser (a twentieth of such a rebuild of 5 000 lessons), after serving every
other page. Forked as soon as the cache has said which pages it lacks, a child imports, reads and sends
their results back through a pipe while this process decodes the rest, which it would do anyway: it
waits at the end only for what the child has not done by then. Measured at 5 000 lessons, the child's
35 ms are hidden, but the fork makes every page of this process's memory copy-on-write, and touching
them afterwards costs this process some 3 700 page faults more: 10 ms saved of a 0.49 s rebuild (the
median of 15 each, interleaved), not 35.

Fork only, and only from a process without threads (the preview's serve and watch in threads, and a
fork would copy their locks held): a fresh interpreter would take longer than the import it saves.
Whatever goes wrong in the child (it cannot start, dies, or sends what does not unpickle), the pages
are read here instead, as they would have been.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import threading
from collections.abc import Callable

# Pages the cache must serve for a child's head start to pay for its fork: decoding them takes as long
# as the child's import and read.
SERVED_FROM = 300


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


class Ahead:
    """`there()` run in a forked child, its result (pickled) taken by result(); `here()` gives the same
    result in this process, when the child could not."""

    def __init__(self, there: Callable[[], list], here: Callable[[], list]):
        self.here, self.pid, self.pipe = here, None, None
        readable, writable = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to be had (a limit on them): read here
            os.close(readable)
            os.close(writable)
            return
        if pid == 0:  # the child: it never returns into the caller's code, whatever happens
            status = 1
            try:
                os.close(readable)
                data = pickle.dumps(there(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(writable, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)  # not sys.exit: the parent's atexit handlers and buffers are the parent's
        os.close(writable)
        self.pid, self.pipe = pid, readable

    def result(self) -> list:
        if self.pid is None:
            return self.here()
        try:
            with os.fdopen(self.pipe, "rb") as source:  # read whole before waiting: a full pipe blocks the child
                data = source.read()
        finally:
            _, status = os.waitpid(self.pid, 0)
        if status == 0:  # and what it sent unpickles (our own child's, through our own pipe)
            with contextlib.suppress(pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError,
                                     TypeError):
                return pickle.loads(data)  # noqa: S301
        return self.here()  # the child died, or sent what it should not have
