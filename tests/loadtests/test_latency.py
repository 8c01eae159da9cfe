"""Latency histograms and their percentiles."""

from __future__ import annotations

from loadtests import latency


def test_percentiles_of_known_values() -> None:
    hist: latency.Histogram = {}
    for ms in range(1, 101):  # 1 .. 100 ms
        latency.add(hist, float(ms))
    assert latency.percentile(hist, 0.5) == 50
    assert latency.percentile(hist, 0.95) == 95
    assert latency.percentile(hist, 0.99) == 99
    assert latency.summary(hist)["count"] == 100


def test_rounding_keeps_precision_relative() -> None:
    assert latency.bucket(3.14159) == 3.1
    assert latency.bucket(42.4) == 42
    assert latency.bucket(1234) == 1200
    assert latency.bucket(23456) == 23000


def test_merge_and_json_round_trip() -> None:
    a, b = {1.5: 2, 20.0: 1}, {1.5: 1, 300.0: 4}
    merged = latency.merge([a, b])
    assert merged == {1.5: 3, 20.0: 1, 300.0: 4}
    assert latency.from_json(latency.to_json(merged)) == merged
    assert latency.percentile({}, 0.5) is None
