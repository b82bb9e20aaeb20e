"""Python's cyclic garbage collector, paused while a build makes its objects.

A large course is hundreds of thousands of small objects that live until the build ends (pages, their
text blocks and measures); every few thousand new ones the collector walks them all again, and at
5 000 lessons that was a third of a rebuild's time. What a build makes holds no reference cycles
worth collecting early, so the collector waits until the build is over (memory stays the same).

When it resumes, the build's survivors are frozen (gc.freeze): they would otherwise all sit in the
youngest generation, and the first allocation after the build would walk every one of them (30–50 ms
at 5 000 lessons, spent just before a command exits). Frozen objects are still freed as soon as
nothing refers to them. A process that builds again (the preview) unfreezes them first and collects
the cycles the earlier build left, once per build; a command that builds once never pays for it.
"""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def collector_paused():
    was_enabled = gc.isenabled()
    if was_enabled and gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
