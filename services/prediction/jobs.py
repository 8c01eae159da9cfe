"""Background forecast jobs: created by the API (row + ``prediction.requested`` through the
outbox, one transaction), run by the ``prediction_requests`` consumer, read by their owner.

States: queued -> running -> succeeded | failed. The consumer moves a job to ``running`` in
one transaction, forecasts outside any transaction, and stores the result and publishes
``prediction.completed`` in another, guarded by ``status = 'running'``: a redelivered
request for a finished job changes nothing, and one for a job whose run was cut short (the
process died) runs it again. A request the models refuse fails the job; any other error
leaves it to the bus to retry (then the dead-letter queue)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime
from typing import Literal

import orjson
from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.jwks import Principal
from pamtalk.db.outbox import add_event
from pamtalk.errors import Problem
from pamtalk.events.catalogue import PredictionCompleted, PredictionRequested
from pamtalk.runtime import Runtime
from services.prediction.forecasts import check_names, forecast_pairs, today
from services.prediction.keyset import page, read_cursor
from services.prediction.ml.runtime import ForecastInputError, ModelRuntime
from services.prediction.models import ForecastJob, outbox
from services.prediction.schemas import JobAccepted, JobIn, JobOut, JobSummary
from services.prediction.state import state_of

log = logging.getLogger("pamtalk.prediction.jobs")
PRODUCER = "prediction"


def job_path(job_id: uuid.UUID) -> str:
    return f"/api/v1/predictions/jobs/{job_id}"


async def create_job(
    session: AsyncSession, rt: ModelRuntime, principal: Principal, body: JobIn
) -> JobAccepted:
    crops, regions = check_names(
        rt, body.crops or rt.vocab.crops, body.regions or rt.vocab.regions, plural=True
    )
    job = ForecastJob(
        id=uuid.uuid4(),
        owner_id=principal.id,
        request={"crops": crops, "regions": regions, "days": body.days, "start": today().isoformat()},
        status="queued",
        attempts=0,
        created_at=datetime.now(UTC),
    )
    session.add(job)
    await session.flush()
    await add_event(session, outbox, PredictionRequested(job_id=job.id, requested_by=principal.id), PRODUCER)
    return JobAccepted(id=job.id, status="queued", url=job_path(job.id))


def summary(job: ForecastJob) -> JobSummary:
    return JobSummary(
        id=job.id,
        status=job.status,  # type: ignore[arg-type]
        url=job_path(job.id),
        request=job.request,  # type: ignore[arg-type]
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        error=job.error,
    )


async def read_job(session: AsyncSession, principal: Principal, job_id: uuid.UUID) -> JobOut:
    """The job for its owner or an admin; 404 for everyone else (its existence is private)."""
    job = await session.get(ForecastJob, job_id)
    if job is None or not (job.owner_id == principal.id or principal.is_admin):
        raise Problem(404, "No such forecast job.", type_="not-found")
    return JobOut.model_validate({**summary(job).model_dump(), "result": job.result})


async def list_jobs(
    session: AsyncSession, principal: Principal, cursor: str | None, limit: int
) -> tuple[list[JobSummary], str | None]:
    """The caller's jobs, newest first, keyset on (created_at, id)."""
    query = select(ForecastJob).where(ForecastJob.owner_id == principal.id)
    if cursor is not None:
        query = query.where(tuple_(ForecastJob.created_at, ForecastJob.id) < read_cursor(cursor))
    query = query.order_by(ForecastJob.created_at.desc(), ForecastJob.id.desc()).limit(limit + 1)
    jobs, next_cursor = page((await session.scalars(query)).all(), limit, ("created_at", "id"))
    return [summary(j) for j in jobs], next_cursor


async def run_job(runtime: Runtime, event: PredictionRequested) -> None:
    """Run one job (the ``prediction.requested`` handler)."""
    async with runtime.db.transaction() as session:
        claimed = (
            await session.execute(
                update(ForecastJob)
                .where(ForecastJob.id == event.job_id, ForecastJob.status.in_(("queued", "running")))
                .values(status="running", started_at=datetime.now(UTC), attempts=ForecastJob.attempts + 1)
                .returning(ForecastJob.request, ForecastJob.owner_id)
            )
        ).first()
    if claimed is None:
        log.info("job unknown or already finished", extra={"job_id": str(event.job_id)})
        return
    request, owner_id = claimed
    state = state_of(runtime)
    rt = await state.models()
    pairs = [(crop, region) for crop in request["crops"] for region in request["regions"]]
    result, error = None, None
    try:
        forecasts = await forecast_pairs(
            state, rt, runtime.db, pairs, date.fromisoformat(request["start"]), int(request["days"])
        )
        result = {"count": len(forecasts), "forecasts": forecasts}
    except ForecastInputError as exc:
        error = str(exc)
    await _finish(runtime, event.job_id, owner_id, result, error)


async def _finish(
    runtime: Runtime,
    job_id: uuid.UUID,
    owner_id: uuid.UUID,
    result: dict[str, object] | None,
    error: str | None,
) -> None:
    status: Literal["succeeded", "failed"] = "failed" if error is not None else "succeeded"
    async with runtime.db.transaction() as session:
        done = (
            await session.execute(
                update(ForecastJob)
                .where(ForecastJob.id == job_id, ForecastJob.status == "running")
                .values(status=status, result=_json(result), error=error, finished_at=datetime.now(UTC))
                .returning(ForecastJob.id)
            )
        ).first()
        if done is None:
            return  # another delivery finished it first
        url = runtime.settings.public_base_url.rstrip("/") + job_path(job_id)
        completed = PredictionCompleted(job_id=job_id, requested_by=owner_id, status=status, result_url=url)
        await add_event(session, outbox, completed, PRODUCER)
    log.info("forecast job finished", extra={"job_id": str(job_id), "status": status})


def _json(value: object) -> object:
    """Dates and numbers as JSON-ready values for the jsonb column."""
    return None if value is None else orjson.loads(orjson.dumps(value, default=str))
