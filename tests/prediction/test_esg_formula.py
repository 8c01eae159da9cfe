"""ESG score of DOMAIN.md: properties (hypothesis) and worked examples checked by hand."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pamtalk.events.catalogue import EsgData
from services.prediction import esg_formula as F

BOOLS = (
    "organic_certified",
    "fair_wage_certification",
    "training_programs",
    "healthcare_provided",
    "supply_chain_traceability",
)
# numeric field -> (low, high, +1 when a higher value must not lower the score, -1 the reverse)
NUMBERS: dict[str, tuple[float, float, int]] = {
    "water_usage_per_hectare": (0, 40_000, -1),
    "carbon_emissions": (0, 15, -1),
    "renewable_energy_percentage": (0, 100, 1),
    "biodiversity_score": (0, 10, 1),
    "soil_health_score": (0, 10, 1),
    "waste_management_score": (0, 10, 0),
    "community_investment_percentage": (0, 100, 1),
    "worker_safety_score": (0, 10, 1),
    "local_employment_percentage": (0, 100, 1),
    "transparency_score": (0, 10, 1),
    "record_keeping_score": (0, 10, 1),
    "stakeholder_engagement_score": (0, 10, 1),
    "ethical_practices_score": (0, 10, 1),
}
CERTS = sorted(F.CERTIFICATION_POINTS)
DAY = date(2026, 11, 27)

esg_data = st.fixed_dictionaries(
    {
        **{b: st.booleans() for b in BOOLS},
        **{n: st.floats(lo, hi, allow_nan=False) for n, (lo, hi, _) in NUMBERS.items()},
    }
)
cert_lists = st.lists(st.sampled_from([*CERTS, "unknown_cert"]), max_size=10)


def score(data: dict[str, Any], certs: list[str] | None = None, **kw: Any) -> F.EsgAssessment:
    return F.score_esg(data, certifications=certs or [], assessed_on=DAY, **kw)


@settings(max_examples=150, deadline=None)
@given(esg_data, cert_lists, st.floats(0, 100_000), st.floats(0, 1e8))
def test_parts_and_overall_stay_within_0_100(data, certs, size, volume):
    a = score(data, certs, size_ha=size, yearly_volume=volume)
    for value in (a.environmental, a.social, a.governance, a.overall):
        assert 0.0 <= value <= 100.0
    assert a.overall == pytest.approx(0.40 * a.environmental + 0.35 * a.social + 0.25 * a.governance)
    for items in a.items.values():
        assert all(0.0 <= i.score <= 100.0 for i in items)
    assert a.valid_until - a.assessed_on == timedelta(days=365)


@settings(max_examples=150, deadline=None)
@given(esg_data, st.sampled_from(sorted(NUMBERS)), st.floats(0, 1), st.floats(0, 1))
def test_overall_moves_the_right_way_in_each_number(data, field, a, b):
    lo, hi, direction = NUMBERS[field]
    small, large = sorted((lo + a * (hi - lo), lo + b * (hi - lo)))
    low_score = score({**data, field: small}).overall
    high_score = score({**data, field: large}).overall
    if direction > 0:
        assert high_score >= low_score
    elif direction < 0:
        assert high_score <= low_score
    else:  # not part of DOMAIN.md's formula
        assert high_score == low_score


@settings(max_examples=100, deadline=None)
@given(esg_data, st.sampled_from(BOOLS), cert_lists, st.sampled_from(CERTS))
def test_flags_and_certifications_never_lower_the_score(data, flag, certs, extra):
    off, on = score({**data, flag: False}, certs), score({**data, flag: True}, certs)
    if flag == "supply_chain_traceability":
        assert on.overall == off.overall
    else:
        assert on.overall >= off.overall
    assert score(data, [*certs, extra]).overall >= score(data, certs).overall


@given(cert_lists)
def test_certifications_capped_at_100_and_counted_once(certs):
    points = F.certification_score(certs)
    assert 0 <= points <= 100
    assert F.certification_score(certs + certs) == points
    assert F.certification_score(CERTS) == 100  # 120 points, capped


@settings(max_examples=100, deadline=None)
@given(esg_data, cert_lists, st.floats(0, 100_000), st.floats(0, 1e8))
def test_token_estimate_formula(data, certs, size, volume):
    a = score(data, certs, size_ha=size, yearly_volume=volume)
    size_factor = 1.0 if size <= 10 else 1 + 0.5 * math.log10(size / 10)
    bonus = min(2.0, 1 + volume / 1_000_000)
    expected = a.overall * 1000 * size_factor * F.TIER[a.grade] * bonus
    assert a.token_estimate == int(round(expected, 6))
    assert a.size_factor == pytest.approx(size_factor) and a.volume_bonus == pytest.approx(bonus)
    assert a.tier == {"Platinum": 2.0, "Gold": 1.5, "Silver": 1.2, "Bronze": 1.0, "Candidate": 0.5}[a.grade]


@pytest.mark.parametrize(
    ("overall", "grade"),
    [
        (100, "Platinum"),
        (90, "Platinum"),
        (89.999, "Gold"),
        (80, "Gold"),
        (79.99, "Silver"),
        (70, "Silver"),
        (69.99, "Bronze"),
        (60, "Bronze"),
        (59.99, "Candidate"),
        (0, "Candidate"),
    ],
)
def test_grade_thresholds(overall, grade):
    assert F.grade_of(overall) == grade


def test_item_scores_at_their_boundaries():
    assert F.water_score(5_000) == 100 and F.water_score(20_000) == 0
    assert F.water_score(12_500) == pytest.approx(50)
    assert F.carbon_score(2) == 100 and F.carbon_score(8) == 0
    assert F.carbon_score(5) == pytest.approx(49.99)
    assert F.size_factor(10) == 1 and F.size_factor(100) == pytest.approx(1.5)
    assert F.volume_bonus(0) == 1 and F.volume_bonus(5e6) == 2


PERFECT = {
    **{b: True for b in BOOLS},
    "water_usage_per_hectare": 3_000,
    "carbon_emissions": 1,
    "renewable_energy_percentage": 100,
    "biodiversity_score": 10,
    "soil_health_score": 10,
    "waste_management_score": 10,
    "community_investment_percentage": 10,
    "worker_safety_score": 10,
    "local_employment_percentage": 100,
    "transparency_score": 10,
    "record_keeping_score": 10,
    "stakeholder_engagement_score": 10,
    "ethical_practices_score": 10,
}


def test_worked_example_perfect_farm():
    a = score(PERFECT, CERTS, size_ha=5, yearly_volume=0)
    assert (a.environmental, a.social, a.governance, a.overall) == (100, 100, 100, 100)
    assert a.grade == "Platinum"
    assert a.token_estimate == 200_000  # 100 x 1000 x 1 x 2.0 x 1
    assert a.valid_until == date(2027, 11, 27)


def test_worked_example_candidate():
    data = {
        **PERFECT,
        "organic_certified": False,  # 0
        "water_usage_per_hectare": 12_500,  # 100 - 7500/150 = 50
        "carbon_emissions": 5,  # 100 - 3 x 16.67 = 49.99
        "renewable_energy_percentage": 40,
        "biodiversity_score": 6,
        "soil_health_score": 7,
        "community_investment_percentage": 5,  # 50
        "worker_safety_score": 8,
        "local_employment_percentage": 60,
        "healthcare_provided": False,  # welfare 50
        "transparency_score": 7,
        "record_keeping_score": 8,
        "stakeholder_engagement_score": 6,
        "ethical_practices_score": 9,
    }
    a = score(data, ["global_gap", "Organic"], size_ha=100, yearly_volume=500_000)
    # E = .2*0 + .2*50 + .25*49.99 + .15*40 + .1*60 + .1*70 = 41.4975
    assert a.environmental == pytest.approx(41.4975)
    # S = .25*100 + .2*50 + .25*80 + .15*60 + .15*50 = 71.5
    assert a.social == pytest.approx(71.5)
    # G = .25*70 + .25*35 + .2*80 + .15*60 + .15*90 = 64.75
    assert a.governance == pytest.approx(64.75)
    assert a.overall == pytest.approx(57.8115)  # .4*41.4975 + .35*71.5 + .25*64.75
    assert a.grade == "Candidate"
    assert a.token_estimate == 65_037  # int(57.8115 * 1000 * 1.5 * 0.5 * 1.5) = int(65037.94)


def test_worked_example_gold_with_exact_token_product():
    data = {
        **PERFECT,
        "water_usage_per_hectare": 5_000,
        "carbon_emissions": 2,
        "renewable_energy_percentage": 50,
        "biodiversity_score": 8,
        "soil_health_score": 8,
        "community_investment_percentage": 12,  # capped at 100
        "worker_safety_score": 9,
        "local_employment_percentage": 80,
        "transparency_score": 8,
        "record_keeping_score": 7,
        "stakeholder_engagement_score": 7,
        "ethical_practices_score": 8,
    }
    a = score(data, ["organic", "fair_trade", "carbon_neutral"], size_ha=1_000, yearly_volume=3e6)
    assert a.environmental == pytest.approx(88.5)
    assert a.social == pytest.approx(94.5)
    assert a.governance == pytest.approx(72.75)
    assert a.overall == pytest.approx(86.6625)
    assert a.grade == "Gold"
    assert a.token_estimate == 519_975  # 86.6625 x 1000 x 2.0 x 1.5 x 2


def test_accepts_the_catalogue_model_and_submission_like_objects():
    esg = EsgData(**PERFECT)
    by_model = F.score_esg(esg, certifications=["organic"], size_ha=50, assessed_on=DAY)
    by_dict = F.score_esg(PERFECT, certifications=["organic"], size_ha=50, assessed_on=DAY)
    assert by_model == by_dict
    submission = {"esg": PERFECT, "certifications": ["organic"], "size_ha": 50, "yearly_volume": 0}
    assert F.score_esg(submission, assessed_on=DAY) == by_dict


def test_breakdown_contributions_add_up():
    a = score(PERFECT, ["organic"])
    for part, items in a.items.items():
        total = sum(i.contribution for i in items)
        assert total == pytest.approx(getattr(a, part))
        assert sum(i.weight for i in items) == 100


@pytest.mark.parametrize(
    "change",
    [{"biodiversity_score": 11}, {"renewable_energy_percentage": -1}, {"water_usage_per_hectare": None}],
)
def test_out_of_range_or_missing_fields_are_refused(change):
    with pytest.raises(ValueError):
        score({**PERFECT, **change})
