"""The generated (synthetic) demand: deterministic, labelled, seasonal as DOMAIN.md says."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from services.prediction.ml import crops as C
from services.prediction.ml import holidays_kr
from services.prediction.ml.generator import (
    day_of_year,
    generate_demand,
    generate_series,
    generated_history,
    seasonal_profile,
)

START, END = date(2024, 1, 1), date(2026, 12, 31)


def test_regions_and_crops_are_listed_once():
    assert C.REGIONS == ("Seoul", "Gyeonggi", "Gangwon", "Chungcheong", "Jeolla", "Gyeongsang", "Jeju")
    assert C.CROPS == ("tomatoes", "cabbage", "rice", "lettuce", "carrots")


def test_same_seed_same_data_and_windows_agree():
    a = generate_series("tomatoes", "Seoul", START, END)
    b = generate_series("tomatoes", "Seoul", START, END)
    np.testing.assert_array_equal(a.quantity, b.quantity)
    part = generate_series("tomatoes", "Seoul", date(2025, 3, 1), date(2025, 3, 31))
    offset = date(2025, 3, 1).toordinal() - START.toordinal()
    np.testing.assert_array_equal(part.quantity, a.quantity[offset : offset + 31])
    other = generate_series("tomatoes", "Seoul", START, END, seed=1)
    assert not np.array_equal(other.quantity, a.quantity)
    hist = generated_history("tomatoes", "Seoul", date(2025, 4, 1), 31)
    np.testing.assert_array_equal(hist, part.quantity)


def test_everything_is_labelled_generated():
    series = generate_demand(date(2025, 1, 1), date(2025, 1, 10), crops=["rice"], regions=["Jeju"])
    assert [s.source for s in series] == ["generated"]
    rows = list(series[0].rows())
    assert len(rows) == 10 and all(r["source"] == "generated" for r in rows)
    assert set(rows[0]) >= {"day", "crop", "region", "quantity", "source"}


def test_unknown_crop_or_region_is_refused():
    with pytest.raises(ValueError):
        generate_series("durian", "Seoul", START, END)
    with pytest.raises(ValueError):
        generate_series("rice", "Busan", START, END)


def _peak_and_trough_months(crop: str) -> tuple[set[int], set[int]]:
    peak: set[int] = set()
    for first, last in C.CROP_PARAMS[crop].peak_months:
        m = first
        while True:
            peak.add(m)
            if m == last:
                break
            m = m % 12 + 1
    far = {m for m in range(1, 13) if all(min(abs(m - p), 12 - abs(m - p)) >= 2 for p in peak)}
    return peak, far


@pytest.mark.parametrize("crop", C.CROPS)
def test_peak_months_have_more_demand_than_trough_months(crop):
    peak, trough = _peak_and_trough_months(crop)
    assert trough, crop
    p = C.CROP_PARAMS[crop]
    ords = np.arange(START.toordinal(), END.toordinal() + 1)
    months = (ords - date(1970, 1, 1).toordinal()).astype("datetime64[D]").astype("datetime64[M]")
    month = months.astype(np.int64) % 12 + 1
    for region in C.REGIONS:
        q = generate_series(crop, region, START, END).quantity
        detrended = q / (1 + p.growth_per_day) ** (ords - ords[0])
        in_peak = detrended[np.isin(month, list(peak))].mean()
        in_trough = detrended[np.isin(month, list(trough))].mean()
        assert in_peak > in_trough, (crop, region, in_peak, in_trough)


@pytest.mark.parametrize("crop", C.CROPS)
def test_seasonal_profile_is_high_in_peak_months_and_bounded(crop):
    doy = np.arange(1, 366, dtype=np.float64)
    profile = seasonal_profile(crop, doy)
    assert profile.min() >= -1 and profile.max() <= 1
    for first, last in C.CROP_PARAMS[crop].peak_months:
        for month in (first, last):
            mid = date(2025, month, 15).timetuple().tm_yday
            assert profile[mid - 1] > 0, (crop, month)


def test_levels_promotions_and_holidays_follow_the_parameters():
    for crop, p in C.CROP_PARAMS.items():
        q = generate_series(crop, "Chungcheong", START, END)
        level = p.base * C.REGION_FACTORS["Chungcheong"]
        assert 0.8 * level < np.median(q.quantity) < 2.0 * level
        assert 0.07 < q.promotion.mean() < 0.13
        assert np.all(q.quantity >= 0)
    s = generate_series("rice", "Seoul", date(2025, 10, 1), date(2025, 10, 10))
    assert s.holiday[5]  # Chuseok, 2025-10-06


def test_day_of_year():
    ords = np.array([date(2024, 1, 1).toordinal(), date(2024, 12, 31).toordinal()])
    assert day_of_year(ords).tolist() == [1, 366]


@pytest.mark.skipif(holidays_kr.HOLIDAY_SOURCE == "fixed table", reason="holidays package not installed")
def test_fallback_table_agrees_with_the_holidays_package():
    for year in range(2022, 2029):
        assert holidays_kr.fixed_table(year) <= holidays_kr.holidays_of_year(year), year
