"""The migration to the kit's ``idempotency_keys`` keeps the keys stored before it: a retry
sent across the upgrade still gets its first answer (the stored hashes are recomputed the
kit's way), a key whose request cannot be recovered stays held, and the downgrade gives the
old shape and hashes back."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from alembic import command

from pamtalk.db.database import Database
from pamtalk.db.migrations import alembic_config, upgrade
from pamtalk.db.statements import sql
from services.transaction.app import create_app
from services.transaction.ids import new_trade_id, to_millisecond
from tests.conftest import TokenFactory, scratch_database, service_client
from tests.transaction.support import API, user

pytestmark = pytest.mark.integration
BEFORE = "ddaf8f0f2a74"  # the last revision with the service's own table
FARM = "6f0c5a52-4c36-4c8e-9a51-0d1e6c2f8b11"
OMITTED = {"farm_id": FARM, "crop": "tomatoes", "quantity": "120.5", "unit_price": "2500"}
SENT = {
    "farm_id": FARM,
    "crop": "rice",
    "quantity": 3,
    "unit_price": "1999.9",
    "quality_score": 91.5,
    "delivery_hours": 24,
    "payment_method": "card",
    "location": "Mokpo port",
}
# What the service stored for these requests before the kit's keys (its request_hash of
# the time, computed by that release's code).
OLD_HASH = {
    "omitted": "45dbdc39a062ef80201794738a7fbd25b4289aba1ba5a81d51bab01a7961a759",
    "sent": "f108addec5cb852a3a4927f1f3c03643d37b8b11c7fb7ed4557c9bca1b2414be",
}
OLD_ROW = sql(
    "INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, response, transaction_id, "
    "created_at) VALUES (:owner, :key, :request_hash, 201, CAST(:response AS jsonb), :trade_id, :now)"
)
KEYS_BEFORE = sql("SELECT key, request_hash, transaction_id FROM idempotency_keys ORDER BY key")
KEYS_AFTER = sql("SELECT key, request_hash FROM idempotency_keys ORDER BY key")


def answered(owner: uuid.UUID, at: datetime, **trade: Any) -> dict[str, Any]:
    """The response the service gave to open a trade (``trade``: what differs)."""
    return {
        "id": str(new_trade_id(at)),
        "farm_id": FARM,
        "producer_id": str(uuid.uuid4()),
        "buyer_id": str(owner),
        "quality_score": 80.0,
        "delivery_hours": 48,
        "payment_method": "bank_transfer",
        "producer_esg_score": 72.5,
        "status": "pending",
        "cancel_reason": None,
        "review": None,
        "created_at": at.isoformat().replace("+00:00", "Z"),
        "updated_at": at.isoformat().replace("+00:00", "Z"),
        "confirmed_at": None,
        "settled_at": None,
        "cancelled_at": None,
        **trade,
    }


async def test_keys_stored_before_the_upgrade_are_kept_and_still_replay(
    redis_url: str, tokens: TokenFactory
) -> None:
    buyer = user(tokens, "consumer")
    at = to_millisecond(datetime.now(UTC))
    responses = {
        "omitted": answered(
            buyer.id, at, crop="tomatoes", quantity="120.500", unit_price="2500.00", total_value="301250.00"
        )
        | {"location": "Jeonnam"},  # the farm's region
        "sent": answered(
            buyer.id,
            at,
            crop="rice",
            quantity="3.000",
            unit_price="1999.90",
            total_value="5999.70",
            quality_score=91.5,
            delivery_hours=24,
            payment_method="card",
            location="Mokpo port",
        ),
        "unknown": answered(buyer.id, at, crop="rice", quantity="1.000", unit_price="1.00", location="x"),
        "x" * 201: answered(buyer.id, at, crop="rice", quantity="1.000", unit_price="1.00", location="x"),
    }
    hashes = {**OLD_HASH, "unknown": "0" * 64, "x" * 201: "1" * 64}
    async with scratch_database("pamtalk_test_txkeys") as url:
        await asyncio.to_thread(upgrade, "transaction", url, BEFORE)
        db = Database(url, "transaction_svc", pool_size=1)
        try:
            async with db.write() as tx:
                for name, response in responses.items():
                    await tx.execute(
                        OLD_ROW,
                        owner=buyer.id,
                        key=name,
                        request_hash=hashes[name],
                        response=orjson.dumps(response).decode(),
                        trade_id=uuid.UUID(response["id"]),
                        now=datetime.now(UTC),
                    )
            await asyncio.to_thread(upgrade, "transaction", url)
            async with db.read() as read:
                kept = {row["key"]: row["request_hash"] for row in await read.fetch(KEYS_AFTER)}
            assert set(kept) == {"omitted", "sent", "unknown"}  # too long for the header: gone
            assert kept["unknown"] == "0" * 64  # its request is not known: held as it was
            assert kept["omitted"] != OLD_HASH["omitted"] and kept["sent"] != OLD_HASH["sent"]

            async with service_client(
                create_app, service="transaction", database_url=url, redis_url=redis_url, tokens=tokens
            ) as (client, _):
                for name, body in (("omitted", OMITTED), ("sent", SENT)):
                    retry = await client.post(
                        API, json=body, headers={**buyer.headers, "Idempotency-Key": name}
                    )
                    assert retry.status_code == 201, retry.text
                    assert retry.headers["idempotent-replayed"] == "true"
                    assert retry.json() == responses[name]
                    assert retry.headers["location"] == f"{API}/{responses[name]['id']}"
                held = await client.post(
                    API, json=OMITTED, headers={**buyer.headers, "Idempotency-Key": "unknown"}
                )
                assert held.status_code == 422 and held.json()["type"].endswith("/idempotency-key-reused")

            await asyncio.to_thread(command.downgrade, alembic_config("transaction", url), BEFORE)
            async with db.read() as read:
                before = {row["key"]: tuple(row)[1:] for row in await read.fetch(KEYS_BEFORE)}
            assert before == {
                name: (hashes[name], uuid.UUID(responses[name]["id"]))
                for name in ("omitted", "sent", "unknown")
            }
        finally:
            await db.close()
