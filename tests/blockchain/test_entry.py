"""Canonical bytes of ledger entries: deterministic, strict, and what the leaf hashes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.blockchain.ledger.entry import EntryError, EntryKind, LedgerEntry, canonical_json
from services.blockchain.ledger.merkle import leaf_hash


def trade(**overrides: Any) -> LedgerEntry:
    fields: dict[str, Any] = {
        "kind": EntryKind.TRADE_SETTLED,
        "index": 7,
        "timestamp_ms": 1_700_000_000_123,
        "reference": "trade-42",
        "payload": {"value_krw": 150_000, "producer": "farm-1", "crop": "토마토"},
    }
    return LedgerEntry(**{**fields, **overrides})


def test_golden_bytes() -> None:
    expected = (
        '{"index":7,"kind":"trade_settled","payload":{"crop":"토마토","producer":"farm-1",'
        '"value_krw":150000},"reference":"trade-42","timestamp":1700000000123,"v":1}'
    ).encode()
    entry = trade()
    assert entry.canonical_bytes() == expected
    assert entry.leaf_hash() == leaf_hash(expected)


def test_key_order_does_not_matter_but_values_do() -> None:
    a = trade(payload={"a": 1, "b": {"y": 2, "x": [1, "z", None, True]}})
    b = trade(payload={"b": {"x": [1, "z", None, True], "y": 2}, "a": 1})
    assert a.canonical_bytes() == b.canonical_bytes()
    assert trade(payload={"a": 2}).leaf_hash() != trade(payload={"a": 1}).leaf_hash()
    assert trade(payload={"a": "1"}).leaf_hash() != trade(payload={"a": 1}).leaf_hash()


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "trade_cancelled"},
        {"index": -1},
        {"index": True},
        {"timestamp_ms": 1.5},
        {"reference": ""},
        {"payload": {"amount": 1.5}},
        {"payload": {"amount": Decimal("1.5")}},
        {"payload": {"nested": [float("nan")]}},
        {"payload": {1: "x"}},
        {"payload": ["not", "an", "object"]},
        {"payload": {"s": "\ud800"}},
    ],
)
def test_refuses_what_has_no_canonical_form(overrides: dict[str, Any]) -> None:
    with pytest.raises(EntryError):
        trade(**overrides).canonical_bytes()


def test_round_trip_and_strict_parsing() -> None:
    entry = trade()
    data = entry.canonical_bytes()
    assert LedgerEntry.from_canonical_bytes(data) == entry
    assert LedgerEntry.from_json_obj(entry.to_json_obj()) == entry
    spaced = data.replace(b'"index":7', b'"index": 7')
    for bad in [spaced, data.replace(b'"v":1', b'"v":2'), data[:-1], b"\xff"]:
        with pytest.raises(EntryError):
            LedgerEntry.from_canonical_bytes(bad)
    for change in ({"extra": 1}, {"v": 1.0}, {"v": True}, {"index": 7.0}):
        with pytest.raises(EntryError):
            LedgerEntry.from_json_obj({**entry.to_json_obj(), **change})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)


@given(payload=st.dictionaries(st.text(), json_values, max_size=5), kind=st.sampled_from(list(EntryKind)))
def test_canonical_form_is_a_fixed_point(payload: dict[str, Any], kind: EntryKind) -> None:
    entry = trade(kind=kind, payload=payload)
    data = entry.canonical_bytes()
    assert LedgerEntry.from_canonical_bytes(data).canonical_bytes() == data
    assert canonical_json(entry.to_json_obj()) == data
