"""Token writes with an Idempotency-Key behave as docs/conventions.md ("Retried writes") says:
the same key and request replay the first response (``Idempotent-Replayed: true``), another
request with the key is a 422, a retry sent while the first runs waits and replays, a failed
request keeps nothing, and a key older than its time to live is new again."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest

from pamtalk.db.statements import sql
from tests.blockchain.conftest import Api
from tests.blockchain.support import (
    DC,
    LEDGER,
    WALLETS,
    User,
    balance,
    fund,
    publish,
    recorded,
    scored,
    state_of,
)

pytestmark = pytest.mark.integration
AGE = sql(
    "UPDATE idempotency_keys SET created_at = created_at - CAST(:by AS interval) "
    "WHERE owner_id = :owner_id AND key = :key"
)
KEPT = sql("SELECT status_code, response FROM idempotency_keys WHERE owner_id = :owner_id AND key = :key")


async def kept(api: Api, owner: User, key: str) -> Any:
    async with api[1].state.runtime.db.read() as read:
        return await read.fetchrow(KEPT, owner_id=owner.id, key=key)


async def ledger_size(api: Api) -> int:
    size: int = (await api[0].get(f"{LEDGER}/heads/latest")).json()["tree_size"]
    return size


async def test_a_replay_is_the_first_response_and_writes_nothing(ledger_api: Api, buyer: User) -> None:
    client, app = ledger_api
    await fund(client, app, buyer, 100)
    headers = {**buyer.headers, "Idempotency-Key": f"redeem-{uuid.uuid4()}"}
    path, body = f"{WALLETS}/{buyer.wallet}/redeem", {"amount_micro": 20 * DC, "purchase_krw": 100_000}
    first = await client.post(path, json=body, headers=headers)
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    size = await ledger_size(ledger_api)
    again = await client.post(path, json=body, headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() and again.headers["content-type"] == "application/json"
    assert await ledger_size(ledger_api) == size and await balance(client, buyer.wallet) == 80 * DC
    row = await kept(ledger_api, buyer, headers["Idempotency-Key"])
    assert row["status_code"] == 201 and row["response"] == first.json()


async def test_the_key_with_another_request_is_422(ledger_api: Api, farmer: User, buyer: User) -> None:
    client, app = ledger_api
    await fund(client, app, farmer, 50)
    headers = {**farmer.headers, "Idempotency-Key": "one-key"}
    transfer = f"{WALLETS}/{farmer.wallet}/transfers"
    assert (
        await client.post(transfer, json={"to": buyer.wallet, "amount_micro": DC}, headers=headers)
    ).is_success
    size = await ledger_size(ledger_api)
    for path, body in (
        (transfer, {"to": buyer.wallet, "amount_micro": 2 * DC}),  # another body
        (
            f"{WALLETS}/{farmer.wallet}/redeem",
            {"amount_micro": DC, "purchase_krw": 100_000},
        ),  # another operation
    ):
        reused = await client.post(path, json=body, headers=headers)
        assert reused.status_code == 422 and reused.json()["type"].endswith("/idempotency-key-reused")
        assert reused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await ledger_size(ledger_api) == size and await balance(client, buyer.wallet) == DC


async def test_a_retry_sent_while_the_first_runs_waits_and_replays(
    ledger_api: Api, farmer: User, buyer: User
) -> None:
    client, app = ledger_api
    await fund(client, app, farmer, 50)
    before = await balance(client, buyer.wallet)
    headers = {**farmer.headers, "Idempotency-Key": f"pay-{uuid.uuid4()}"}
    body = {"to": buyer.wallet, "amount_micro": 3 * DC}
    path = f"{WALLETS}/{farmer.wallet}/transfers"
    answers = await asyncio.gather(*(client.post(path, json=body, headers=headers) for _ in range(4)))
    assert [a.status_code for a in answers] == [201] * 4
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 3
    assert len({a.json()["ledger_index"] for a in answers}) == 1
    assert await balance(client, buyer.wallet) == before + 3 * DC


async def test_a_failed_request_keeps_nothing(ledger_api: Api, committee: User, farmer: User) -> None:
    client, app = ledger_api
    key = f"approve-{uuid.uuid4()}"
    headers = {**committee.headers, "Idempotency-Key": key}
    event = scored(farmer.id, token_estimate=5)
    path = f"{LEDGER}/esg-assessments/{event.assessment_id}/approval"
    assert (await client.post(path, headers=headers)).status_code == 404  # not recorded yet
    assert await kept(ledger_api, committee, key) is None
    await publish(app, event)
    await recorded(client, f"esg:{event.assessment_id}")
    approved = await client.post(path, headers=headers)  # judged afresh
    assert approved.status_code == 201 and "idempotent-replayed" not in approved.headers
    replayed = await client.post(path, headers=headers)
    assert replayed.status_code == 201 and replayed.json() == approved.json()
    assert replayed.headers["idempotent-replayed"] == "true"  # not the 409 of a second approval
    assert await balance(client, farmer.wallet) == 5 * DC


async def test_a_key_older_than_its_time_to_live_is_new(ledger_api: Api, farmer: User, buyer: User) -> None:
    client, app = ledger_api
    await fund(client, app, farmer, 50)
    key = f"old-{uuid.uuid4()}"
    headers = {**farmer.headers, "Idempotency-Key": key}
    body = {"to": buyer.wallet, "amount_micro": DC}
    path = f"{WALLETS}/{farmer.wallet}/transfers"
    start = await balance(client, buyer.wallet)
    first = await client.post(path, json=body, headers=headers)
    ttl = state_of(app).idempotency_ttl
    async with app.state.runtime.db.write() as tx:  # the key as it is a day and a minute later
        await tx.execute(AGE, owner_id=farmer.id, key=key, by=ttl + timedelta(minutes=1))
    again = await client.post(path, json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert again.json()["ledger_index"] != first.json()["ledger_index"]
    assert await balance(client, buyer.wallet) == start + 2 * DC
