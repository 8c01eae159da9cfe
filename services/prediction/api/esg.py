"""A farm's ESG assessments: the current one and the history, with each part's breakdown."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from pamtalk.deps import CurrentUser, Db
from pamtalk.errors import problem_responses
from services.prediction import esg
from services.prediction.schemas import FarmEsgOut
from services.prediction.state import State

router = APIRouter(prefix="/api/v1/esg", tags=["esg assessments"])


@router.get(
    "/farms/{farm_id}",
    response_model=FarmEsgOut,
    summary="ESG assessments of a farm: current and past (owner, admins, ESG committee)",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_farm_esg_assessments(
    farm_id: uuid.UUID,
    principal: CurrentUser,
    db: Db,
    state: State,
    response: Response,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int | None, Query(ge=1, le=100, description="history page size, default 20")] = None,
) -> FarmEsgOut:
    size = min(limit or state.settings.page_size, state.settings.max_page_size)
    response.headers["Cache-Control"] = "private, no-cache"
    async with db.read("replica") as read:  # assessment history: a little staleness is fine
        return await esg.farm_esg(read, principal, farm_id, cursor, size)
