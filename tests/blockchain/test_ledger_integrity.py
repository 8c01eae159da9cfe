"""The ledger under concurrency, on a database of its own: appends from many tasks and two
"replicas" stay gapless and never fork, and after a random token workload every balance is
non-negative and their sum is what was minted minus what was burned."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from pamtalk.db.database import Database
from pamtalk.db.statements import sql
from pamtalk.events.envelope import Envelope
from services.blockchain.append import LedgerWriter
from services.blockchain.consumers import blockchain_consumer
from services.blockchain.ledger.entry import EntryKind, LedgerEntry
from services.blockchain.ledger.merkle import verify_consistency
from services.blockchain.ledger.tree import MerkleTree
from services.blockchain.ledger.tree_head import TreeHead, verify_tree_head
from services.blockchain.tokens.rules import trade_reward_micro
from tests.blockchain.conftest import Api
from tests.blockchain.support import (
    DC,
    LEDGER,
    WALLETS,
    User,
    balance,
    ledger_service,
    scored,
    settle,
    settled,
    state_of,
    user,
)
from tests.conftest import TokenFactory

pytestmark = [pytest.mark.integration, pytest.mark.slow]
# What the outbox announced of ledger entries and mints, in the order it was written.
ANNOUNCED = sql(
    """
SELECT envelope ->> 'type',
       CAST(CASE envelope ->> 'type' WHEN 'ledger.recorded' THEN envelope -> 'data' ->> 'index'
            ELSE envelope -> 'data' ->> 'ledger_index' END AS bigint),
       envelope -> 'data' ->> 'reference'
FROM outbox
WHERE envelope ->> 'type' IN ('ledger.recorded', 'token.minted')
ORDER BY id
"""
)
ENTRIES = sql('SELECT "index", data, leaf_hash, reference FROM ledger_entries ORDER BY "index"')
HEADS = sql("SELECT tree_size, timestamp_ms, root_hash, signature FROM tree_heads ORDER BY tree_size")
BALANCES = sql("SELECT address, balance_micro FROM wallets")
HISTORY_SUMS = sql("SELECT wallet, sum(delta_micro) FROM token_movements GROUP BY wallet")
ASSESSMENTS = sql("SELECT assessment_id, ledger_index FROM esg_assessments")


@pytest.fixture(scope="module")
async def fresh_api(fresh_database: str, redis_url: str, tokens: TokenFactory) -> AsyncIterator[Api]:
    async with ledger_service(
        fresh_database,
        redis_url,
        tokens,
        anchor_enabled=False,
    ) as pair:
        yield pair


async def check_the_whole_ledger(db: Database, public_key: Any) -> int:
    """Indices gapless, every stored head signed and equal to a recomputation, consecutive
    heads consistent; returns the size."""
    async with db.read(consistent=True) as read:
        rows = await read.fetch(ENTRIES)
        heads = await read.fetch(HEADS)
    assert [r["index"] for r in rows] == list(range(len(rows)))
    reference = MerkleTree()
    for row in rows:
        entry = LedgerEntry.from_canonical_bytes(bytes(row["data"]))
        assert entry.index == row["index"] and entry.leaf_hash() == bytes(row["leaf_hash"])
        reference.append(bytes(row["data"]))
    assert heads[-1]["tree_size"] == len(rows)
    previous: TreeHead | None = None
    for row in heads:
        head = TreeHead(
            row["tree_size"], row["timestamp_ms"], bytes(row["root_hash"]), bytes(row["signature"])
        )
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

    async def write(writer: LedgerWriter, task: int) -> None:
        for i in range(1 + task % 3):
            await writer.append(EntryKind.ESG_ASSESSED, f"test:concurrency:{task}:{i}", {"task": task})
        await writer.close()

    async def append(task: int) -> None:
        async with replicas[task % 2].write() as tx:
            await write(await LedgerWriter.open(tx, state.signer), task)

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
    async with app.state.runtime.db.read(consistent=True) as read:
        rows = await read.fetch(ENTRIES)
        balances = {address: int(b) for address, b in await read.fetch(BALANCES)}
        per_wallet = {wallet: int(total) for wallet, total in await read.fetch(HISTORY_SUMS)}
    for row in rows:  # the ledger alone, as a partner would read it
        entry = LedgerEntry.from_canonical_bytes(bytes(row["data"]))
        if entry.kind is EntryKind.TOKEN_MINTED:
            minted += entry.payload["amount_micro"]
        elif entry.kind is EntryKind.TOKEN_BURNED:
            burned += entry.payload["amount_micro"]
    assert minted > 0 and burned > 0
    assert all(b >= 0 for b in balances.values())
    assert sum(balances.values()) == minted - burned
    assert per_wallet == balances  # history adds up to each balance
    supply = (await client.get(f"{WALLETS}/supply")).json()
    assert supply == {"minted_micro": minted, "burned_micro": burned, "circulating_micro": minted - burned}
    await check_the_whole_ledger(app.state.runtime.db, state_of(app).signer.public_key)
    latest = (await client.get(f"{LEDGER}/heads/latest")).json()
    assert latest["tree_size"] == len(rows)


async def test_concurrent_events_and_redeliveries_keep_one_verifiable_chain(
    fresh_api: Api, tokens: TokenFactory
) -> None:
    """The consumer's events handled concurrently (each a plain transaction on the pool),
    every one delivered twice, interleaved with transfers through the API: each trade and
    assessment is one entry, each reward minted once, balances are the rewards less what was
    sent, and the outbox announces every entry once, in ledger order, each mint right after
    the entry it announces."""
    client, app = fresh_api
    handler = blockchain_consumer(app.state.runtime)
    rng = random.Random(7)
    producers = [user(tokens, "farmer") for _ in range(4)]
    trades = [
        settled(
            rng.choice(producers).id, rng.randrange(0, 2_000_000), esg=rng.choice([None, 0.0, 55.5, 100.0])
        )
        for _ in range(24)
    ]
    assessments = [scored(rng.choice(producers).id, rng.randrange(0, 3000)) for _ in range(8)]
    envelopes = [Envelope.wrap(e, "test") for e in [*trades, *assessments]]
    deliveries = envelopes * 2
    rng.shuffle(deliveries)
    await asyncio.gather(*(handler(e, {}) for e in deliveries[:32]))
    sender, receiver = producers[0], producers[1]
    sent = await balance(client, sender.wallet) // 4  # a transfer under way with the rest

    async def transfer() -> None:
        body = {"to": receiver.wallet, "amount_micro": sent}
        response = await client.post(
            f"{WALLETS}/{sender.wallet}/transfers", json=body, headers=sender.headers
        )
        assert response.status_code == 201, response.text

    await asyncio.gather(transfer(), *(handler(e, {}) for e in deliveries[32:]))

    reward = {
        t.transaction_id: trade_reward_micro(t.total_value, Decimal(repr(t.producer_esg_score or 0)))
        for t in trades
    }
    expected = {p.wallet: 0 for p in producers}
    for t in trades:
        expected[f"user:{t.producer_id}"] += reward[t.transaction_id]
    expected[sender.wallet] -= sent
    expected[receiver.wallet] += sent
    references = {f"trade:{t.transaction_id}" for t in trades} | {
        f"esg:{a.assessment_id}" for a in assessments
    }
    references |= {f"trade:{t.transaction_id}:reward" for t in trades if reward[t.transaction_id] > 0}
    async with app.state.runtime.db.read(consistent=True) as read:
        entries = {row["reference"]: row["index"] for row in await read.fetch(ENTRIES)}
        balances = {address: int(b) for address, b in await read.fetch(BALANCES)}
        announced = [tuple(row) for row in await read.fetch(ANNOUNCED)]
        recorded = {assessment: index for assessment, index in await read.fetch(ASSESSMENTS)}
    assert references <= entries.keys()  # each once: the reference is unique
    assert {w: balances.get(w, 0) for w in expected} == expected
    assert recorded == {a.assessment_id: entries[f"esg:{a.assessment_id}"] for a in assessments}
    ledger = [int(index) for kind, index, _ in announced if kind == "ledger.recorded"]
    assert ledger == list(range(len(entries)))  # every entry announced once, in ledger order
    for position, (kind, index, reference) in enumerate(announced):
        if kind == "token.minted" and reference.startswith("trade:"):
            assert announced[position - 1] == ("ledger.recorded", index, reference)
    minted = {r for k, _, r in announced if k == "token.minted"}
    assert minted >= {r for r in references if r.endswith(":reward")}
    await check_the_whole_ledger(app.state.runtime.db, state_of(app).signer.public_key)
