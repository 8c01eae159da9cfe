"""The partner's verifier: bundles, tampering anywhere, anchors on the chain, the CLI."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from services.blockchain.anchoring.chain import AnchorClient, local_anchor_client
from services.blockchain.ledger import verify
from services.blockchain.ledger.anchor import Anchor
from services.blockchain.ledger.bundle import make_bundle, verify_bundle
from services.blockchain.ledger.entry import EntryKind, LedgerEntry
from services.blockchain.ledger.tree import MerkleTree
from services.blockchain.ledger.tree_head import (
    TreeHead,
    TreeHeadSigner,
    key_id,
    load_public_key,
    public_key_b64,
    public_key_pem,
)
from tests.blockchain.chain_support import serve_rpc, web3_rpc

PACKAGE = Path(verify.__file__).parents[1]  # services/blockchain
T0 = 1_700_000_000_000
PAYLOADS: list[tuple[EntryKind, dict[str, Any]]] = [
    (EntryKind.ESG_ASSESSED, {"farm_id": "farm-1", "overall": "82.35", "grade": "Gold"}),
    (EntryKind.TOKEN_MINTED, {"account": "farm-1", "amount_micro": 5_000_000_000, "reason": "esg"}),
    (EntryKind.TRADE_SETTLED, {"trade_id": "t-1", "producer": "farm-1", "value_krw": 1_500_000}),
    (EntryKind.TOKEN_MINTED, {"account": "farm-1", "amount_micro": 2_735_250_000, "reason": "trade"}),
    (EntryKind.TOKEN_TRANSFERRED, {"from": "farm-1", "to": "user-9", "amount_micro": 100_000_000}),
    (EntryKind.TRADE_SETTLED, {"trade_id": "t-2", "producer": "농장-2", "value_krw": 48_000}),
    (EntryKind.TOKEN_BURNED, {"account": "user-9", "amount_micro": 5_000_000, "reason": "redeem"}),
]


class Ledger:
    def __init__(self, size: int) -> None:
        self.signer = TreeHeadSigner.generate()
        self.tree = MerkleTree()
        self.entries: list[LedgerEntry] = []
        for i in range(size):
            kind, payload = PAYLOADS[i % len(PAYLOADS)]
            entry = LedgerEntry(kind, i, T0 + i * 1000, f"ref-{i}", payload)
            self.entries.append(entry)
            self.tree.append(entry.canonical_bytes())
        self.head = self.signer.sign(size, self.tree.root(), timestamp_ms=T0 + size * 1000)

    def bundle(self, index: int, anchor: Anchor | None = None, key: str = "pem") -> dict[str, Any]:
        pub = (
            public_key_pem(self.signer.public_key) if key == "pem" else public_key_b64(self.signer.public_key)
        )
        link = self.tree.consistency_proof(anchor.tree_size) if anchor else []
        return make_bundle(
            self.entries[index], self.tree.inclusion_proof(index), self.head, pub, anchor, link
        )


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return Ledger(12)


@pytest.fixture(scope="module")
def chain(ledger: Ledger) -> tuple[AnchorClient, Anchor]:
    client = local_anchor_client()
    anchor = client.anchor(8, ledger.tree.root(8)).to_anchor()
    client.anchor(9, ledger.tree.root(9))  # a later block, so the size-8 anchor has 2 confirmations
    return client, anchor


def test_every_entry_verifies(ledger: Ledger) -> None:
    for i in range(12):
        verdict = verify_bundle(ledger.bundle(i, key="raw"), public_key=ledger.signer.public_key)
        assert verdict.valid, verdict.reason
    verdict = verify_bundle(ledger.bundle(5))
    assert verdict.valid and "key from the bundle" in verdict.details[2]


def test_any_flipped_byte_of_the_bundle_is_invalid(ledger: Ledger) -> None:
    """Flip the lowest bit of each byte of the serialized bundle (entry, proof, head, key)."""
    text = json.dumps(ledger.bundle(5), ensure_ascii=False, separators=(",", ":")).encode()
    assert verify_bundle(json.loads(text)).valid
    for pos in range(len(text)):
        changed = text[:pos] + bytes([text[pos] ^ 1]) + text[pos + 1 :]
        try:
            bundle = json.loads(changed.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # the CLI reports an unreadable bundle as INVALID
        verdict = verify_bundle(bundle)
        assert not verdict.valid, f"byte {pos} ({chr(text[pos])!r}) changed and still valid"


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("entry", {"index": 6}),
        ("entry", {"timestamp": T0 + 5001}),
        ("entry", {"reference": "ref-6"}),
        ("entry", {"kind": "token_burned"}),
        ("entry", {"payload": {"trade_id": "t-2", "producer": "농장-2", "value_krw": 48_001}}),
        ("inclusion_proof", {"leaf_index": 4}),
        ("inclusion_proof", {"tree_size": 11}),
        ("tree_head", {"tree_size": 11}),
    ],
)
def test_field_changes_are_invalid(ledger: Ledger, where: str, change: dict[str, Any]) -> None:
    bundle = ledger.bundle(5)
    bundle[where] = {**bundle[where], **change}
    assert not verify_bundle(bundle).valid


def test_wrong_pinned_key_is_invalid(ledger: Ledger) -> None:
    verdict = verify_bundle(ledger.bundle(5), public_key=TreeHeadSigner.generate().public_key)
    assert not verdict.valid and "signature" in verdict.reason


def test_anchor_checked_on_chain(ledger: Ledger, chain: tuple[AnchorClient, Anchor]) -> None:
    client, anchor = chain
    rpc = web3_rpc(client._w3)
    for index in (3, 10):  # covered by the anchor / newer than it
        verdict = verify_bundle(ledger.bundle(index, anchor), rpc=rpc, contract=client.contract_address)
        assert verdict.valid, verdict.reason
        assert "consistent with the tree head" in verdict.details[-1]
    assert "covers this entry" in verify_bundle(ledger.bundle(3, anchor), rpc=rpc).details[-1]
    unchecked = verify_bundle(ledger.bundle(3, anchor))
    assert unchecked.valid and "not checked" in unchecked.details[-1]


def _anchor_variants(ledger: Ledger, anchor: Anchor, other: Anchor) -> list[tuple[dict[str, Any], str]]:
    good = ledger.bundle(3, anchor)["anchor"]
    flipped_root = ("1" if good["root_hash"][0] == "0" else "0") + good["root_hash"][1:]
    flipped_link = [
        ("f" if good["consistency_proof"][0][0] != "f" else "e") + good["consistency_proof"][0][1:]
    ]
    return [
        ({"root_hash": flipped_root}, "consistency"),
        ({"consistency_proof": flipped_link}, "consistency"),
        ({"consistency_proof": []}, "consistency"),
        ({"chain_id": anchor.chain_id + 1}, "chain"),
        ({"block_number": anchor.block_number + 1}, "another block"),
        ({"tx_hash": "0x" + "ab" * 32}, "not on this chain"),
        ({"tx_hash": "0x" + other.tx_hash.hex()}, "another block"),
        ({"tx_hash": "0x" + other.tx_hash.hex(), "block_number": other.block_number}, "did not log"),
        (
            {
                "tree_size": 9,
                "root_hash": ledger.tree.root(9).hex(),
                "consistency_proof": [h.hex() for h in ledger.tree.consistency_proof(9)],
            },
            "did not log",
        ),
    ]


def test_anchor_tampering_is_invalid(ledger: Ledger, chain: tuple[AnchorClient, Anchor]) -> None:
    client, anchor = chain
    rpc = web3_rpc(client._w3)
    other = client.anchor(9, ledger.tree.root(9)).to_anchor()
    for change, reason in _anchor_variants(ledger, anchor, other):
        bundle = ledger.bundle(3, anchor)
        bundle["anchor"] = {**bundle["anchor"], **change}
        verdict = verify_bundle(bundle, rpc=rpc)
        assert not verdict.valid and reason in verdict.reason, (change, verdict.reason)
    bundle = ledger.bundle(3, anchor)
    assert not verify_bundle(bundle, rpc=rpc, contract="0x" + "12" * 20).valid  # pinned elsewhere
    assert not verify_bundle(bundle, rpc=rpc, min_confirmations=10**6).valid
    assert not verify_bundle(ledger.bundle(3), rpc=rpc).valid  # asked to check, no anchor


def test_cli_offline(ledger: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(ledger.bundle(5)), encoding="utf-8")
    key = tmp_path / "ledger.pem"
    key.write_text(public_key_pem(ledger.signer.public_key), encoding="ascii")
    assert verify.main([str(path), "--public-key", str(key)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("VALID") and "pinned key" in out
    other = tmp_path / "other.pem"
    other.write_text(public_key_pem(TreeHeadSigner.generate().public_key), encoding="ascii")
    assert verify.main([str(path), "--public-key", str(other)]) == 1
    assert capsys.readouterr().out.startswith("INVALID: tree head signature")
    assert verify.main([str(tmp_path / "missing.json")]) == 1
    assert verify.main([str(path), "--anchor"]) == 1
    assert "--rpc" in capsys.readouterr().out
    assert verify.run(["-"], stdin=io.StringIO(path.read_text())).valid
    assert not verify.run(["-"], stdin=io.StringIO("{not json")).valid


def test_cli_checks_the_anchor_over_json_rpc(
    ledger: Ledger, chain: tuple[AnchorClient, Anchor], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client, anchor = chain
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(ledger.bundle(3, anchor)), encoding="utf-8")
    with serve_rpc(web3_rpc(client._w3)) as url:
        args = [str(path), "--anchor", "--rpc", url, "--contract", client.contract_address]
        assert verify.main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("VALID") and f"block {anchor.block_number}" in out
    assert verify.main(args) == 1  # the node is gone now
    assert "unreachable" in capsys.readouterr().out


def test_verifier_runs_from_a_copy_of_its_files_alone(ledger: Ledger, tmp_path: Path) -> None:
    """A partner copies the ledger/ folder and runs its verifier: nothing else of PAM-TALK is needed."""
    target = tmp_path / "services" / "blockchain"
    shutil.copytree(PACKAGE / "ledger", target / "ledger", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "services" / "__init__.py").write_text("")
    (target / "__init__.py").write_text("")
    (tmp_path / "bundle.json").write_text(json.dumps(ledger.bundle(7)), encoding="utf-8")
    probe = (
        "import os, runpy, sys\n"
        "sys.argv = ['verify', 'bundle.json']\n"
        "try:\n    runpy.run_module('services.blockchain.ledger.verify', run_name='__main__')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "import services\n"
        "assert os.path.realpath(services.__file__).startswith(os.path.realpath(os.getcwd()))\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "print('FOREIGN', sorted(loaded & {'pamtalk', 'web3', 'eth_tester', 'requests', 'vyper'}))\n"
        "sys.exit(code)\n"
    )
    env = {"PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("VALID") and "FOREIGN []" in done.stdout


def test_the_documented_example_verifies() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "ledger-verification.md").read_text(encoding="utf-8")
    bundle = json.loads(doc.split("```json\n", 1)[1].split("```", 1)[0])
    verdict = verify_bundle(bundle)
    assert verdict.valid, verdict.reason
    key = load_public_key(bundle["public_key"])
    assert key_id(key) in doc
    entry = LedgerEntry.from_json_obj(bundle["entry"])
    assert entry.canonical_bytes().decode() in doc and entry.leaf_hash().hex() in doc
    assert TreeHead.from_json_obj(bundle["tree_head"]).signing_input().hex() in doc
