"""heap.give_back: the free holes a build phase leaves go back to the system."""
from __future__ import annotations

import os
import platform

from courseforge.heap import _malloc_trim, give_back


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_freed_holes_between_kept_objects_leave_the_resident_set():
    if platform.libc_ver()[0] != "glibc":
        assert _malloc_trim() is None or callable(_malloc_trim())
        return
    # 16 KB strings (malloc, not Python's small-object pools), every other one kept: holes no top-of-heap
    # trim can reach, like the reading phase's cache lines between the pages it keeps.
    made = [f"{number:08d}" * 2000 for number in range(4_000)]
    kept = made[1::2]
    del made
    before = _resident_mb()
    give_back()
    after = _resident_mb()
    assert len(kept) == 2_000
    assert before - after > 20, f"{before:.0f} MB resident before, {after:.0f} MB after"
