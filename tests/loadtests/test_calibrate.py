"""calibrate's two modes: find-max steps, or a named scenario run as performance_test runs it,
and the figures it reports for a scenario (pure parts: no nginx, no Locust)."""

from __future__ import annotations

from pathlib import Path

import pytest

from loadtests import calibrate, latency


def test_scenario_mode_runs_the_scenarios_users_ramp_and_rate(tmp_path: Path) -> None:
    config = calibrate._config(calibrate.parse(["--scenario", "spike", "--duration", "60"]), tmp_path)
    assert config["scenario"] == {
        "name": "spike", "users": 10000, "rps": 500, "duration": 60, "shape": "linear", "ramp": 30,
    }  # fmt: skip
    assert config["find_max"] is None  # no rate steps: the scenario's own pacing
    assert config["idle_close"] == 60  # connections kept as behind nginx
    assert config["host"] == "http://127.0.0.1:13999"


def test_scenario_overrides_and_find_max_default(tmp_path: Path) -> None:
    args = calibrate.parse(["--scenario", "peak", "--users", "200", "--rps", "40", "--ramp", "5"])
    sc = calibrate._config(args, tmp_path)["scenario"]
    assert (sc["users"], sc["rps"], sc["ramp"], sc["shape"]) == (200, 40, 5, "exponential")
    fm = calibrate._config(calibrate.parse(["--port", "13998"]), tmp_path)
    assert fm["scenario"]["users"] == 300 and fm["find_max"]["start"] == 1000
    assert fm["host"].endswith(":13998")
    with pytest.raises(SystemExit):
        calibrate.parse(["--scenario", "nope"])


def _second(t: int, n: int, lag_ms: float, cpu_ms: float) -> dict:
    hist = latency.to_json({1.0: n})
    return {"t": t, "n": n, "err": 0, "answered": n, "offered": n, "hist": hist,
            "lag": latency.to_json({lag_ms: n}), "cpu_ms": cpu_ms}  # fmt: skip


def test_scenario_figures_at_full_load_leave_the_ramp_out() -> None:
    # 10 s ramp (few requests, late sends, costly), then 20 s at 100 req/s costing 30 ms CPU a second
    seconds = [_second(t, 10, 200.0, 50.0) for t in range(12)]
    seconds += [_second(t, 100, 2.0, 30.0) for t in range(12, 30)]
    scenario = {"name": "spike", "users": 100, "rps": 100, "duration": 30, "shape": "linear", "ramp": 10}
    raw = {"config": {"scenario": scenario}, "duration": 30, "drain": 0, "seconds": seconds,
           "endpoints": {}, "not_sent": 0, "tool_errors": {}}  # fmt: skip
    figures = calibrate.scenario_figures(raw)
    full = figures["full load"]
    assert (full["seconds"], full["offered_rps"], full["achieved_rps"]) == (18, 100.0, 100.0)
    assert full["send_lag_p99_ms"] == 2.0
    assert full["generator_cpu_ms"] == 0.3  # 30 ms of CPU for 100 requests
    assert figures["whole run"]["send_lag_p99_ms"] == 200.0
    report = "\n".join(calibrate.scenario_report(raw))
    assert "0.3 ms/request (3 % of a core)" in report and "answered 100 req/s" in report
