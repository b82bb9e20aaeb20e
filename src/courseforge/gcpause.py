"""Python's cyclic garbage collector, paused while a build makes its objects.

A large course is hundreds of thousands of small objects that live until the build ends (pages, their
text blocks and measures); every few thousand new ones the collector walks them all again, and at
5 000 lessons that was a third of a rebuild's time. What a build makes holds no reference cycles
worth collecting early, so the collector waits until the build is over (memory stays the same).
"""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def collector_paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
