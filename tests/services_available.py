"""Which real backing services (PostgreSQL, Redis, RabbitMQ) this machine has.

A test that needs one asks for the fixture of the same name in ``tests/conftest.py``; it is
skipped when the service is missing, except when ``PAMTALK_REQUIRE_SERVICES=1`` (CI), where
a missing service fails the test instead of hiding it.
"""

from __future__ import annotations

import os
import socket
from functools import cache

import pytest

PG_URL = os.environ.get("PAMTALK_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PAMTALK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
AMQP_URL = os.environ.get("PAMTALK_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")

PORTS = {"postgresql": 5432, "redis": 6379, "rabbitmq": 5672}


@cache
def reachable(name: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", PORTS[name]), timeout=1):
            return True
    except OSError:
        return False


def require(name: str) -> None:
    if reachable(name):
        return
    message = f"{name} is not reachable on 127.0.0.1:{PORTS[name]}"
    if os.environ.get("PAMTALK_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " and PAMTALK_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


def require_nginx() -> str:
    """The nginx binary for gateway and end-to-end tests (skip, or fail in CI, without it)."""
    from gateway.nginx_proc import nginx_binary

    binary = nginx_binary()
    if binary:
        return binary
    message = "nginx is not installed (apt-get install nginx-light)"
    if os.environ.get("PAMTALK_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " and PAMTALK_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)
