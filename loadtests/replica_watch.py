"""The read replica while a load test runs: how far it lags and who answered the replica reads.

    python -m loadtests.replica_watch --primary postgresql://postgres@127.0.0.1:5433/pamtalk \\
        --metrics http://127.0.0.1:8104/metrics --seconds 300 [--out lag.json]

Run beside ``loadtests/performance_test.py`` against ``make up`` (its own primary and standby).
Every half second it asks the primary how far its standby is behind (``pg_stat_replication``:
``replay_lag``, the time between a commit's flush and its replay on the standby, empty once
idle, counted as 0; and the WAL bytes not replayed yet). At the start and the end it reads the
services' ``database_reads_total{role, target}`` (each ``--metrics`` URL: a service process),
so the difference says how many reads asked for the replica and how many it answered (the rest
went to the primary: lag past the limit, the standby away, or the user's own write not yet
replayed). Prints p50 / p95 / max and the reads, and writes them as JSON with ``--out``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families

LAG = (
    "SELECT coalesce(extract(epoch FROM replay_lag), 0)::float8, "
    "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 FROM pg_stat_replication "
    "WHERE state = 'streaming' ORDER BY replay_lsn LIMIT 1"
)


async def reads(urls: list[str]) -> Counter[tuple[str, str, str]]:
    """``database_reads_total`` summed by (service, role, target) over the processes."""
    counted: Counter[tuple[str, str, str]] = Counter()
    async with httpx.AsyncClient(timeout=10) as client:
        for url in urls:
            text = (await client.get(url)).text
            for family in text_string_to_metric_families(text):
                if family.name != "database_reads":
                    continue
                for sample in family.samples:
                    if sample.name.endswith("_total"):
                        labels = sample.labels
                        key = (labels.get("service", ""), labels["role"], labels["target"])
                        counted[key] += int(sample.value)
    return counted


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def watch(primary: str, metrics: list[str], seconds: float, every: float = 0.5) -> dict[str, Any]:
    before = await reads(metrics)
    conn = await asyncpg.connect(primary, timeout=10)
    lags: list[float] = []
    behind: list[float] = []
    missing = 0
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            row = await conn.fetchrow(LAG)
            if row is None:
                missing += 1  # no standby streaming at that moment
            else:
                lags.append(row[0])
                behind.append(row[1])
            await asyncio.sleep(every)
    finally:
        await conn.close()
    after = await reads(metrics)
    delta = {
        f"{service}/{role}->{target}": after[key] - before.get(key, 0)
        for key in after
        for service, role, target in [key]
        if after[key] - before.get(key, 0)
    }
    return {
        "samples": len(lags),
        "standby_missing_samples": missing,
        "replay_lag_s": {
            "p50": percentile(lags, 0.5),
            "p95": percentile(lags, 0.95),
            "max": max(lags, default=0),
        },
        "bytes_behind": {
            "p50": percentile(behind, 0.5),
            "p95": percentile(behind, 0.95),
            "max": max(behind, default=0),
        },
        "reads": delta,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--primary", required=True, help="the primary's URL (postgresql://...)")
    parser.add_argument("--metrics", action="append", default=[], help="a service process's /metrics URL")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    found = asyncio.run(watch(args.primary, args.metrics, args.seconds))
    lag, behind = found["replay_lag_s"], found["bytes_behind"]
    print(
        f"replica lag over {found['samples']} samples: p50 {lag['p50']:.3f} s, p95 {lag['p95']:.3f} s, "
        f"max {lag['max']:.3f} s; WAL not replayed: p95 {behind['p95'] / 1024:.0f} KiB, "
        f"max {behind['max'] / 1024:.0f} KiB; no standby in {found['standby_missing_samples']} samples"
    )
    for name, count in sorted(found["reads"].items()):
        print(f"  reads {name}: {count}")
    if args.out:
        args.out.write_text(json.dumps(found, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
