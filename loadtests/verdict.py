"""The verdict: measured figures against a service-level objective (pure, unit-tested).

``plan`` is the source plan's SLO (p50 < 500 ms, p95 < 2 s, p99 < 5 s, errors < 0.1 %,
CPU < 70 %, memory < 80 %). ``strict`` is the issue's target for the sustained rate on one
machine (p95 <= 50 ms, p99 <= 150 ms, no errors). Both also ask that the platform kept up:
at least 95 % of the offered requests answered within the run (open-loop load cannot hide a
slow server by slowing down), and that no write the tool was told about went missing.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

_OPS = {"<": operator.lt, "<=": operator.le, ">=": operator.ge, "==": operator.eq}


@dataclass(frozen=True)
class Limit:
    metric: str  # key in the measured figures
    op: str  # "<", "<=", ">=", "=="
    value: float
    unit: str = ""
    label: str = ""

    def describe(self) -> str:
        return f"{self.label or self.metric} {self.op} {_fmt(self.value)}{self.unit}"


@dataclass(frozen=True)
class Slo:
    name: str
    limits: tuple[Limit, ...]


def _base(*extra: Limit) -> tuple[Limit, ...]:
    return (
        *extra,
        Limit("kept_up_pct", ">=", 95.0, " %", "answered / offered"),
        Limit("lost_writes", "==", 0, "", "lost writes"),
    )


SLOS: dict[str, Slo] = {
    "plan": Slo(
        "plan",
        _base(
            Limit("p50_ms", "<", 500, " ms", "p50"),
            Limit("p95_ms", "<", 2000, " ms", "p95"),
            Limit("p99_ms", "<", 5000, " ms", "p99"),
            Limit("error_pct", "<", 0.1, " %", "errors"),
            Limit("cpu_pct", "<", 70, " %", "platform CPU (of the machine)"),
            Limit("memory_pct", "<", 80, " %", "machine memory in use"),
        ),
    ),
    "strict": Slo(
        "strict",
        _base(
            Limit("p95_ms", "<=", 50, " ms", "p95"),
            Limit("p99_ms", "<=", 150, " ms", "p99"),
            Limit("error_pct", "==", 0, " %", "errors"),
        ),
    ),
}


@dataclass(frozen=True)
class Check:
    limit: str
    measured: float | None
    ok: bool | None  # None: not measured (does not fail the verdict, is reported)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate(figures: Mapping[str, float | None], slo: Slo, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """PASS when every measured limit holds; a limit without a figure is "not measured"."""
    checks = []
    for limit in slo.limits:
        if limit.metric in skip:
            continue
        value = figures.get(limit.metric)
        ok = None if value is None else bool(_OPS[limit.op](value, limit.value))
        checks.append(Check(limit.describe(), value, ok))
    failed = [c.limit for c in checks if c.ok is False]
    nothing = figures.get("requests") == 0
    return {
        "slo": slo.name,
        "verdict": "FAIL" if failed or nothing else "PASS",
        "failed": failed + (["no requests were answered"] if nothing else []),
        "checks": [c.as_dict() for c in checks],
    }


def figures_from(overall: Mapping[str, Any], resources: Mapping[str, Any] | None, lost: int | None) -> dict:
    """The figures ``evaluate`` reads, from a run summary's overall block and resources."""
    offered = overall.get("offered") or 0
    kept = 100.0 * overall.get("answered", 0) / offered if offered else None
    res = resources or {}
    return {
        "requests": overall.get("count", 0),
        "p50_ms": overall.get("p50_ms"),
        "p95_ms": overall.get("p95_ms"),
        "p99_ms": overall.get("p99_ms"),
        "error_pct": overall.get("error_pct"),
        "kept_up_pct": None if kept is None else round(min(kept, 100.0), 2),
        "cpu_pct": res.get("platform_cpu_pct_mean"),
        "memory_pct": res.get("machine_memory_pct_max"),
        "lost_writes": lost,
    }


def _fmt(value: float) -> str:
    return f"{value:g}"
