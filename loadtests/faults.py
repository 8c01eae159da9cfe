"""The fault drill: the plan's ``normal`` load while PostgreSQL restarts, Redis restarts and
RabbitMQ is away for 30 s (issue 16's bar), on a platform and backing services of its own.

    python -m loadtests.faults                       # make drill; about 20 minutes
    python -m loadtests.faults --duration 60 --fault-at 20 --outage 10 --users 100 --rps 10

It starts its own PostgreSQL and Redis and a cuttable proxy in front of the machine's RabbitMQ
(loadtests/fault_backing.py), the distributed mode against them on ports of its own
(gateway/isolated_run.py, as the end-to-end tests do), and then runs one phase per fault:
the load tool's ``normal`` scenario (loadtests/performance_test.py, ``--duration`` seconds),
the fault ``--fault-at`` seconds into it, load before and after. Meanwhile trades are carried
through to settlement (loadtests/fault_journeys.py) and, from the fault until 10 s after it,
every instance's ``/readyz`` is asked twice a second.

Per phase it prints the requests, the errors (and %), the 5xx answers by code, the unanswered
requests, readiness, and what was lost: the load tool's acknowledged writes (every trade
created with 201 is there, every confirmation held, farms, ESG submissions) and the journeys'
events (every settled trade is in the ledger, the farmer was notified of each step). The
machine's own PostgreSQL, Redis and RabbitMQ are never stopped or restarted.

Bars (exit status 1 when one is missed): no 500 at all; errors under 0.1 % of the requests in
each phase; nothing acknowledged lost or left unverified; every instance ready (200) at every
poll of the RabbitMQ outage. Exit status 2 when the drill could not be run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from gateway.isolated_run import Distributed, LaunchFailed, distributed_mode
from loadtests.fault_backing import OwnPostgres, OwnRedis, broker_proxy, delete_topology, scratch_folder
from loadtests.fault_journeys import Journeys
from loadtests.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("postgresql", "redis", "rabbitmq")
MAX_ERROR_PCT = 0.1
POLL_SECONDS = 0.5
AFTER_FAULT = 10.0  # seconds readiness is still watched once the fault is over


@dataclass
class Drill:
    args: argparse.Namespace
    out: Path
    platform: Distributed
    postgres: OwnPostgres
    redis: OwnRedis
    broker: TcpProxy
    journeys: Journeys
    results: list[dict[str, Any]] = field(default_factory=list)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--phases", default=",".join(PHASES), help="comma-separated, of " + ", ".join(PHASES))
    p.add_argument("--duration", type=float, default=300, help="seconds of load per phase (normal: 300)")
    p.add_argument("--fault-at", type=float, default=120, help="seconds into a phase's load")
    p.add_argument("--outage", type=float, default=30, help="seconds RabbitMQ stays away")
    p.add_argument("--users", type=int, help="virtual users (normal: 1,000)")
    p.add_argument("--rps", type=float, help="offered requests a second (normal: 20)")
    p.add_argument("--journey-every", type=float, default=2.0, help="seconds between settled-trade journeys")
    p.add_argument("--port-offset", type=int, help="default: PAMTALK_E2E_PORT_OFFSET, else a free one")
    p.add_argument("--out", type=Path, help="results folder (default loadtests/results/<time>-faults)")
    args = p.parse_args(argv)
    args.phases = [name.strip() for name in args.phases.split(",") if name.strip()]
    unknown = set(args.phases) - set(PHASES)
    if unknown or not args.phases:
        p.error(f"unknown phases: {', '.join(sorted(unknown))}; known: {', '.join(PHASES)}")
    if not 0 < args.fault_at < args.duration:
        p.error("--fault-at must fall within --duration")
    return args


async def inject(drill: Drill, name: str) -> None:
    """The fault of phase ``name``; returns once it is over (the server is back)."""
    if name == "postgresql":
        await asyncio.to_thread(drill.postgres.restart)
    elif name == "redis":
        await asyncio.to_thread(drill.redis.restart)
    else:
        await drill.broker.cut()
        await asyncio.sleep(drill.args.outage)
        await drill.broker.restore()


async def watch_readiness(urls: dict[str, str], stop: asyncio.Event) -> dict[str, Counter[str]]:
    """Every instance's ``/readyz`` each ``POLL_SECONDS`` until ``stop``: answers by instance."""
    seen: dict[str, Counter[str]] = {name: Counter() for name in urls}
    async with httpx.AsyncClient(timeout=2) as client:

        async def ask(name: str, url: str) -> None:
            try:
                status = str((await client.get(url + "/readyz")).status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            seen[name][status] += 1

        while not stop.is_set():
            await asyncio.gather(*(ask(n, u) for n, u in urls.items()))
            try:
                await asyncio.wait_for(stop.wait(), POLL_SECONDS)
            except TimeoutError:
                pass
    return seen


def load_command(drill: Drill, folder: Path) -> list[str]:
    args = drill.args
    cmd = [sys.executable, str(ROOT / "loadtests" / "performance_test.py"), "--scenario", "normal"]
    cmd += ["--host", drill.platform.gateway_url, "--out", str(folder), "--duration", f"{args.duration:g}"]
    cmd += ["--port-offset", str(drill.platform.port_offset)]
    for flag, value in (("--users", args.users), ("--rps", args.rps)):
        if value is not None:
            cmd += [flag, f"{value:g}"]
    return cmd


async def run_phase(drill: Drill, name: str) -> dict[str, Any]:
    folder = drill.out / name
    env = {**os.environ, "PAMTALK_LOAD_STATE_DIR": str(drill.out / "state"), "PYTHONPATH": str(ROOT)}
    load = await asyncio.create_subprocess_exec(
        *load_command(drill, folder),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    began = asyncio.Event()

    async def relay() -> None:
        assert load.stdout is not None
        async for raw in load.stdout:
            line = raw.decode(errors="replace").rstrip()
            print(f"[{name}] {line}", flush=True)
            if line.startswith("load: "):
                began.set()

    relaying = asyncio.create_task(relay())
    ended = asyncio.create_task(load.wait())
    await asyncio.wait({ended, asyncio.create_task(began.wait())}, return_when=asyncio.FIRST_COMPLETED)
    if not began.is_set():
        await relaying
        raise RuntimeError(f"the load tool exited ({load.returncode}) before its load began")
    stop_journeys, stop_polls = asyncio.Event(), asyncio.Event()
    journeys = asyncio.create_task(drill.journeys.run(name, stop_journeys, drill.args.journey_every))
    await asyncio.sleep(drill.args.fault_at)
    polls = asyncio.create_task(watch_readiness(drill.platform.instance_urls(), stop_polls))
    print(f"[{name}] FAULT: {describe(name, drill.args.outage)}", flush=True)
    t0 = time.monotonic()
    await inject(drill, name)
    fault_seconds = round(time.monotonic() - t0, 1)
    print(f"[{name}] fault over after {fault_seconds} s", flush=True)
    await asyncio.sleep(AFTER_FAULT)
    stop_polls.set()
    readiness = await polls
    await ended
    await relaying
    stop_journeys.set()
    await journeys
    if not (folder / "result.json").exists():
        raise RuntimeError(f"the load tool of phase {name} failed (exit {load.returncode}): see above")
    return figures(name, folder, fault_seconds, readiness, await drill.journeys.lost(name), drill.journeys)


def describe(name: str, outage: float) -> str:
    return {
        "postgresql": "pg_ctl restart -m fast of the platform's PostgreSQL",
        "redis": "redis-server killed and started again on its port",
        "rabbitmq": f"RabbitMQ cut off (every connection dropped, nothing listening) for {outage:g} s",
    }[name]


def figures(
    name: str,
    folder: Path,
    fault_seconds: float,
    readiness: dict[str, Counter[str]],
    events: dict[str, Any],
    journeys: Journeys,
) -> dict[str, Any]:
    result = json.loads((folder / "result.json").read_text())
    statuses: Counter[str] = Counter()
    masked = 0  # 5xx or no answer the load tool took in its stride (a failed refresh: it logs in)
    for endpoint in result["endpoints"].values():
        statuses.update(endpoint["statuses"])
        bad = [s for s in endpoint["statuses"] if s == "0" or s >= "500"]
        masked += sum(endpoint["statuses"][s] - endpoint["failures_by_status"].get(s, 0) for s in bad)
    journey_statuses = journeys.statuses.get(name, Counter())
    statuses.update({str(k): v for k, v in journey_statuses.items()})
    requests = result["overall"]["count"] + sum(journey_statuses.values())
    errors = result["overall"]["errors"] + masked
    errors += sum(v for k, v in journey_statuses.items() if k == 0 or k >= 500)
    writes = result.get("writes") or {}
    not_ready = {n: sum(v for s, v in c.items() if s != "200") for n, c in readiness.items()}
    return {
        "phase": name,
        "fault": describe(name, 0) if name != "rabbitmq" else describe(name, fault_seconds),
        "fault_seconds": fault_seconds,
        "requests": requests,
        "errors": errors,
        "error_pct": round(100.0 * errors / requests, 3) if requests else None,
        "status_5xx": {k: v for k, v in sorted(statuses.items()) if k.isdigit() and int(k) >= 500},
        "unanswered": statuses.get("0", 0),
        "load": {
            "count": result["overall"]["count"],
            "errors": result["overall"]["errors"],
            "errors_by_status": result["errors_by_status"],
            "p95_ms": result["overall"].get("p95_ms"),
            "p99_ms": result["overall"].get("p99_ms"),
            "offered_rps": result["overall"].get("offered_rps"),
        },
        "journeys": {"answers": dict(sorted(journey_statuses.items())), **events},
        "readiness_polls": sum(sum(c.values()) for c in readiness.values()),
        "not_ready": {n: v for n, v in not_ready.items() if v},
        "readiness": {n: dict(c) for n, c in readiness.items()},
        "lost_writes": writes.get("lost_writes"),
        "unverified_writes": writes.get("unverified"),
        "writes": {k: v for k, v in writes.items() if isinstance(v, dict)},
    }


def misses(phase: dict[str, Any]) -> list[str]:
    """The bars this phase missed, each said plainly."""
    out = []
    if phase["status_5xx"].get("500"):
        out.append(f"{phase['status_5xx']['500']} answers were 500")
    if phase["error_pct"] is None or phase["error_pct"] >= MAX_ERROR_PCT:
        out.append(f"errors {phase['error_pct']} % of requests (bar: under {MAX_ERROR_PCT} %)")
    if phase["lost_writes"] is None or phase["lost_writes"] or phase["unverified_writes"]:
        out.append(f"writes lost {phase['lost_writes']}, unverified {phase['unverified_writes']}")
    j = phase["journeys"]
    if j["ledger_missing"] or j["notifications_missing"]:
        out.append(
            f"settled trades missing from the ledger {j['ledger_missing']}, "
            f"notifications missing {j['notifications_missing']}"
        )
    if phase["phase"] == "rabbitmq" and (phase["not_ready"] or not phase["readiness_polls"]):
        out.append(f"instances not ready during the outage: {phase['not_ready']}")
    return out


def report(results: list[dict[str, Any]]) -> str:
    head = f"{'phase':<11}{'requests':>9}{'errors':>8}{'err %':>8}  {'5xx by code':<18}{'no answer':>10}  "
    head += f"{'readiness':<22}{'lost':>5}  journeys"
    lines = [head]
    for r in results:
        ready = "all 200" if not r["not_ready"] else f"{sum(r['not_ready'].values())} not 200"
        ready += f" ({r['readiness_polls']} polls)"
        j = r["journeys"]
        lost = (r["lost_writes"] or 0) + j["ledger_missing"] + j["notifications_missing"]
        lines.append(
            f"{r['phase']:<11}{r['requests']:>9}{r['errors']:>8}{r['error_pct']:>8}  "
            f"{json.dumps(r['status_5xx']) if r['status_5xx'] else 'none':<18}{r['unanswered']:>10}  "
            f"{ready:<22}{lost:>5}  {j['trades_settled']} settled, {j['unfinished']} unfinished"
        )
    return "\n".join(lines)


def save(drill: Drill) -> None:
    summary = {"command": "python -m loadtests.faults " + " ".join(sys.argv[1:]), "phases": drill.results}
    (drill.out / "faults.json").write_text(json.dumps(summary, indent=2))


async def drill_phases(drill: Drill) -> None:
    await drill.journeys.prepare()
    for name in drill.args.phases:
        phase = await run_phase(drill, name)
        phase["misses"] = misses(phase)
        drill.results.append(phase)
        save(drill)  # after each phase: what was measured survives a later failure
        verdict = "PASS" if not phase["misses"] else "FAIL: " + "; ".join(phase["misses"])
        print(f"[{name}] {verdict}", flush=True)


async def main_async(args: argparse.Namespace) -> int:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = (args.out or ROOT / "loadtests" / "results" / f"{stamp}-faults").resolve()
    out.mkdir(parents=True, exist_ok=True)
    scratch = scratch_folder()
    postgres, redis = OwnPostgres(scratch), OwnRedis(scratch / "redis")
    broker = broker_proxy()
    prefix = f"drill{uuid.uuid4().hex[:8]}."
    cm: AbstractContextManager[Distributed] | None = None
    cleanup: list[Callable[[], object]] = []
    try:
        print(
            f"fault drill: own PostgreSQL on {postgres.port}, own Redis on {redis.port}, "
            f"RabbitMQ through a proxy on {broker.port}"
        )
        await asyncio.to_thread(postgres.up)
        cleanup.append(postgres.down)
        await asyncio.to_thread(redis.start)
        cleanup.append(redis.kill)
        await broker.start()
        env = {
            "PAMTALK_DATABASE_URL": postgres.url,
            "PAMTALK_REDIS_URL": redis.url,
            "PAMTALK_AMQP_URL": f"amqp://guest:guest@127.0.0.1:{broker.port}/",
            "PAMTALK_AMQP_PREFIX": prefix,
            "PAMTALK_LOG_LEVEL": "WARNING",
        }
        cm = distributed_mode(env, port_offset=args.port_offset, run_dir=out / "run")
        platform = await asyncio.to_thread(cm.__enter__)
        print(f"platform up: {platform.gateway_url} (run folder {platform.run_dir})", flush=True)
        async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
            drill = Drill(args, out, platform, postgres, redis, broker, Journeys(client))
            await drill_phases(drill)
    except (LaunchFailed, RuntimeError, httpx.HTTPError) as exc:
        print(f"fault drill: could not be run: {exc}", file=sys.stderr)
        return 2
    finally:
        if cm is not None:
            await asyncio.to_thread(cm.__exit__, None, None, None)
        await broker.cut()
        for step in reversed(cleanup):
            await asyncio.to_thread(step)
        await asyncio.to_thread(shutil.rmtree, scratch, True)
        try:
            await delete_topology(prefix)
        except Exception as exc:  # the broker's leftovers are named, not fatal
            print(f"fault drill: could not remove RabbitMQ names {prefix}*: {exc}", file=sys.stderr)
    print("\n" + report(drill.results))
    failed = [f"{r['phase']}: {'; '.join(r['misses'])}" for r in drill.results if r["misses"]]
    print(f"VERDICT: {'PASS' if not failed else 'FAIL'}" + "".join(f"\n  {f}" for f in failed))
    print(f"result: {out / 'faults.json'}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.port_offset is None and os.environ.get("PAMTALK_E2E_PORT_OFFSET"):
        args.port_offset = int(os.environ["PAMTALK_E2E_PORT_OFFSET"])
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
