"""The committed Anchor.json is what Anchor.vy compiles to, and the verifier's constants match."""

from __future__ import annotations

import pytest
from web3 import Web3

from services.blockchain.contracts.build import compile_anchor, load_artifact
from services.blockchain.ledger.anchor import ANCHORED_TOPIC, ROOT_AT_SELECTOR


def test_recompiling_the_source_gives_the_committed_artifact() -> None:
    pytest.importorskip("vyper", reason="the Vyper compiler is not installed")
    built, committed = compile_anchor(), load_artifact()
    assert built["bytecode"] == committed["bytecode"], "Anchor.json is stale: run contracts.build"
    assert built == committed


def test_verifier_constants_match_the_abi() -> None:
    abi = load_artifact()["abi"]
    names = {item.get("name"): item for item in abi}
    assert [i["type"] for i in names["root_at"]["inputs"]] == ["uint256"]
    assert [(i["type"], i["indexed"]) for i in names["Anchored"]["inputs"]] == [
        ("uint256", True),
        ("bytes32", False),
    ]
    assert Web3.keccak(text="root_at(uint256)")[:4].hex() == ROOT_AT_SELECTOR
    assert Web3.keccak(text="Anchored(uint256,bytes32)").hex() == ANCHORED_TOPIC
    assert load_artifact()["method_identifiers"]["root_at(uint256)"] == "0x" + ROOT_AT_SELECTOR
