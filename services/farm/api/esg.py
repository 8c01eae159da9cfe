"""A farm's ESG data: submit (owner; scored asynchronously) and the history (owner,
admins and the ESG committee)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from pamtalk.deps import CurrentUser
from pamtalk.errors import problem_responses
from pamtalk.json_body import dumps
from services.farm import esg
from services.farm.schemas import EsgHistory, EsgSubmissionIn, EsgSubmissionOut
from services.farm.state import State

router = APIRouter(prefix="/api/v1/farms", tags=["esg submissions"])


@router.post(
    "/{farm_id}/esg",
    status_code=202,
    response_model=EsgSubmissionOut,
    summary="Submit ESG data for my farm (scored asynchronously: farm.esg_submitted)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def submit_esg(
    farm_id: uuid.UUID, body: EsgSubmissionIn, principal: CurrentUser, state: State
) -> Response:
    # The farm's row is locked while its grade may be moving (esg.scored); on a further shard
    # postgres_fdw reads it in a repeatable-read transaction, which PostgreSQL gives up when
    # the grade moved first: the submission is then made again (Database.write_retrying).
    submission = await state.db.write_retrying(lambda tx: esg.submit(tx, principal, farm_id, body))
    return Response(dumps(submission), 202, media_type="application/json")


@router.get(
    "/{farm_id}/esg",
    response_model=EsgHistory,
    summary="ESG submissions of a farm, newest first, with its current grade",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_esg_submissions(
    farm_id: uuid.UUID,
    principal: CurrentUser,
    state: State,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
) -> EsgHistory:
    async with state.db.read("replica") as read:  # history: seconds of staleness are fine
        return await esg.history(
            read, principal, farm_id, cursor, limit or state.settings.esg_history_page_size
        )
