"""The LRS behind the cmi5/TinCan stand-in (Ralph, lrs.py) answers each test as fast as the first: a
test starts on an empty store, and Ralph keeps no growing record of its reads. Its file-system store
reads every statement it holds for each POST and GET, so a POST's cost grew over a whole e2e run, and on
a busy machine a whole walk's statements no longer reached it within the tests' waits
(test_xapi_session_end.py)."""
from __future__ import annotations

import uuid

import pytest

from .lrs import VERBS


@pytest.mark.parametrize("turn", ["a test", "the test after it"])
def test_each_test_starts_on_an_empty_store_and_a_read_leaves_no_record(ralph, lms, turn):
    assert ralph.statements() == [], f"{turn} found statements an earlier test left"
    sent = {"id": str(uuid.uuid4()), "actor": lms.learner(), "verb": {"id": VERBS + "experienced"},
            "object": {"objectType": "Activity", "id": "https://example.org/lrs-stand-in"}}
    ralph.post(sent)
    assert [s["id"] for s in ralph.statements()] == [sent["id"]]
    history = ralph.root / "app" / "history.json"
    assert not history.exists(), f"Ralph rewrites {history} on every read and write ({history.stat().st_size} B)"
