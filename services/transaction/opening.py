"""Opening a trade: who may buy, which farm and crop, what the total is.

In the request's transaction: the ``Idempotency-Key`` claimed (the kit's, when one is sent),
the trade inserted in the statement that reads its farm from the read model, the farm
judged, the response stored with the key, and ``transaction.created`` queued in the outbox.
A problem raised on the way (a farm that takes no such trade) rolls all of it back, the
trade and the key's claim included."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import orjson

from pamtalk.auth.jwks import Principal
from pamtalk.db.tx import Tx
from pamtalk.errors import Problem
from pamtalk.events.catalogue import TransactionCreated
from pamtalk.idempotency import IdempotentRequest, Replay
from pamtalk.json_body import dumps
from services.transaction.events import publish
from services.transaction.ids import new_trade_id, to_millisecond
from services.transaction.items import item
from services.transaction.schemas import TradeIn
from services.transaction.store import trades

BUYER_ROLES = {"consumer", "company"}
CENT, MILLI = Decimal("0.01"), Decimal("0.001")
OPERATION = "open-trade"  # what an Idempotency-Key of this service is claimed for
TradeRow = dict[str, Any]


@dataclass(frozen=True)
class Opened:
    trade: TradeRow  # ``store.trades.COLUMNS`` and ``buyer_role``
    body: bytes  # the response, as JSON


def total_value(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """quantity x unit price, in KRW rounded half-up to the cent."""
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def require_buyer(principal: Principal) -> None:
    if principal.role not in BUYER_ROLES:
        raise Problem(403, "Only consumers and companies open trades.", type_="forbidden")


def tradable(farm: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The farm a new trade names: known to the marketplace and active, or a 422."""
    if farm is None:
        raise Problem(
            422,
            "The farm is not known to the marketplace yet; farms appear within seconds of "
            "registration. Check the farm id, or try again shortly.",
            type_="farm-unknown",
            errors=[{"field": "farm_id", "in": "body", "message": "unknown farm", "code": "farm-unknown"}],
        )
    status = farm["status"]
    if status != "active":
        raise Problem(
            422,
            f"The farm is {status} and does not take new trades.",
            type_="farm-inactive",
            errors=[
                {
                    "field": "farm_id",
                    "in": "body",
                    "message": f"farm is {status}",
                    "code": "farm-inactive",
                }
            ],
        )
    return farm


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


def _new_trade(principal: Principal, body: TradeIn, now: datetime) -> TradeRow:
    """The trade as asked for (its farm's values come with the insert)."""
    at = to_millisecond(now)
    quantity, unit_price = body.quantity.quantize(MILLI), body.unit_price.quantize(CENT)  # as stored
    trade: TradeRow = dict.fromkeys(trades.COLUMNS)
    trade.update(
        id=new_trade_id(at),
        created_at=at,
        farm_id=body.farm_id,
        buyer_id=principal.id,
        buyer_role=principal.role,
        crop=body.crop,
        quantity=quantity,
        unit_price=unit_price,
        total_value=total_value(quantity, unit_price),
        quality_score=float(body.quality_score),  # the default is the int 80
        delivery_hours=body.delivery_hours,
        payment_method=body.payment_method,
        location=body.location,
        status="pending",
        updated_at=at,
    )
    return trade


async def open_trade(
    tx: Tx, principal: Principal, body: TradeIn, now: datetime, key: str | None, key_ttl: timedelta
) -> Opened | Replay:
    """Open the trade; or, for an ``Idempotency-Key`` (``key``) whose request was answered
    within ``key_ttl``, that first answer (a 422 if the key came with another request)."""
    request = IdempotentRequest.of(principal.id, key, OPERATION, body)
    if (replay := await request.claim(tx, now, key_ttl)) is not None:
        return replay
    trade = _new_trade(principal, body, now)
    farm = tradable(await trades.open_at_farm(tx, trade))
    _check_offer(farm, principal, body)
    trade.update(
        producer_id=farm["owner_id"],
        location=body.location or farm["region"],  # as the insert wrote it
        producer_esg_score=farm["esg_score"],
        producer_wallet=farm["wallet_address"],
    )
    response = dumps(item(trade, principal.is_admin))
    await request.remember(tx, 201, orjson.Fragment(response))  # the JSON as answered, not again
    await publish(tx, TransactionCreated, trade, trade["created_at"])
    return Opened(trade, response)
