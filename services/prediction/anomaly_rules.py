"""Trade anomaly rules of DOMAIN.md combined with the isolation-forest score.

Signals: price, quantity or value far from the crop's norm (|z| above 2.5, 2.0, 2.5), quality
out of line with price, a trade at night (23h-5h Korean time), low reputation of both parties,
delivery time outside 24-168 h, and the isolation-forest score (``ModelRuntime.anomaly_score``).
Each signal has a strength in [0, 1] and a weight; they combine as a noisy-or,
``1 - prod(1 - weight x strength)``, into a score in [0, 1] with a risk band (LOW < 0.3,
MEDIUM < 0.6, HIGH < 0.8, else CRITICAL) and readable reasons.

Crop norms default to those of the generated training trades (``artifacts/crop_norms.json``);
pass ``norms`` (e.g. ``compute_norms(platform_trades, source="platform")``) to use others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .ml.card import ARTIFACTS_DIR, load_norms
from .ml.trades import POOLED, CropNorm, TradeRow, compute_norms, norms_from_json

__all__ = ["AnomalyAssessment", "CropNorm", "Signal", "TradeRow", "assess_trade", "compute_norms"]

Risk = Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"]
PRICE_Z, QUANTITY_Z, VALUE_Z = 2.5, 2.0, 2.5
MISMATCH_GAP = 3.0  # price z minus quality z, in opposite directions
NIGHT_FROM, NIGHT_UNTIL = 23, 5  # 23:00 up to 04:59
DELIVERY_MIN_H, DELIVERY_MAX_H = 24, 168
LOW_REPUTATION = 0.3  # reputations are 0-1
ISOLATION_FROM, ISOLATION_SPAN = 0.5, 0.25  # isolation score 0.5 -> 0, 0.75 and up -> 1
WEIGHTS = {
    "price": 0.5,
    "quantity": 0.4,
    "value": 0.4,
    "quality_price": 0.3,
    "night": 0.25,
    "reputation": 0.35,
    "delivery": 0.2,
    "isolation_forest": 0.5,
}


@dataclass(frozen=True)
class Signal:
    name: str
    strength: float  # 0-1
    weight: float
    reason: str


@dataclass(frozen=True)
class AnomalyAssessment:
    score: float  # 0-1
    risk: Risk
    reasons: tuple[str, ...]
    signals: tuple[Signal, ...]
    isolation_score: float | None


def risk_band(score: float) -> Risk:
    if score < 0.3:
        return "LOW"
    if score < 0.6:
        return "MEDIUM"
    if score < 0.8:
        return "HIGH"
    return "CRITICAL"


def z_score(value: float, mean: float, std: float) -> float:
    return 0.0 if std <= 0 else (value - mean) / std


def _z_strength(z: float, threshold: float) -> float:
    """0.4 just past the threshold, 1 at twice the threshold."""
    return min(1.0, 0.4 + 0.6 * (abs(z) - threshold) / threshold)


@lru_cache(maxsize=1)
def default_norms() -> dict[str, CropNorm]:
    """Per-crop norms of the generated training trades (committed artifact)."""
    return norms_from_json(load_norms(ARTIFACTS_DIR))


def _norm_signals(t: TradeRow, n: CropNorm, crop: str) -> list[Signal]:
    out = []
    checks = (
        ("price", t.unit_price, n.price_mean, n.price_std, PRICE_Z, "unit price"),
        ("quantity", t.quantity, n.quantity_mean, n.quantity_std, QUANTITY_Z, "quantity"),
        ("value", t.value, n.value_mean, n.value_std, VALUE_Z, "trade value"),
    )
    for name, value, mean, std, threshold, label in checks:
        z = z_score(value, mean, std)
        if abs(z) > threshold:
            side = "above" if z > 0 else "below"
            reason = f"{label} {value:,.0f} is {abs(z):.1f} standard deviations {side} the {crop} norm "
            reason += f"({mean:,.0f} ± {std:,.0f})"
            out.append(Signal(name, _z_strength(z, threshold), WEIGHTS[name], reason))
    price_z = z_score(t.unit_price, n.price_mean, n.price_std)
    quality_z = z_score(t.quality_score, n.quality_mean, n.quality_std)
    gap = price_z - quality_z
    if abs(gap) > MISMATCH_GAP and price_z * quality_z < 0:
        what = "high price for low quality" if gap > 0 else "low price for high quality"
        reason = f"{what}: quality {t.quality_score:.0f} with unit price {t.unit_price:,.0f}"
        out.append(Signal("quality_price", _z_strength(gap, MISMATCH_GAP), WEIGHTS["quality_price"], reason))
    return out


def rule_signals(trade: TradeRow, norms: Mapping[str, CropNorm] | None = None) -> list[Signal]:
    """The rule signals that fire for ``trade`` (without the isolation forest)."""
    norms = default_norms() if norms is None else norms
    crop = trade.crop.strip().lower()
    norm = norms.get(crop) or norms.get(POOLED)
    out = _norm_signals(trade, norm, crop) if norm is not None else []
    hour = trade.hour % 24
    if hour >= NIGHT_FROM or hour < NIGHT_UNTIL:
        out.append(Signal("night", 1.0, WEIGHTS["night"], f"trade at night ({hour:02d}h Korean time)"))
    reps = (trade.producer_reputation, trade.buyer_reputation)
    if all(r is not None and r < LOW_REPUTATION for r in reps):
        reason = f"both parties have low reputation ({reps[0]:.2f}, {reps[1]:.2f})"
        out.append(Signal("reputation", 1.0, WEIGHTS["reputation"], reason))
    if not DELIVERY_MIN_H <= trade.delivery_hours <= DELIVERY_MAX_H:
        reason = f"delivery in {trade.delivery_hours:g} h is outside {DELIVERY_MIN_H}-{DELIVERY_MAX_H} h"
        out.append(Signal("delivery", 1.0, WEIGHTS["delivery"], reason))
    return out


def assess_trade(
    trade: TradeRow,
    isolation_score: float | None = None,
    norms: Mapping[str, CropNorm] | None = None,
) -> AnomalyAssessment:
    """Score one trade from the rules and (when given) its isolation-forest score in [0, 1]."""
    signals = rule_signals(trade, norms)
    if isolation_score is not None:
        strength = min(1.0, max(0.0, (isolation_score - ISOLATION_FROM) / ISOLATION_SPAN))
        if strength > 0:
            reason = f"unusual combination of features (isolation-forest score {isolation_score:.2f})"
            signals.append(Signal("isolation_forest", strength, WEIGHTS["isolation_forest"], reason))
    keep = 1.0
    for s in signals:
        keep *= 1.0 - s.weight * s.strength
    score = round(min(1.0, max(0.0, 1.0 - keep)), 4)
    ordered = tuple(sorted(signals, key=lambda s: -s.weight * s.strength))
    return AnomalyAssessment(
        score=score,
        risk=risk_band(score),
        reasons=tuple(s.reason for s in ordered),
        signals=ordered,
        isolation_score=isolation_score,
    )


def assess_trades(
    trades: Sequence[TradeRow],
    isolation_scores: Sequence[float] | None = None,
    norms: Mapping[str, CropNorm] | None = None,
) -> list[AnomalyAssessment]:
    scores: Sequence[float | None] = (
        list(isolation_scores) if isolation_scores is not None else [None] * len(trades)
    )
    return [assess_trade(t, s, norms) for t, s in zip(trades, scores, strict=True)]
