"""``make run``: the whole platform in one process on http://localhost:8000.

PostgreSQL runs embedded from the ``pgserver`` wheel with its data in ``.data/pg`` (kept
between runs), Redis is an in-process stand-in, the event bus is in memory. Migrations
are applied and demo data is seeded on the first start. Tokens and tree heads are signed
with keys made for the data folder on its first start (``.data/keys/``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
from pathlib import Path

import httpx
import uvicorn

from gateway.embedded.host import EmbeddedPlatform, available_services
from gateway.embedded.seed import DEMO_PASSWORD, DEMO_USERS, seed
from gateway.keys import local_keys
from gateway.routes import EMBEDDED_PORT
from pamtalk.cache import make_redis
from pamtalk.db.migrations import ROOT, upgrade
from pamtalk.gc_policy import apply_after_startup
from pamtalk.logging import configure_logging
from pamtalk.server import server_config
from pamtalk.settings import ServiceSettings

log = logging.getLogger("pamtalk.embedded")
logging.getLogger("httpx").setLevel(logging.WARNING)


def start_postgres(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL; returns the URL of database ``pamtalk``."""
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    if "pamtalk" not in server.psql("SELECT datname FROM pg_database;"):
        server.psql("CREATE DATABASE pamtalk;")
    return str(server.get_uri("pamtalk"))


def banner(port: int, services: list[str]) -> str:
    users = "\n".join(f"    {u.role:<10} {u.email}" for u in DEMO_USERS)
    return f"""
  PAM-TALK is running (embedded mode: {", ".join(services)})
    API docs     http://localhost:{port}/docs
    API          http://localhost:{port}/api/v1/...
    health       http://localhost:{port}/readyz    metrics  http://localhost:{port}/metrics
  Demo logins (password: {DEMO_PASSWORD}):
{users}
  Stop with Ctrl-C; the data stays in .data/ for the next run.
"""


async def serve(database_url: str, host: str, port: int) -> None:
    platform = EmbeddedPlatform(
        database_url, make_redis("fake"), outbox_poll_seconds=0.5, public_base_url=f"http://localhost:{port}"
    )
    server = uvicorn.Server(
        server_config(platform, host=host, port=port, log_config=None, access_log=False, lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task  # startup failed: raise its error
            return
        await asyncio.sleep(0.05)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=platform), base_url="http://embedded")

    async def grant(email: str, role: str) -> None:
        from services.user.cli import grant as grant_role

        await grant_role(platform.apps["user"].state.runtime.db, email, role)

    try:
        if await seed(client, grant, platform.names):
            log.info("seeded demo data")
    finally:
        await client.aclose()
    apply_after_startup(ServiceSettings().gc_threshold)
    print(banner(port, platform.names), flush=True)
    await task


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("PAMTALK_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PAMTALK_PORT", EMBEDDED_PORT)))
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("PAMTALK_DATA_DIR", ROOT / ".data")))
    args = parser.parse_args(argv)
    configure_logging(
        "embedded",
        os.environ.get("PAMTALK_LOG_LEVEL", "INFO"),
        json=os.environ.get("PAMTALK_LOG_JSON", "false").lower() == "true",
    )
    os.environ.update(local_keys(args.data))  # this data folder's signing keys, not the repository's
    print("Starting the embedded PostgreSQL ...", flush=True)
    database_url = start_postgres(args.data / "pg")
    for name in available_services():
        if (ROOT / "services" / name / "migrations" / "env.py").exists():
            upgrade(name, database_url)
    print("Migrations applied.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(database_url, args.host, args.port))
    print("PAM-TALK stopped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
