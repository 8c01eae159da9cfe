"""The ESG score of DOMAIN.md as pure functions: E, S, G parts, overall, grade, the ESG-GOLD
token estimate and the 365-day validity, with a per-item breakdown.

overall = 0.40 E + 0.35 S + 0.25 G. Weights are kept as whole-number percentages so that a
perfect input gives exactly 100. ``waste_management_score`` and ``supply_chain_traceability``
are part of the 18 ESG fields but DOMAIN.md's formula does not use them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

Grade = Literal["Platinum", "Gold", "Silver", "Bronze", "Candidate"]
VALIDITY = timedelta(days=365)
PART_WEIGHTS = {"environmental": 40, "social": 35, "governance": 25}
GRADES: tuple[tuple[float, Grade], ...] = (
    (90, "Platinum"),
    (80, "Gold"),
    (70, "Silver"),
    (60, "Bronze"),
)
TIER: dict[Grade, float] = {"Platinum": 2.0, "Gold": 1.5, "Silver": 1.2, "Bronze": 1.0, "Candidate": 0.5}
CERTIFICATION_POINTS = {
    "organic": 25,
    "fair_trade": 20,
    "carbon_neutral": 20,
    "rainforest_alliance": 15,
    "global_gap": 10,
    "iso_14001": 15,
    "social_accountability": 15,
}


@dataclass(frozen=True)
class EsgItem:
    """One scored item: the input, its 0-100 score, its weight (%) in its part, the points."""

    name: str
    value: Any
    score: float
    weight: int
    contribution: float


@dataclass(frozen=True)
class EsgAssessment:
    environmental: float
    social: float
    governance: float
    overall: float
    grade: Grade
    token_estimate: int  # ESG-GOLD (DC)
    size_factor: float
    tier: float
    volume_bonus: float
    assessed_on: date
    valid_until: date
    items: dict[str, tuple[EsgItem, ...]]  # part name -> its items


#: Numeric ESG fields and their ranges (DOMAIN.md); None = no upper bound.
RANGES: dict[str, tuple[float, float | None]] = {
    "water_usage_per_hectare": (0, None),
    "carbon_emissions": (0, None),
    "renewable_energy_percentage": (0, 100),
    "community_investment_percentage": (0, 100),
    "local_employment_percentage": (0, 100),
    **{
        name: (0, 10)
        for name in (
            "biodiversity_score",
            "soil_health_score",
            "waste_management_score",
            "worker_safety_score",
            "transparency_score",
            "record_keeping_score",
            "stakeholder_engagement_score",
            "ethical_practices_score",
        )
    },
}


def _get(source: Any, name: str, default: Any = None) -> Any:
    if isinstance(source, Mapping):
        return source.get(name, default)
    return getattr(source, name, default)


def _num(source: Any, name: str) -> float:
    """A numeric ESG field, checked against its range (``ValueError`` when missing or out)."""
    raw = _get(source, name)
    if raw is None or isinstance(raw, bool):
        raise ValueError(f"ESG field {name} is missing or not a number")
    value = float(raw)
    low, high = RANGES[name]
    if not math.isfinite(value) or value < low or (high is not None and value > high):
        raise ValueError(f"ESG field {name}={raw!r} is outside {low}-{high if high is not None else 'inf'}")
    return value


def _flag(source: Any, name: str) -> bool:
    raw = _get(source, name)
    if raw is None:
        raise ValueError(f"ESG field {name} is missing")
    return bool(raw)


def _clamp(x: float) -> float:
    return min(100.0, max(0.0, x))


def water_score(litres_per_ha: float) -> float:
    if litres_per_ha <= 5_000:
        return 100.0
    if litres_per_ha >= 20_000:
        return 0.0
    return _clamp(100 - (litres_per_ha - 5_000) / 150)


def carbon_score(tonnes_per_ha: float) -> float:
    if tonnes_per_ha <= 2:
        return 100.0
    if tonnes_per_ha >= 8:
        return 0.0
    return _clamp(100 - (tonnes_per_ha - 2) * 16.67)


def certification_score(certifications: Iterable[str]) -> float:
    """Points of the known certifications (each counted once), capped at 100."""
    names = {str(c).strip().lower().replace("-", "_").replace(" ", "_") for c in certifications}
    return float(min(100, sum(CERTIFICATION_POINTS.get(n, 0) for n in names)))


def _part(items: list[tuple[str, Any, float, int]]) -> tuple[float, tuple[EsgItem, ...]]:
    scored = tuple(EsgItem(n, v, _clamp(s), w, _clamp(s) * w / 100) for n, v, s, w in items)
    return _clamp(sum(i.score * i.weight for i in scored) / 100), scored


def environmental(d: Any) -> tuple[float, tuple[EsgItem, ...]]:
    organic = _flag(d, "organic_certified")
    water = _num(d, "water_usage_per_hectare")
    carbon = _num(d, "carbon_emissions")
    renew = _num(d, "renewable_energy_percentage")
    bio = _num(d, "biodiversity_score")
    soil = _num(d, "soil_health_score")
    return _part(
        [
            ("organic", organic, 100.0 if organic else 0.0, 20),
            ("water", water, water_score(water), 20),
            ("carbon", carbon, carbon_score(carbon), 25),
            ("renewables", renew, renew, 15),
            ("biodiversity", bio, bio * 10, 10),
            ("soil", soil, soil * 10, 10),
        ]
    )


def social(d: Any) -> tuple[float, tuple[EsgItem, ...]]:
    fair = _flag(d, "fair_wage_certification")
    community = _num(d, "community_investment_percentage")
    safety = _num(d, "worker_safety_score")
    local = _num(d, "local_employment_percentage")
    training, health = _flag(d, "training_programs"), _flag(d, "healthcare_provided")
    welfare = {"training_programs": training, "healthcare_provided": health}
    return _part(
        [
            ("fair_wage", fair, 100.0 if fair else 0.0, 25),
            ("community", community, min(100.0, community * 10), 20),
            ("safety", safety, safety * 10, 25),
            ("local_employment", local, local, 15),
            ("welfare", welfare, 50.0 * training + 50.0 * health, 15),
        ]
    )


def governance(d: Any, certifications: Iterable[str]) -> tuple[float, tuple[EsgItem, ...]]:
    certs = sorted({str(c) for c in certifications})
    transparency = _num(d, "transparency_score")
    records = _num(d, "record_keeping_score")
    stakeholders = _num(d, "stakeholder_engagement_score")
    ethics = _num(d, "ethical_practices_score")
    return _part(
        [
            ("transparency", transparency, transparency * 10, 25),
            ("certifications", certs, certification_score(certs), 25),
            ("record_keeping", records, records * 10, 20),
            ("stakeholder_engagement", stakeholders, stakeholders * 10, 15),
            ("ethics", ethics, ethics * 10, 15),
        ]
    )


def grade_of(overall: float) -> Grade:
    for threshold, grade in GRADES:
        if overall >= threshold:
            return grade
    return "Candidate"


def size_factor(size_ha: float) -> float:
    return 1.0 if size_ha <= 10 else 1.0 + 0.5 * math.log10(size_ha / 10)


def volume_bonus(yearly_volume: float) -> float:
    return min(2.0, 1.0 + max(0.0, yearly_volume) / 1_000_000)


def token_estimate(overall: float, grade: Grade, size_ha: float, yearly_volume: float) -> int:
    """ESG-GOLD estimate: int(overall x 1000 x size factor x tier x volume bonus).

    The product is rounded to 6 decimals before truncating, so float noise such as
    519974.99999999994 for an exact 519975 does not lose a token."""
    product = overall * 1000 * size_factor(size_ha) * TIER[grade] * volume_bonus(yearly_volume)
    return int(round(product, 6))


def score_esg(
    data: Any,
    certifications: Iterable[str] | None = None,
    size_ha: float | None = None,
    yearly_volume: float | None = None,
    assessed_on: date | None = None,
) -> EsgAssessment:
    """Score the 18 ESG fields of ``data`` (``EsgData``, a mapping or any object with those
    attributes). ``certifications``, ``size_ha`` and ``yearly_volume`` default to the fields of
    the same names on ``data`` (or on ``data.esg``'s parent, e.g. ``FarmEsgSubmitted``), else
    to none / 0 / 0. ``assessed_on`` defaults to today (UTC)."""
    esg = _get(data, "esg") or data
    certs = list(certifications if certifications is not None else _get(data, "certifications") or [])
    size = float(size_ha if size_ha is not None else _get(data, "size_ha") or 0.0)
    volume = float(yearly_volume if yearly_volume is not None else _get(data, "yearly_volume") or 0.0)
    if size < 0 or volume < 0:
        raise ValueError("size_ha and yearly_volume must not be negative")
    e, e_items = environmental(esg)
    s, s_items = social(esg)
    g, g_items = governance(esg, certs)
    w = PART_WEIGHTS
    overall = _clamp((w["environmental"] * e + w["social"] * s + w["governance"] * g) / 100)
    grade = grade_of(overall)
    day = assessed_on or datetime.now(UTC).date()
    return EsgAssessment(
        environmental=e,
        social=s,
        governance=g,
        overall=overall,
        grade=grade,
        token_estimate=token_estimate(overall, grade, size, volume),
        size_factor=size_factor(size),
        tier=TIER[grade],
        volume_bonus=volume_bonus(volume),
        assessed_on=day,
        valid_until=day + VALIDITY,
        items={"environmental": e_items, "social": s_items, "governance": g_items},
    )
