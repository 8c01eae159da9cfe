"""Ledger entries and their canonical bytes (the Merkle leaf is ``leaf_hash(canonical_bytes)``).

Canonical JSON, version 1:

* one JSON object ``{"index", "kind", "payload", "reference", "timestamp", "v"}``;
* keys sorted by Unicode code point at every level, no whitespace (``","`` and ``":"``),
  UTF-8 without ``\\u`` escapes for non-ASCII text;
* values are strings, integers, booleans, ``null``, lists and objects only: no floats
  (amounts are integers in the smallest unit, e.g. micro-DC or KRW), no ``NaN``;
* ``timestamp`` is milliseconds since the Unix epoch (UTC); ``index`` is the entry's
  position in the log (0-based) and equals its leaf index.

The same rules are written for partners in ``docs/ledger-verification.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .merkle import leaf_hash

ENCODING_VERSION = 1
_FIELDS = frozenset({"index", "kind", "payload", "reference", "timestamp", "v"})


class EntryKind(StrEnum):
    TRADE_SETTLED = "trade_settled"
    ESG_ASSESSED = "esg_assessed"
    TOKEN_MINTED = "token_minted"
    TOKEN_TRANSFERRED = "token_transferred"
    TOKEN_BURNED = "token_burned"


class EntryError(ValueError):
    """The entry cannot be encoded canonically (or bytes are not a canonical entry)."""


def _check_value(value: Any, where: str) -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        return
    if isinstance(value, float):
        raise EntryError(f"{where}: floats are not allowed; use integers in the smallest unit")
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_value(item, f"{where}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EntryError(f"{where}: object keys must be strings")
            _check_value(item, f"{where}.{key}")
        return
    raise EntryError(f"{where}: {type(value).__name__} is not a JSON value (use int or str)")


def canonical_json(value: Any) -> bytes:
    """Canonical JSON bytes of a JSON-compatible value (see the module docstring)."""
    _check_value(value, "$")
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate in a string
        raise EntryError("strings must be valid Unicode") from exc


@dataclass(frozen=True)
class LedgerEntry:
    kind: EntryKind
    index: int
    timestamp_ms: int
    reference: str
    payload: Mapping[str, Any]

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", EntryKind(self.kind))
        except ValueError as exc:
            raise EntryError(f"unknown entry kind {self.kind!r}") from exc
        for name in ("index", "timestamp_ms"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise EntryError(f"{name} must be a non-negative integer")
        if not isinstance(self.reference, str) or not self.reference:
            raise EntryError("reference must be a non-empty string")
        if not isinstance(self.payload, Mapping):
            raise EntryError("payload must be an object")
        _check_value(self.payload, "payload")

    def to_json_obj(self) -> dict[str, Any]:
        """The JSON object whose canonical form is hashed (also the verifier's input)."""
        return {
            "v": ENCODING_VERSION,
            "kind": self.kind.value,
            "index": self.index,
            "timestamp": self.timestamp_ms,
            "reference": self.reference,
            "payload": dict(self.payload),
        }

    def canonical_bytes(self) -> bytes:
        return canonical_json(self.to_json_obj())

    def leaf_hash(self) -> bytes:
        return leaf_hash(self.canonical_bytes())

    @classmethod
    def from_json_obj(cls, obj: Any) -> LedgerEntry:
        if not isinstance(obj, Mapping):
            raise EntryError("an entry is a JSON object")
        if set(obj) != _FIELDS:
            missing, extra = sorted(_FIELDS - set(obj)), sorted(set(obj) - _FIELDS)
            raise EntryError(f"entry fields wrong (missing {missing}, unexpected {extra})")
        if type(obj["v"]) is not int or obj["v"] != ENCODING_VERSION:
            raise EntryError(f"unsupported entry encoding version {obj['v']!r}")
        return cls(
            kind=obj["kind"],
            index=obj["index"],
            timestamp_ms=obj["timestamp"],
            reference=obj["reference"],
            payload=obj["payload"],
        )

    @classmethod
    def from_canonical_bytes(cls, data: bytes) -> LedgerEntry:
        """Parse stored leaf data, refusing anything that is not byte-for-byte canonical."""
        try:
            obj = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise EntryError(f"not JSON: {exc}") from exc
        entry = cls.from_json_obj(obj)
        if entry.canonical_bytes() != data:
            raise EntryError("bytes are not in canonical form")
        return entry
