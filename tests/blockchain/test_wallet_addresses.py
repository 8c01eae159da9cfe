"""Wallet addresses: one spelling per wallet, and who owns a custodial wallet."""

from __future__ import annotations

import re
import uuid

import pytest

from services.blockchain.schemas import ADDRESS_PATTERN
from services.blockchain.tokens import wallets

UID = uuid.UUID("94c898e4-e527-4cff-9ed2-3e96921fd40f")


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("0x" + "AB" * 20, "0x" + "ab" * 20),
        (" 0X" + "12" * 20 + " ", "0x" + "12" * 20),
        (f"user:{str(UID).upper()}", f"user:{UID}"),
        ("TREASURY:pamtalk", "treasury:pamtalk"),
        ("0x" + "ab" * 19, None),
        ("0x" + "zz" * 20, None),
        ("user:1234", None),
        ("user:" + UID.hex, None),  # the dashed form only
        ("treasury:other", None),
        ("", None),
    ],
)
def test_normalise(raw: str, canonical: str | None) -> None:
    assert wallets.normalise(raw) == canonical


def test_custodial_wallets_belong_to_their_user() -> None:
    address = wallets.custodial(UID)
    assert wallets.custodial_owner(address) == UID
    assert wallets.custodial_owner("0x" + "ab" * 20) is None
    assert [wallets.kind_of(a) for a in (address, "0x" + "ab" * 20, wallets.TREASURY)] == [
        "custodial",
        "external",
        "treasury",
    ]


def test_the_api_pattern_accepts_what_normalise_accepts() -> None:
    pattern = re.compile(ADDRESS_PATTERN)
    for good in ("0x" + "Ab" * 20, f"user:{UID}", f"user:{str(UID).upper()}", wallets.TREASURY):
        assert pattern.match(good) and wallets.normalise(good)
    for bad in ("0x12", "user:x", "treasury:pamtalk2", "me", "supply"):
        assert not pattern.match(bad)
