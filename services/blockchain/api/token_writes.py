"""Token writes: transfers and redemptions by a wallet's owner, ESG reward approval by the
committee. Each accepts an ``Idempotency-Key`` and runs as one ledger transaction."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import JSONResponse, Response

from pamtalk.auth.deps import require_roles
from pamtalk.auth.jwks import Principal
from pamtalk.deps import CurrentUser, DbSession
from pamtalk.errors import problem_responses
from pamtalk.idempotency import IdempotencyKeyHeader
from services.blockchain import idempotency, wallet_actions
from services.blockchain.api.views import State
from services.blockchain.api.wallets import Address
from services.blockchain.ledger_writer import LedgerWriter
from services.blockchain.schemas import EsgRewardOut, RedeemIn, RedemptionOut, TransferIn, TransferOut
from services.blockchain.state import BlockchainState

wallet_router = APIRouter(prefix="/api/v1/wallets", tags=["wallets"], responses=problem_responses(401, 422))
esg_router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"], responses=problem_responses(401, 422))
IdempotencyKey = IdempotencyKeyHeader
Committee = Annotated[Principal, Depends(require_roles("committee"))]
Action = Callable[[LedgerWriter], Awaitable[BaseModel]]


async def run_once(
    session: AsyncSession,
    state: BlockchainState,
    request: idempotency.IdempotentRequest,
    action: Action,
) -> Response:
    """Run ``action`` in a ledger transaction unless this key already has a response."""
    writer = await LedgerWriter.open_session(session, state.signer, state.clock)
    now = datetime.fromtimestamp(state.clock() / 1000, UTC)
    ttl = timedelta(seconds=state.settings.idempotency_ttl_seconds)
    replayed = await idempotency.replay(session, request, now, ttl)
    if replayed is not None:
        return replayed
    body: dict[str, Any] = (await action(writer)).model_dump(mode="json")
    await idempotency.remember(session, request, 201, body, now)
    await writer.close()
    return JSONResponse(body, status_code=201)


@wallet_router.post(
    "/{address}/transfers",
    status_code=201,
    response_model=None,
    summary="Transfer DC from a wallet I own",
    responses={201: {"model": TransferOut}, **problem_responses(403, 404, 409)},
)
async def transfer(
    address: Address,
    body: TransferIn,
    principal: CurrentUser,
    session: DbSession,
    state: State,
    key: IdempotencyKey = None,
) -> Response:
    request = idempotency.IdempotentRequest.of(
        principal.id, key, f"transfer:{address.lower()}", body.model_dump(mode="json")
    )

    async def action(writer: LedgerWriter) -> BaseModel:
        return await wallet_actions.transfer(writer, principal.id, address, body)

    return await run_once(session, state, request, action)


@wallet_router.post(
    "/{address}/redeem",
    status_code=201,
    response_model=None,
    summary="Redeem DC as a marketplace discount (20 % of the purchase, 1,000 DC a day; 10 % burned)",
    responses={201: {"model": RedemptionOut}, **problem_responses(403, 404, 409)},
)
async def redeem(
    address: Address,
    body: RedeemIn,
    principal: CurrentUser,
    session: DbSession,
    state: State,
    key: IdempotencyKey = None,
) -> Response:
    request = idempotency.IdempotentRequest.of(
        principal.id, key, f"redeem:{address.lower()}", body.model_dump(mode="json")
    )

    async def action(writer: LedgerWriter) -> BaseModel:
        return await wallet_actions.redeem(writer, session, principal.id, address, body, state.clock())

    return await run_once(session, state, request, action)


@esg_router.post(
    "/esg-assessments/{assessment_id}/approval",
    status_code=201,
    response_model=None,
    summary="Approve an ESG assessment's reward (committee): mints its ESG-GOLD estimate",
    responses={201: {"model": EsgRewardOut}, **problem_responses(403, 404, 409)},
)
async def approve_esg_reward(
    assessment_id: Annotated[uuid.UUID, Path()],
    principal: Committee,
    session: DbSession,
    state: State,
    key: IdempotencyKey = None,
) -> Response:
    request = idempotency.IdempotentRequest.of(principal.id, key, f"esg-approval:{assessment_id}", {})

    async def action(writer: LedgerWriter) -> BaseModel:
        return await wallet_actions.approve_esg_reward(writer, session, assessment_id, principal.id)

    return await run_once(session, state, request, action)
