"""The migration to the kit's ``idempotency_keys`` keeps the keys stored before it: a retry of
such a request is never done twice, and the kit's claims (no response yet) fit the table."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from pamtalk.db.database import Database
from pamtalk.db.migrations import upgrade
from pamtalk.db.statements import sql
from pamtalk.errors import Problem
from pamtalk.idempotency import IdempotentRequest
from tests.conftest import scratch_database

pytestmark = pytest.mark.integration
BEFORE = "af1e6aff6614"  # the blockchain service's own idempotency table
OLD_ROW = sql(
    "INSERT INTO idempotency_keys (owner_id, key, request_hash, status_code, response, created_at) "
    "VALUES (:owner_id, :key, :request_hash, 201, CAST(:response AS jsonb), :created_at)"
)
ROWS = sql("SELECT owner_id, key, status_code, response FROM idempotency_keys ORDER BY key")
SHAPE = sql(
    "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
    "WHERE table_schema = 'blockchain_svc' AND table_name = 'idempotency_keys' "
    "AND column_name IN ('status_code', 'response') ORDER BY column_name"
)


async def test_keys_stored_before_the_migration_stay_and_still_guard_their_request() -> None:
    owner, now = uuid.uuid4(), datetime.now(UTC)
    async with scratch_database("pamtalk_test_bcidem") as url:
        await asyncio.to_thread(upgrade, "blockchain", url, BEFORE)
        db = Database(url, "blockchain_svc", producer="blockchain", pool_size=1)
        try:
            async with db.write() as tx:
                await tx.execute(
                    OLD_ROW,
                    owner_id=owner,
                    key="pay-1",
                    request_hash="ab" * 32,
                    response='{"a": 1}',
                    created_at=now,
                )
            await asyncio.to_thread(upgrade, "blockchain", url)
            async with db.read() as read:
                assert [tuple(r) for r in await read.fetch(SHAPE)] == [
                    ("response", "jsonb", "YES"),
                    ("status_code", "smallint", "YES"),
                ]
                assert [tuple(r) for r in await read.fetch(ROWS)] == [(owner, "pay-1", 201, {"a": 1})]
            retry = IdempotentRequest.of(owner, "pay-1", "transfer:user:x", {"amount_micro": 1})
            with pytest.raises(Problem, match="used with a different request"):  # refused, not done again
                async with db.write() as tx:
                    await retry.claim(tx, now)
            claim = IdempotentRequest.of(owner, "pay-2", "transfer:user:x", {"amount_micro": 1})
            async with db.write() as tx:  # a claim stores no response until the write's is known
                assert await claim.claim(tx, now) is None
                await claim.remember(tx, 201, {"b": 2})
            async with db.read() as read:
                assert [tuple(r)[1:] for r in await read.fetch(ROWS)] == [
                    ("pay-1", 201, {"a": 1}),
                    ("pay-2", 201, {"b": 2}),
                ]
        finally:
            await db.close()
