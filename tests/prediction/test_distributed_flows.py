"""The prediction flows in the distributed mode (``make up``: a process per service, nginx,
the real PostgreSQL, Redis and RabbitMQ), through the gateway: a forecast (cached the second
time), a background job run from RabbitMQ, an ESG submission scored and its grade back on
the farm, an abnormal trade put under review, and a settled trade in the daily demand."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.harness import Distributed, distributed_mode
from tests.prediction.test_esg_flow import ESG

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]
DATABASE = f"pamtalk_e2e_pred_{uuid.uuid4().hex[:8]}"
KST = timezone(timedelta(hours=9))

ENV = {
    "PAMTALK_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DATABASE}",
    "PAMTALK_REDIS_URL": "redis://127.0.0.1:6379/14",
    "PAMTALK_LOG_LEVEL": "WARNING",
    "PAMTALK_OUTBOX_POLL_SECONDS": "0.2",
}


async def _drop_database() -> None:
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="module")
def platform() -> Iterator[Distributed]:
    """``make up`` on ports and a database of this module's own (dropped afterwards)."""
    try:
        with distributed_mode(ENV) as running:
            yield running
    finally:
        asyncio.run(_drop_database())


@pytest.fixture(scope="module")
async def database(platform: Distributed) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}")
    yield conn
    await conn.close()


async def until(probe: Callable[[], Awaitable[Any]], within: float = 20.0) -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await probe()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"gave up after {within} s (last value {value!r})")
        await asyncio.sleep(0.2)


async def sign_up(client: httpx.AsyncClient, role: str) -> dict[str, str]:
    email = f"pred-{role}-{uuid.uuid4().hex[:8]}@pamtalk.kr"
    body = {"email": email, "password": "e2e password 123", "display_name": f"E2E {role}", "role": role}
    assert (await client.post("/api/v1/auth/signup", json=body)).status_code == 201
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": "e2e password 123"})
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def test_forecast_and_job_through_the_gateway(platform: Distributed) -> None:
    async with platform.async_client() as client:
        query = "/api/v1/predictions/demand?crop=rice&region=Gyeonggi&days=7"
        first, second = await client.get(query), await client.get(query)
        assert first.status_code == second.status_code == 200, first.text
        assert len(first.json()["points"]) == 7 and second.json() == first.json()
        assert "HIT" in (second.headers.get("x-cache-status"), second.headers.get("x-cache"))

        company = await sign_up(client, "company")
        accepted = await client.post("/api/v1/predictions/jobs", json={"days": 2}, headers=company)
        assert accepted.status_code == 202, accepted.text

        async def finished() -> dict[str, Any] | None:
            job = (await client.get(accepted.headers["location"], headers=company)).json()
            return job if job["status"] in ("succeeded", "failed") else None

        job = await until(finished)
        assert job["status"] == "succeeded" and job["result"]["count"] == 35


async def test_esg_anomaly_and_demand_flows(platform: Distributed, database: asyncpg.Connection) -> None:
    async with platform.async_client() as client:
        farmer, buyer = await sign_up(client, "farmer"), await sign_up(client, "company")
        farm = await client.post(
            "/api/v1/farms",
            headers=farmer,
            json={
                "name": f"E2E Prediction Farm {uuid.uuid4().hex[:4]}",
                "region": "Jeonnam",
                "latitude": 34.8,
                "longitude": 126.9,
                "size_ha": 30.0,
                "crops": ["tomatoes"],
                "certifications": ["organic", "iso_14001"],
                "established": "2015-01-01",
                "contact_email": "farm@example.com",
                "contact_phone": "+82 10-1234-5678",
            },
        )
        assert farm.status_code == 201, farm.text
        farm_id = farm.json()["id"]
        submitted = await client.post(f"/api/v1/farms/{farm_id}/esg", json=ESG, headers=farmer)
        assert submitted.status_code == 202, submitted.text

        async def graded() -> dict[str, Any] | None:
            # The owner reloads (no-cache): the gateway keeps a public farm page for its max-age.
            fresh = {**farmer, "Cache-Control": "no-cache"}
            body = (await client.get(f"/api/v1/farms/{farm_id}", headers=fresh)).json()
            return body if body.get("esg_grade") else None

        graded_farm = await until(graded)  # farm.esg_submitted -> prediction -> esg.scored -> farm
        assert graded_farm["esg_grade"] == "Silver" and graded_farm["esg_score"] == pytest.approx(77.85)
        assessments = (await client.get(f"/api/v1/esg/farms/{farm_id}", headers=farmer)).json()
        # no trades yet, so no volume bonus: int(77.85 x 1000 x (1 + 0.5 log10 3) x 1.2) = 115,706
        assert assessments["current"]["token_estimate"] == 115_706

        def trade(**body: Any) -> dict[str, Any]:
            defaults = {"farm_id": farm_id, "crop": "tomatoes", "payment_method": "card", "quality_score": 80}
            return {**defaults, **body}

        async def open_trade(body: dict[str, Any]) -> str:
            key = {"Idempotency-Key": str(uuid.uuid4()), **buyer}
            response = await client.post("/api/v1/transactions", json=body, headers=key)
            assert response.status_code == 201, response.text
            return str(response.json()["id"])

        odd = await open_trade(
            trade(quantity="3000", unit_price="15000", quality_score=40, delivery_hours=400)
        )
        normal = await open_trade(trade(quantity="140", unit_price="3500", delivery_hours=48))

        async def under_review() -> bool:
            body = (await client.get(f"/api/v1/transactions/{odd}", headers=buyer)).json()
            return body["status"] == "under_review"

        await until(under_review)  # transaction.created -> anomaly -> transaction.flagged -> review
        row = await database.fetchrow(
            "SELECT risk, reasons FROM prediction_svc.trade_anomalies WHERE transaction_id = $1",
            uuid.UUID(odd),
        )
        assert row["risk"] in ("HIGH", "CRITICAL")

        assert (
            await client.post(f"/api/v1/transactions/{normal}/confirm", headers=farmer)
        ).status_code == 200
        assert (await client.post(f"/api/v1/transactions/{normal}/settle", headers=buyer)).status_code == 200
        normal_row = await database.fetchrow(
            "SELECT risk, reasons FROM prediction_svc.trade_anomalies WHERE transaction_id = $1",
            uuid.UUID(normal),
        )
        # A plain trade is LOW; only its hour may lift it (a trade at night, 23h-5h Korean time,
        # is a signal of its own): the suite runs at any hour.
        opened = (await client.get(f"/api/v1/transactions/{normal}", headers=buyer)).json()["created_at"]
        hour = datetime.fromisoformat(opened).astimezone(KST).hour
        assert normal_row is not None
        if 5 <= hour < 23:
            assert normal_row["risk"] == "LOW", normal_row
        else:
            assert normal_row["risk"] in ("LOW", "MEDIUM"), normal_row
            assert any("night" in reason for reason in json.loads(normal_row["reasons"])), normal_row
        day = datetime.now(UTC).astimezone(KST).date()

        async def counted() -> Any:
            return await database.fetchval(
                "SELECT quantity FROM prediction_svc.daily_demand"
                " WHERE day = $1 AND crop = 'tomatoes' AND region = 'Jeolla'",
                day,
            )

        assert await until(counted) == 140
