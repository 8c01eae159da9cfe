"""Issue 3 end to end, through nginx and separate processes: a consumer opens a trade, the
farmer confirms it, the buyer settles it; both parties see their notifications arrive on
their SSE streams (through the gateway, unbuffered) in order; a stranger can neither read
nor move the trade; the dashboard reflects the trade once its cache expires."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import pytest

from tests.e2e.harness import Distributed
from tests.waiting import eventually, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
PASSWORD = "e2e password 123"


async def account(client: httpx.AsyncClient, role: str) -> tuple[str, dict[str, str]]:
    email = f"e2e-{role}-{uuid.uuid4().hex[:8]}@pamtalk.kr"
    signup = await client.post(
        "/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "display_name": role.title(), "role": role},
    )
    assert signup.status_code == 201, signup.text
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    token = login.json()["access_token"]
    return signup.json()["id"], {"Authorization": f"Bearer {token}"}


async def listen(platform: Distributed, auth: dict[str, str], into: list[dict], ready: asyncio.Event) -> None:
    """Collect the notification events of one user's SSE stream, read through the gateway."""
    async with (
        platform.async_client(timeout=httpx.Timeout(5, read=60)) as client,
        client.stream("GET", "/api/v1/notifications/stream", headers=auth) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event = ""
        async for line in response.aiter_lines():
            if line.startswith((": ready", "id:")):
                ready.set()
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "notification":
                into.append(json.loads(line[5:]))


async def test_trade_journey_with_live_notifications(platform: Distributed) -> None:
    async with platform.async_client() as client:
        _, farmer = await account(client, "farmer")
        _, buyer = await account(client, "consumer")
        _, stranger = await account(client, "consumer")
        farm = await client.post(
            "/api/v1/farms",
            headers=farmer,
            json={
                "name": "E2E Trade Farm",
                "region": "Jeonnam",
                "latitude": 34.8,
                "longitude": 126.9,
                "size_ha": 20,
                "crops": ["cabbage"],
                "certifications": [],
                "established": "2010-01-01",
                "contact_email": "trade@pamtalk.kr",
                "contact_phone": "+82 10-5555-0000",
            },
        )
        assert farm.status_code == 201, farm.text
        farm_id = farm.json()["id"]
        before = (await client.get("/api/v1/dashboard")).json()

        farmer_events: list[dict] = []
        buyer_events: list[dict] = []
        ready = [asyncio.Event(), asyncio.Event()]
        streams = [
            asyncio.create_task(listen(platform, farmer, farmer_events, ready[0])),
            asyncio.create_task(listen(platform, buyer, buyer_events, ready[1])),
        ]
        try:
            await asyncio.wait_for(asyncio.gather(*(r.wait() for r in ready)), 10)

            body = {
                "farm_id": farm_id,
                "crop": "cabbage",
                "quantity": "200",
                "unit_price": "3000",
            }  # a normal trade
            trade = None
            for _ in range(50):  # the transaction service learns of the farm from its event
                trade = await client.post(
                    "/api/v1/transactions", json=body, headers={**buyer, "Idempotency-Key": str(uuid.uuid4())}
                )
                if trade.status_code != 422 or "farm-unknown" not in trade.text:
                    break
                await asyncio.sleep(0.2)
            assert trade is not None and trade.status_code == 201, trade.text
            trade_id = trade.json()["id"]
            assert trade.json()["total_value"] in ("600000.00", "600000")

            assert (await client.get(f"/api/v1/transactions/{trade_id}", headers=stranger)).status_code == 404
            assert (
                await client.post(f"/api/v1/transactions/{trade_id}/confirm", headers=stranger)
            ).status_code in (403, 404)
            assert (
                await client.post(
                    f"/api/v1/transactions/{trade_id}/cancel", json={"reason": "x"}, headers=stranger
                )
            ).status_code in (403, 404)

            confirmed = await client.post(f"/api/v1/transactions/{trade_id}/confirm", headers=farmer)
            assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed", confirmed.text
            settled = await client.post(f"/api/v1/transactions/{trade_id}/settle", headers=buyer)
            assert settled.status_code == 200 and settled.json()["status"] == "settled"

            def kinds(events: list[dict]) -> list[str]:
                return [e["kind"] for e in events if e["data"].get("transaction_id") == trade_id]

            expected = ["trade.created", "trade.confirmed", "trade.settled"]
            await wait_until(
                lambda: kinds(farmer_events)[:3] == expected and kinds(buyer_events)[:3] == expected,
                within=20,
            )
            ids = [e["id"] for e in farmer_events]
            assert ids == sorted(ids)  # in order, no repeats
        finally:
            for task in streams:
                task.cancel()
            await asyncio.gather(*streams, return_exceptions=True)

        # the dashboard shows the trade once its (short, in this run) cache has expired
        async def counted() -> bool:
            now = (await client.get("/api/v1/dashboard", headers={"Cache-Control": "no-cache"})).json()
            return now["trades"]["count"] > before["trades"]["count"]

        assert await eventually(counted, within=30)
