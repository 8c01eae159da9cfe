"""The prediction service's state: the ONNX models (loaded in the background at start-up;
``/readyz`` reports ``models`` until they are in), the forecasts' micro-batcher, the
forecast cache and the index of the daily-demand history. Trades are scored one by one in
the event loop (``trade_score``). Built by ``build_state`` (``ServiceDefinition.build_state``);
endpoints take it as ``State``, consumers by ``state_of(runtime)``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import Depends

from pamtalk.cache import Cache
from pamtalk.deps import state_dependency
from pamtalk.errors import Problem
from pamtalk.metrics import MODEL_INFERENCE
from pamtalk.runtime import Runtime, service_state
from services.prediction.batcher import MicroBatcher
from services.prediction.ml.card import ARTIFACTS_DIR
from services.prediction.ml.runtime import ForecastRequest, ForecastResult, ModelRuntime, get_runtime
from services.prediction.ml.trades import TradeRow
from services.prediction.settings import PredictionSettings
from services.prediction.store.forecasts import HistoryIndex, forecast_cache

log = logging.getLogger("pamtalk.prediction")
FORECAST_MODEL, ANOMALY_MODEL = "demand_forecast", "trade_iforest"


class ModelsUnavailable(RuntimeError):
    """The models are not loaded (yet, or they failed to load)."""


@dataclass
class PredictionState:
    settings: PredictionSettings
    cache: Cache
    loading: asyncio.Task[ModelRuntime]
    quality_read_at: float = float("-inf")  # when this process last read the forecast quality
    tracking_day: date | None = None  # the day the interval tracking was last read for
    tracking_read_at: float = float("-inf")  # and when (``interval_tracking.py``)
    history_index: HistoryIndex = field(init=False)
    forecasts: MicroBatcher[ForecastRequest, ForecastResult] = field(init=False)

    def __post_init__(self) -> None:
        s = self.settings
        self.history_index = HistoryIndex(s.history_index_seconds)
        size, wait = s.batch_max_size, s.batch_max_wait_ms / 1000
        self.forecasts = MicroBatcher(
            self._forecast_many,
            model=FORECAST_MODEL,
            max_size=size,
            max_wait=wait,
            concurrency=s.batch_concurrency,
        )

    @property
    def loaded(self) -> ModelRuntime | None:
        if self.loading.done() and not self.loading.cancelled() and self.loading.exception() is None:
            return self.loading.result()
        return None

    async def models(self) -> ModelRuntime:
        """The model runtime, waiting for the start-up load if it is still running."""
        try:
            return await asyncio.shield(self.loading)
        except Exception as exc:
            raise ModelsUnavailable(f"the prediction models could not be loaded: {exc!r}") from exc

    def _forecast_many(self, requests: Sequence[ForecastRequest]) -> list[ForecastResult]:
        return self.loading.result().forecast_many(requests)

    def trade_score(self, row: TradeRow) -> float:
        """The isolation-forest score of one trade (the models are loaded). Called in the event
        loop: the compact forest costs less than a hand-over to a worker thread."""
        started = time.perf_counter()
        try:
            return float(self.loading.result().anomaly_score([row])[0])
        finally:
            MODEL_INFERENCE.labels(ANOMALY_MODEL).observe(time.perf_counter() - started)


def model_dir(settings: PredictionSettings) -> Path:
    return Path(settings.model_dir) if settings.model_dir else ARTIFACTS_DIR


async def build_state(runtime: Runtime) -> PredictionState:
    settings = runtime.settings
    if not isinstance(settings, PredictionSettings):
        raise TypeError(f"prediction needs PredictionSettings, got {type(settings).__name__}")
    directory = model_dir(settings)
    loading = asyncio.create_task(asyncio.to_thread(get_runtime, directory), name="prediction:load-models")
    loading.add_done_callback(_report_load)
    state = PredictionState(settings, forecast_cache(runtime.redis, settings.forecast_cache_seconds), loading)
    state.forecasts.start()
    return state


def _report_load(task: asyncio.Task[ModelRuntime]) -> None:
    if task.cancelled():
        return
    if (exc := task.exception()) is not None:
        log.error("prediction models failed to load: %r", exc)
    else:
        rt = task.result()
        log.info(
            "prediction models loaded", extra={"model_version": rt.version, "data_source": rt.data_source}
        )


async def stop_state(runtime: Runtime) -> None:
    state = state_of(runtime)
    await state.forecasts.stop()
    if not state.loading.done():
        state.loading.cancel()
        with contextlib.suppress(BaseException):
            await state.loading


async def models_loaded(runtime: Runtime) -> bool:
    """Readiness check ``models``: the ONNX sessions are loaded."""
    return state_of(runtime).loaded is not None


def state_of(runtime: Runtime) -> PredictionState:
    return service_state(runtime, PredictionState)


State = Annotated[PredictionState, Depends(state_dependency(PredictionState))]


async def request_models(state: State) -> ModelRuntime:
    """Dependency: the models, or 503 while they cannot serve."""
    try:
        return await state.models()
    except ModelsUnavailable as exc:
        raise Problem(
            503,
            "The prediction models are not available yet; try again shortly.",
            headers={"Retry-After": "5"},
        ) from exc


Models = Annotated[ModelRuntime, Depends(request_models)]
