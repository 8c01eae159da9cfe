"""The anchoring policy: every N entries or T seconds, only when something is pending."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.blockchain.anchoring.policy import AnchorPolicy, AnchorState

POLICY = AnchorPolicy(every_entries=100, every_seconds=60)


@pytest.mark.parametrize(
    ("last", "head_size", "now_ms", "due"),
    [
        (None, 0, 0, False),  # nothing to anchor
        (None, 1, 0, True),  # never anchored: anchor the first root
        (AnchorState(50, 0), 50, 10**9, False),  # nothing new, however long ago
        (AnchorState(50, 0), 149, 59_999, False),
        (AnchorState(50, 0), 150, 0, True),  # N entries waiting
        (AnchorState(50, 0), 51, 60_000, True),  # T seconds passed
    ],
)
def test_policy(last: AnchorState | None, head_size: int, now_ms: int, due: bool) -> None:
    assert POLICY.is_due(last, head_size, now_ms) is due


def test_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        AnchorPolicy(every_entries=0)


@given(last_size=st.integers(0, 10**6), pending=st.integers(0, 10**4), waited=st.integers(0, 10**6))
def test_no_entry_waits_longer_than_the_policy(last_size: int, pending: int, waited: int) -> None:
    due = POLICY.is_due(AnchorState(last_size, 0), last_size + pending, waited)
    if pending == 0:
        assert not due
    elif pending >= 100 or waited >= 60_000:
        assert due
