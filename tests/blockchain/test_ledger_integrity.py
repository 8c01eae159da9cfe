"""The ledger under concurrency, on a database of its own: appends from many tasks and two
"replicas" stay gapless and never fork, and after a random token workload every balance is
non-negative and their sum is what was minted minus what was burned."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from pamtalk.db.database import Database
from services.blockchain.app import create_app
from services.blockchain.ledger.entry import EntryKind, LedgerEntry
from services.blockchain.ledger.merkle import verify_consistency
from services.blockchain.ledger.tree import MerkleTree
from services.blockchain.ledger.tree_head import TreeHead, verify_tree_head
from services.blockchain.ledger_writer import LedgerWriter
from services.blockchain.models import LedgerEntryRow, TokenMovementRow, TreeHeadRow, Wallet
from tests.blockchain.conftest import Api
from tests.blockchain.support import DC, LEDGER, WALLETS, User, settle, settled, state_of, user
from tests.conftest import TokenFactory, service_client

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
async def fresh_api(fresh_database: str, redis_url: str, tokens: TokenFactory) -> AsyncIterator[Api]:
    async with service_client(
        create_app,
        service="blockchain",
        database_url=fresh_database,
        redis_url=redis_url,
        tokens=tokens,
        anchor_enabled=False,
    ) as pair:
        yield pair


async def check_the_whole_ledger(db: Database, public_key: Any) -> int:
    """Indices gapless, every stored head signed and equal to a recomputation, consecutive
    heads consistent; returns the size."""
    async with db.transaction() as session:
        rows = (await session.execute(select(LedgerEntryRow).order_by(LedgerEntryRow.index))).scalars().all()
        heads = (await session.execute(select(TreeHeadRow).order_by(TreeHeadRow.tree_size))).scalars().all()
    assert [r.index for r in rows] == list(range(len(rows)))
    reference = MerkleTree()
    for row in rows:
        entry = LedgerEntry.from_canonical_bytes(bytes(row.data))
        assert entry.index == row.index and entry.leaf_hash() == bytes(row.leaf_hash)
        reference.append(bytes(row.data))
    assert heads[-1].tree_size == len(rows)
    previous: TreeHead | None = None
    for row in heads:
        head = TreeHead(row.tree_size, row.timestamp_ms, bytes(row.root_hash), bytes(row.signature))
        verify_tree_head(head, public_key)
        assert head.root_hash == reference.root(head.tree_size)
        if previous is not None:
            assert head.timestamp_ms >= previous.timestamp_ms
            proof = reference.consistency_proof(previous.tree_size, head.tree_size)
            verify_consistency(previous.tree_size, head.tree_size, previous.root_hash, head.root_hash, proof)
        previous = head
    return len(rows)


async def test_concurrent_appends_from_two_replicas_never_fork(fresh_api: Api, fresh_database: str) -> None:
    _, app = fresh_api
    state = state_of(app)
    replicas = [app.state.runtime.db, Database(fresh_database, "blockchain_svc", pool_size=5)]

    async def append(task: int) -> None:
        async with replicas[task % 2].transaction() as session:
            writer = await LedgerWriter.open(session, state.signer)
            for i in range(1 + task % 3):
                await writer.append(EntryKind.ESG_ASSESSED, f"test:concurrency:{task}:{i}", {"task": task})
            await writer.close()

    try:
        await asyncio.gather(*(append(t) for t in range(40)))
    finally:
        await replicas[1].close()
    size = await check_the_whole_ledger(app.state.runtime.db, state.signer.public_key)
    assert size >= sum(1 + t % 3 for t in range(40))


async def _workload(api: Api, tokens: TokenFactory, seed: int) -> dict[str, int]:
    client, app = api
    rng = random.Random(seed)
    people = [user(tokens, rng.choice(["farmer", "consumer"])) for _ in range(6)]
    outcomes: dict[str, int] = {}

    async def one(actor: User) -> None:
        action = rng.choice(["trade", "transfer", "transfer", "redeem", "overdraft"])
        if action == "trade":
            await settle(client, app, settled(actor.id, rng.randrange(0, 3_000_000), esg=rng.uniform(0, 100)))
            status = 201
        elif action in ("transfer", "overdraft"):
            to = rng.choice([p for p in people if p is not actor])
            amount = rng.randrange(1, 40 * DC) if action == "transfer" else 10**24
            body = {"to": to.wallet, "amount_micro": amount}
            response = await client.post(
                f"{WALLETS}/{actor.wallet}/transfers", json=body, headers=actor.headers
            )
            status = response.status_code
            assert status in (201, 409), response.text
        else:
            body = {"amount_micro": rng.randrange(1, 60) * DC, "purchase_krw": rng.randrange(1_000, 400_000)}
            response = await client.post(f"{WALLETS}/{actor.wallet}/redeem", json=body, headers=actor.headers)
            status = response.status_code
            assert status in (201, 409, 422), response.text
        outcomes[f"{action}:{status}"] = outcomes.get(f"{action}:{status}", 0) + 1

    for _ in range(12):  # rounds of concurrent requests
        await asyncio.gather(*(one(rng.choice(people)) for _ in range(8)))
    return outcomes


async def test_random_workload_keeps_the_books_balanced(fresh_api: Api, tokens: TokenFactory) -> None:
    client, app = fresh_api
    outcomes: dict[str, int] = {}
    for seed in (1, 2):
        for name, count in (await _workload(fresh_api, tokens, seed)).items():
            outcomes[name] = outcomes.get(name, 0) + count
    assert outcomes.get("transfer:201") and outcomes.get("redeem:201") and outcomes.get("overdraft:409")

    minted = burned = 0
    async with app.state.runtime.db.transaction() as session:
        rows = (await session.execute(select(LedgerEntryRow.data))).scalars().all()
        balances = dict((await session.execute(select(Wallet.address, Wallet.balance_micro))).all())
        per_wallet = dict(
            (
                await session.execute(
                    select(TokenMovementRow.wallet, func.sum(TokenMovementRow.delta_micro)).group_by(
                        TokenMovementRow.wallet
                    )
                )
            ).all()
        )
    for data in rows:  # the ledger alone, as a partner would read it
        entry = LedgerEntry.from_canonical_bytes(bytes(data))
        if entry.kind is EntryKind.TOKEN_MINTED:
            minted += entry.payload["amount_micro"]
        elif entry.kind is EntryKind.TOKEN_BURNED:
            burned += entry.payload["amount_micro"]
    assert minted > 0 and burned > 0
    assert all(b >= 0 for b in balances.values())
    assert sum(balances.values()) == minted - burned
    assert {w: int(s) for w, s in per_wallet.items()} == balances  # history adds up to each balance
    supply = (await client.get(f"{WALLETS}/supply")).json()
    assert supply == {"minted_micro": minted, "burned_micro": burned, "circulating_micro": minted - burned}
    await check_the_whole_ledger(app.state.runtime.db, state_of(app).signer.public_key)
    latest = (await client.get(f"{LEDGER}/heads/latest")).json()
    assert latest["tree_size"] == len(rows)
