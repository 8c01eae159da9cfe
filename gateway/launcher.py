"""The distributed mode: ``python -m gateway.launcher up|down|status`` (``make up`` / ``make down``).

``up`` checks that PostgreSQL, Redis, RabbitMQ (at ``PAMTALK_DATABASE_URL``,
``PAMTALK_REDIS_URL``, ``PAMTALK_AMQP_URL``) and nginx are there and names whatever is
missing; runs the migrations; starts every replica of every service with uvicorn on the
route table's ports and nginx on the gateway port, all in the background with pid files and
logs in the run folder (``PAMTALK_RUN_DIR``, default ``.run/``); waits until each replica's
``/readyz`` and the gateway's ``/healthz`` answer 200; starts the supervisor, which restarts
any of them that exits (gateway/supervisor.py); and prints the URLs. The services sign with
keys made for this run folder on its first start (``RUN_DIR/keys/``, gateway/keys.py), never
with the development keys in the repository.

Knobs (environment): ``PAMTALK_GATEWAY_PORT`` and ``PAMTALK_PORT_OFFSET`` move the ports
(the e2e harness runs beside a developer's ``make up``), ``PAMTALK_GATEWAY_*`` tune nginx
(gateway/options.py), ``PAMTALK_LAUNCH_TIMEOUT`` (seconds, default 90). For tests:
``PAMTALK_LAUNCH_APP=module:app`` (every service; ``PAMTALK_LAUNCH_APP_<NAME>`` for one),
``PAMTALK_LAUNCH_SKIP_MIGRATE=1`` and ``PAMTALK_LAUNCH_SKIP_BACKING=1``.

PostgreSQL: with ``PAMTALK_DATA_TIER=own`` (``make up`` and ``make down`` set it unless it is
set already) and without ``PAMTALK_DATABASE_URL``, ``up`` starts the project's own primary (port
``PAMTALK_PG_PORT``, default 5433), its streaming hot standby (the next port) and the second
farm shard (the port after) under ``.data/pg/`` (gateway/datatier.py) and gives every service
them (``PAMTALK_DATABASE_URL``, ``PAMTALK_REPLICA_URL``, ``PAMTALK_FARM_SHARDS``); ``down``
stops them, keeping their data. With ``PAMTALK_DATABASE_URL``
set, that server is used, and ``PAMTALK_REPLICA_URL`` if set.

PostgreSQL connections: ``PAMTALK_DB_CONNECTION_BUDGET`` (default 60, of PostgreSQL's
default ``max_connections`` 100, leaving room for migrations, psql and other tools) is split
evenly between the service processes: each gets ``PAMTALK_DB_POOL_SIZE`` = budget / processes
and no overflow, unless ``PAMTALK_DB_POOL_SIZE`` / ``PAMTALK_DB_MAX_OVERFLOW`` are set.
"""

from __future__ import annotations

import argparse
import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from gateway import backing, datatier, nginx_proc, procs
from gateway.keys import local_keys
from gateway.options import GatewayOptions
from gateway.routes import ALLOCATOR_ENV, SERVICES
from gateway.sync_standby import PRIMARY_ENV
from pamtalk.server import HTTP_PROTOCOL

ROOT = Path(__file__).resolve().parents[1]


def run_dir() -> Path:
    return Path(os.environ.get("PAMTALK_RUN_DIR") or ROOT / ".run").resolve()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


def _fail(message: str) -> int:
    print(f"make up: {message}", file=sys.stderr)
    return 1


def port_taken(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def preflight(opts: GatewayOptions, folder: Path) -> list[str]:
    """Everything that stops ``up`` before it starts anything, each said plainly."""
    problems = []
    if not nginx_proc.nginx_binary():
        problems.append("nginx is not installed: `apt-get install nginx-light` (or set PAMTALK_NGINX)")
    if not _flag("PAMTALK_LAUNCH_SKIP_BACKING"):
        problems += backing.missing()
    running = [p.name for p in procs.recorded(folder) if procs.alive(p)]
    if running:
        problems.append(f"already running from {folder}: {', '.join(running)}; run `make down` first")
        if procs.SUPERVISOR not in running:
            problems.append(
                "its supervisor is not running, so nothing restarts what exits: `make down`, then `make up`"
            )
    else:
        ports = [opts.gateway_port] + [p for s in SERVICES for p in opts.ports(s.name, s.ports)]
        taken = [str(port) for port in ports if port_taken(port)]
        if taken:
            problems.append(
                f"ports in use on 127.0.0.1: {', '.join(taken)} (another `make up`? "
                "set PAMTALK_PORT_OFFSET / PAMTALK_GATEWAY_PORT to move ours)"
            )
    return problems


DEFAULT_DB_BUDGET = 60


def pool_env(processes: int, environ: dict[str, str] | None = None) -> dict[str, str]:
    """Pool size per process from the connection budget (never above the budget in total)."""
    env = os.environ if environ is None else environ
    budget = int(env.get("PAMTALK_DB_CONNECTION_BUDGET") or DEFAULT_DB_BUDGET)
    pools: dict[str, str] = {}
    if not env.get("PAMTALK_DB_POOL_SIZE"):
        pools["PAMTALK_DB_POOL_SIZE"] = str(max(2, budget // max(1, processes)))
    if not env.get("PAMTALK_DB_MAX_OVERFLOW"):
        pools["PAMTALK_DB_MAX_OVERFLOW"] = "0"
    return pools


def service_processes() -> int:
    """Processes holding a pool: each replica runs ``WEB_CONCURRENCY`` uvicorn workers (1 unset)."""
    workers = os.environ.get("WEB_CONCURRENCY", "")
    return sum(s.replicas for s in SERVICES) * (int(workers) if workers.isdigit() and int(workers) > 0 else 1)


def service_env(name: str, replica: int, opts: GatewayOptions, folder: Path) -> dict[str, str]:
    gateway = f"http://127.0.0.1:{opts.gateway_port}"
    env = dict(os.environ)
    env.update({b.env: b.url() for b in backing.ALL})
    env.update(local_keys(folder))
    env.setdefault("PAMTALK_JWKS_URL", f"{gateway}/.well-known/jwks.json")
    env.setdefault("PAMTALK_PUBLIC_BASE_URL", gateway)
    env.update(pool_env(service_processes()))
    for key, value in ALLOCATOR_ENV.items():
        env.setdefault(key, value)
    env.update(
        {
            "PAMTALK_BUS": "amqp",
            "PAMTALK_SERVICE": name,
            "PAMTALK_REPLICA": str(replica),
            "PAMTALK_PORT_OFFSET": str(opts.port_offset),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def app_for(name: str) -> str:
    return (
        os.environ.get(f"PAMTALK_LAUNCH_APP_{name.upper()}")
        or os.environ.get("PAMTALK_LAUNCH_APP")
        or f"services.{name}.app:app"
    )


def migrate() -> str | None:
    if _flag("PAMTALK_LAUNCH_SKIP_MIGRATE"):
        return None
    env = {**os.environ, **{b.env: b.url() for b in backing.ALL}}
    # the services' migrations, then the farm shard map (services/farm/shards.py)
    for cmd in (
        [sys.executable, "-m", "pamtalk.migrate", "all"],
        [sys.executable, "-m", "services.farm.shards"],
    ):
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            return (
                f"migrations failed (`{' '.join(cmd[1:])}`):\n{(done.stdout + done.stderr).strip()[-3000:]}"
            )
    return None


def start_all(opts: GatewayOptions, folder: Path) -> list[procs.Proc]:
    started = []
    for svc in SERVICES:
        for replica, port in enumerate(opts.ports(svc.name, svc.ports), start=1):
            cmd = [sys.executable, "-m", "uvicorn", app_for(svc.name), "--host", "127.0.0.1"]
            cmd += ["--port", str(port), "--no-access-log", "--timeout-graceful-shutdown", "10"]
            cmd += ["--backlog", "4096", "--http", HTTP_PROTOCOL]  # its own 400s as problems
            env = service_env(svc.name, replica, opts, folder)
            started.append(
                procs.spawn(
                    folder, f"{svc.name}-{replica}", cmd, port=port, probe="/readyz", env=env, cwd=ROOT
                )
            )
    binary = nginx_proc.nginx_binary() or "nginx"
    cmd = nginx_proc.command(binary, folder)
    log_env = dict(os.environ)
    started.append(
        procs.spawn(folder, "gateway", cmd, port=opts.gateway_port, probe="/healthz", env=log_env, cwd=ROOT)
    )
    return started


def wait_ready(started: list[procs.Proc], timeout: float) -> procs.Proc | None:
    """None when every process answers its probe; else the first one that does not."""
    pending = list(started)
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as client:
        while pending:
            for proc in list(pending):
                if not procs.alive(proc):
                    return proc
                try:
                    if client.get(proc.url + proc.probe).status_code == 200:
                        pending.remove(proc)
                except httpx.TransportError:
                    pass
            if pending and time.monotonic() > deadline:
                return pending[0]
            time.sleep(0.2)
    return None


def up() -> int:
    opts = GatewayOptions.from_env()
    folder = run_dir()
    try:
        tier = datatier.start_own(ROOT)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        return _fail(f"the project's PostgreSQL primary and standby did not start: {exc}")
    os.environ.update(tier)  # the services, the migrations and the supervisor use them
    problems = preflight(opts, folder)
    if problems:
        return _fail("cannot start the distributed mode:\n  - " + "\n  - ".join(problems))
    failed = migrate()
    if failed:
        return _fail(failed)
    nginx_proc.prepare(folder, opts)
    bad_config = nginx_proc.check_config(nginx_proc.nginx_binary() or "nginx", folder)
    if bad_config:
        return _fail(f"nginx rejects {folder / nginx_proc.CONF_NAME}:\n{bad_config}")
    started = start_all(opts, folder)
    try:
        laggard = wait_ready(started, float(os.environ.get("PAMTALK_LAUNCH_TIMEOUT", "90")))
    except KeyboardInterrupt:
        down()
        raise
    if laggard:
        state = "exited" if not procs.alive(laggard) else f"did not answer {laggard.probe} in time"
        print(f"--- {laggard.log} (last lines) ---\n{procs.tail(laggard.log)}", file=sys.stderr)
        down(quiet=True)
        return _fail(f"{laggard.name} (port {laggard.port}) {state}; everything was stopped again")
    procs.spawn(
        folder,
        procs.SUPERVISOR,
        [sys.executable, "-m", "gateway.supervisor", str(folder)],
        port=0,
        probe="",
        env={**os.environ, **({PRIMARY_ENV: tier["PAMTALK_DATABASE_URL"]} if tier else {})},
        cwd=ROOT,
    )
    gateway = f"http://127.0.0.1:{opts.gateway_port}"
    print(f"PAM-TALK distributed mode is up (run folder {folder})")
    for name, url in tier.items():
        print(f"  export {name}={shlex.quote(url)}   # the project's own PostgreSQL (gateway/datatier.py)")
    print(f"  gateway   {gateway}   docs {gateway}/docs   health {gateway}/healthz")
    for proc in started[:-1]:
        print(f"  {proc.name:<15} {proc.url}   log {proc.log}")
    print("  a process that exits is restarted by the supervisor; stop everything with `make down`")
    return 0


def down(quiet: bool = False) -> int:
    folder = run_dir()
    recorded = procs.recorded(folder)
    # The supervisor first (it would restart what stops), then the gateway, so no request
    # reaches a replica that is stopping.
    order = {procs.SUPERVISOR: 0, "gateway": 1}
    for proc in sorted(recorded, key=lambda p: order.get(p.name, 2)):
        outcome = procs.stop(folder, proc)
        if not quiet:
            print(f"{proc.name:<15} {outcome}")
    if not recorded and not quiet:
        print(f"nothing recorded in {procs.pid_dir(folder)}: not running")
    stopped = datatier.stop_own(ROOT)
    if stopped and not quiet:
        print(f"{'postgresql':<15} {stopped}")
    return 0


def status() -> int:
    recorded = procs.recorded(run_dir())
    if not recorded:
        print("not running")
        return 1
    healthy = True
    with httpx.Client(timeout=2) as client:
        for proc in recorded:
            state = "running" if procs.alive(proc) else "DEAD"
            if not proc.probe:  # the supervisor: a process, no port
                healthy = healthy and state == "running"
                print(f"{proc.name:<15} pid {proc.pid:<8} {state:<8}")
                continue
            try:
                answer = f"{proc.probe} {client.get(proc.url + proc.probe).status_code}"
            except httpx.TransportError:
                answer = f"{proc.probe} no answer"
            healthy = healthy and state == "running" and answer.endswith("200")
            restarts = f"   restarts {proc.restarts}" if proc.restarts else ""
            print(f"{proc.name:<15} pid {proc.pid:<8} {state:<8} {proc.url:<24} {answer}{restarts}")
    return 0 if healthy else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("up", "down", "status"))
    args = parser.parse_args(argv)
    return {"up": up, "down": down, "status": status}[args.command]()


if __name__ == "__main__":
    raise SystemExit(main())
