"""AnchorClient on a real in-process EVM (eth-tester + py-evm): deploy, anchor, read back,
refusals, outages and catch-up."""

from __future__ import annotations

import hashlib
import socket

import pytest
from eth_tester import EthereumTester, PyEVMBackend
from web3.types import Wei

from services.blockchain.anchoring.chain import (
    AnchorClient,
    AnchorRejected,
    ChainUnavailable,
    in_process_chain,
    local_anchor_client,
)
from services.blockchain.anchoring.policy import AnchorPolicy, AnchorState, Outcome, catch_up
from services.blockchain.ledger.tree_head import TreeHeadSigner
from tests.blockchain.chain_support import OutageProvider

R1, R2 = hashlib.sha256(b"one").digest(), hashlib.sha256(b"two").digest()


@pytest.fixture(scope="module")
def flaky() -> tuple[AnchorClient, OutageProvider]:
    provider = OutageProvider(EthereumTester(PyEVMBackend()))
    w3, account = in_process_chain(provider=provider)
    client = AnchorClient(w3, account)
    client.deploy()
    return client, provider


@pytest.fixture
def client(flaky: tuple[AnchorClient, OutageProvider]) -> AnchorClient:
    flaky[1].down = False
    return flaky[0]


def test_deploy_anchor_and_read_back(client: AnchorClient) -> None:
    receipt = client.anchor(10, R1)
    assert receipt.tree_size == 10 and receipt.root_hash == R1
    assert receipt.chain_id == client.chain_id() and receipt.block_number >= 1
    assert len(receipt.tx_hash) == 32 and receipt.contract_address == client.contract_address
    assert client.root_at(10) == R1
    assert client.root_at(11) is None
    assert client.latest_tree_size() >= 10
    assert receipt.to_anchor().contract_address == client.contract_address.lower()


def test_re_anchoring_the_same_root_returns_the_original_transaction(client: AnchorClient) -> None:
    first = client.anchor(20, R2)
    again = client.anchor(20, R2)
    assert again == first


def test_a_different_root_for_an_anchored_size_is_refused(client: AnchorClient) -> None:
    client.anchor(30, R1)
    with pytest.raises(AnchorRejected, match="conflicting root"):
        client.anchor(30, R2)
    assert client.root_at(30) == R1


def test_non_owner_is_rejected(client: AnchorClient) -> None:
    w3 = client._w3
    from eth_account import Account

    stranger = Account.create()
    tx = w3.eth.send_transaction({"from": w3.eth.accounts[0], "to": stranger.address, "value": Wei(10**18)})
    w3.eth.wait_for_transaction_receipt(tx)
    intruder = AnchorClient(w3, stranger, client.contract_address)
    with pytest.raises(AnchorRejected, match="not owner"):
        intruder.anchor(40, R1)
    assert client.root_at(40) is None


def test_empty_tree_and_bad_root_are_refused(client: AnchorClient) -> None:
    with pytest.raises(AnchorRejected, match="empty tree"):
        client.anchor(0, R1)
    with pytest.raises(ValueError):
        client.anchor(1, R1[:31])


def test_outage_surfaces_as_chain_unavailable(flaky: tuple[AnchorClient, OutageProvider]) -> None:
    client, provider = flaky
    provider.down = True
    with pytest.raises(ChainUnavailable):
        client.anchor(50, R1)
    with pytest.raises(ChainUnavailable):
        client.root_at(50)
    provider.down = False
    assert client.root_at(50) is None


def test_unreachable_json_rpc_endpoint_is_chain_unavailable() -> None:
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    key = "0x" + "11" * 32
    remote = AnchorClient.connect(f"http://127.0.0.1:{port}", key, "0x" + "22" * 20, request_timeout=2)
    with pytest.raises(ChainUnavailable):
        remote.anchor(1, R1)


async def test_catch_up_after_an_outage(flaky: tuple[AnchorClient, OutageProvider]) -> None:
    client, provider = flaky
    signer = TreeHeadSigner.generate()
    policy = AnchorPolicy(every_entries=100, every_seconds=60)
    last = AnchorState(tree_size=100, anchored_at_ms=0)
    anchor = client.anchor_async

    head = signer.sign(150, R1, timestamp_ms=30_000)
    assert (await catch_up(last, head, anchor, policy=policy, now_ms=30_000)).outcome is Outcome.NOT_DUE

    provider.down = True  # the chain goes away; the ledger keeps growing
    head = signer.sign(260, R2, timestamp_ms=90_000)
    failed = await catch_up(last, head, anchor, policy=policy, now_ms=90_000)
    assert failed.outcome is Outcome.CHAIN_UNAVAILABLE and failed.receipt is None
    assert "outage" in (failed.error or "")

    provider.down = False  # back: the next tick anchors the latest root, covering 101..260
    done = await catch_up(last, head, anchor, policy=policy, now_ms=95_000)
    assert done.outcome is Outcome.ANCHORED and done.receipt is not None
    assert client.root_at(260) == R2 and done.receipt.tree_size == 260
    state = AnchorState(done.receipt.tree_size, 95_000)
    assert (await catch_up(state, head, anchor, policy=policy, now_ms=96_000)).outcome is Outcome.UP_TO_DATE


async def test_catch_up_rejection(flaky: tuple[AnchorClient, OutageProvider]) -> None:
    client, provider = flaky
    provider.down = False
    signer = TreeHeadSigner.generate()
    policy = AnchorPolicy(every_entries=1, every_seconds=1)
    head = signer.sign(70, R1)
    result = await catch_up(None, head, client.anchor_async, policy=policy, now_ms=0)
    assert result.outcome is Outcome.ANCHORED
    conflicting = signer.sign(70, R2)
    refused = await catch_up(AnchorState(69, 0), conflicting, client.anchor_async, policy=policy, now_ms=0)
    assert refused.outcome is Outcome.REJECTED and "conflicting" in (refused.error or "")


def test_local_anchor_client_factory() -> None:
    client = local_anchor_client()
    assert client.anchor(1, R1).block_number > 0
    assert client.root_at(1) == R1
