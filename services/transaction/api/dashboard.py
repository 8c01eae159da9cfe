"""The public market dashboard, cached 60 s in Redis and by HTTP caches (ETag)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from pamtalk.cache import cached_json
from pamtalk.deps import Db
from services.transaction import dashboard
from services.transaction.schemas import DashboardOut
from services.transaction.state import State

router = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"])


@router.get(
    "",
    response_model=DashboardOut,
    summary="Market figures: trades overall, by crop and over 7 days, ESG of settled trades, farms by size",
    responses={304: {"description": "Not modified (If-None-Match matched the ETag)"}},
)
async def get_dashboard(request: Request, db: Db, state: State) -> Response:
    async def compute() -> dict[str, object]:
        async with db.read("replica", consistent=True) as read:  # one snapshot: the figures agree
            return await dashboard.compute(read, state.clock())

    data, hit = await state.dashboard.get_or_compute("v1", compute)
    return cached_json(request, data, max_age=state.settings.dashboard_ttl_seconds, hit=hit)
