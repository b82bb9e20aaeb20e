"""Give the C heap's free pages back to the system once a build phase has dropped its garbage.

Reading a large course leaves tens of megabytes free but scattered between the pages it keeps (the
workers' pickled results, the cache's JSON lines): glibc returns free memory by itself only from the
top of its heap, so those holes stayed resident until the build ended, a sixth of a 5 000-lesson
build's peak. malloc_trim(0) releases every free page wherever it sits. Elsewhere than glibc (macOS,
musl, Windows) there is no such call and nothing is done.
"""
from __future__ import annotations

import ctypes
import functools
import sys


def give_back() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):  # Windows' ctypes cannot even open the process itself
        return None
    try:  # the symbols this process already has, the C library's among them: nothing to look up on disk
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # a C library without malloc_trim (musl)
        return None
