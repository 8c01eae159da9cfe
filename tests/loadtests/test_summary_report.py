"""From the generator's raw record to figures, and the self-contained HTML report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from loadtests import latency, report, summary, verdict
from loadtests.charts import line_chart


def _second(t: int, times: list[float], errors: int = 0, offered: int | None = None) -> dict[str, Any]:
    hist: latency.Histogram = {}
    for ms in times:
        latency.add(hist, ms)
    n = len(times)
    return {
        "t": t,
        "n": n,
        "err": errors,
        "unanswered": 0,
        "answered": n,
        "offered": n if offered is None else offered,
        "users": 10,
        "hist": latency.to_json(hist),
    }


def raw_record() -> dict[str, Any]:
    seconds = [_second(t, [5.0] * 18 + [40.0, 90.0], errors=1 if t == 3 else 0) for t in range(10)]
    endpoint = {
        "hist": latency.to_json({5.0: 180, 40.0: 10, 90.0: 10}),
        "count": 200,
        "errors": 1,
        "statuses": {"200": 199, "500": 1},
        "failures_by_status": {"500": 1},
        "max_ms": 91.2,
        "examples": ["500 boom"],
    }
    return {
        "duration": 10.0,
        "drain": 0,
        "seconds": seconds,
        "endpoints": {"GET /api/v1/dashboard": endpoint},
    }


def test_summarize() -> None:
    figures = summary.summarize(raw_record())
    o = figures["overall"]
    assert (o["count"], o["errors"], o["achieved_rps"], o["offered_rps"]) == (200, 1, 20.0, 20.0)
    assert (o["p50_ms"], o["p95_ms"], o["p99_ms"]) == (5.0, 40.0, 90.0)
    assert o["error_pct"] == 0.5
    assert figures["errors_by_status"] == {"500": 1}
    assert figures["endpoints"]["GET /api/v1/dashboard"]["max_ms"] == 91.2
    assert figures["mix_pct"] == {"read": 100.0}
    assert len(figures["timeline"]) == 10 and figures["timeline"][3]["errors"] == 1


def test_stretch_takes_whole_seconds_only() -> None:
    seconds = raw_record()["seconds"]
    part = summary.stretch(seconds, 2.4, 6.7)  # seconds 3, 4, 5
    assert (part["count"], part["seconds"], part["achieved_rps"]) == (60, 3, 20.0)


def result_document() -> dict[str, Any]:
    figures = summary.summarize(raw_record())
    judged = verdict.evaluate(verdict.figures_from(figures["overall"], {}, 0), verdict.SLOS["plan"])
    return {
        "host": "http://127.0.0.1:8000",
        "mode": "embedded",
        "started_at": "2026-01-01T00:00:00+00:00",
        "command": "python loadtests/performance_test.py --scenario smoke",
        "scenario": {
            "name": "smoke",
            "users": 10,
            "rps": 20,
            "duration": 10,
            "shape": "linear",
            "ramp_seconds": 2,
        },
        **figures,
        "verdict": judged,
        "find_max": None,
        "resources": {},
        "resource_timeline": [{"t": 1, "platform_cpu_pct": 10, "generator_cpu_pct": 5}],
        "writes": {"lost_writes": 0, "trades": {"acknowledged": 3, "lost": 0, "lost_sample": []}},
        "generator": {"send_lag": {"p50_ms": 1, "p99_ms": 2, "max_ms": 3}, "not_sent": 0},
    }


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    result = result_document()
    report.write_html(result, tmp_path / "report.html")
    report.write_json(result, tmp_path / "result.json")
    html = (tmp_path / "report.html").read_text()
    assert html.count("<svg") == 4  # latency, throughput, users, CPU
    assert "<script" not in html and "<link" not in html
    assert not [
        u
        for u in re.findall(r"https?://[^\s\"'<]+", html)
        if "www.w3.org/2000/svg" not in u and "127.0.0.1" not in u
    ]
    assert "GET /api/v1/dashboard" in html and "FAIL" in html  # 0.5 % errors > 0.1 %
    assert json.loads((tmp_path / "result.json").read_text())["verdict"]["verdict"] == "FAIL"


def test_line_chart_gaps_and_empty() -> None:
    svg = line_chart("t", [("a", [(0, 1.0), (1, None), (2, 3.0), (3, 4.0)])], " ms")
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 1
    assert "<svg" in line_chart("empty", [("a", [])])
