"""The collector pauses during a build, does not walk the build's survivors when it resumes, and
still collects the reference cycles a build left behind."""
import gc
import weakref

from courseforge.gcpause import collector_paused


class Node:
    def __init__(self):
        self.other = self


def test_a_build_s_survivors_are_not_walked_when_the_collector_resumes():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        kept = [[n] for n in range(50_000)]  # what a build makes and keeps: tracked containers
        assert gc.get_count()[0] >= 50_000
    assert gc.isenabled()
    assert gc.get_count()[0] < 100  # frozen, not waiting for the next collection of the youngest
    assert gc.get_freeze_count() >= len(kept)
    with collector_paused():
        assert gc.get_freeze_count() == 0  # the next build hands them back to the collector
    gc.unfreeze()


def test_cycles_a_build_left_are_collected_after_the_next_build_starts():
    with collector_paused():
        cycle = Node()
        alive = weakref.ref(cycle)
    del cycle
    gc.collect()
    assert alive() is not None  # frozen: a cycle waits, as in an old generation
    with collector_paused():
        assert alive() is None  # the next build collects it before it starts
    gc.unfreeze()


def test_nested_pauses_leave_the_collector_as_they_found_it():
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.unfreeze()
