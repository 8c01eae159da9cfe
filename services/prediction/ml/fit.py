"""The estimators and their settings (tuned to beat seasonal-naive on every crop while a fit
on the generated data takes 10-15 s of one core and the artifacts stay small)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor, IsolationForest
from sklearn.utils.parallel import Parallel, delayed

GBR_PARAMS: dict[str, Any] = {
    "n_estimators": 150,
    "max_depth": 3,
    "learning_rate": 0.1,
    "subsample": 0.7,
    "min_samples_leaf": 20,
    "random_state": 0,
}
LOWER_ALPHA = 0.1
UPPER_ALPHA = 0.9
IFOREST_PARAMS: dict[str, Any] = {"n_estimators": 50, "max_samples": 256, "random_state": 0}


@dataclass(frozen=True)
class DemandModels:
    """Point forecast plus the 10 % and 90 % quantile models, all in the target space."""

    point: GradientBoostingRegressor
    lower: GradientBoostingRegressor
    upper: GradientBoostingRegressor

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.point.predict(x), self.lower.predict(x), self.upper.predict(x)

    def items(self) -> list[tuple[str, GradientBoostingRegressor]]:
        return [("point", self.point), ("lower", self.lower), ("upper", self.upper)]


def _fit_one(params: dict[str, Any], x: np.ndarray, y: np.ndarray) -> GradientBoostingRegressor:
    return GradientBoostingRegressor(**params).fit(x, y)


def fit_demand_models_many(
    data: Sequence[tuple[np.ndarray, np.ndarray]], jobs: int = 1
) -> list[DemandModels]:
    """``fit_demand_models`` of each (x, y); the 3 fits of each spread over ``jobs`` processes.
    Every fit is seeded, so the models (and their ONNX bytes) are the same whatever ``jobs``."""
    losses: dict[str, dict[str, Any]] = {
        "point": {"loss": "squared_error"},
        "lower": {"loss": "quantile", "alpha": LOWER_ALPHA},
        "upper": {"loss": "quantile", "alpha": UPPER_ALPHA},
    }
    fits = [(i, name, {**loss, **GBR_PARAMS}) for i in range(len(data)) for name, loss in losses.items()]
    models = Parallel(n_jobs=jobs)(delayed(_fit_one)(params, *data[i]) for i, _, params in fits)
    by_name: list[dict[str, GradientBoostingRegressor]] = [{} for _ in data]
    for (i, name, _), model in zip(fits, models, strict=True):
        by_name[i][name] = model
    return [DemandModels(**m) for m in by_name]


def fit_demand_models(x: np.ndarray, y: np.ndarray, jobs: int = 1) -> DemandModels:
    return fit_demand_models_many([(x, y)], jobs)[0]


def fit_isolation_forest(x: np.ndarray) -> IsolationForest:
    return IsolationForest(**IFOREST_PARAMS).fit(x)
