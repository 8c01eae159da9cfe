"""Opening a trade and reading one: who may buy, what the total is, who may see it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.jwks import Principal
from pamtalk.errors import Problem
from pamtalk.events.catalogue import TransactionCreated
from services.transaction import farms
from services.transaction.events import publish
from services.transaction.ids import created_at_of, new_trade_id, to_millisecond
from services.transaction.models import Trade
from services.transaction.rows import ONE
from services.transaction.schemas import TradeIn, TradeOut

BUYER_ROLES = {"consumer", "company"}
CENT, MILLI = Decimal("0.01"), Decimal("0.001")


def total_value(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """quantity x unit price, in KRW rounded half-up to the cent."""
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def require_buyer(principal: Principal) -> None:
    if principal.role not in BUYER_ROLES:
        raise Problem(403, "Only consumers and companies open trades.", type_="forbidden")


async def open_trade(session: AsyncSession, principal: Principal, body: TradeIn, now: datetime) -> Trade:
    farm = await farms.tradable_farm(session, body.farm_id)
    if body.crop not in farm.crops:
        offered = ", ".join(sorted(farm.crops)) or "nothing yet"
        raise Problem(
            422,
            f"The farm does not offer {body.crop}; it offers {offered}.",
            type_="crop-not-offered",
            errors=[
                {
                    "field": "crop",
                    "in": "body",
                    "message": "not offered by this farm",
                    "code": "crop-not-offered",
                }
            ],
        )
    if farm.owner_id == principal.id:
        raise Problem(422, "You cannot buy from your own farm.", type_="own-farm")
    at = to_millisecond(now)
    quantity, unit_price = body.quantity.quantize(MILLI), body.unit_price.quantize(CENT)  # as stored
    trade = Trade(
        id=new_trade_id(at),
        created_at=at,
        farm_id=farm.farm_id,
        producer_id=farm.owner_id,
        buyer_id=principal.id,
        buyer_role=principal.role,
        crop=body.crop,
        quantity=quantity,
        unit_price=unit_price,
        total_value=total_value(quantity, unit_price),
        quality_score=body.quality_score,
        delivery_hours=body.delivery_hours,
        payment_method=body.payment_method,
        location=body.location or farm.region,
        producer_esg_score=farm.esg_score,
        producer_wallet=farm.wallet_address,
        status="pending",
        updated_at=at,
    )
    session.add(trade)
    await session.flush()
    await publish(session, TransactionCreated, trade, at)
    return trade


def is_party(principal: Principal, trade: Mapping[str, Any]) -> bool:
    return principal.id in (trade["buyer_id"], trade["producer_id"])


def not_found() -> Problem:
    return Problem(404, "No such trade.", type_="transaction-not-found")


async def find_trade(conn: asyncpg.Connection, trade_id: uuid.UUID) -> asyncpg.Record | None:
    """The trade's row, read from the one partition its id's time points to."""
    created_at = created_at_of(trade_id)
    if created_at is None:
        return None
    row: asyncpg.Record | None = await conn.fetchrow(ONE, trade_id, created_at)
    return row


async def readable_trade(
    conn: asyncpg.Connection, principal: Principal, trade_id: uuid.UUID
) -> asyncpg.Record:
    """The trade if the caller is a party or an admin; otherwise 404 (existence is not leaked)."""
    trade = await find_trade(conn, trade_id)
    if trade is None or not (is_party(principal, trade) or principal.is_admin):
        raise not_found()
    return trade


def trade_out(trade: Trade, principal: Principal) -> TradeOut:
    out = TradeOut.model_validate(trade)
    return out if principal.is_admin else out.model_copy(update={"review": None})
