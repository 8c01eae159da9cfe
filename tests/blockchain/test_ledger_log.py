"""The in-memory ledger and the service settings: heads grow, bundles verify, anchors link."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.blockchain import cli
from services.blockchain.anchoring.policy import Outcome, catch_up
from services.blockchain.ledger.bundle import verify_bundle
from services.blockchain.ledger.entry import EntryError, EntryKind
from services.blockchain.ledger.merkle import verify_consistency
from services.blockchain.ledger.tree_head import TreeHeadSigner, key_id, verify_tree_head
from services.blockchain.settings import BlockchainSettings
from services.blockchain.tokens.rules import trade_reward_micro
from tests.blockchain.chain_support import web3_rpc
from tests.blockchain.ledger_log import LedgerLog


def test_heads_are_issued_as_the_tree_grows() -> None:
    clock = iter(range(1000, 10**6, 10))
    log = LedgerLog(TreeHeadSigner.generate(), clock=lambda: next(clock))
    with pytest.raises(ValueError):
        log.bundle(0)
    log.append(EntryKind.TRADE_SETTLED, "trade-1", {"value_krw": 1_500_000, "producer": "farm-1"})
    reward = trade_reward_micro(1_500_000, 80)
    log.append("token_minted", "trade-1", {"account": "farm-1", "amount_micro": reward})
    first = log.sign_head()
    assert log.sign_head() is first  # nothing new: same head
    log.append(EntryKind.TOKEN_BURNED, "order-7", {"account": "user-2", "amount_micro": 10})
    second = log.sign_head()
    assert (first.tree_size, second.tree_size) == (2, 3) and second.timestamp_ms >= first.timestamp_ms
    verify_tree_head(second, TreeHeadSigner.from_pem(log._signer.private_key_pem()).public_key)
    verify_consistency(2, 3, first.root_hash, second.root_hash, log.consistency_proof(2))
    assert log.head_at(2) == first
    for index in range(3):
        assert verify_bundle(log.bundle(index)).valid
    assert verify_bundle(log.bundle(1, head=first)).valid
    with pytest.raises(EntryError):  # refused before anything is stored
        log.append(EntryKind.TOKEN_MINTED, "x", {"amount": 1.5})
    assert log.size == 3


async def test_settings_wire_a_working_embedded_ledger() -> None:
    settings = BlockchainSettings()
    log = LedgerLog(settings.tree_head_signer())
    client = settings.anchor_client()  # in-process chain, fresh contract
    for i in range(5):
        log.append(EntryKind.ESG_ASSESSED, f"farm-{i}", {"overall": "81.20"})
    head = log.sign_head()
    policy = settings.anchor_policy()
    result = await catch_up(None, head, client.anchor_async, policy=policy, now_ms=head.timestamp_ms)
    assert result.outcome is Outcome.ANCHORED and result.receipt is not None
    assert result.receipt.tree_size == 5
    log.append(EntryKind.TOKEN_TRANSFERRED, "gift-1", {"from": "a", "to": "b", "amount_micro": 1})
    bundle = log.bundle(5, head=log.sign_head(), anchor=result.receipt.to_anchor())
    verdict = verify_bundle(bundle, rpc=web3_rpc(client._w3), contract=client.contract_address)
    assert verdict.valid, verdict.reason


def test_production_refuses_development_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAMTALK_ENV", "production")
    with pytest.raises(ValueError):
        BlockchainSettings()
    monkeypatch.setenv(
        "PAMTALK_BLOCKCHAIN_LEDGER_SIGNING_KEY", TreeHeadSigner.generate().private_key_pem().decode()
    )
    monkeypatch.setenv("PAMTALK_BLOCKCHAIN_CHAIN_PRIVATE_KEY", "0x" + "11" * 32)
    with pytest.raises(ValueError, match="RPC_URL"):
        BlockchainSettings()
    monkeypatch.setenv("PAMTALK_BLOCKCHAIN_CHAIN_RPC_URL", "http://127.0.0.1:8545")
    monkeypatch.setenv("PAMTALK_BLOCKCHAIN_ANCHOR_CONTRACT_ADDRESS", "0x" + "22" * 20)
    settings = BlockchainSettings()
    assert settings.anchor_client().contract_address.lower() == "0x" + "22" * 20


def test_operator_cli_keygen_and_public_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ledger-key.pem"
    assert cli.main(["keygen", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    signer = TreeHeadSigner.from_pem(out.read_bytes())
    assert key_id(signer.public_key) in printed and out.stat().st_mode & 0o077 == 0
    assert cli.main(["public-key"]) == 0
    dev = BlockchainSettings().tree_head_signer()
    assert key_id(dev.public_key) in capsys.readouterr().out
    assert cli.main(["deploy-anchor"]) == 2  # no chain configured
