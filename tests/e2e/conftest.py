"""The distributed mode (``make up``: one process per service, nginx, the real PostgreSQL,
Redis and RabbitMQ), brought up once for the end-to-end tests on ports and a database of
their own, and taken down afterwards."""

from __future__ import annotations

import importlib.util
import uuid

from gateway.routes import SERVICES
from tests.e2e.harness import distributed_fixture


def _env() -> dict[str, str]:
    env = {
        "PAMTALK_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/pamtalk_e2e_{uuid.uuid4().hex[:8]}",
        "PAMTALK_REDIS_URL": "redis://127.0.0.1:6379/14",
        "PAMTALK_LOG_LEVEL": "WARNING",
        "PAMTALK_OUTBOX_POLL_SECONDS": "0.2",
    }
    for svc in SERVICES:  # a service not built yet is stood in for, so the gateway still routes
        if importlib.util.find_spec(f"services.{svc.name}.app") is None:
            env[f"PAMTALK_LAUNCH_APP_{svc.name.upper()}"] = "tests.gateway.dummy_app:app"
    return env


platform = distributed_fixture(env=_env())
