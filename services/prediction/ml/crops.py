"""Crops, regions and the demand parameters of DOMAIN.md: the one place they are listed.

The crop table (base, amplitude, growth, noise, peak months) is copied from DOMAIN.md. The
region factors, weekday pattern, prices and effect sizes below are *our* assumptions for the
synthetic (generated) demand; no public Korean crop-demand data set is available here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CropParams:
    """Demand parameters of one crop (DOMAIN.md) plus the assumed unit price in KRW."""

    name: str
    base: float
    amplitude: float
    growth_per_day: float
    noise: float
    peak_months: tuple[tuple[int, int], ...]  # (first month, last month) windows, inclusive
    unit_price_krw: float


CROP_PARAMS: dict[str, CropParams] = {
    p.name: p
    for p in (
        CropParams("tomatoes", 1000, 300, 0.0005, 0.15, ((6, 9),), 3000),
        CropParams("cabbage", 800, 200, 0.0003, 0.12, ((10, 1),), 2500),
        CropParams("rice", 2000, 100, 0.0002, 0.08, ((9, 11),), 2200),
        CropParams("lettuce", 600, 150, 0.0004, 0.18, ((3, 5), (10, 11)), 2000),
        CropParams("carrots", 700, 120, 0.0003, 0.13, ((11, 2),), 1800),
    )
}

#: The five crops, in the order used for encodings.
CROPS: tuple[str, ...] = tuple(CROP_PARAMS)

#: Korean regions and their demand level relative to a crop's base (assumed).
REGION_FACTORS: dict[str, float] = {
    "Seoul": 1.30,
    "Gyeonggi": 1.20,
    "Gangwon": 0.70,
    "Chungcheong": 0.90,
    "Jeolla": 0.90,
    "Gyeongsang": 1.10,
    "Jeju": 0.60,
}

#: The regions, in the order used for encodings.
REGIONS: tuple[str, ...] = tuple(REGION_FACTORS)

#: Demand multiplier by weekday, Monday first (assumed: weekend shopping peak, quiet Sunday).
WEEKDAY_FACTORS: tuple[float, ...] = (0.95, 0.97, 1.00, 1.00, 1.08, 1.12, 0.88)

PROMOTION_PROBABILITY = 0.10  # "about 1 day in 10"
PROMOTION_UPLIFT = 0.25
HOLIDAY_FACTOR = 0.80  # public holiday: markets partly closed
HOLIDAY_EVE_FACTOR = 1.15  # the day before a public holiday: extra shopping
EVENT_PROBABILITY = 0.005  # a rare special event starts on about 1 day in 200
EVENT_DAYS = 3
PRICE_ELASTICITY = 0.8  # demand ~ (price / usual price) ** -elasticity
PRICE_SWING = 0.10  # slow relative price swing around the usual price
PRICE_NOISE = 0.03


def normalise_crop(name: str) -> str:
    """Lower-case, trimmed crop name (``"Tomatoes "`` -> ``"tomatoes"``)."""
    return name.strip().lower()


def normalise_region(name: str) -> str:
    """The canonical spelling of a known region (case-insensitive), else the trimmed name."""
    key = name.strip()
    for region in REGIONS:
        if region.lower() == key.lower():
            return region
    return key
