"""Who may see a trade: its buyer, its producer, or an admin. To anyone else it does not
exist: a 404, the same as for an id never used."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from asyncpg import Record

from pamtalk.auth.jwks import Principal
from pamtalk.db.tx import Read
from pamtalk.errors import Problem
from services.transaction.ids import created_at_of
from services.transaction.store import trades


def is_party(principal: Principal, trade: Mapping[str, Any]) -> bool:
    return principal.id in (trade["buyer_id"], trade["producer_id"])


def not_found() -> Problem:
    return Problem(404, "No such trade.", type_="transaction-not-found")


async def find_trade(read: Read, trade_id: uuid.UUID) -> Record | None:
    """The trade's row, read from the one partition its id's time points to."""
    created_at = created_at_of(trade_id)
    if created_at is None:
        return None
    return await trades.by_id(read, trade_id, created_at)


async def readable_trade(read: Read, principal: Principal, trade_id: uuid.UUID) -> Record:
    """The trade if the caller is a party or an admin; otherwise 404 (existence is not leaked)."""
    trade = await find_trade(read, trade_id)
    if trade is None or not (is_party(principal, trade) or principal.is_admin):
        raise not_found()
    return trade
