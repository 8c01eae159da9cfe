"""Moving a trade along its lifecycle (see ``services/transaction/lifecycle.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from pamtalk.auth.jwks import Principal
from pamtalk.deps import AdminUser, CurrentUser, Write
from pamtalk.errors import problem_responses
from pamtalk.json_body import json_response
from services.transaction import lifecycle
from services.transaction.items import item
from services.transaction.schemas import CancelIn, ReviewIn, TradeOut
from services.transaction.state import State


def trade_out(trade: Mapping[str, Any], principal: Principal) -> Response:
    return json_response(item(trade, principal.is_admin))


router = APIRouter(prefix="/api/v1/transactions", tags=["trades"])
Admin = AdminUser
MOVE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


@router.post(
    "/{trade_id}/confirm",
    response_model=TradeOut,
    summary="Confirm a pending trade (the farm's owner)",
    responses=MOVE_PROBLEMS,
)
async def confirm_trade(trade_id: uuid.UUID, principal: CurrentUser, tx: Write, state: State) -> Response:
    trade = await lifecycle.apply(tx, lifecycle.CONFIRM, trade_id, principal, state.clock())
    return trade_out(trade, principal)


@router.post(
    "/{trade_id}/settle",
    response_model=TradeOut,
    summary="Settle a confirmed trade: payment and delivery are done (the buyer)",
    responses=MOVE_PROBLEMS,
)
async def settle_trade(trade_id: uuid.UUID, principal: CurrentUser, tx: Write, state: State) -> Response:
    trade = await lifecycle.apply(tx, lifecycle.SETTLE, trade_id, principal, state.clock())
    return trade_out(trade, principal)


@router.post(
    "/{trade_id}/cancel",
    response_model=TradeOut,
    summary="Cancel a trade (the buyer while pending; the farm's owner before it is settled)",
    responses=MOVE_PROBLEMS,
)
async def cancel_trade(
    trade_id: uuid.UUID, body: CancelIn, principal: CurrentUser, tx: Write, state: State
) -> Response:
    trade = await lifecycle.apply(
        tx,
        lifecycle.CANCEL,
        trade_id,
        principal,
        state.clock(),
        cancel_reason=body.reason,
        cancelled_by=principal.id,
    )
    return trade_out(trade, principal)


@router.post(
    "/{trade_id}/review",
    response_model=TradeOut,
    summary="Decide on a trade under review: clear it or cancel it (admins)",
    responses=MOVE_PROBLEMS,
)
async def review_trade(
    trade_id: uuid.UUID, body: ReviewIn, admin: Admin, tx: Write, state: State
) -> Response:
    now = state.clock()
    if body.decision == "clear":
        trade = await lifecycle.apply(tx, lifecycle.CLEAR, trade_id, admin, now)
    else:
        reason = body.note or "cancelled after review"
        trade = await lifecycle.apply(
            tx,
            lifecycle.REVIEW_CANCEL,
            trade_id,
            admin,
            now,
            cancel_reason=reason,
            cancelled_by=admin.id,
        )
    return trade_out(trade, admin)
