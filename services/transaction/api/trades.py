"""Opening, listing and reading trades."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from pamtalk.deps import CurrentUser, Db, Write
from pamtalk.errors import problem_responses
from pamtalk.idempotency import IdempotencyKeyHeader, Replay
from pamtalk.json_body import json_response
from pamtalk.openapi.components import with_location
from services.transaction import access, listing, opening
from services.transaction.items import item
from services.transaction.listing import TradeFilter
from services.transaction.schemas import Crop, TradeIn, TradeOut, TradePage, TradeStatus
from services.transaction.state import State

router = APIRouter(prefix="/api/v1/transactions", tags=["trades"])


@router.post(
    "",
    status_code=201,
    response_model=TradeOut,
    summary="Open a trade with a farm (consumers and companies)",
    responses={**with_location(201), **problem_responses(401, 403, 409, 422)},
)
async def create_trade(
    body: TradeIn,
    principal: CurrentUser,
    tx: Write,
    state: State,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    opening.require_buyer(principal)
    opened = await opening.open_trade(
        tx, principal, body, state.clock(), idempotency_key, state.idempotency_ttl
    )
    if isinstance(opened, Replay):
        return opened.response({"Location": f"{router.prefix}/{opened.body['id']}"})
    location = {"Location": f"{router.prefix}/{opened.trade['id']}"}
    return Response(opened.body, status_code=201, headers=location, media_type="application/json")


@router.get(
    "",
    response_model=TradePage,
    summary="My trades (as buyer or producer), a farm's trades (its owner), newest first",
    responses=problem_responses(401, 422),
)
async def list_trades(
    db: Db,
    principal: CurrentUser,
    crop: Crop | None = None,
    status: TradeStatus | None = None,
    since: Annotated[datetime | None, Query(alias="from", description="created at or after")] = None,
    until: Annotated[datetime | None, Query(alias="to", description="created before")] = None,
    farm_id: Annotated[
        uuid.UUID | None, Query(description="all trades of this farm for its owner; else yours with it")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    where = TradeFilter(crop=crop, status=status, since=since, until=until, farm_id=farm_id)
    async with db.read("primary") as read:  # a party sees the trade it has just opened or moved
        items, next_cursor = await listing.list_trades(read, principal, where, cursor, limit)
    return json_response({"items": items, "next_cursor": next_cursor})


@router.get(
    "/{trade_id}",
    response_model=TradeOut,
    summary="One trade (its buyer, its producer, or an admin)",
    responses=problem_responses(401, 404, 422),
)
async def get_trade(trade_id: uuid.UUID, db: Db, principal: CurrentUser) -> Response:
    async with db.read("primary") as read:  # a party sees the move it has just made
        trade = await access.readable_trade(read, principal, trade_id)
    return json_response(item(trade, principal.is_admin))
