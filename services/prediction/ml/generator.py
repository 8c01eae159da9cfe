"""GENERATED (synthetic) daily crop demand per crop and region - not real market data.

No public Korean crop-demand data set can be downloaded here, so the model is trained on
demand generated from the parameters of DOMAIN.md (see ``crops.py``): base level, yearly
seasonality peaking in the listed months, growth per day, a weekday pattern, a price effect,
promotions on about 1 day in 10, Korean public holidays, rare special events and noise.

Every value is a pure function of (seed, crop, region, day): a given day always gets the same
demand whatever window is asked for, so serving can rebuild any crop/region history
deterministically. Every series and row carries ``source="generated"``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from . import crops as C
from .holidays_kr import holiday_mask

SOURCE = "generated"
DEFAULT_SEED = 20_240_601
#: The window of generated history the committed model was trained on.
GENERATED_START = date(2023, 11, 1)
GENERATED_END = date(2026, 10, 31)
_GROWTH_EPOCH = date(2023, 1, 1).toordinal()
_PRICE_PERIOD_DAYS = 120.0
_MASK64 = (1 << 64) - 1


def _key(*parts: object) -> int:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _uniform(key: int, ordinals: np.ndarray) -> np.ndarray:
    """Counter-based uniform [0, 1) draws: splitmix64 of (key xor day ordinal)."""
    z = ordinals.astype(np.uint64) ^ np.uint64(key & _MASK64)
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def _normal(key: int, ordinals: np.ndarray) -> np.ndarray:
    u1 = np.maximum(_uniform(key, ordinals), 1e-12)
    u2 = _uniform(key ^ 0x5DEECE66D, ordinals)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def seasonal_profile(crop: str, day_of_year: np.ndarray) -> np.ndarray:
    """Yearly shape in [-1, 1]: near +1 inside the crop's peak months, near -1 far from them."""
    best = np.zeros(day_of_year.shape, dtype=np.float64)
    for first, last in C.CROP_PARAMS[crop].peak_months:
        start = date(2001, first, 1).timetuple().tm_yday
        end_month_last = date(2001 + (last == 12), last % 12 + 1, 1) - timedelta(days=1)
        end = end_month_last.timetuple().tm_yday + (365 if last < first else 0)
        half = (end - start + 1) / 2.0
        centre = (start + end) / 2.0 % 365.0
        dist = np.abs((day_of_year - centre + 182.5) % 365.0 - 182.5)
        best = np.maximum(best, np.exp(-0.5 * (dist / half) ** 2))
    return 2.0 * best - 1.0


def _days(ordinals: np.ndarray) -> np.ndarray:
    return (np.asarray(ordinals) - date(1970, 1, 1).toordinal()).astype("datetime64[D]")


def day_of_year(ordinals: np.ndarray) -> np.ndarray:
    """Day of year (1-366) of each proleptic ordinal."""
    days = _days(ordinals)
    return (days - days.astype("datetime64[Y]")).astype(np.int64) + 1


def month_of(ordinals: np.ndarray) -> np.ndarray:
    """Month (1-12) of each proleptic ordinal."""
    return _days(ordinals).astype("datetime64[M]").astype(np.int64) % 12 + 1


@dataclass(frozen=True)
class DemandSeries:
    """One GENERATED daily demand series (``source == "generated"``), one value per day."""

    crop: str
    region: str
    start: date
    quantity: np.ndarray
    unit_price: np.ndarray
    promotion: np.ndarray
    holiday: np.ndarray
    event_factor: np.ndarray
    source: str = SOURCE

    @property
    def end(self) -> date:
        return self.start + timedelta(days=len(self.quantity) - 1)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Rows like the platform's daily demand table, each labelled ``source="generated"``."""
        for i, qty in enumerate(self.quantity):
            yield {
                "day": self.start + timedelta(days=i),
                "crop": self.crop,
                "region": self.region,
                "quantity": float(qty),
                "unit_price": float(self.unit_price[i]),
                "promotion": bool(self.promotion[i]),
                "holiday": bool(self.holiday[i]),
                "source": self.source,
            }


def generate_series(crop: str, region: str, start: date, end: date, seed: int = DEFAULT_SEED) -> DemandSeries:
    """GENERATED demand of one crop in one region for every day from ``start`` to ``end``."""
    crop = C.normalise_crop(crop)
    region = C.normalise_region(region)
    if crop not in C.CROP_PARAMS or region not in C.REGION_FACTORS:
        raise ValueError(f"no generator parameters for crop {crop!r} in region {region!r}")
    if end < start:
        raise ValueError("end is before start")
    p = C.CROP_PARAMS[crop]
    ords = np.arange(start.toordinal(), end.toordinal() + 1, dtype=np.int64)
    level = p.base * C.REGION_FACTORS[region]
    season = 1.0 + (p.amplitude / p.base) * seasonal_profile(crop, day_of_year(ords).astype(np.float64))
    growth = (1.0 + p.growth_per_day) ** (ords - _GROWTH_EPOCH)
    weekday = np.asarray(C.WEEKDAY_FACTORS)[(ords - 1) % 7]

    phase = _uniform(_key(seed, crop, "price-phase"), np.zeros(1, dtype=np.int64))[0]
    price_rel = (
        1.0
        + C.PRICE_SWING * np.sin(2.0 * np.pi * ((ords - _GROWTH_EPOCH) / _PRICE_PERIOD_DAYS + phase))
        + C.PRICE_NOISE * _normal(_key(seed, crop, region, "price"), ords)
    )
    price_effect = np.clip(price_rel, 0.5, 1.5) ** -C.PRICE_ELASTICITY

    promotion = _uniform(_key(seed, crop, region, "promo"), ords) < C.PROMOTION_PROBABILITY
    holiday = holiday_mask(ords)
    holiday_eve = holiday_mask(ords + 1) & ~holiday
    calendar = np.where(holiday, C.HOLIDAY_FACTOR, 1.0) * np.where(holiday_eve, C.HOLIDAY_EVE_FACTOR, 1.0)

    event = np.ones(len(ords))
    for lag in range(C.EVENT_DAYS):
        starts = ords - lag
        fires = _uniform(_key(seed, crop, region, "event"), starts) < C.EVENT_PROBABILITY
        size = 0.5 + 1.3 * _uniform(_key(seed, crop, region, "event-size"), starts)
        event *= np.where(fires, size, 1.0)

    noise = np.clip(1.0 + p.noise * _normal(_key(seed, crop, region, "noise"), ords), 0.1, None)
    demand = (
        level
        * season
        * growth
        * weekday
        * price_effect
        * calendar
        * event
        * noise
        * np.where(promotion, 1.0 + C.PROMOTION_UPLIFT, 1.0)
    )
    price = p.unit_price_krw * price_rel * np.where(promotion, 0.85, 1.0)
    return DemandSeries(
        crop=crop,
        region=region,
        start=start,
        quantity=np.round(demand),
        unit_price=np.round(price),
        promotion=promotion,
        holiday=holiday,
        event_factor=event,
    )


def generate_demand(
    start: date = GENERATED_START,
    end: date = GENERATED_END,
    crops: Iterable[str] = C.CROPS,
    regions: Iterable[str] = C.REGIONS,
    seed: int = DEFAULT_SEED,
) -> list[DemandSeries]:
    """GENERATED demand for every crop x region pair over ``start``..``end``."""
    region_list = list(regions)
    return [generate_series(c, r, start, end, seed) for c in crops for r in region_list]


def generated_history(
    crop: str, region: str, before: date, days: int, seed: int = DEFAULT_SEED
) -> np.ndarray:
    """GENERATED demand of the ``days`` days just before ``before`` (oldest first)."""
    series = generate_series(crop, region, before - timedelta(days=days), before - timedelta(days=1), seed)
    return series.quantity
