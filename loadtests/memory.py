"""Memory benchmark: PSS of every service container at idle, through and after the ``spike``
scenario, and through and after a burst of concurrent logins.

    python -m loadtests.memory --host http://127.0.0.1:8080 [--port-offset N] [--logins 200]
        [--spike-duration 300] [--no-spike] [--settle 15] [--out DIR] [-- extra load-tool args]

Run it against ``make up`` (one process per replica; ``WEB_CONCURRENCY=2 make up`` runs two
uvicorn workers per replica, as the images do without Kubernetes) or against ``make
up-containers`` (the images as the local overlay runs them). A container is a uvicorn server
and its workers (loadtests/footprint.py). Phases:

1. idle: the platform started and untouched (after ``--settle`` seconds);
2. spike: the load tool's ``spike`` scenario (``loadtests/performance_test.py --scenario
   spike``; ``--spike-duration`` shortens it) with the peak of each container sampled each
   second, then the memory ``--settle`` seconds after it (what the processes keep);
3. logins: ``--logins`` logins sent at once (the accounts of the load tool's pool, made by
   its seed), peak and settled as above; the answers are counted by status (a 503 is the
   user service's bound on argon2id hashes in flight).

Output: a table per container, and ``memory.json`` + ``memory.md`` in ``--out`` (default
``loadtests/results/<time>-memory``). Not a timed test: the figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from loadtests import footprint, resources, seed

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("idle", "spike peak", "after spike", "logins peak", "after logins")


def parse(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="http://127.0.0.1:8080")
    p.add_argument("--port-offset", type=int, default=0, help="the replicas' port offset (make up)")
    p.add_argument("--any-port", action="store_true", help="every service container on this machine")
    p.add_argument("--logins", type=int, default=200, help="concurrent logins of the burst")
    p.add_argument("--accounts", type=int, default=200, help="accounts of the spike's pool")
    p.add_argument("--spike-duration", type=float, help="seconds of the spike (default: the scenario's)")
    p.add_argument("--no-spike", action="store_true")
    p.add_argument("--settle", type=float, default=15.0, help="seconds before a settled measurement")
    p.add_argument("--out", type=Path)
    args, extra = p.parse_known_args(argv)
    return args, [a for a in extra if a != "--"]


def run_spike(args: argparse.Namespace, extra: list[str], out: Path) -> dict[str, Any]:
    cmd = [sys.executable, "loadtests/performance_test.py", "--scenario", "spike", "--host", args.host]
    cmd += ["--port-offset", str(args.port_offset), "--accounts", str(args.accounts), "--no-verify"]
    cmd += ["--out", str(out / "spike")]
    if args.spike_duration:
        cmd += ["--duration", str(args.spike_duration)]
    cmd += extra
    print("spike:", " ".join(cmd[1:]), flush=True)
    code = subprocess.run(cmd, cwd=ROOT, check=False).returncode
    result_file = out / "spike" / "result.json"
    result = json.loads(result_file.read_text()) if result_file.exists() else {}
    overall = result.get("overall", {})
    return {
        "command": " ".join(["python", *cmd[1:]]),
        "exit": code,
        "verdict": result.get("verdict", {}).get("verdict"),
        "achieved_rps": overall.get("achieved_rps"),
        "errors_by_status": result.get("errors_by_status"),
    }


def pool(host: str, count: int) -> list[dict[str, Any]]:
    """``count`` accounts of the load tool's pool (signed up by its seed if new)."""
    return list(asyncio.run(seed.prepare(host, seed.SeedPlan(accounts=count)))["accounts"][:count])


async def login_burst(host: str, accounts: list[dict[str, Any]]) -> dict[str, Any]:
    """One login per account, all sent at once."""
    count = len(accounts)
    limits = httpx.Limits(max_connections=count + 4, max_keepalive_connections=count + 4)
    async with httpx.AsyncClient(base_url=host, timeout=120, limits=limits) as client:

        async def one(account: dict[str, Any]) -> tuple[str, float]:
            started = time.monotonic()
            body = {"email": account["email"], "password": seed.PASSWORD}
            try:
                r = await client.post("/api/v1/auth/login", json=body)
            except httpx.HTTPError as exc:
                return type(exc).__name__, time.monotonic() - started
            kind = r.json().get("type", "").rsplit("/", 1)[-1] if r.status_code != 200 else ""
            return f"{r.status_code} {kind}".strip(), time.monotonic() - started

        answers = await asyncio.gather(*(one(a) for a in accounts))
    seconds = sorted(s for _, s in answers)
    return {
        "logins": len(answers),
        "answers": dict(Counter(answer for answer, _ in answers)),
        "p50_s": round(seconds[len(seconds) // 2], 2) if seconds else None,
        "max_s": round(seconds[-1], 2) if seconds else None,
    }


def phase(containers: list[footprint.Container], action: Any) -> tuple[Any, dict[str, Any]]:
    """Runs ``action()`` while sampling the containers' peaks."""
    sampler = footprint.PeakSampler(containers)
    sampler.start()
    try:
        outcome = action()
    finally:
        peaks = sampler.stop()
    return outcome, peaks


def table(figures: dict[str, dict[str, Any]]) -> str:
    """PSS per phase (MB), then the largest process's PSS, the RSS sum's and the cgroup's peaks."""
    columns = [*PHASES, "largest process", "peak RSS", "cgroup peak"]
    head = "| container | processes | " + " | ".join(f"{p} MB" for p in columns) + " |"
    lines = [head, "| --- | ---: | " + " | ".join("---:" for _ in columns) + " |"]
    for name, row in figures.items():
        cells = [row.get(p) for p in columns]
        lines.append(
            f"| {name} | {row['processes']} | "
            + " | ".join("-" if c is None else f"{c:g}" for c in cells)
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args, extra = parse(argv)
    args.host = args.host.rstrip("/")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or ROOT / "loadtests" / "results" / f"{stamp}-memory"
    out.mkdir(parents=True, exist_ok=True)
    ports = None if args.any_port else resources.service_ports(args.port_offset)
    containers = footprint.discover(ports)
    if not containers:
        print("memory: no service process found (start `make up` or `make up-containers`)", file=sys.stderr)
        return 2
    print(f"memory: {len(containers)} containers: {', '.join(c.name for c in containers)}", flush=True)
    time.sleep(args.settle)
    idle = footprint.snapshot(containers)
    figures = {
        name: {"processes": len(m["processes"]), "workers": m["workers"], "idle": m["pss_mb"]}
        for name, m in idle.items()
    }
    runs: dict[str, Any] = {"idle": idle}

    def measured(name: str, action: Any) -> None:
        outcome, peaks = phase(containers, action)
        time.sleep(args.settle)
        after = footprint.snapshot(containers)
        runs[name] = {"outcome": outcome, "peaks": peaks, "after": after}
        print(f"{name}: {outcome}", flush=True)
        for key, row in figures.items():
            row[f"{name} peak"] = peaks.get(key, {}).get("pss_mb")
            row[f"after {name}"] = after.get(key, {}).get("pss_mb")
            for column, field in (("largest process", "largest_process_pss_mb"), ("peak RSS", "rss_mb")):
                row[column] = max(row.get(column) or 0.0, peaks.get(key, {}).get(field) or 0.0)
            if peaks.get(key, {}).get("cgroup_mb") is not None:
                row["cgroup peak"] = max(row.get("cgroup peak") or 0.0, peaks[key]["cgroup_mb"])

    if not args.no_spike:
        measured("spike", lambda: run_spike(args, extra, out))
    if args.logins:
        accounts = pool(args.host, args.logins)  # made (or logged in) before the burst is measured
        measured("logins", lambda: asyncio.run(login_burst(args.host, accounts)))
    text = table(figures)
    result = {
        "tool": "PAM-TALK loadtests/memory.py",
        "command": "python -m loadtests.memory " + " ".join(sys.argv[1:] if argv is None else argv),
        "started_at": stamp,
        "host": args.host,
        "figures": figures,
        "runs": runs,
    }
    (out / "memory.json").write_text(json.dumps(result, indent=2))
    (out / "memory.md").write_text(f"`{result['command']}`\n\n{text}\n")
    print(text)
    print(f"result: {out / 'memory.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
