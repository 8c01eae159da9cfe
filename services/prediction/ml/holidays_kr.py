"""Korean public holidays, from the ``holidays`` package (PyPI) when it is installed.

Without the package a small fixed table is used: the fixed-date holidays of every year plus
Seollal, Buddha's Birthday and Chuseok for 2022-2028 (no substitute or one-off holidays).
``HOLIDAY_SOURCE`` tells which one is in force; the model card records it.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from types import ModuleType

import numpy as np

_holidays: ModuleType | None
try:  # pragma: no cover - which branch runs depends on the environment
    import holidays as _installed

    _holidays = _installed
    HOLIDAY_SOURCE = f"holidays {_installed.__version__}"
except ImportError:  # pragma: no cover
    _holidays = None
    HOLIDAY_SOURCE = "fixed table"

_FIXED_DATE = ((1, 1), (3, 1), (5, 5), (6, 6), (8, 15), (10, 3), (10, 9), (12, 25))

# (month, day) of the day before Seollal, Buddha's Birthday, the day before Chuseok.
_LUNAR: dict[int, tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    2022: ((1, 31), (5, 8), (9, 9)),
    2023: ((1, 21), (5, 27), (9, 28)),
    2024: ((2, 9), (5, 15), (9, 16)),
    2025: ((1, 28), (5, 5), (10, 5)),
    2026: ((2, 16), (5, 24), (9, 24)),
    2027: ((2, 6), (5, 13), (9, 14)),
    2028: ((1, 26), (5, 2), (10, 2)),
}


def fixed_table(year: int) -> frozenset[date]:
    """The fallback table's holidays of ``year`` (lunar ones only for 2022-2028)."""
    days = {date(year, m, d) for m, d in _FIXED_DATE}
    if year in _LUNAR:
        seollal_eve, buddha, chuseok_eve = _LUNAR[year]
        for start in (seollal_eve, chuseok_eve):
            first = date(year, *start).toordinal()
            days.update(date.fromordinal(first + k) for k in range(3))
        days.add(date(year, *buddha))
    return frozenset(days)


@lru_cache(maxsize=64)
def holidays_of_year(year: int) -> frozenset[date]:
    """All Korean public holidays of ``year``."""
    if _holidays is not None:
        return frozenset(_holidays.country_holidays("KR", years=[year]).keys())
    return fixed_table(year)  # pragma: no cover


def is_holiday(day: date) -> bool:
    return day in holidays_of_year(day.year)


def holiday_mask(ordinals: np.ndarray) -> np.ndarray:
    """Boolean array: is each proleptic ordinal (``date.toordinal()``) a public holiday?"""
    ordinals = np.asarray(ordinals, dtype=np.int64)
    if ordinals.size == 0:
        return np.zeros(0, dtype=bool)
    first = date.fromordinal(int(ordinals.min())).year
    last = date.fromordinal(int(ordinals.max())).year
    known = [d.toordinal() for y in range(first, last + 1) for d in holidays_of_year(y)]
    return np.isin(ordinals, np.asarray(known, dtype=np.int64))
