"""Demand forecasts for the API and the background jobs: names checked against the model's
vocabulary, history from the platform's ``daily_demand`` when it reaches 28 days back (else
the generated history of that crop/region), every request through the micro-batcher, and
the API's answers cached in Redis (``store/forecasts.py``); forecasts started from the
platform's history are recorded for the live quality watch (``forecast_quality.py``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from pamtalk.db.database import Database
from pamtalk.errors import Problem
from services.prediction import interval_tracking
from services.prediction.ml.crops import normalise_crop
from services.prediction.ml.runtime import ForecastInputError, ForecastRequest, ForecastResult, ModelRuntime
from services.prediction.ml.trades import KST
from services.prediction.regions import model_region
from services.prediction.state import PredictionState
from services.prediction.store import served_forecasts
from services.prediction.store.daily_demand import Pair
from services.prediction.store.forecasts import cache_key, load_histories

log = logging.getLogger("pamtalk.prediction.forecasts")
GENERATED_MODEL_NOTE = (
    "The model was trained on GENERATED demand (synthetic, from the DOMAIN.md crop parameters), "
    "not on real market data."
)


def today() -> date:
    """Today in Korea: forecasts start on this day."""
    return datetime.now(UTC).astimezone(KST).date()


def field_error(field: str, message: str, where: str = "query") -> dict[str, str]:
    return {"field": field, "in": where, "message": message, "code": "value_error"}


def check_names(
    rt: ModelRuntime, crops: Sequence[str], regions: Sequence[str], *, plural: bool = False
) -> tuple[list[str], list[str]]:
    """Normalised crops and model regions (each once, in the order given), or a 422 naming
    every unknown one (fields ``crop``/``region`` of the query, or ``crops``/``regions``
    of a job's body when ``plural``)."""
    crop_names = list(dict.fromkeys(normalise_crop(c) for c in crops))
    region_names = list(dict.fromkeys(model_region(r) for r in regions))
    where, suffix = ("body", "s") if plural else ("query", "")
    known_crops, known_regions = ", ".join(rt.vocab.crops), ", ".join(rt.vocab.regions)
    errors = [
        field_error(f"crop{suffix}", f"unknown crop {c!r}; known: {known_crops}", where)
        for c in crop_names
        if c not in rt.vocab.crops
    ]
    errors += [
        field_error(f"region{suffix}", f"unknown region {r!r}; known: {known_regions} or a province", where)
        for r in region_names
        if r not in rt.vocab.regions
    ]
    if errors:
        raise Problem(422, "Unknown crop or region.", errors=errors)
    return crop_names, region_names


def forecast_out(result: ForecastResult, start: date, days: int, history_source: str) -> dict[str, Any]:
    data = result.to_dict()
    data.update(start=start, days=days, history_source=history_source)
    notes = []
    if history_source == "generated":
        notes.append(
            f"The platform has less than 28 days of settled {result.crop} trades in {result.region} "
            f"before {start}: the forecast starts from GENERATED (synthetic) demand history."
        )
    if result.data_source == "generated":
        notes.append(GENERATED_MODEL_NOTE)
    data["notes"] = notes
    return data


async def forecast_pairs(
    state: PredictionState, rt: ModelRuntime, db: Database, pairs: Sequence[Pair], start: date, days: int
) -> list[dict[str, Any]]:
    """Forecasts for every (crop, region) pair, in order: one database read for the
    histories, then all requests into the batcher at once (so they share model calls).
    Raises ``ForecastInputError`` when a request is refused by the models."""
    histories = await load_histories(db, state.history_index, pairs, start)
    if histories:  # only forecasts from the platform's history carry the tracked shift
        await interval_tracking.follow(state, rt, db, today())
    requests = [
        ForecastRequest(crop, region, start, days, histories.get((crop, region))) for crop, region in pairs
    ]
    for request in requests:
        rt.validate(request)  # admission: a bad request never reaches a shared batch
    results = await asyncio.gather(*(state.forecasts.submit(r) for r in requests))
    await record_served(
        db, [res for req, res in zip(requests, results, strict=True) if req.history is not None]
    )
    return [
        forecast_out(result, start, days, "generated" if request.history is None else "platform")
        for request, result in zip(requests, results, strict=True)
    ]


def served_rows(results: Sequence[ForecastResult]) -> list[dict[str, Any]]:
    """The rows of ``store.served_forecasts`` of these forecasts."""
    return [
        {
            "start": r.points[0].date,
            "crop": r.crop,
            "region": r.region,
            "demand": [p.demand for p in r.points],
            "lower": [p.lower for p in r.points],
            "upper": [p.upper for p in r.points],
            "model_version": r.model_version,
        }
        for r in results
    ]


async def record_served(db: Database, results: Sequence[ForecastResult]) -> None:
    """Record forecasts started from the platform's own history (one round trip). The others
    forecast the generated series (their notes say so) and are not recorded: the platform has
    no demand of theirs to judge them by. A failure is logged: the forecast is still served."""
    if not results:
        return
    try:
        async with db.write() as tx:
            await served_forecasts.record(tx, served_rows(results))
    except Exception:
        log.exception("served forecasts not recorded", extra={"forecasts": len(results)})


async def forecast_one(
    state: PredictionState, rt: ModelRuntime, db: Database, crop: str, region: str, days: int, start: date
) -> dict[str, Any]:
    try:
        (forecast,) = await forecast_pairs(state, rt, db, [(crop, region)], start, days)
    except ForecastInputError as exc:
        raise Problem(422, str(exc), type_="forecast-refused") from exc
    return forecast


async def cached_forecast(
    state: PredictionState, rt: ModelRuntime, db: Database, crop: str, region: str, days: int
) -> tuple[bytes, bool]:
    """The forecast from today as JSON, from the cache when it has it, and whether it did."""
    start = today()

    async def compute() -> dict[str, Any]:
        return await forecast_one(state, rt, db, crop, region, days, start)

    return await state.cache.get_or_compute(cache_key(crop, region, days, start, rt.version), compute)
