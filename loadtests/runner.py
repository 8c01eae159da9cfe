"""The load generator: one run with Locust in this process (``python -m loadtests.runner CONFIG``).

Started by ``performance_test.py`` as a child process, because importing Locust patches the
whole process with gevent. Reads the run configuration and the account pool, runs the
scenario (or the find-max steps) with Locust's local runner and ``locustfile``'s users,
prints a progress line, and writes the raw record (``raw.json``) that the parent turns into
figures, a verdict and a report.
"""

from __future__ import annotations

# isort: off
import locust  # first: its gevent monkey patching must come before anything else is imported

# isort: on
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import gevent
from locust.contrib.fasthttp import FastHttpSession
from locust.env import Environment

from loadtests import locustfile, sockets, summary, verdict
from loadtests.locustfile import RUN
from loadtests.scenarios import FindMax, Scenario

PROGRESS_EVERY = 5.0
GENERATOR_LAG_MS = 50.0  # a find-max step that passes with sends later than this is not trusted


def _progress(runner: Any, end: float) -> None:
    col = RUN.collector
    while True:
        gevent.sleep(PROGRESS_EVERY)
        t = time.time() - col.t0
        fig = summary.stretch(col.window(t - PROGRESS_EVERY - 1, t + 1), t - PROGRESS_EVERY, t)
        errors = sum(e["errors"] for e in col.endpoints.values())
        count = sum(e["count"] for e in col.endpoints.values()) or 1
        print(
            f"[{t:6.0f}s/{end:.0f}s] users {runner.user_count:>6}  offered {fig['offered_rps']:8.1f}/s  "
            f"answered {fig['achieved_rps']:8.1f}/s  p50 {_ms(fig['p50_ms'])} p95 {_ms(fig['p95_ms'])} "
            f"p99 {_ms(fig['p99_ms'])}  errors {errors} ({100 * errors / count:.2f} %)  "
            f"in flight {len(RUN.workers)}",
            flush=True,
        )


def _ms(value: float | None) -> str:
    return f"{value:7.1f}ms" if value is not None else "      -  "


def _sample_users(runner: Any) -> None:
    while True:
        RUN.collector.users(runner.user_count, len(RUN.workers))
        gevent.sleep(1.0)


def _keep_tokens(host: str, env: Environment) -> None:
    """Refresh access tokens shortly before they expire, as the app does."""
    session = FastHttpSession(host, request_event=env.events.request, user=None)
    while True:
        gevent.sleep(10.0)
        soon = time.time() + 90
        for role_accounts in RUN.accounts.values():
            for account in role_accounts:
                if account.get("expires", 0) < soon:
                    locustfile.renew(account, session, account["access"])


def _find_max(cfg: dict[str, Any], users: int) -> list[dict[str, Any]]:
    plan = FindMax(**cfg["find_max"])
    slo = verdict.SLOS[cfg["slo"]]
    col, steps = RUN.collector, []
    deadline = time.time() + 120  # the users arrive first
    while _users_now() < users and time.time() < deadline:
        gevent.sleep(0.5)
    for rate in plan.rates():
        RUN.rate = rate / users
        start = time.time() - col.t0
        gevent.sleep(plan.step_seconds)
        end = time.time() - col.t0
        fig = summary.stretch(col.window(start, end + 1), start + plan.settle_seconds, end)
        lag_p99 = fig["send_lag_p99_ms"] or 0.0
        result = verdict.evaluate(
            verdict.figures_from(fig, None, None), slo, skip=("cpu_pct", "memory_pct", "lost_writes")
        )
        if lag_p99 > GENERATOR_LAG_MS:
            # The generator could not keep its schedule (its own CPU, or a machine the platform
            # saturates): latencies are understated. A failure still fails; a pass cannot be trusted.
            late = f"load generator late (send lag p99 {lag_p99:g} ms)"
            if result["verdict"] == "PASS":
                result["verdict"] = "GENERATOR"
            result["failed"] = [*result["failed"], late]
        steps.append({"rps": rate, "start": start, "end": end, "figures": fig, **result})
        print(
            f"  step {len(steps)}: target {rate:.0f}/s, offered {fig['offered_rps']:.0f}/s -> "
            f"answered {fig['achieved_rps']:.0f}/s, "
            f"p95 {_ms(fig['p95_ms'])} p99 {_ms(fig['p99_ms'])}, errors {fig['errors']}, "
            f"send lag p99 {lag_p99:g} ms, generator CPU {fig['generator_cpu_ms']} ms/request: "
            f"{result['verdict']} {'; '.join(result['failed'])}",
            flush=True,
        )
        if result["verdict"] != "PASS":
            break
    return steps


_RUNNER: Any = None


def _users_now() -> int:
    return _RUNNER.user_count if _RUNNER is not None else 0


def main(argv: list[str]) -> int:
    global _RUNNER
    cfg = json.loads(Path(argv[0]).read_text())
    pool = json.loads(Path(cfg["pool"]).read_text())
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("locust").setLevel(logging.ERROR)
    sockets.install(cfg["host"])
    scenario = Scenario(**cfg["scenario"])
    locustfile.configure(cfg, pool, scenario)
    find_max = cfg.get("find_max")
    if find_max:
        RUN.users_fixed = scenario.users
        RUN.rate = FindMax(**find_max).rates()[0] / scenario.users
    env = Environment(
        user_classes=[locustfile.FarmerUser, locustfile.BuyerUser],
        shape_class=locustfile.ScenarioShape(),
        host=cfg["host"],
        events=locust.events,
    )
    env.events.request.add_listener(RUN.collector.on_request)
    runner = _RUNNER = env.create_local_runner()
    length = FindMax(**find_max).duration + scenario.ramp_seconds if find_max else scenario.duration
    started = time.time()
    RUN.collector.start()
    runner.start_shape()
    helpers = [
        gevent.spawn(_progress, runner, length),
        gevent.spawn(_sample_users, runner),
        gevent.spawn(_keep_tokens, cfg["host"], env),
        gevent.spawn(locustfile.pace),
    ]
    steps: list[dict[str, Any]] = []
    if find_max:
        steps = _find_max(cfg, scenario.users)
    else:
        gevent.sleep(scenario.duration)
    duration = time.time() - started
    RUN.stopped = True
    RUN.workers.join(timeout=cfg.get("drain", 10))
    RUN.collector.unfinished(len(RUN.workers))
    RUN.workers.kill()
    runner.quit()
    gevent.killall(helpers, block=False)
    record = {
        "started": started,
        "duration": duration,
        "drain": cfg.get("drain", 10),
        "config": cfg,
        **RUN.collector.export(),
        "find_max": steps if find_max else None,
        "writes": RUN.writes,
        "tool_errors": dict(RUN.tool_errors),
        "accounts": [
            {k: a.get(k) for k in ("email", "access", "refresh", "expires")}
            for role in RUN.accounts.values()
            for a in role
        ],
        "locust": {"requests": env.stats.total.num_requests, "failures": env.stats.total.num_failures},
    }
    Path(cfg["raw"]).write_text(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
