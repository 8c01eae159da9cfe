"""From the load generator's raw record (``raw.json``) to the figures of a run (pure).

The raw record holds, per second of the run, the answered requests, the failed ones, a
latency histogram, the arrivals offered and the active users; and per endpoint a histogram,
the status codes and the failures by status. See ``loadtests/locustfile.py`` (Collector).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from loadtests import latency
from loadtests.mix import category_split


def _window(seconds: Iterable[Mapping[str, Any]], start: float, end: float) -> list[Mapping[str, Any]]:
    return [s for s in seconds if start <= s["t"] < end]


def overall(seconds: list[Mapping[str, Any]], length: float) -> dict[str, Any]:
    """Figures of a stretch of seconds (a whole run, or one find-max step)."""
    hist = latency.merge(latency.from_json(s["hist"]) for s in seconds)
    count = sum(s["n"] for s in seconds)
    errors = sum(s["err"] for s in seconds)
    offered = sum(s.get("offered", 0) for s in seconds)
    answered = sum(s.get("answered", 0) for s in seconds)
    lag = latency.merge(latency.from_json(s.get("lag", {})) for s in seconds)
    cpu = [s["cpu_ms"] for s in seconds if "cpu_ms" in s]
    out = latency.summary(hist)
    length = max(length, 1e-9)
    out.update(
        {
            "count": count,
            "errors": errors,
            "error_pct": round(100.0 * errors / count, 4) if count else None,
            "answered": answered,  # arrivals that got an answer (offered counts arrivals too)
            "offered": offered,
            "offered_rps": round(offered / length, 2),
            "achieved_rps": round(count / length, 2),
            "seconds": round(length, 1),
            "send_lag_p99_ms": latency.percentile(lag, 0.99),  # how late the generator sent
            # the load generator's CPU time per request (its own process; None: not recorded)
            "generator_cpu_ms": round(sum(cpu) / count, 3) if cpu and count else None,
        }
    )
    return out


def endpoints(raw: Mapping[str, Any], length: float) -> dict[str, dict[str, Any]]:
    total = sum(e["count"] for e in raw["endpoints"].values()) or 1
    table = {}
    for name, e in sorted(raw["endpoints"].items()):
        row = latency.summary(latency.from_json(e["hist"]))
        row.update(
            {
                "max_ms": e.get("max_ms", row["max_ms"]),
                "errors": e["errors"],
                "error_pct": round(100.0 * e["errors"] / e["count"], 4) if e["count"] else None,
                "rps": round(e["count"] / max(length, 1e-9), 2),
                "share_pct": round(100.0 * e["count"] / total, 2),
                "statuses": e["statuses"],
                "failures_by_status": e.get("failures_by_status", {}),
                "examples": e.get("examples", []),
            }
        )
        table[name] = row
    return table


def errors_by_status(raw: Mapping[str, Any]) -> dict[str, int]:
    """Failed requests by HTTP status ("0" = no answer: refused, reset, timed out)."""
    out: dict[str, int] = {}
    for e in raw["endpoints"].values():
        for status, count in e.get("failures_by_status", {}).items():
            out[status] = out.get(status, 0) + count
    return dict(sorted(out.items()))


def timeline(seconds: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for s in seconds:
        hist = latency.from_json(s["hist"])
        rows.append(
            {
                "t": s["t"],
                "rps": s["n"],
                "errors": s["err"],
                "offered": s.get("offered", 0),
                "users": s.get("users", 0),
                "p50_ms": latency.percentile(hist, 0.5),
                "p95_ms": latency.percentile(hist, 0.95),
                "p99_ms": latency.percentile(hist, 0.99),
            }
        )
    return rows


def summarize(raw: Mapping[str, Any]) -> dict[str, Any]:
    length = float(raw["duration"])
    seconds = _window(raw["seconds"], 0, length + raw.get("drain", 0) + 1)
    whole = overall(seconds, length)
    counts = {name: e["count"] for name, e in raw["endpoints"].items()}
    return {
        "overall": whole,
        "endpoints": endpoints(raw, length),
        "errors_by_status": errors_by_status(raw),
        "mix_pct": category_split(counts),
        "timeline": timeline(seconds),
    }


def whole_seconds(start: float, end: float) -> tuple[int, int]:
    """The complete seconds between ``start`` and ``end``: first, and one past the last."""
    first = math.ceil(start)
    return first, max(first, math.floor(end))


def stretch(seconds: Iterable[Mapping[str, Any]], start: float, end: float) -> dict[str, Any]:
    """``overall`` of the complete seconds between ``start`` and ``end`` (a step, a moment)."""
    first, last = whole_seconds(start, end)
    return overall(_window(seconds, first, last), last - first)
