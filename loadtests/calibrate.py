"""How fast can the load generator itself go here? ``python -m loadtests.calibrate``.

Runs the real virtual users (same mix, pacing and bookkeeping) against a stub: an nginx that
answers every request at once with a small JSON body (201 for POST, 202 for an ESG
submission, 200 for a trade confirmation). Needs nginx (as ``make up`` does); the stub
listens on ``--port`` and is stopped afterwards. Two modes:

- find-max (default): ``--users 300 --start-rps 1000 --step-factor 2 --max-rps 32000
  --step-seconds 6``. The highest step that held is the tool's own ceiling on this machine;
  a platform figure close to it says more about the tool than the platform. Each step
  prints its send lag and the generator's CPU per request.
- a named scenario: ``--scenario spike [--duration 60] [--users --rps --ramp]`` runs that
  scenario's users, ramp and rate exactly as ``performance_test.py`` would (same pacing,
  connections kept as behind nginx) and reports, at full load and for the whole run:
  p50/p95/p99, offered vs answered req/s, send lag and the generator's CPU per request (its
  own process time). What the tool alone costs at that scenario, before any platform runs.
  It also reports the stub's own CPU per request answered (nginx, and with ``--empty-app`` the
  empty application): what passing a request through the gateway into a FastAPI process costs
  at that rate with no work at all (at a modest rate both go idle between requests and every
  request wakes them).

``--empty-app N`` (either mode) puts ``N`` uvicorn processes of an application that does
nothing (``loadtests/empty_app.py``) behind the stub nginx, proxied with upstream keepalive
as the gateway does: the rate the generator, nginx and FastAPI hold together here with no
work at all, an upper bound for any platform of such services on this machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from loadtests import summary
from loadtests.scenarios import SCENARIOS, Scenario, resolve

ROOT = Path(__file__).resolve().parents[1]
BODY = '{"id":"00000000-0000-7000-8000-000000000000","items":[]}'
NGINX = """worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 16384; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
{http}
}}
"""
ANSWER = """  server {{
    listen 127.0.0.1:{port};
    location ~ /esg$ {{ if ($request_method = POST) {{ return 202 '{body}'; }} return 200 '{body}'; }}
    location ~ /confirm$ {{ return 200 '{body}'; }}
    location / {{ if ($request_method = POST) {{ return 201 '{body}'; }} return 200 '{body}'; }}
  }}"""
PROXY = """  upstream app {{ {servers} keepalive 64; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{ proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }}
  }}"""


def app_ports(args: argparse.Namespace) -> list[int]:
    """The ports of the empty application's processes (``--empty-app``): after the stub's."""
    return [args.port + i for i in range(1, args.empty_app + 1)]


def nginx_conf(args: argparse.Namespace, folder: Path) -> str:
    """The stub: nginx answers itself, or proxies to the empty application (``--empty-app``)."""
    if args.empty_app:
        servers = " ".join(f"server 127.0.0.1:{port};" for port in app_ports(args))
        http = PROXY.format(port=args.port, servers=servers)
    else:
        http = ANSWER.format(port=args.port, body=BODY)
    return NGINX.format(dir=folder, http=http)


def _start_app(ports: list[int]) -> list[subprocess.Popen[bytes]]:
    """The empty application's uvicorn processes, each answering before this returns."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "loadtests.empty_app:app", "--port", str(port),
             "--no-access-log", "--log-level", "warning"],
            cwd=ROOT,
        )
        for port in ports
    ]  # fmt: skip
    deadline = time.monotonic() + 30
    for port in ports:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    _stop_app(procs)
                    raise RuntimeError(f"the empty application did not start on port {port}") from None
                time.sleep(0.1)
    return procs


def _stop_app(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(10)


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds so far of these processes and the processes they started."""
    total = 0.0
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            for one in [proc, *proc.children(recursive=True)]:
                times = one.cpu_times()
                total += times.user + times.system
        except psutil.Error:  # gone meanwhile
            continue
    return total


def pool(users: int) -> dict:
    farmers = max(1, users * 3 // 10)
    accounts = [
        {
            "email": f"{role}{i}@stub",
            "role": role,
            "id": f"{role}{i}",
            "access": "t",
            "refresh": "",
            "expires": 9e12,
        }
        for role, count in (("farmer", farmers), ("buyer", max(1, users - farmers)))
        for i in range(count)
    ]
    farms = [
        {"id": f"farm{i}", "owner": f"farmer{i % farmers}@stub", "crops": ["rice"], "region": "Jeju"}
        for i in range(max(10, farmers))
    ]
    return {"password": "stub", "accounts": accounts, "farms": farms}


def _config(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """The run configuration for ``loadtests.runner``: a named scenario, or find-max steps."""
    config: dict[str, Any] = {
        "host": f"http://127.0.0.1:{args.port}",
        "slo": "strict", "pool": str(folder / "pool.json"), "raw": str(folder / "raw.json"),
        "disabled": {}, "farmer_share": 0.3, "login": "pool", "drain": 3, "max_in_flight": 20000,
        "idle_close": 60,  # as behind nginx (performance_test.idle_close)
    }  # fmt: skip
    if args.scenario:
        sc = resolve(args.scenario, args.users, args.rps, args.duration, args.ramp)
        config["scenario"] = sc.as_config()
        config.update(find_max=None, slo="plan")
        return config
    users = args.users or 300
    config["scenario"] = {"name": "calibration", "users": users, "rps": args.start_rps, "duration": 1,
                          "shape": "linear", "ramp": 3}  # fmt: skip
    config["find_max"] = {"start": args.start_rps, "factor": args.step_factor, "limit": args.max_rps,
                          "step_seconds": args.step_seconds, "settle_seconds": 2}  # fmt: skip
    return config


def scenario_figures(raw: dict[str, Any], settle: float = 2.0) -> dict[str, dict[str, Any]]:
    """Figures of a scenario run: at full load (after the ramp and ``settle`` seconds) and whole."""
    sc = Scenario(**raw["config"]["scenario"])
    start = min(sc.ramp_seconds + settle, max(raw["duration"] - 1, 0))
    return {
        "full load": summary.stretch(raw["seconds"], start, raw["duration"]),
        "whole run": summary.summarize(raw)["overall"],
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:g} ms"


def scenario_report(raw: dict[str, Any], stub_cpu: dict[str, float] | None = None) -> list[str]:
    sc = raw["config"]["scenario"]
    head = f"{sc['name']} against the stub: {sc['users']} users, {sc['rps']:g} req/s, {raw['duration']:.0f} s"
    lines = [head]
    for label, f in scenario_figures(raw).items():
        cpu = f["generator_cpu_ms"]
        core = None if cpu is None else round(cpu * f["achieved_rps"] / 10, 1)
        lines.append(
            f"  {label} ({f['seconds']:g} s): offered {f['offered_rps']:g} req/s, answered "
            f"{f['achieved_rps']:g} req/s; p50 {_ms(f['p50_ms'])}, p95 {_ms(f['p95_ms'])}, "
            f"p99 {_ms(f['p99_ms'])}; errors {f['errors']}; send lag p99 {_ms(f['send_lag_p99_ms'])}; "
            f"generator CPU {'-' if cpu is None else f'{cpu:g} ms/request ({core:g} % of a core)'}"
        )
    if stub_cpu:
        answered = sum(e["count"] for e in raw["endpoints"].values()) or 1
        parts = ", ".join(f"{name} {seconds * 1000 / answered:.3f}" for name, seconds in stub_cpu.items())
        total = sum(stub_cpu.values()) * 1000 / answered
        lines.append(f"  stub CPU (whole run, {answered} requests): {total:.3f} ms/request ({parts})")
    tool_errors = raw["tool_errors"] or "none"
    lines.append(f"  not sent (in-flight limit): {raw['not_sent']}; tool errors: {tool_errors}")
    return lines


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=13999)
    p.add_argument("--scenario", choices=sorted(SCENARIOS), help="run this scenario instead of find-max")
    p.add_argument("--users", type=int, help="virtual users (find-max default 300; scenario: its own)")
    p.add_argument("--rps", type=float, help="scenario: offered requests a second at full load")
    p.add_argument("--duration", type=float, help="scenario: seconds of load, ramp included")
    p.add_argument("--ramp", type=float, help="scenario: seconds to full load")
    p.add_argument("--start-rps", type=float, default=1000)
    p.add_argument("--step-factor", type=float, default=2.0)
    p.add_argument("--max-rps", type=float, default=32000)
    p.add_argument("--step-seconds", type=float, default=6)
    p.add_argument(
        "--empty-app", type=int, default=0, metavar="N",
        help="proxy to N uvicorn processes of an application that does nothing (0: nginx answers)",
    )  # fmt: skip
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    folder = Path(tempfile.mkdtemp(prefix="pamtalk-calibrate-"))
    config = _config(args, folder)
    users = config["scenario"]["users"]
    (folder / "nginx.conf").write_text(nginx_conf(args, folder))
    (folder / "pool.json").write_text(json.dumps(pool(min(users, 1000) if args.scenario else users)))
    (folder / "config.json").write_text(json.dumps(config))
    apps = _start_app(app_ports(args))
    subprocess.run([binary, "-c", str(folder / "nginx.conf"), "-p", str(folder)], check=True)
    try:
        time.sleep(0.3)
        stub = {"nginx": [int((folder / "nginx.pid").read_text())], "empty app": [p.pid for p in apps]}
        before = {name: cpu_seconds(pids) for name, pids in stub.items()}
        cmd = [sys.executable, "-m", "loadtests.runner", str(folder / "config.json")]
        subprocess.run(cmd, cwd=ROOT, check=True)
        stub_cpu = {name: cpu_seconds(pids) - before[name] for name, pids in stub.items() if pids}
    finally:
        subprocess.run(
            [binary, "-c", str(folder / "nginx.conf"), "-p", str(folder), "-s", "stop"], check=False
        )
        _stop_app(apps)
    raw = json.loads((folder / "raw.json").read_text())
    if args.scenario:
        print("\n".join(scenario_report(raw, stub_cpu)))
    else:
        held = [s["rps"] for s in raw["find_max"] if s["verdict"] == "PASS"]
        target = f"{args.empty_app} empty FastAPI process(es) behind nginx" if args.empty_app else "a stub"
        print(f"load generator ceiling here: {max(held) if held else 'below the first step'} req/s held "
              f"(strict SLO against {target}; {users} users)")  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
