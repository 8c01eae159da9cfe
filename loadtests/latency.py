"""Latency histograms: response times rounded into buckets, merged, and read as percentiles.

Rounding keeps a histogram small whatever the request count (as Locust does): 0.1 ms under
10 ms, 1 ms under 100 ms, 10 ms under 1 s, 100 ms under 10 s, 1 s above. A histogram is a
``dict[float, int]``; in JSON its keys become strings, which ``from_json`` turns back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Histogram = dict[float, int]
PERCENTILES = (0.5, 0.95, 0.99)


def bucket(ms: float) -> float:
    if ms < 10:
        return round(ms, 1)
    if ms < 100:
        return float(round(ms))
    if ms < 1000:
        return float(round(ms, -1))
    if ms < 10000:
        return float(round(ms, -2))
    return float(round(ms, -3))


def add(hist: Histogram, ms: float, count: int = 1) -> None:
    key = bucket(ms)
    hist[key] = hist.get(key, 0) + count


def merge(hists: Iterable[Mapping[float, int]]) -> Histogram:
    out: Histogram = {}
    for hist in hists:
        for key, count in hist.items():
            out[key] = out.get(key, 0) + count
    return out


def total(hist: Mapping[float, int]) -> int:
    return sum(hist.values())


def percentile(hist: Mapping[float, int], q: float) -> float | None:
    """The smallest bucket at or below which a fraction ``q`` of the requests fall."""
    n = total(hist)
    if n == 0:
        return None
    rank = max(1, int(q * n + 0.999999))  # ceil without float noise
    seen = 0
    for key in sorted(hist):
        seen += hist[key]
        if seen >= rank:
            return key
    return max(hist)


def summary(hist: Mapping[float, int]) -> dict[str, float | int | None]:
    n = total(hist)
    mean = sum(k * c for k, c in hist.items()) / n if n else None
    return {
        "count": n,
        "p50_ms": percentile(hist, 0.5),
        "p95_ms": percentile(hist, 0.95),
        "p99_ms": percentile(hist, 0.99),
        "max_ms": max(hist) if hist else None,
        "mean_ms": round(mean, 2) if mean is not None else None,
    }


def to_json(hist: Mapping[float, int]) -> dict[str, int]:
    return {repr(k): c for k, c in sorted(hist.items())}


def from_json(data: Mapping[str, int]) -> Histogram:
    return {float(k): int(c) for k, c in data.items()}
