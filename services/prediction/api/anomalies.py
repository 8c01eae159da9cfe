"""Scored trades for admins (the review queue: filter by risk band)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from pamtalk.deps import AdminUser, Db
from pamtalk.errors import problem_responses
from services.prediction import anomalies
from services.prediction.schemas import AnomalyPage, Risk
from services.prediction.state import State

router = APIRouter(prefix="/api/v1/anomalies", tags=["anomalies"])
Admin = AdminUser


@router.get(
    "",
    response_model=AnomalyPage,
    summary="Trade anomaly scores, newest first (admins)",
    responses=problem_responses(401, 403, 422),
)
async def list_anomalies(
    _: Admin,
    db: Db,
    state: State,
    response: Response,
    risk: Annotated[list[Risk] | None, Query(description="only these risk bands")] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int | None, Query(ge=1, le=100, description="page size, default 20")] = None,
) -> AnomalyPage:
    size = min(limit or state.settings.page_size, state.settings.max_page_size)
    async with db.read("replica") as read:  # the review queue tolerates a little staleness
        items, next_cursor = await anomalies.list_anomalies(read, risk or [], cursor, size)
    response.headers["Cache-Control"] = "private, no-store"
    return AnomalyPage(items=items, next_cursor=next_cursor)
