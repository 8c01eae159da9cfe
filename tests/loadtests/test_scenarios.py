"""The scenario table of the source plan and the load shapes over time."""

from __future__ import annotations

import pytest

from loadtests.scenarios import EXPONENTIAL, SCENARIOS, FindMax, resolve


def test_the_plans_scenarios() -> None:
    normal, peak, spike = SCENARIOS["normal"], SCENARIOS["peak"], SCENARIOS["spike"]
    assert (normal.users, normal.rps, normal.duration) == (1000, 20, 300)
    assert (peak.users, peak.rps, peak.duration, peak.shape) == (5000, 100, 1800, EXPONENTIAL)
    assert (spike.users, spike.rps, spike.ramp_seconds) == (10000, 500, 30)
    for name, users, rps in (("basic", 1000, 50), ("microservice", 5000, 200), ("cloud", 10000, 500)):
        assert (SCENARIOS[name].users, SCENARIOS[name].rps) == (users, rps)


def test_overrides_as_on_the_plans_command_line() -> None:
    s = resolve("basic", users=1000, rps=50, duration=60)
    assert (s.users, s.rps, s.duration, s.per_user_rps) == (1000, 50, 60, 0.05)
    with pytest.raises(KeyError):
        resolve("nope")
    with pytest.raises(ValueError):
        resolve("normal", rps=0)


def test_spike_reaches_full_load_within_30_seconds() -> None:
    spike = SCENARIOS["spike"]
    assert spike.users_at(30) == spike.users
    assert spike.offered_at(15) == pytest.approx(250, rel=0.01)


def test_exponential_ramp_starts_slow_and_ends_full() -> None:
    peak = resolve("peak", duration=300)
    ramp = peak.ramp_seconds
    users = [peak.users_at(t) for t in range(0, int(ramp) + 2)]
    assert users == sorted(users)
    assert users[-1] == peak.users
    assert peak.users_at(ramp / 2) < 0.15 * peak.users  # far below a linear ramp's half
    assert peak.users_at(0) >= 1


def test_linear_ramp_default_is_a_tenth_at_most_30s() -> None:
    assert resolve("normal", duration=60).ramp_seconds == 6
    assert SCENARIOS["normal"].ramp_seconds == 30


def test_find_max_steps() -> None:
    plan = FindMax(start=100, factor=2, limit=1000, step_seconds=10)
    assert plan.rates() == [100, 200, 400, 800]
    assert plan.duration == 40
    assert [plan.step_at(t) for t in (0, 9.9, 10, 35, 99)] == [0, 0, 1, 3, 3]
    with pytest.raises(ValueError):
        FindMax(start=100, factor=1).rates()
