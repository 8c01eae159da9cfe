"""Opening, listing and reading trades."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from pamtalk.db.raw import reading
from pamtalk.deps import CurrentUser, PlainWrite
from pamtalk.errors import problem_responses
from pamtalk.idempotency import REPLAYED, IdempotencyKeyHeader
from pamtalk.json_body import json_response
from services.transaction import idempotency, trades
from services.transaction.listing import TradeFilter, list_trades
from services.transaction.rows import item
from services.transaction.schemas import Crop, TradeIn, TradeOut, TradePage, TradeStatus
from services.transaction.state import TransactionState, transaction_state

router = APIRouter(prefix="/api/v1/transactions", tags=["transactions"])
State = Annotated[TransactionState, Depends(transaction_state)]
IdempotencyKey = IdempotencyKeyHeader


@router.post(
    "",
    status_code=201,
    response_model=TradeOut,
    summary="Open a trade with a farm (consumers and companies)",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_trade(
    body: TradeIn,
    principal: CurrentUser,
    tx: PlainWrite,
    state: State,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    trades.require_buyer(principal)
    now = state.clock()
    claim = None
    if idempotency_key is not None:
        digest = idempotency.request_hash(body)
        claim = idempotency.claim_values(principal.id, idempotency_key, digest, now, state.idempotency_ttl)
    opened = await trades.open_trade(tx, principal, body, now, claim)
    if isinstance(opened, idempotency.Replay):
        headers = {**REPLAYED, "Location": f"{router.prefix}/{opened.body['id']}"}
        return JSONResponse(opened.body, status_code=opened.status_code, headers=headers)
    location = {"Location": f"{router.prefix}/{opened.trade['id']}"}
    return Response(opened.body, status_code=201, headers=location, media_type="application/json")


@router.get(
    "",
    response_model=TradePage,
    summary="My trades (as buyer or producer), a farm's trades (its owner), newest first",
    responses=problem_responses(401, 422),
)
async def get_trades(
    request: Request,
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
    async with reading(request.app.state.runtime.db) as conn:
        items, next_cursor = await list_trades(conn, principal, where, cursor, limit)
    return json_response({"items": items, "next_cursor": next_cursor})


@router.get(
    "/{trade_id}",
    response_model=TradeOut,
    summary="One trade (its buyer, its producer, or an admin)",
    responses=problem_responses(401, 404, 422),
)
async def get_trade(trade_id: uuid.UUID, request: Request, principal: CurrentUser) -> Response:
    async with reading(request.app.state.runtime.db) as conn:
        trade = await trades.readable_trade(conn, principal, trade_id)
    return json_response(item(trade, principal.is_admin))
