"""The verdict against the plan's SLO and the strict target."""

from __future__ import annotations

from loadtests.verdict import SLOS, evaluate, figures_from

GOOD = {
    "requests": 1000,
    "p50_ms": 12.0,
    "p95_ms": 40.0,
    "p99_ms": 90.0,
    "error_pct": 0.0,
    "kept_up_pct": 99.5,
    "cpu_pct": 45.0,
    "memory_pct": 30.0,
    "lost_writes": 0,
}


def test_plan_pass_and_strict_pass() -> None:
    assert evaluate(GOOD, SLOS["plan"])["verdict"] == "PASS"
    assert evaluate(GOOD, SLOS["strict"])["verdict"] == "PASS"


def test_each_plan_limit_fails_the_verdict() -> None:
    for metric, bad in (("p50_ms", 500), ("p95_ms", 2000), ("p99_ms", 5000), ("error_pct", 0.1)):
        result = evaluate({**GOOD, metric: bad}, SLOS["plan"])
        assert result["verdict"] == "FAIL", metric  # the plan's limits are strict: "< 500 ms"
    assert evaluate({**GOOD, "cpu_pct": 71}, SLOS["plan"])["failed"] == [
        "platform CPU (of the machine) < 70 %"
    ]


def test_strict_target() -> None:
    assert evaluate({**GOOD, "p95_ms": 50}, SLOS["strict"])["verdict"] == "PASS"  # "<= 50 ms"
    assert evaluate({**GOOD, "p99_ms": 151}, SLOS["strict"])["verdict"] == "FAIL"
    assert evaluate({**GOOD, "error_pct": 0.001}, SLOS["strict"])["verdict"] == "FAIL"
    assert evaluate({**GOOD, "cpu_pct": 99}, SLOS["strict"])["verdict"] == "PASS"  # not a strict limit


def test_lost_writes_or_falling_behind_fail() -> None:
    assert evaluate({**GOOD, "lost_writes": 1}, SLOS["plan"])["failed"] == ["lost writes == 0"]
    assert evaluate({**GOOD, "kept_up_pct": 80}, SLOS["strict"])["verdict"] == "FAIL"


def test_not_measured_is_reported_not_failed() -> None:
    result = evaluate({**GOOD, "cpu_pct": None}, SLOS["plan"])
    assert result["verdict"] == "PASS"
    assert any(c["ok"] is None and "CPU" in c["limit"] for c in result["checks"])
    skipped = evaluate(GOOD, SLOS["plan"], skip=("cpu_pct",))
    assert not any("CPU" in c["limit"] for c in skipped["checks"])


def test_no_requests_is_a_failure() -> None:
    assert evaluate({"requests": 0}, SLOS["plan"])["verdict"] == "FAIL"


def test_figures_from_a_summary() -> None:
    overall = {"count": 200, "answered": 190, "offered": 200, "p50_ms": 5.0, "p95_ms": 9.0, "p99_ms": 12.0}
    overall["error_pct"] = 0.5
    figures = figures_from(overall, {"platform_cpu_pct_mean": 33.0, "machine_memory_pct_max": 12.0}, 0)
    assert figures["kept_up_pct"] == 95.0
    assert figures["cpu_pct"] == 33.0 and figures["lost_writes"] == 0
