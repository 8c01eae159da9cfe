"""A run's result.json as Markdown for ``docs/performance.md``: ``python -m loadtests.markdown R``.

Prints the command, the machine, the verdict with its checks, the per-endpoint table, the
platform's CPU by process group and the write check, ready to paste (pure rendering).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _v(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render(r: Mapping[str, Any]) -> str:
    sc, o, v, m = r["scenario"], r["overall"], r["verdict"], r.get("machine", {})
    lines = [
        f"`{r['command']}`",
        "",
        f"{r['mode']} mode, {sc['users']} users, target {sc['rps']:g} req/s, {sc['duration']:g} s "
        f"({sc['shape']}, ramp {sc['ramp_seconds']:g} s); {m.get('cores')} cores, {m.get('memory_gb')} GB; "
        f"started {r['started_at'][:19]} UTC; services: {', '.join(r.get('services', []))}",
        "",
        f"**{v['verdict']}** (SLO {v['slo']}): "
        + "; ".join(
            f"{c['limit']}: {_v(c['measured'])}{'' if c['ok'] is not False else ' FAILED'}"
            for c in v["checks"]
        ),
        "",
        "| endpoint | count | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, e in r["endpoints"].items():
        cells = [e["count"], e["rps"], e["p50_ms"], e["p95_ms"], e["p99_ms"], e["max_ms"], e["errors"]]
        lines.append(f"| `{name}` | " + " | ".join(_v(c) for c in cells) + " |")
    cells = [o["count"], o["achieved_rps"], o["p50_ms"], o["p95_ms"], o["p99_ms"], o["max_ms"], o["errors"]]
    lines.append("| **all** | " + " | ".join(_v(c) for c in cells) + " |")
    lines += [
        "",
        f"Offered {o['offered_rps']:g} req/s; errors by status: {r.get('errors_by_status') or 'none'}.",
    ]
    res = r.get("resources") or {}
    if res:
        groups = ", ".join(f"{k} {g['cpu_mean']:g} %" for k, g in res["groups"].items())
        lines.append(
            f"CPU: platform {res['platform_cpu_pct_mean']:g} % of the machine "
            f"(max {res['platform_cpu_pct_max']:g}), "
            f"whole machine {res['machine_cpu_pct_mean']:g} %; by group, % of one core: {groups}."
        )
    if r.get("writes"):
        w = r["writes"]
        told = ", ".join(f"{k} {b['acknowledged']}" for k, b in w.items() if isinstance(b, dict))
        lines.append(f"Writes acknowledged: {told}; lost: {w['lost_writes']}.")
    if r.get("find_max"):
        fm = r["find_max"]
        lines += ["", "| step req/s | answered req/s | p95 ms | p99 ms | errors | platform CPU % | verdict |"]
        lines.append("| ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for s in fm["steps"]:
            f = s["figures"]
            cells = [
                s["rps"],
                f["achieved_rps"],
                f["p95_ms"],
                f["p99_ms"],
                f["errors"],
                s.get("cpu_pct"),
                s["verdict"],
            ]
            lines.append("| " + " | ".join(_v(c) for c in cells) + " |")
        lines.append(
            f"\nHighest rate that held ({fm['slo']} SLO): **{_v(fm['highest_passing_rps'])} req/s**."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    for path in argv if argv is not None else sys.argv[1:]:
        print(render(json.loads(Path(path).read_text())), end="\n\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
