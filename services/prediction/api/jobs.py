"""Background forecast jobs: submit (202 + Location), read one, list mine."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from pamtalk.deps import CurrentUser, Db, Write
from pamtalk.errors import problem_responses
from pamtalk.openapi.components import with_location
from services.prediction import jobs
from services.prediction.schemas import JobAccepted, JobIn, JobOut, JobPage
from services.prediction.state import Models, State

router = APIRouter(prefix="/api/v1/predictions/jobs", tags=["forecast jobs"])
NO_STORE = "private, no-store"


@router.post(
    "",
    status_code=202,
    response_model=JobAccepted,
    summary="Forecast several crops x regions in the background (all x all by default)",
    responses={**with_location(202), **problem_responses(401, 422, 503)},
)
async def submit_forecast_job(
    principal: CurrentUser,
    rt: Models,
    tx: Write,
    response: Response,
    body: Annotated[JobIn | None, Body()] = None,
) -> JobAccepted:
    accepted = await jobs.create_job(tx, rt, principal, body or JobIn())
    response.headers["Location"] = accepted.url
    response.headers["Cache-Control"] = NO_STORE
    return accepted


@router.get(
    "",
    response_model=JobPage,
    summary="My forecast jobs, newest first",
    responses=problem_responses(401, 422),
)
async def list_my_forecast_jobs(
    principal: CurrentUser,
    db: Db,
    state: State,
    response: Response,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int | None, Query(ge=1, le=100, description="page size, default 20")] = None,
) -> JobPage:
    size = min(limit or state.settings.page_size, state.settings.max_page_size)
    async with db.read("primary") as read:  # the caller sees the jobs it has just submitted
        items, next_cursor = await jobs.list_jobs(read, principal, cursor, size)
    response.headers["Cache-Control"] = NO_STORE
    return JobPage(items=items, next_cursor=next_cursor)


@router.get(
    "/{job_id}",
    response_model=JobOut,
    summary="A forecast job: its state, and its forecasts once it has succeeded (owner or admin)",
    responses=problem_responses(401, 404, 422),
)
async def get_forecast_job(job_id: uuid.UUID, principal: CurrentUser, db: Db, response: Response) -> JobOut:
    response.headers["Cache-Control"] = NO_STORE
    async with db.read("primary") as read:  # its owner polls the job it has just submitted
        return await jobs.read_job(read, principal, job_id)
