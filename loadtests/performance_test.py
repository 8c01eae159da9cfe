"""PAM-TALK load test: ``python loadtests/performance_test.py --scenario=basic --users=1000 --rps=50``.

Scenarios: normal (1,000 users, 20 req/s, 300 s), peak (5,000, 100 req/s, 1,800 s,
exponential ramp), spike (10,000, 500 req/s, full load within 30 s), the plan's phase checks
basic / microservice / cloud, and smoke. ``--users --rps --duration --ramp --host`` override.
``--find-max`` steps the offered rate up until the SLO breaks and reports the highest rate
that held. Traffic is the plan's mix (70 % reads, 20 % writes, 10 % AI) from virtual users
holding real accounts' tokens, paced open-loop; ``--seed`` first creates data of realistic
size (farms, 100,000 trades) through the API. Output: progress lines, then a summary, and
``result.json`` + ``report.html`` in ``--out`` (default ``loadtests/results/<time>-<scenario>``).
Exit status 0 on PASS, 1 on FAIL, 2 when the run could not be made.

Locust runs in a child process (``loadtests/runner.py``): it patches its process with gevent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psutil  # noqa: E402

from loadtests import mix, probe, report, resources, seed, summary, verdict, verify_writes  # noqa: E402
from loadtests.scenarios import SCENARIOS, FindMax, resolve  # noqa: E402

RESULTS = ROOT / "loadtests" / "results"


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenario", default="normal", choices=sorted(SCENARIOS))
    p.add_argument("--users", type=int, help="virtual users (at full load)")
    p.add_argument("--rps", type=float, help="offered requests a second at full load")
    p.add_argument("--duration", type=float, help="seconds of load, ramp included")
    p.add_argument("--ramp", type=float, help="seconds to full load")
    p.add_argument("--host", default=os.environ.get("PAMTALK_LOAD_HOST", "http://127.0.0.1:8000"))
    p.add_argument("--out", type=Path, help="folder for result.json and report.html")
    p.add_argument(
        "--seed", action="store_true", help="first create --seed-farms farms and --seed-trades trades"
    )
    p.add_argument("--seed-farms", type=int, default=2000)
    p.add_argument("--seed-trades", type=int, default=100_000)
    p.add_argument("--seed-db", default="", help="PostgreSQL URL: seed trades by the bulk path (bulk.py)")
    p.add_argument("--accounts", type=int, help="accounts in the pool (default: users, at most 1,000)")
    p.add_argument("--farmer-share", type=float, default=mix.DEFAULT_FARMER_SHARE)
    p.add_argument(
        "--login", choices=("pool", "user"), default="pool", help="user: each virtual user logs in"
    )
    p.add_argument("--slo", choices=sorted(verdict.SLOS), help="default: plan; strict with --find-max")
    p.add_argument("--find-max", action="store_true", help="step the rate up until the SLO breaks")
    p.add_argument("--start-rps", type=float, help="find-max: first step (default --rps)")
    p.add_argument("--step-factor", type=float, default=1.5, help="find-max: rate multiplier per step")
    p.add_argument("--max-rps", type=float, default=20000.0, help="find-max: highest step")
    p.add_argument("--step-seconds", type=float, default=15.0, help="find-max: length of a step")
    p.add_argument("--drain", type=float, default=10.0, help="seconds to wait for open requests at the end")
    p.add_argument(
        "--max-in-flight", type=int, default=20000, help="open requests before arrivals are dropped"
    )
    p.add_argument("--port-offset", type=int, default=int(os.environ.get("PAMTALK_PORT_OFFSET", "0")))
    p.add_argument("--no-verify", action="store_true", help="skip the check of the run's writes")
    return p.parse_args(argv)


def idle_close(mode: str) -> float:
    """Seconds a virtual user's kept-alive connection may idle: less than the server keeps it,
    as an app's HTTP client is set up (nginx: keepalive_timeout 65 s; uvicorn: 5 s). A mobile
    app keeps its connection between requests seconds apart; closing it after 4 s behind nginx
    made every request of the spike's 10,000 users (one request each 20 s) a new connection."""
    return 60.0 if mode == "distributed" else 4.0


def mode_of(host: str) -> str:
    try:
        r = httpx.get(f"{host}/healthz", timeout=5)
    except httpx.HTTPError as exc:
        message = f"performance_test: {host} does not answer ({exc}); start `make run` or `make up`"
        raise SystemExit(message) from None
    if r.status_code != 200:
        raise SystemExit(f"performance_test: {host}/healthz answered {r.status_code}")
    return "distributed" if "nginx" in r.headers.get("server", "") else "embedded"


def machine() -> dict:
    return {
        "cores": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "system": platform.platform(),
        "python": platform.python_version(),
    }


def run_generator(config_path: Path, sampler: resources.Sampler) -> int:
    cmd = [sys.executable, "-m", "loadtests.runner", str(config_path)]
    child = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    sampler.generator = child.pid
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.terminate()
        child.wait(timeout=30)
        raise


def warnings_of(
    raw: dict, res: dict, skipped: dict, gen_cpu: float | None, mode: str, writes: dict | None
) -> list[str]:
    out = [f"left out: {reason}" for reason in skipped.values()]
    lag = raw["lag"].get("p99_ms")
    if lag is not None and lag > 50:
        out.append(f"the load generator sent late (send lag p99 {lag} ms): latencies may be understated")
    if gen_cpu is not None and gen_cpu > 85:
        out.append(f"the load generator used {gen_cpu:.0f} % of a core: it may have been the bottleneck")
    if raw["not_sent"]:
        out.append(f"{raw['not_sent']} arrivals were not sent (in-flight limit): the platform fell behind")
    if raw.get("open_at_end"):
        out.append(f"{raw['open_at_end']} requests had no answer by the end of the drain (counted as failed)")
    if writes and writes.get("unverified"):
        out.append(
            f"{writes['unverified']} writes could not be checked (the platform kept failing the reads)"
        )
    if raw["tool_errors"]:
        out.append(f"tool errors (bugs of the tool, not platform answers): {raw['tool_errors']}")
    if res and mode == "distributed":
        out.append("CPU counts PostgreSQL, Redis and RabbitMQ whole, including anyone else's use of them")
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    host = args.host.rstrip("/")
    sc = resolve(args.scenario, args.users, args.rps, args.duration, args.ramp)
    fm = None
    if args.find_max:
        sc = sc.override(ramp=args.ramp if args.ramp is not None else 5.0)
        fm = FindMax(args.start_rps or sc.rps, args.step_factor, args.max_rps, args.step_seconds)
        sc = sc.override(duration=sc.ramp_seconds + fm.duration)
    slo = args.slo or ("strict" if args.find_max else "plan")
    mode = mode_of(host)
    paths, services = probe.documented(host)
    skipped = probe.missing(paths)
    mix.role_weights(mix.effective_shares(skipped), args.farmer_share)  # refuses an impossible mix early
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or RESULTS / f"{stamp}-{sc.name}{'-findmax' if fm else ''}"
    out.mkdir(parents=True, exist_ok=True)
    print(f"PAM-TALK load test: {sc.name} on {host} ({mode}); services: {', '.join(services) or '?'}")
    for reason in skipped.values():
        print(f"  left out: {reason}")
    accounts = args.accounts or min(sc.users, 1000)
    seeding = (args.seed_farms, args.seed_trades) if args.seed else (0, 0)
    plan = seed.SeedPlan(accounts, args.farmer_share, *seeding, bulk_db=args.seed_db)
    state_file = seed.state_path(host)
    pool = asyncio.run(seed.prepare(host, plan, state_file))
    pool_path = out / "pool.json"
    report.write_json(pool, pool_path)
    config = {
        "host": host,
        "scenario": sc.as_config(),
        "find_max": None if fm is None else fm.__dict__,
        "slo": slo,
        "pool": str(pool_path),
        "raw": str(out / "raw.json"),
        "disabled": skipped,
        "farmer_share": args.farmer_share,
        "login": args.login,
        "drain": args.drain,
        "max_in_flight": args.max_in_flight,
        "idle_close": idle_close(mode),
    }
    config_path = out / "config.json"
    report.write_json(config, config_path)
    sampler = resources.Sampler(urlsplit(host).port or 80, args.port_offset)
    sampler.start()
    print(
        f"load: {sc.users} users, {sc.rps:g} req/s, {sc.duration:.0f} s "
        f"({sc.shape}, ramp {sc.ramp_seconds:.0f} s)"
    )
    code = run_generator(config_path, sampler)
    sampler.stop()
    if code != 0 or not Path(config["raw"]).exists():
        print(f"performance_test: the load generator failed (exit {code})", file=sys.stderr)
        return 2
    raw = json.loads(Path(config["raw"]).read_text())
    pool_path.unlink()  # tokens: kept only in the state file
    seed.merge_tokens(state_file, raw["accounts"])
    writes = None
    if not args.no_verify:
        writes = verify_writes.run(
            host, raw["writes"], seed.load_state(state_file)["accounts"], raw["started"]
        )
    result = assemble(args, sc, slo, mode, services, skipped, raw, sampler, writes)
    report.write_json(result, out / "result.json")
    report.write_html(result, out / "report.html")
    print_summary(result, out)
    return 0 if result["verdict"]["verdict"] == "PASS" else 1


def assemble(args, sc, slo, mode, services, skipped, raw, sampler, writes) -> dict:  # type: ignore[no-untyped-def]
    figures = summary.summarize(raw)
    t0, length = raw["started"], raw["duration"]
    res = resources.summarize(sampler.samples, t0, t0 + length)
    gen_cpu = res.get("groups", {}).get("load generator", {}).get("cpu_mean") if res else None
    lost = writes["lost_writes"] if writes else None
    found = None
    judged = verdict.figures_from(figures["overall"], res, lost)
    if raw.get("find_max") is not None:
        steps = raw["find_max"]
        for step in steps:
            step_res = resources.summarize(sampler.samples, t0 + step["start"], t0 + step["end"])
            step["cpu_pct"] = step_res.get("platform_cpu_pct_mean")
        held = [s for s in steps if s["verdict"] == "PASS"]
        best = held[-1] if held else None
        limited = bool(steps) and steps[-1]["verdict"] == "GENERATOR"
        found = {
            "slo": slo,
            "highest_passing_rps": best["rps"] if best else None,
            "limited_by_generator": limited,  # the step after it was sent late: not judged
            "steps": steps,
        }
        if best is not None:
            window = resources.summarize(sampler.samples, t0 + best["start"], t0 + best["end"])
            judged = verdict.figures_from(best["figures"], window, lost)
    skip = ("cpu_pct", "memory_pct") if raw.get("find_max") is not None else ()
    return {
        "tool": "PAM-TALK loadtests/performance_test.py",
        "command": "python loadtests/performance_test.py " + " ".join(sys.argv[1:]),
        "started_at": datetime.fromtimestamp(t0, UTC).isoformat(),
        "host": raw["config"]["host"],
        "mode": mode,
        "machine": machine(),
        "scenario": {
            **raw["config"]["scenario"],
            "ramp_seconds": sc.ramp_seconds,
            "per_user_rps": sc.per_user_rps,
        },
        "services": services,
        "skipped_endpoints": skipped,
        **figures,
        "find_max": found,
        "resources": res,
        "resource_timeline": resources.series(sampler.samples, t0),
        "writes": writes,
        "generator": {
            "send_lag": raw["lag"],
            "not_sent": raw["not_sent"],
            "tool_errors": raw["tool_errors"],
            "cpu_pct_mean": gen_cpu,
            "locust_totals": raw["locust"],
        },
        "verdict": verdict.evaluate(judged, verdict.SLOS[slo], skip=skip),
        "warnings": warnings_of(raw, res, skipped, gen_cpu, mode, writes) + sampler.errors[:3],
    }


def print_summary(result: dict, out: Path) -> None:
    o = result["overall"]
    print(f"\n{'endpoint':<42}{'count':>8}{'req/s':>9}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>9}{'err':>6}")
    for name, e in [*result["endpoints"].items(), ("TOTAL", o)]:
        cells = [e.get(k) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")]
        rps = e.get("rps", e.get("achieved_rps"))
        print(
            f"{name:<42}{e['count']:>8}{rps:>9.1f}"
            + "".join(f"{'-' if c is None else c:>8}" for c in cells)
            + f"{e['errors']:>7}"
        )
    print(
        f"offered {o['offered_rps']} req/s, answered {o['achieved_rps']} req/s, "
        f"errors by status {result['errors_by_status']}"
    )
    res = result["resources"]
    if res:
        print(
            f"platform CPU {res['platform_cpu_pct_mean']} % of the machine "
            f"(max {res['platform_cpu_pct_max']}), "
            f"memory (PSS) max {res['platform_mem_mb_max']} MB; "
            f"machine memory max {res['machine_memory_pct_max']} %; "
            f"machine CPU (everything running) {res['machine_cpu_pct_mean']} %"
        )
    if result["writes"]:
        told = [f"{k} {v['acknowledged']}" for k, v in result["writes"].items() if isinstance(v, dict)]
        print(f"lost writes: {result['writes']['lost_writes']} (acknowledged: {', '.join(told)})")
    if result["find_max"]:
        fm = result["find_max"]
        bound = (
            " (the next step was not judged: the generator sent late)" if fm["limited_by_generator"] else ""
        )
        print(
            f"find-max ({fm['slo']} SLO): highest rate that held = {fm['highest_passing_rps']} req/s{bound}"
        )
    for w in result["warnings"]:
        print(f"warning: {w}")
    v = result["verdict"]
    print(f"VERDICT: {v['verdict']} (SLO {v['slo']}){': ' + '; '.join(v['failed']) if v['failed'] else ''}")
    print(f"result: {out / 'result.json'}\nreport: {out / 'report.html'}")


if __name__ == "__main__":
    raise SystemExit(main())
