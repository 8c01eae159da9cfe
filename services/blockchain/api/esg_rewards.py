"""The committee's approval of an ESG assessment's reward (mints its ESG-GOLD estimate once;
accepts an ``Idempotency-Key``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from starlette.responses import Response

from pamtalk.auth.deps import require_roles
from pamtalk.auth.jwks import Principal
from pamtalk.deps import Write
from pamtalk.errors import problem_responses
from pamtalk.idempotency import IdempotencyKeyHeader, IdempotentRequest
from services.blockchain.api.views import created
from services.blockchain.append import LedgerWriter
from services.blockchain.schemas import EsgRewardOut
from services.blockchain.state import State
from services.blockchain.tokens import esg_rewards
from services.blockchain.tokens.once import write_once

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"], responses=problem_responses(401, 422))
Committee = Annotated[Principal, Depends(require_roles("committee"))]


@router.post(
    "/esg-assessments/{assessment_id}/approval",
    status_code=201,
    response_model=None,
    summary="Approve an ESG assessment's reward (committee): mints its ESG-GOLD estimate",
    responses={201: {"model": EsgRewardOut}, **problem_responses(403, 404, 409)},
)
async def approve_esg_reward(
    assessment_id: Annotated[uuid.UUID, Path()],
    principal: Committee,
    tx: Write,
    state: State,
    key: IdempotencyKeyHeader = None,
) -> Response:
    request = IdempotentRequest.of(principal.id, key, f"esg-approval:{assessment_id}", {})

    async def action(writer: LedgerWriter) -> EsgRewardOut:
        return await esg_rewards.approve(writer, assessment_id, principal.id)

    return created(await write_once(tx, state, request, action))
