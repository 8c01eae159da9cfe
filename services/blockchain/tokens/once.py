"""Token writes a client may retry (transfers, redemptions, reward approvals): each is one
ledger transaction, done once per ``Idempotency-Key`` as docs/conventions.md ("Retried
writes") says, by the kit's ``pamtalk.idempotency``.

The key is claimed first, in the write's transaction, before the ledger lock is taken: a
retry of a finished request gets its response without waiting for the ledger, and a retry
sent while the first request runs waits on the key (not on the ledger) and then gets that
response. A request that fails rolls its claim back with everything else."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from pamtalk.db.tx import Tx
from pamtalk.idempotency import IdempotentRequest, Replay
from services.blockchain.append import LedgerWriter
from services.blockchain.state import BlockchainState

CREATED = 201
Action = Callable[[LedgerWriter], Awaitable[BaseModel]]


async def write_once(
    tx: Tx, state: BlockchainState, request: IdempotentRequest, action: Action
) -> Replay | dict[str, Any]:
    """The first response to the request's key (a ``Replay``), or ``action`` done in a ledger
    transaction on ``tx`` and its body (status 201), kept with the key."""
    now = datetime.fromtimestamp(state.clock() / 1000, UTC)
    replay = await request.claim(tx, now, state.idempotency_ttl)
    if replay is not None:
        return replay
    writer = await state.ledger_writer(tx)
    body: dict[str, Any] = (await action(writer)).model_dump(mode="json")
    await writer.close()
    await request.remember(tx, CREATED, body)
    return body
