"""Serving-side model runtime: ONNX sessions loaded once, batched recursive forecasts and
isolation-forest anomaly scores. Framework-free; the service's micro-batcher calls
``forecast_many`` with all the requests it collected and ``anomaly_score`` with trade rows.

When a request brings no history, the GENERATED history of that crop/region (deterministic,
see ``generator.py``) is used and the result says ``history_source="generated"``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from . import card as K
from .calibration import MAX_HORIZON, IntervalCalibration
from .crops import normalise_crop, normalise_region
from .features import WINDOW, Vocabulary
from .generator import generated_history
from .holidays_kr import HOLIDAY_SOURCE
from .isolation import isolation_score
from .onnx_session import make_session
from .recursive import SeriesInput, recursive_forecast
from .tracking import Tracking
from .trades import CropNorm, TradeRow, norms_from_json, trade_matrix

MAX_DAYS = MAX_HORIZON
log = logging.getLogger(__name__)


class ForecastInputError(ValueError):
    """A forecast request the models cannot answer (the serving layer maps it to a 4xx)."""


@dataclass(frozen=True)
class ForecastRequest:
    """``days`` (1-28) daily forecasts from ``start_date``; ``history`` is the daily demand of
    at least the 28 days before ``start_date`` (oldest first), or None for generated history."""

    crop: str
    region: str
    start_date: date
    days: int = 7
    history: Sequence[float] | None = None


@dataclass(frozen=True)
class ForecastPoint:
    date: date
    demand: float
    lower: float  # calibrated 80 % interval: below it on about 10 % of days
    upper: float  # above it on about 10 % of days


@dataclass(frozen=True)
class ForecastResult:
    crop: str
    region: str
    points: tuple[ForecastPoint, ...]
    total: float
    model_version: str
    data_source: str  # what the model was trained on: "generated" or "platform"
    data_window: tuple[date, date]
    history_source: Literal["given", "generated"]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["points"] = [asdict(p) for p in self.points]
        data["data_window"] = {"start": self.data_window[0], "end": self.data_window[1]}
        return data


class ModelRuntime:
    """The committed (or given) artifacts, loaded once; thread-safe for concurrent calls."""

    def __init__(self, directory: Path = K.ARTIFACTS_DIR, verify: bool = True) -> None:
        self.directory = Path(directory)
        self.card = K.load_card(self.directory)
        if verify:
            K.verify_files(self.directory, self.card)
        self._sessions = {name: make_session(self.directory / f) for name, f in K.ONNX_FILES.items()}
        vocab = self.card["data"]["vocabulary"]
        self.vocab = Vocabulary(tuple(vocab["crops"]), tuple(vocab["regions"]))
        window = self.card["data"]["window"]
        self.data_window = (date.fromisoformat(window["start"]), date.fromisoformat(window["end"]))
        self.version: str = self.card["version"]
        self.data_source: str = self.card["data"]["source"]
        self.norms: dict[str, CropNorm] = norms_from_json(K.load_norms(self.directory))
        self._offset = float(self.card["anomaly"]["offset"])
        intervals = self.card.get("intervals")
        tracking = (intervals or {}).get("tracking")
        #: The shift of the card (``tracking.py``) and the last day it has counted (None: no tracking).
        self.card_tracking: Tracking | None = None
        self.tracked_after: date | None = None
        if intervals is None:
            log.warning("the model card has no interval calibration: serving the quantile models' bounds")
            self.offsets = IntervalCalibration.identity(self.vocab.crops)
        else:
            self.offsets = IntervalCalibration.from_json(intervals["offsets"], self.vocab.crops)
        if tracking is not None:
            step = float(tracking["step"])
            self.card_tracking = Tracking.from_json(tracking["shift"], self.vocab.crops, step)
            self.tracked_after = date.fromisoformat(tracking["counted_until"])
        self.tracking = self.card_tracking
        #: What ``forecast_many`` applies: the offsets plus the current shift (replaced whole by ``follow``).
        self.calibration = self.offsets if self.tracking is None else self.tracking.calibration(self.offsets)
        trained_with = self.card["data"].get("holidays")
        if trained_with and not trained_with.startswith(HOLIDAY_SOURCE.split(" ")[0]):
            log.warning("model trained with holidays from %r, serving with %r", trained_with, HOLIDAY_SOURCE)

    def follow(self, counts: Mapping[str, tuple[int, int, int]]) -> None:
        """Serve with the card's shift moved by the compared days of this model's served
        forecasts after ``tracked_after``: ``{crop: (days, below the lower, above the upper)}``
        (``tracking.py``; the service reads them, ``interval_tracking.py``). No-op without tracking."""
        if self.card_tracking is None:
            return
        tracking = self.card_tracking.plus_counts(counts)
        self.tracking, self.calibration = tracking, tracking.calibration(self.offsets)

    def _run(self, name: str, x: np.ndarray, output: int = 0) -> np.ndarray:
        result = self._sessions[name].run(None, {"X": x})[output]
        return np.asarray(result, dtype=np.float64).ravel()

    def predict_target(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One call of each demand model for all rows of ``x`` (target space)."""
        return self._run("point", x), self._run("lower", x), self._run("upper", x)

    def validate(self, request: ForecastRequest) -> SeriesInput:
        """Check one request (raises ``ForecastInputError``) and shape it for the forecaster."""
        crop, region = normalise_crop(request.crop), normalise_region(request.region)
        if crop not in self.vocab.crops:
            raise ForecastInputError(f"unknown crop {request.crop!r}; known: {', '.join(self.vocab.crops)}")
        if region not in self.vocab.regions:
            raise ForecastInputError(
                f"unknown region {request.region!r}; known: {', '.join(self.vocab.regions)}"
            )
        if isinstance(request.days, bool) or not isinstance(request.days, int):
            raise ForecastInputError("days must be a whole number")
        if not 1 <= request.days <= MAX_DAYS:
            raise ForecastInputError(f"days must be between 1 and {MAX_DAYS}, got {request.days}")
        if request.history is None:
            try:
                history = _generated(crop, region, request.start_date)
            except ValueError as exc:
                raise ForecastInputError(f"no history given and none can be generated: {exc}") from exc
        else:
            history = np.asarray(request.history, dtype=np.float64)
            if history.ndim != 1 or len(history) < WINDOW:
                raise ForecastInputError(f"history needs the daily demand of at least {WINDOW} days")
            if not np.all(np.isfinite(history)) or np.any(history < 0):
                raise ForecastInputError("history values must be finite and not negative")
        return SeriesInput(crop, region, request.start_date, request.days, history[-WINDOW:])

    def forecast_many(self, requests: Sequence[ForecastRequest]) -> list[ForecastResult]:
        """Forecast all requests; each step is ONE call per model for all requests. Bounds: the
        card's offsets plus the tracked shift for forecasts from a given (the platform's) history,
        whose misses the service follows; the offsets alone for forecasts from generated history,
        which nothing follows (a shift left where it was drifts off: ``tracking.py``)."""
        inputs = [self.validate(r) for r in requests]
        raw = recursive_forecast(inputs, self.predict_target, self.vocab)
        tracked = [r.history is not None for r in requests]
        forecasts = list(raw)
        for calibration, chosen in ((self.calibration, True), (self.offsets, False)):
            ks = [k for k, t in enumerate(tracked) if t is chosen]
            for k, f in zip(
                ks, calibration.apply([inputs[k] for k in ks], [raw[k] for k in ks]), strict=True
            ):
                forecasts[k] = f
        results = []
        for req, inp, f in zip(requests, inputs, forecasts, strict=True):
            points = tuple(
                ForecastPoint(
                    date=inp.start + timedelta(days=i),
                    demand=round(float(f.demand[i]), 2),
                    lower=round(float(f.lower[i]), 2),
                    upper=round(float(f.upper[i]), 2),
                )
                for i in range(inp.days)
            )
            results.append(
                ForecastResult(
                    crop=inp.crop,
                    region=inp.region,
                    points=points,
                    total=round(float(sum(p.demand for p in points)), 2),
                    model_version=self.version,
                    data_source=self.data_source,
                    data_window=self.data_window,
                    history_source="generated" if req.history is None else "given",
                )
            )
        return results

    def forecast(self, request: ForecastRequest) -> ForecastResult:
        return self.forecast_many([request])[0]

    def anomaly_score(self, rows: Sequence[TradeRow]) -> np.ndarray:
        """Isolation-forest anomaly score in [0, 1] per trade row (about 0.5 or less = normal)."""
        if not rows:
            return np.zeros(0)
        for r in rows:
            numbers = (r.unit_price, r.quantity, r.quality_score, r.delivery_hours)
            if not all(math.isfinite(v) for v in numbers):
                raise ValueError("trade features must be finite numbers")
        decision = self._run("anomaly", trade_matrix(rows, self.norms), output=1)
        return isolation_score(decision, self._offset)


@lru_cache(maxsize=2048)
def _generated(crop: str, region: str, start: date) -> np.ndarray:
    history = generated_history(crop, region, start, WINDOW)
    history.flags.writeable = False
    return history


@lru_cache(maxsize=4)
def get_runtime(directory: Path = K.ARTIFACTS_DIR) -> ModelRuntime:
    """The process-wide runtime for ``directory`` (loaded on first use)."""
    return ModelRuntime(directory)
