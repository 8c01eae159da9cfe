"""Opening a trade and reading one: who may buy, what the total is, who may see it.

Opening is two statements of ours in the request's transaction, with ``Idempotency-Key``
too: the key is claimed in the statement that reads the farm, and the response is stored
in the statement that inserts the trade (then the kit's outbox insert for the event)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import asyncpg

from pamtalk.auth.jwks import Principal
from pamtalk.db.outbox import PlainTx
from pamtalk.db.raw import sql
from pamtalk.errors import Problem
from pamtalk.events.catalogue import TransactionCreated
from pamtalk.json_body import dumps
from services.transaction import farms, idempotency
from services.transaction.events import publish
from services.transaction.ids import created_at_of, new_trade_id, to_millisecond
from services.transaction.rows import COLUMNS, ONE, TABLE, TradeRow, item
from services.transaction.schemas import TradeIn

BUYER_ROLES = {"consumer", "company"}
CENT, MILLI = Decimal("0.01"), Decimal("0.001")

# One row always; the farm's columns are NULL when the farm is unknown.
_FARM = f"(SELECT) AS one LEFT JOIN ({farms.FARM_FOR_TRADE}) AS farm ON true"
READ_FARM = sql(f"SELECT true AS claimed, farm.* FROM {_FARM}")
CLAIM_AND_READ_FARM = sql(
    f"WITH claim AS ({idempotency.CLAIM}) SELECT EXISTS (SELECT FROM claim) AS claimed, farm.* FROM {_FARM}"
)
INSERTED = (*COLUMNS, "buyer_role")  # the columns not written stay NULL
_INSERT = f"INSERT INTO {TABLE} ({', '.join(INSERTED)}) VALUES ({', '.join(':' + c for c in INSERTED)})"
INSERT = sql(_INSERT)
INSERT_AND_REMEMBER = sql(f"WITH trade AS ({_INSERT}) {idempotency.REMEMBER}")


@dataclass(frozen=True)
class Opened:
    trade: TradeRow
    body: bytes  # the response, as JSON


def total_value(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """quantity x unit price, in KRW rounded half-up to the cent."""
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def require_buyer(principal: Principal) -> None:
    if principal.role not in BUYER_ROLES:
        raise Problem(403, "Only consumers and companies open trades.", type_="forbidden")


def _check_offer(farm: Mapping[str, Any], principal: Principal, body: TradeIn) -> None:
    if body.crop not in farm["crops"]:
        offered = ", ".join(sorted(farm["crops"])) or "nothing yet"
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
    if farm["owner_id"] == principal.id:
        raise Problem(422, "You cannot buy from your own farm.", type_="own-farm")


def _new_trade(farm: Mapping[str, Any], principal: Principal, body: TradeIn, now: datetime) -> TradeRow:
    at = to_millisecond(now)
    quantity, unit_price = body.quantity.quantize(MILLI), body.unit_price.quantize(CENT)  # as stored
    trade: TradeRow = dict.fromkeys(INSERTED)
    trade.update(
        id=new_trade_id(at),
        created_at=at,
        farm_id=body.farm_id,
        producer_id=farm["owner_id"],
        buyer_id=principal.id,
        buyer_role=principal.role,
        crop=body.crop,
        quantity=quantity,
        unit_price=unit_price,
        total_value=total_value(quantity, unit_price),
        quality_score=float(body.quality_score),  # the default is the int 80
        delivery_hours=body.delivery_hours,
        payment_method=body.payment_method,
        location=body.location or farm["region"],
        producer_esg_score=farm["esg_score"],
        producer_wallet=farm["wallet_address"],
        status="pending",
        updated_at=at,
    )
    return trade


async def open_trade(
    tx: PlainTx,
    principal: Principal,
    body: TradeIn,
    now: datetime,
    claim: dict[str, Any] | None = None,
) -> Opened | idempotency.Replay:
    """Open the trade, or, for a key claimed before (``claim``: ``idempotency.claim_values``),
    give the first response. Plain SQL in the endpoint's transaction (``PlainWrite``): it
    commits when the endpoint returns, and a database error rolls all of it back (the kit
    maps it to a problem: text PostgreSQL cannot store is a 422)."""
    read = CLAIM_AND_READ_FARM if claim else READ_FARM
    found = await tx.conn.fetchrow(read.text, *read.args({"farm_id": body.farm_id, **(claim or {})}))
    assert found is not None  # one row always
    if not found["claimed"]:
        assert claim is not None
        return await idempotency.replay(tx.conn, principal.id, claim["key"], claim["request_hash"])
    farm = farms.tradable(dict(found) if found["owner_id"] is not None else None)
    _check_offer(farm, principal, body)
    trade = _new_trade(farm, principal, body, now)
    response = dumps(item(trade, principal.is_admin))
    if claim:
        remember = {
            "status_code": 201,
            "response": response.decode(),
            "user_id": principal.id,
            "key": claim["key"],
        }
        await tx.conn.execute(INSERT_AND_REMEMBER.text, *INSERT_AND_REMEMBER.args({**trade, **remember}))
    else:
        await tx.conn.execute(INSERT.text, *INSERT.args(trade))
    await publish(tx, TransactionCreated, trade, trade["created_at"])
    return Opened(trade, response)


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
