"""Signed tree heads: Ed25519 over the documented bytes; any changed byte is caught."""

from __future__ import annotations

import base64

import pytest

from services.blockchain.ledger.tree_head import (
    SIGNING_CONTEXT,
    TreeHead,
    TreeHeadError,
    TreeHeadSigner,
    key_id,
    load_public_key,
    public_key_b64,
    public_key_pem,
    signing_input,
    verify_tree_head,
)

ROOT = bytes(range(32))


@pytest.fixture(scope="module")
def signer() -> TreeHeadSigner:
    return TreeHeadSigner.generate()


def test_signed_bytes_layout() -> None:
    data = signing_input(5, 1_700_000_000_000, ROOT)
    assert data == SIGNING_CONTEXT + (5).to_bytes(8, "big") + (1_700_000_000_000).to_bytes(8, "big") + ROOT
    assert len(data) == 70


def test_sign_verify_and_json_round_trip(signer: TreeHeadSigner) -> None:
    head = signer.sign(5, ROOT, timestamp_ms=1_700_000_000_000)
    verify_tree_head(head, signer.public_key)
    assert TreeHead.from_json_obj(head.to_json_obj()) == head
    assert signer.sign(0, ROOT).timestamp_ms > 1_700_000_000_000  # defaults to now


def test_every_changed_byte_is_caught(signer: TreeHeadSigner) -> None:
    head = signer.sign(1234, ROOT, timestamp_ms=1_700_000_000_000)
    variants = [
        TreeHead(1235, head.timestamp_ms, head.root_hash, head.signature),
        TreeHead(head.tree_size, head.timestamp_ms + 1, head.root_hash, head.signature),
    ]
    for i in range(32):
        root = bytearray(ROOT)
        root[i] ^= 0x80
        variants.append(TreeHead(head.tree_size, head.timestamp_ms, bytes(root), head.signature))
    for i in range(64):
        sig = bytearray(head.signature)
        sig[i] ^= 0x01
        variants.append(TreeHead(head.tree_size, head.timestamp_ms, head.root_hash, bytes(sig)))
    for bad in variants:
        with pytest.raises(TreeHeadError):
            verify_tree_head(bad, signer.public_key)
    with pytest.raises(TreeHeadError):
        verify_tree_head(head, TreeHeadSigner.generate().public_key)


def test_keys_load_from_pem_and_raw_base64(signer: TreeHeadSigner) -> None:
    pem = public_key_pem(signer.public_key)
    raw = public_key_b64(signer.public_key)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----") and len(base64.b64decode(raw)) == 32
    for form in (pem, raw, pem.encode()):
        assert key_id(load_public_key(form)) == key_id(signer.public_key)
    restored = TreeHeadSigner.from_pem(signer.private_key_pem())
    locked = TreeHeadSigner.from_pem(signer.private_key_pem(b"s3cret"), password=b"s3cret")
    head = restored.sign(1, ROOT)
    verify_tree_head(head, locked.public_key)
    for bad in ["", "AAAA", raw[:-4], "-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----"]:
        with pytest.raises(TreeHeadError):
            load_public_key(bad)
    with pytest.raises(TreeHeadError):
        TreeHeadSigner.from_pem(b"not a key")


@pytest.mark.parametrize(
    "change",
    [
        {"tree_size": -1},
        {"tree_size": True},
        {"timestamp": 2**64},
        {"root_hash": "00" * 31},
        {"root_hash": "zz" * 32},
        {"signature": "!!"},
        {"extra": 1},
    ],
)
def test_malformed_json_is_refused(signer: TreeHeadSigner, change: dict[str, object]) -> None:
    obj = {**signer.sign(3, ROOT).to_json_obj(), **change}
    with pytest.raises(TreeHeadError):
        TreeHead.from_json_obj(obj)


def test_non_canonical_base64_is_refused(signer: TreeHeadSigner) -> None:
    obj = signer.sign(3, ROOT).to_json_obj()
    sig = obj["signature"]
    assert sig.endswith("==")  # 64 bytes: the last character carries 4 unused bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    twin = sig[:-3] + alphabet[alphabet.index(sig[-3]) ^ 1] + "=="
    assert base64.b64decode(twin) == base64.b64decode(sig)
    with pytest.raises(TreeHeadError):
        TreeHead.from_json_obj({**obj, "signature": twin})
