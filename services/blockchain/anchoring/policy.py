"""When to anchor, and catching up after a chain outage (pure policy; the chain is a callable).

The ledger never waits for the chain: entries and signed tree heads are written regardless,
and the anchoring task (``anchoring/loop.py``) calls :func:`catch_up` with the latest signed
tree head and the last *stored* anchor. Because every tree is a prefix of the next
(consistency proofs), anchoring only the latest root covers all entries that piled up
during an outage: there is no backlog of roots to replay.

A failed attempt changes nothing stored, so the next tick is still due and retries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from services.blockchain.anchoring.outcomes import AnchorReceipt, AnchorRejected, ChainUnavailable
from services.blockchain.ledger.tree_head import TreeHead


@dataclass(frozen=True)
class AnchorState:
    """The latest anchor the service has stored (tree size and when it was anchored)."""

    tree_size: int
    anchored_at_ms: int


@dataclass(frozen=True)
class AnchorPolicy:
    """Anchor when ``every_entries`` new entries are waiting or the last anchor is
    ``every_seconds`` old (and something new is waiting)."""

    every_entries: int = 1000
    every_seconds: float = 3600.0

    def __post_init__(self) -> None:
        if self.every_entries < 1 or self.every_seconds <= 0:
            raise ValueError("anchor every >= 1 entries and > 0 seconds")

    def is_due(self, last: AnchorState | None, head_size: int, now_ms: int) -> bool:
        last_size = last.tree_size if last else 0
        if head_size <= last_size:
            return False
        if last is None or head_size - last_size >= self.every_entries:
            return True
        return now_ms - last.anchored_at_ms >= self.every_seconds * 1000


class Outcome(StrEnum):
    ANCHORED = "anchored"
    NOT_DUE = "not_due"
    UP_TO_DATE = "up_to_date"
    CHAIN_UNAVAILABLE = "chain_unavailable"  # retry on the next tick
    REJECTED = "rejected"  # the contract refused: alert, retrying will not help


@dataclass(frozen=True)
class CatchUpResult:
    outcome: Outcome
    receipt: AnchorReceipt | None = None  # to store (with the time) as the latest anchor
    error: str | None = None


async def catch_up(
    last: AnchorState | None,
    head: TreeHead,
    anchor: Callable[[int, bytes], Awaitable[AnchorReceipt]],
    *,
    policy: AnchorPolicy,
    now_ms: int,
    force: bool = False,
) -> CatchUpResult:
    """Anchor the latest signed root if it is due (``force``: if anything is pending);
    ``anchor`` writes it, e.g. ``AnchorClient.anchor_async``."""
    if head.tree_size <= (last.tree_size if last else 0):
        return CatchUpResult(Outcome.UP_TO_DATE)
    if not force and not policy.is_due(last, head.tree_size, now_ms):
        return CatchUpResult(Outcome.NOT_DUE)
    try:
        return CatchUpResult(Outcome.ANCHORED, await anchor(head.tree_size, head.root_hash))
    except ChainUnavailable as exc:
        return CatchUpResult(Outcome.CHAIN_UNAVAILABLE, error=str(exc))
    except AnchorRejected as exc:
        return CatchUpResult(Outcome.REJECTED, error=str(exc))
