"""Anchoring on a real in-process EVM: the latest signed root goes to the chain every N
entries, anchors are listed and put in bundles, and a chain outage never stops the ledger:
anchoring catches up with the newest root once the chain is back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from eth_tester import EthereumTester, PyEVMBackend

from services.blockchain.anchoring.chain import AnchorClient, in_process_chain
from services.blockchain.anchoring.chain_rpc import client_rpc
from services.blockchain.anchoring.policy import Outcome
from services.blockchain.ledger.bundle import verify_bundle
from services.blockchain.ledger.tree_head import load_public_key
from tests.blockchain.chain_support import OutageProvider
from tests.blockchain.conftest import Api
from tests.blockchain.support import LEDGER, User, ledger_service, settle, settled, state_of
from tests.conftest import TokenFactory
from tests.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def flaky_chain() -> tuple[AnchorClient, OutageProvider]:
    provider = OutageProvider(EthereumTester(PyEVMBackend()))
    w3, account = in_process_chain(provider=provider)
    client = AnchorClient(w3, account)
    client.deploy()
    return client, provider


@pytest.fixture
async def anchored_api(
    database_url: str, redis_url: str, tokens: TokenFactory, flaky_chain: tuple[AnchorClient, OutageProvider]
) -> AsyncIterator[Api]:
    flaky_chain[1].down = False
    async with ledger_service(
        database_url,
        redis_url,
        tokens,
        anchor_client=flaky_chain[0],
        anchor_every_entries=4,
        anchor_every_seconds=3600,
        in_process_anchor_every_seconds=3600,
        anchor_poll_seconds=3600,  # the test ticks by hand
    ) as pair:
        yield pair


async def anchor_now(api: Api, *, force: bool = True) -> Outcome:
    anchorer = state_of(api[1]).anchorer
    assert anchorer is not None
    result = await anchorer.tick(force=force)
    assert result is not None
    return result.outcome


async def test_anchors_are_written_listed_and_proven(
    anchored_api: Api, farmer: User, flaky_chain: tuple[AnchorClient, OutageProvider]
) -> None:
    client, app = anchored_api
    chain, _ = flaky_chain
    trade = await settle(client, app, settled(farmer.id, 250_000))
    assert await anchor_now(anchored_api) is Outcome.ANCHORED
    head = (await client.get(f"{LEDGER}/heads/latest")).json()

    anchors = (await client.get(f"{LEDGER}/anchors")).json()["items"]
    latest = anchors[0]
    assert latest["tree_size"] == head["tree_size"] and latest["root_hash"] == head["root_hash"]
    assert (
        latest["chain_id"] == chain.chain_id()
        and latest["contract_address"] == chain.contract_address.lower()
    )
    assert chain.root_at(head["tree_size"]) == bytes.fromhex(head["root_hash"])

    async def announced() -> bool:  # the outbox relay publishes after the commit, on its own task
        published = [e for e in app.state.runtime.bus.published if e.type == "ledger.anchored"]
        return bool(published) and published[-1].data["tx_hash"] == latest["tx_hash"]

    await eventually(announced)
    assert await anchor_now(anchored_api) is Outcome.UP_TO_DATE

    bundle = (await client.get(f"{LEDGER}/entries/{trade['entry']['index']}/bundle")).json()
    assert bundle["anchor"]["tree_size"] == head["tree_size"]
    key = load_public_key((await client.get(f"{LEDGER}/public-key")).json()["pem"])
    verdict = verify_bundle(bundle, public_key=key, rpc=client_rpc(chain), contract=chain.contract_address)
    assert verdict.valid, verdict.reason
    assert "covers this entry" in verdict.details[-1]

    # a later entry: the bundle names the latest anchor, which predates it, and still checks out
    later = await settle(client, app, settled(farmer.id, 1_000))
    bundle = (await client.get(f"{LEDGER}/entries/{later['entry']['index']}/bundle")).json()
    verdict = verify_bundle(bundle, public_key=key, rpc=client_rpc(chain), contract=chain.contract_address)
    assert verdict.valid and "predates this entry" in verdict.details[-1]


async def test_the_policy_decides_when(anchored_api: Api, farmer: User) -> None:
    client, app = anchored_api
    await settle(client, app, settled(farmer.id, 1_000))
    await anchor_now(anchored_api)  # start from a fresh anchor
    await settle(client, app, settled(farmer.id, 1_000))  # two entries: fewer than 4
    assert await anchor_now(anchored_api, force=False) is Outcome.NOT_DUE
    await settle(client, app, settled(farmer.id, 1_000))  # four entries waiting
    assert await anchor_now(anchored_api, force=False) is Outcome.ANCHORED


async def test_a_chain_outage_does_not_stop_the_ledger_and_anchoring_catches_up(
    anchored_api: Api, farmer: User, flaky_chain: tuple[AnchorClient, OutageProvider]
) -> None:
    client, app = anchored_api
    chain, provider = flaky_chain
    await settle(client, app, settled(farmer.id, 1_000))
    await anchor_now(anchored_api)
    before = (await client.get(f"{LEDGER}/anchors")).json()["items"]

    provider.down = True
    during = [await settle(client, app, settled(farmer.id, 10_000 * i)) for i in range(1, 4)]
    assert await anchor_now(anchored_api) is Outcome.CHAIN_UNAVAILABLE
    assert (await client.get(f"{LEDGER}/anchors")).json()["items"] == before
    assert (await client.get(f"{LEDGER}/chain")).status_code == 200
    head = (await client.get(f"{LEDGER}/heads/latest")).json()
    assert head["tree_size"] > during[-1]["entry"]["index"]  # entries and heads went on

    provider.down = False
    assert await anchor_now(anchored_api) is Outcome.ANCHORED
    caught_up = (await client.get(f"{LEDGER}/anchors")).json()["items"][0]
    assert caught_up["tree_size"] == head["tree_size"] and caught_up["root_hash"] == head["root_hash"]
    metrics = (await client.get("/metrics")).text
    assert (
        "ledger_unanchored_entries 0.0" in metrics and f"ledger_entries {float(head['tree_size'])}" in metrics
    )
    key = load_public_key((await client.get(f"{LEDGER}/public-key")).json()["pem"])
    for trade in during:
        bundle = (await client.get(f"{LEDGER}/entries/{trade['entry']['index']}/bundle")).json()
        verdict = verify_bundle(bundle, public_key=key, rpc=client_rpc(chain))
        assert verdict.valid and "covers this entry" in verdict.details[-1], verdict.reason


async def test_the_background_task_anchors_by_itself(
    database_url: str,
    redis_url: str,
    tokens: TokenFactory,
    farmer: User,
    flaky_chain: tuple[AnchorClient, OutageProvider],
) -> None:
    flaky_chain[1].down = False
    async with ledger_service(
        database_url,
        redis_url,
        tokens,
        anchor_client=flaky_chain[0],
        anchor_every_entries=1,
        anchor_poll_seconds=0.05,
    ) as (client, app):
        await settle(client, app, settled(farmer.id, 1_000))
        size = (await client.get(f"{LEDGER}/heads/latest")).json()["tree_size"]

        async def anchored() -> bool:
            items = (await client.get(f"{LEDGER}/anchors")).json()["items"]
            return bool(items) and items[0]["tree_size"] >= size

        assert await eventually(anchored)
