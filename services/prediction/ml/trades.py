"""Trade rows, GENERATED (synthetic) trades and per-crop trade norms for anomaly detection.

The generated trades stand in for platform trade history (there is none yet): they give the
isolation forest its picture of a normal trade and the anomaly rules their per-crop norms
(price, quantity, value and quality mean and spread). Everything they produce is labelled
``source="generated"``. ``trade_matrix`` is the one feature function of the isolation forest,
used in training and in serving.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np

from . import crops as C

KST = timezone(timedelta(hours=9))  # Korea has no daylight-saving time
TRADE_FEATURES = ("log_price", "log_quantity", "log_value", "quality", "hour_sin", "hour_cos", "delivery")
_TYPICAL_QUANTITY = {"tomatoes": 150.0, "cabbage": 200.0, "rice": 500.0, "lettuce": 100.0, "carrots": 150.0}
_HOUR_WEIGHTS = np.array(
    [0.1, 0.05, 0.05, 0.05, 0.05, 0.3, 1, 2, 4, 6, 7, 7, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1.5, 1, 0.3]
)


@dataclass(frozen=True)
class TradeRow:
    """What the anomaly model and rules look at in one trade. ``hour`` is Korean local time."""

    crop: str
    unit_price: float
    quantity: float
    quality_score: float = 80.0
    hour: int = 12
    delivery_hours: float = 48.0
    total_value: float | None = None  # quantity x unit price when not given
    producer_reputation: float | None = None  # 0-1, None = unknown
    buyer_reputation: float | None = None
    source: str | None = None  # "generated" for the synthetic training trades

    @property
    def value(self) -> float:
        return self.total_value if self.total_value is not None else self.quantity * self.unit_price

    @classmethod
    def from_trade(cls, trade: Any, **extra: Any) -> TradeRow:
        """From a trade event/object (crop, quantity, unit_price, total_value, quality_score,
        delivery_hours, created_at); ``created_at`` is turned into Korean local time."""
        created: datetime = trade.created_at
        local = (created if created.tzinfo else created.replace(tzinfo=UTC)).astimezone(KST)
        return cls(
            crop=C.normalise_crop(trade.crop),
            unit_price=float(trade.unit_price),
            quantity=float(trade.quantity),
            quality_score=float(trade.quality_score),
            hour=local.hour,
            delivery_hours=float(trade.delivery_hours),
            total_value=float(trade.total_value),
            **extra,
        )


@dataclass(frozen=True)
class CropNorm:
    """Mean and standard deviation of a crop's trades (from generated or platform trades)."""

    price_mean: float
    price_std: float
    quantity_mean: float
    quantity_std: float
    value_mean: float
    value_std: float
    quality_mean: float
    quality_std: float
    trades: int
    source: str = "generated"


POOLED = "*"  # key of the norm over all crops, used for crops without their own norm


def generate_trades(n: int = 20_000, seed: int = 7) -> list[TradeRow]:
    """GENERATED normal trades (``source="generated"`` applies to all of them)."""
    rng = np.random.default_rng(seed)
    crops = rng.choice(len(C.CROPS), size=n)
    quality = np.clip(rng.normal(80, 8, n), 40, 100)
    price_noise = np.exp(rng.normal(0, 0.08, n))
    qty_noise = np.clip(rng.normal(1.0, 0.3, n), 0.2, None)
    hours = rng.choice(24, size=n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    delivery = rng.choice([24, 36, 48, 72, 96, 120, 168], size=n, p=[0.15, 0.1, 0.4, 0.2, 0.08, 0.05, 0.02])
    rows = []
    for i in range(n):
        crop = C.CROPS[crops[i]]
        price = C.CROP_PARAMS[crop].unit_price_krw * (0.7 + 0.6 * quality[i] / 100) * price_noise[i]
        rows.append(
            TradeRow(
                crop=crop,
                unit_price=round(float(price), 0),
                quantity=round(float(_TYPICAL_QUANTITY[crop] * qty_noise[i]), 1),
                quality_score=round(float(quality[i]), 1),
                hour=int(hours[i]),
                delivery_hours=float(delivery[i]),
                source="generated",
            )
        )
    return rows


def _norm(rows: Sequence[TradeRow], source: str) -> CropNorm:
    price = np.array([r.unit_price for r in rows])
    qty = np.array([r.quantity for r in rows])
    value = np.array([r.value for r in rows])
    quality = np.array([r.quality_score for r in rows])
    return CropNorm(
        price_mean=float(price.mean()),
        price_std=float(price.std()),
        quantity_mean=float(qty.mean()),
        quantity_std=float(qty.std()),
        value_mean=float(value.mean()),
        value_std=float(value.std()),
        quality_mean=float(quality.mean()),
        quality_std=float(quality.std()),
        trades=len(rows),
        source=source,
    )


def compute_norms(rows: Sequence[TradeRow], source: str = "generated") -> dict[str, CropNorm]:
    """Per-crop norms plus the pooled norm under ``POOLED``."""
    norms = {POOLED: _norm(rows, source)}
    for crop in sorted({r.crop for r in rows}):
        norms[crop] = _norm([r for r in rows if r.crop == crop], source)
    return norms


def norms_to_json(norms: Mapping[str, CropNorm]) -> dict[str, Any]:
    return {crop: asdict(n) for crop, n in norms.items()}


def norms_from_json(data: Mapping[str, Mapping[str, Any]]) -> dict[str, CropNorm]:
    return {crop: CropNorm(**values) for crop, values in data.items()}


def norm_for(crop: str, norms: Mapping[str, CropNorm]) -> CropNorm:
    return norms.get(C.normalise_crop(crop)) or norms[POOLED]


def trade_matrix(rows: Sequence[TradeRow], norms: Mapping[str, CropNorm]) -> np.ndarray:
    """Isolation-forest features (float32), each relative to the crop's norm."""
    out = np.zeros((len(rows), len(TRADE_FEATURES)), dtype=np.float64)
    for i, r in enumerate(rows):
        n = norm_for(r.crop, norms)
        angle = 2.0 * math.pi * (r.hour % 24) / 24.0
        out[i] = (
            math.log(max(r.unit_price, 1e-6) / n.price_mean),
            math.log(max(r.quantity, 1e-6) / n.quantity_mean),
            math.log(max(r.value, 1e-6) / n.value_mean),
            r.quality_score / 100.0,
            math.sin(angle),
            math.cos(angle),
            r.delivery_hours / 168.0,
        )
    return out.astype(np.float32)
