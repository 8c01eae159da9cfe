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
from typing import Any, Literal

from asyncpg import Record

from pamtalk.auth.jwks import Principal
from pamtalk.db.database import Database
from pamtalk.db.tx import Read, Tx
from pamtalk.errors import Problem
from pamtalk.events.catalogue import PredictionCompleted, PredictionRequested
from services.prediction.forecasts import check_names, forecast_pairs, today
from services.prediction.keyset import page, read_cursor
from services.prediction.ml.runtime import ForecastInputError, ModelRuntime
from services.prediction.schemas import JobAccepted, JobIn, JobOut, JobSummary
from services.prediction.state import PredictionState
from services.prediction.store import forecast_jobs

log = logging.getLogger("pamtalk.prediction.jobs")


def job_path(job_id: uuid.UUID) -> str:
    return f"/api/v1/predictions/jobs/{job_id}"


async def create_job(tx: Tx, rt: ModelRuntime, principal: Principal, body: JobIn) -> JobAccepted:
    crops, regions = check_names(
        rt, body.crops or rt.vocab.crops, body.regions or rt.vocab.regions, plural=True
    )
    job_id = uuid.uuid4()
    request = {"crops": crops, "regions": regions, "days": body.days, "start": today().isoformat()}
    await forecast_jobs.insert(tx, job_id, principal.id, request, datetime.now(UTC))
    await tx.add_event(PredictionRequested(job_id=job_id, requested_by=principal.id))
    return JobAccepted(id=job_id, status="queued", url=job_path(job_id))


def summary(job: Record) -> JobSummary:
    return JobSummary(
        id=job["id"],
        status=job["status"],
        url=job_path(job["id"]),
        request=job["request"],
        created_at=job["created_at"],
        started_at=job["started_at"],
        finished_at=job["finished_at"],
        error=job["error"],
    )


async def read_job(read: Read, principal: Principal, job_id: uuid.UUID) -> JobOut:
    """The job for its owner or an admin; 404 for everyone else (its existence is private)."""
    job = await forecast_jobs.by_id(read, job_id)
    if job is None or not (job["owner_id"] == principal.id or principal.is_admin):
        raise Problem(404, "No such forecast job.", type_="not-found")
    return JobOut.model_validate({**summary(job).model_dump(), "result": job["result"]})


async def list_jobs(
    read: Read, principal: Principal, cursor: str | None, limit: int
) -> tuple[list[JobSummary], str | None]:
    """The caller's jobs, newest first, keyset on (created_at, id)."""
    after = read_cursor(cursor) if cursor is not None else None
    rows = await forecast_jobs.page(read, principal.id, after, limit + 1)
    jobs, next_cursor = page(rows, limit, ("created_at", "id"))
    return [summary(j) for j in jobs], next_cursor


async def run_job(db: Database, state: PredictionState, event: PredictionRequested) -> None:
    """Run one job (the ``prediction.requested`` handler)."""
    async with db.write() as tx:
        claimed = await forecast_jobs.start_run(tx, event.job_id, datetime.now(UTC))
    if claimed is None:
        log.info("job unknown or already finished", extra={"job_id": str(event.job_id)})
        return
    request, owner_id = claimed["request"], claimed["owner_id"]
    rt = await state.models()
    pairs = [(crop, region) for crop in request["crops"] for region in request["regions"]]
    result, error = None, None
    try:
        forecasts = await forecast_pairs(
            state, rt, db, pairs, date.fromisoformat(request["start"]), int(request["days"])
        )
        result = {"count": len(forecasts), "forecasts": forecasts}
    except ForecastInputError as exc:
        error = str(exc)
    await _finish(db, state, event.job_id, owner_id, result, error)


async def _finish(
    db: Database,
    state: PredictionState,
    job_id: uuid.UUID,
    owner_id: uuid.UUID,
    result: dict[str, Any] | None,
    error: str | None,
) -> None:
    status: Literal["succeeded", "failed"] = "failed" if error is not None else "succeeded"
    async with db.write() as tx:
        if not await forecast_jobs.finish(tx, job_id, status, result, error, datetime.now(UTC)):
            return  # another delivery finished it first
        url = state.settings.public_base_url.rstrip("/") + job_path(job_id)
        completed = PredictionCompleted(job_id=job_id, requested_by=owner_id, status=status, result_url=url)
        await tx.add_event(completed)
    log.info("forecast job finished", extra={"job_id": str(job_id), "status": status})
