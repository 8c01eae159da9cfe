"""Demand forecasts (public: anonymous callers welcome) and what the served model is."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import WithJsonSchema

from pamtalk.cache import cached_json
from pamtalk.deps import Db
from pamtalk.errors import problem_responses
from pamtalk.openapi.components import REF
from services.prediction.forecasts import cached_forecast, check_names
from services.prediction.ml.runtime import MAX_DAYS
from services.prediction.schemas import DataWindow, ForecastOut, ModelInfo
from services.prediction.state import Models, State

router = APIRouter(prefix="/api/v1/predictions", tags=["forecasts"])
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {"description": "Not modified (If-None-Match matched)"}}


@router.get(
    "/demand",
    response_model=ForecastOut,
    summary="Daily demand forecast of a crop in a region, with an 80 % interval per day",
    responses={**NOT_MODIFIED, **problem_responses(422, 503)},
)
async def forecast_demand(
    request: Request,
    db: Db,
    state: State,
    rt: Models,
    crop: Annotated[
        str,
        Query(min_length=1, max_length=40, description="a crop (any case is taken)"),
        WithJsonSchema({"$ref": REF + "Crop"}),
    ],
    region: Annotated[
        str,
        Query(min_length=1, max_length=40, description="a province or a model region (any case is taken)"),
        WithJsonSchema({"$ref": REF + "ForecastRegion"}),
    ],
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="days from today (Korea), default 7")] = 7,
) -> Response:
    (crop_name,), (region_name,) = check_names(rt, [crop], [region])
    data, hit = await cached_forecast(state, rt, db, crop_name, region_name, days)
    return cached_json(request, data, max_age=state.settings.forecast_max_age_seconds, hit=hit)


@router.get("/model", response_model=ModelInfo, summary="The served demand model: version, data, backtest")
async def get_model_card(rt: Models, response: Response) -> ModelInfo:
    response.headers["Cache-Control"] = "public, max-age=300"
    data = rt.card["data"]
    return ModelInfo(
        version=rt.version,
        data_source=rt.data_source,
        data_note=str(data.get("note", "")),
        data_window=DataWindow(start=rt.data_window[0], end=rt.data_window[1]),
        crops=list(rt.vocab.crops),
        regions=list(rt.vocab.regions),
        max_days=MAX_DAYS,
        backtest=dict(rt.card.get("backtest", {})),
    )
