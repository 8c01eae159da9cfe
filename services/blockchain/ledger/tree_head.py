"""Signed tree heads (STH): Ed25519 over a fixed, domain-separated byte string.

Signed bytes (70 bytes)::

    b"pamtalk-ledger-sth-v1\\x00"   22 bytes, context (never valid for anything else)
    tree_size                       8 bytes, unsigned big-endian
    timestamp                       8 bytes, unsigned big-endian, ms since the Unix epoch
    root_hash                       32 bytes, RFC 6962 tree hash of the first tree_size entries

JSON form: ``{"tree_size": int, "timestamp": int, "root_hash": hex, "signature": base64}``.
Public keys travel as PEM (SubjectPublicKeyInfo) or as the 32 raw bytes in base64; the key
id is the SHA-256 of the raw key, in hex.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNING_CONTEXT = b"pamtalk-ledger-sth-v1\x00"
_U64 = 1 << 64


class TreeHeadError(ValueError):
    """A tree head or key is malformed, or a signature does not verify."""


def parse_hash(text: Any, what: str = "hash") -> bytes:
    """32 bytes from hex (optional ``0x`` prefix, either case)."""
    if not isinstance(text, str):
        raise TreeHeadError(f"{what} must be a hex string")
    digits = text[2:] if text[:2] in ("0x", "0X") else text
    if len(digits) != 64:
        raise TreeHeadError(f"{what} must be 32 bytes (64 hex digits)")
    try:
        return bytes.fromhex(digits)
    except ValueError as exc:
        raise TreeHeadError(f"{what} is not hex") from exc


def parse_b64(text: Any, what: str) -> bytes:
    """Standard base64, refusing any non-canonical spelling of the same bytes."""
    if not isinstance(text, str):
        raise TreeHeadError(f"{what} must be a base64 string")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TreeHeadError(f"{what} is not base64") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise TreeHeadError(f"{what} is not canonical base64")
    return raw


def _check_u64(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < _U64:
        raise TreeHeadError(f"{what} must be an integer in [0, 2**64)")
    return value


def signing_input(tree_size: int, timestamp_ms: int, root_hash: bytes) -> bytes:
    _check_u64(tree_size, "tree_size")
    _check_u64(timestamp_ms, "timestamp")
    if len(root_hash) != 32:
        raise TreeHeadError("root_hash must be 32 bytes")
    return SIGNING_CONTEXT + tree_size.to_bytes(8, "big") + timestamp_ms.to_bytes(8, "big") + root_hash


@dataclass(frozen=True)
class TreeHead:
    tree_size: int
    timestamp_ms: int
    root_hash: bytes
    signature: bytes

    def signing_input(self) -> bytes:
        return signing_input(self.tree_size, self.timestamp_ms, self.root_hash)

    def to_json_obj(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "timestamp": self.timestamp_ms,
            "root_hash": self.root_hash.hex(),
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }

    @classmethod
    def from_json_obj(cls, obj: Any) -> TreeHead:
        if not isinstance(obj, Mapping):
            raise TreeHeadError("a tree head is a JSON object")
        expected = {"tree_size", "timestamp", "root_hash", "signature"}
        if set(obj) != expected:
            raise TreeHeadError(f"tree head fields must be exactly {sorted(expected)}")
        return cls(
            tree_size=_check_u64(obj["tree_size"], "tree_size"),
            timestamp_ms=_check_u64(obj["timestamp"], "timestamp"),
            root_hash=parse_hash(obj["root_hash"], "root_hash"),
            signature=parse_b64(obj["signature"], "signature"),
        )


def load_public_key(data: str | bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (exactly as ``public_key_pem`` or OpenSSL writes it,
    give or take surrounding whitespace) or from base64 of its 32 raw bytes."""
    text = data.decode("ascii", "replace") if isinstance(data, bytes) else data
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
        else:
            key = Ed25519PublicKey.from_public_bytes(parse_b64(text, "public key"))
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise TreeHeadError(f"not an Ed25519 public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise TreeHeadError("the public key is not an Ed25519 key")
    if text.startswith("-----BEGIN") and public_key_pem(key).strip() != text:
        raise TreeHeadError("the public key PEM has extra or altered text around the key")
    return key


def public_key_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_key_raw(key)).decode("ascii")


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def key_id(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: the fingerprint partners pin."""
    return hashlib.sha256(public_key_raw(key)).hexdigest()


def verify_tree_head(head: TreeHead, key: Ed25519PublicKey) -> None:
    """Raise ``TreeHeadError`` unless ``head`` is signed by ``key``."""
    try:
        key.verify(head.signature, head.signing_input())
    except InvalidSignature as exc:
        raise TreeHeadError("tree head signature does not verify with the given key") from exc


class TreeHeadSigner:
    """Holds the log's Ed25519 private key (loaded from a secret) and signs tree heads."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key

    @classmethod
    def generate(cls) -> TreeHeadSigner:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: str | bytes, password: bytes | None = None) -> TreeHeadSigner:
        data = pem.encode("ascii") if isinstance(pem, str) else pem
        data = data[data.find(b"-----BEGIN") :] if b"-----BEGIN" in data else data  # skip comments
        try:
            key = serialization.load_pem_private_key(data, password=password)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise TreeHeadError(f"cannot load the tree head signing key: {exc}") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise TreeHeadError("the tree head signing key is not an Ed25519 key")
        return cls(key)

    def private_key_pem(self, password: bytes | None = None) -> bytes:
        """PKCS#8 PEM, encrypted when ``password`` is given (to store as a secret)."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
        )
        return self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self._key.public_key()

    def sign(self, tree_size: int, root_hash: bytes, timestamp_ms: int | None = None) -> TreeHead:
        ts = time.time_ns() // 1_000_000 if timestamp_ms is None else timestamp_ms
        signature = self._key.sign(signing_input(tree_size, ts, root_hash))
        return TreeHead(tree_size, ts, bytes(root_hash), signature)
