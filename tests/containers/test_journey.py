"""A trade's journey through the gateway container, every service in its own container:
sign-up, a farm, a trade opened, confirmed and settled, both parties notified, and the
ledger's proof of the trade verified offline by the partner's verifier, anchor included."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from containers.stack import Stack
from k8s.config import ROOT
from tests.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
PASSWORD = "container journey 1"


async def account(client: httpx.AsyncClient, role: str) -> dict[str, str]:
    email = f"ct-{role}-{uuid.uuid4().hex[:8]}@pamtalk.kr"
    body = {"email": email, "password": PASSWORD, "display_name": role.title(), "role": role}
    signup = await client.post("/api/v1/auth/signup", json=body)
    assert signup.status_code == 201, signup.text
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


FARM = {
    "name": "Container Farm",
    "region": "Gyeonggi",
    "latitude": 37.4,
    "longitude": 127.1,
    "size_ha": 12,
    "crops": ["tomatoes"],
    "certifications": [],
    "established": "2012-03-01",
    "contact_email": "containers@pamtalk.kr",
    "contact_phone": "+82 10-1234-0000",
}


async def open_trade(client: httpx.AsyncClient, buyer: dict[str, str], farm_id: str) -> httpx.Response:
    """The transaction service learns of a new farm from its event: retry until it has."""
    body = {"farm_id": farm_id, "crop": "tomatoes", "quantity": "120", "unit_price": "2500"}
    key = {"Idempotency-Key": str(uuid.uuid4())}

    async def attempt() -> httpx.Response | None:
        answer = await client.post("/api/v1/transactions", json=body, headers={**buyer, **key})
        return None if answer.status_code == 422 and "farm-unknown" in answer.text else answer

    answer = await eventually(attempt, within=60)
    assert isinstance(answer, httpx.Response)
    return answer


async def test_trade_journey_through_the_gateway_container(stack: Stack, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=15) as client:
        farmer, buyer = await account(client, "farmer"), await account(client, "consumer")
        farm = await client.post("/api/v1/farms", json=FARM, headers=farmer)
        assert farm.status_code == 201, farm.text

        trade = await open_trade(client, buyer, farm.json()["id"])
        assert trade.status_code == 201, trade.text
        trade_id = trade.json()["id"]
        confirmed = await client.post(f"/api/v1/transactions/{trade_id}/confirm", headers=farmer)
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed", confirmed.text
        settled = await client.post(f"/api/v1/transactions/{trade_id}/settle", headers=buyer)
        assert settled.status_code == 200 and settled.json()["status"] == "settled", settled.text

        async def notified(auth: dict[str, str]) -> bool:
            items = (await client.get("/api/v1/notifications", headers=auth)).json()["items"]
            kinds = {n["kind"] for n in items if n["data"].get("transaction_id") == trade_id}
            return {"trade.created", "trade.confirmed", "trade.settled"} <= kinds

        assert await eventually(lambda: notified(farmer), within=60)
        assert await eventually(lambda: notified(buyer), within=60)

        async def anchored_bundle() -> dict | None:
            entries = await client.get("/api/v1/ledger/entries", params={"reference": f"trade:{trade_id}"})
            items = entries.json()["items"] if entries.status_code == 200 else []
            if not items:
                return None
            answer = await client.get(f"/api/v1/ledger/entries/{items[0]['entry']['index']}/bundle")
            bundle = answer.json() if answer.status_code == 200 else {}
            return bundle if bundle.get("anchor") else None

        bundle = await eventually(anchored_bundle, within=120)  # the in-process chain: every 15 s
        key = (await client.get("/api/v1/ledger/public-key")).json()["pem"]
        contract = (await client.get("/api/v1/ledger/chain")).json()["contract_address"]
    (tmp_path / "bundle.json").write_text(json.dumps(bundle))
    (tmp_path / "ledger.pem").write_text(key)
    verify = [sys.executable, "-m", "services.blockchain.ledger.verify", str(tmp_path / "bundle.json")]
    verify += ["--public-key", str(tmp_path / "ledger.pem")]
    rpc = ["--anchor", "--rpc", f"{stack.gateway_url}/api/v1/ledger/chain/rpc", "--contract", contract]
    for args in (verify, verify + rpc):
        done = await asyncio.to_thread(
            subprocess.run, args, cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0 and done.stdout.startswith("VALID"), done.stdout + done.stderr


COMMITTED_DOCUMENT = json.loads((ROOT / "openapi" / "pamtalk.json").read_text())


async def test_the_gateway_image_serves_the_platform_document(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=15) as client:
        served = await client.get("/openapi.json")  # copied into the image (gateway/Dockerfile)
    assert served.status_code == 200 and served.headers["content-type"] == "application/json"
    assert served.json() == COMMITTED_DOCUMENT
