"""What SREs rely on from every service: request ids, health endpoints, the source plan's
metric names, and JSON logs with the agreed fields."""

from __future__ import annotations

import json
import logging

import pytest

from pamtalk.logging import JsonFormatter
from services.user.app import create_app
from tests.conftest import service_client

pytestmark = pytest.mark.integration


@pytest.fixture
async def api(database_url, redis_url, tokens):
    async with service_client(
        create_app, service="user", database_url=database_url, redis_url=redis_url, tokens=tokens
    ) as pair:
        yield pair


async def test_request_id_is_made_or_kept(api) -> None:
    client, _ = api
    made = await client.get("/.well-known/jwks.json")
    assert len(made.headers["x-request-id"]) >= 16
    kept = await client.get("/.well-known/jwks.json", headers={"X-Request-ID": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    unsafe = await client.get("/.well-known/jwks.json", headers={"X-Request-ID": "bad id\twith spaces"})
    assert unsafe.headers["x-request-id"] != "bad id\twith spaces"


async def test_problem_carries_the_request_id(api) -> None:
    client, _ = api
    response = await client.get("/api/v1/users/me", headers={"X-Request-ID": "trace-me-1"})
    assert response.status_code == 401 and response.json()["request_id"] == "trace-me-1"


async def test_health_endpoints(api) -> None:
    client, app = api
    assert (await client.get("/livez")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"lifecycle": "ok"}
    health = (await client.get("/health")).json()
    assert health == {
        "status": "ok",
        "checks": {"lifecycle": "ok"},
        "dependencies": {"database": "ok", "redis": "ok", "broker": "ok"},
    }
    app.state.runtime.ready = False  # draining: readiness fails first
    assert (await client.get("/readyz")).status_code == 503
    app.state.runtime.ready = True


async def test_metrics_use_the_plan_names(api) -> None:
    client, _ = api
    await client.get("/.well-known/jwks.json")
    body = (await client.get("/metrics")).text
    histogram = [line for line in body.splitlines() if line.startswith("request_duration_seconds_count")]
    assert any('route="/.well-known/jwks.json"' in line and 'service="user"' in line for line in histogram)
    for name in ("request_total", "active_users_gauge", "database_connection_pool", "queue_length"):
        assert f"# TYPE {name}" in body or f"# HELP {name}" in body, name
    assert 'database_connection_pool{service="user",state="capacity"} 20.0' in body


@pytest.fixture
async def api_logging_all(database_url, redis_url, tokens, monkeypatch):
    monkeypatch.setenv("PAMTALK_ACCESS_LOG", "all")
    async with service_client(
        create_app, service="user", database_url=database_url, redis_url=redis_url, tokens=tokens
    ) as pair:
        yield pair


async def test_access_log_by_default_only_errors_and_slow_requests(api, caplog) -> None:
    client, _ = api
    caplog.set_level(logging.INFO, logger="pamtalk.access")
    await client.get("/api/v1/users/me", headers={"X-Request-ID": "not-logged-1"})
    assert not [r for r in caplog.records if r.name == "pamtalk.access"]


async def test_access_log_is_json_with_the_agreed_fields(api_logging_all, caplog) -> None:
    client, _ = api_logging_all
    caplog.set_level(logging.INFO, logger="pamtalk.access")
    await client.get("/api/v1/users/me", headers={"X-Request-ID": "log-me-1"})
    records = [r for r in caplog.records if r.name == "pamtalk.access"]
    line = json.loads(JsonFormatter("user").format(records[-1]))
    assert line["request_id"] == "log-me-1"
    assert line["endpoint"] == "/api/v1/users/me" and line["error_code"] == 401
    assert isinstance(line["response_time"], float) and "user_id" in line and line["service"] == "user"
