"""Trades written straight from rows (``services/transaction/items.py``) are the bytes
pydantic's ``TradeOut`` would write, and the list's SQL numbers its parameters right (and
writes in only a known status)."""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from asyncpg.pgproto.pgproto import UUID as DriverUUID

from pamtalk.json_body import dumps
from services.transaction.items import FIELDS, item
from services.transaction.models import STATUSES
from services.transaction.schemas import TradeOut, TradePage
from services.transaction.store.trades import COLUMNS, FILTERS, SCOPES, page_statement

FLAG = {"score": 0.93, "risk_band": "high", "reasons": ["price"], "flagged_at": "2026-03-01T10:00:00+00:00"}


def row(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": DriverUUID(str(uuid.uuid4())),  # what asyncpg gives
        "farm_id": uuid.uuid4(),
        "producer_id": uuid.uuid4(),
        "buyer_id": uuid.uuid4(),
        "crop": "rice",
        "quantity": Decimal("120.500"),
        "unit_price": Decimal("2500.00"),
        "total_value": Decimal("301250.00"),
        "quality_score": 80.0,
        "delivery_hours": 48,
        "payment_method": "card",
        "location": "전남",
        "producer_esg_score": None,
        "status": "pending",
        "cancel_reason": None,
        "review": None,
        "created_at": datetime(2026, 3, 1, 9, 30, 0, 123000, tzinfo=UTC),
        "updated_at": datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        "confirmed_at": None,
        "settled_at": None,
        "cancelled_at": None,
        "producer_wallet": "0x" + "ab" * 20,
    }
    values.update(overrides)
    assert set(values) == set(COLUMNS)
    return values


def as_pydantic(trade: dict[str, Any], admin: bool) -> bytes:
    out = TradeOut.model_validate({name: trade[name] for name in FIELDS})
    return (out if admin else out.model_copy(update={"review": None})).model_dump_json().encode()


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"quantity": Decimal("0.001"), "unit_price": Decimal("100000000.00"), "quality_score": 1e-7},
        {"producer_esg_score": 72.5, "status": "confirmed", "confirmed_at": datetime(2026, 3, 2, tzinfo=UTC)},
        {"status": "cancelled", "cancel_reason": 'said "no"\n', "cancelled_at": datetime.now(UTC)},
        {"status": "under_review", "review": FLAG},
    ],
)
@pytest.mark.parametrize("admin", [False, True])
def test_items_are_the_bytes_of_trade_out(overrides: dict[str, Any], admin: bool) -> None:
    trade = row(**overrides)
    assert dumps(item(trade, admin)) == as_pydantic(trade, admin)


def test_a_page_is_the_bytes_of_trade_page() -> None:
    trades = [row(), row(review=FLAG)]
    page = TradePage(items=[TradeOut.model_validate(t) for t in trades], next_cursor="abc")
    page.items[1] = page.items[1].model_copy(update={"review": None})
    assert (
        dumps({"items": [item(t, False) for t in trades], "next_cursor": "abc"})
        == page.model_dump_json().encode()
    )


def test_each_parameter_has_one_number_and_every_number_a_value() -> None:
    for scope, status in itertools.product(SCOPES, (None, *STATUSES)):
        for mask in range(1 << len(FILTERS)):
            given = tuple(name for i, name in enumerate(FILTERS) if mask >> i & 1)
            query = page_statement(scope, given, status)
            assert (f"status = '{status}'" in query.text) == (status is not None)
            assert len(set(query.names)) == len(query.names)
            for number in range(1, len(query.names) + 1):
                assert f"${number}" in query.text
            assert f"${len(query.names) + 1}" not in query.text
            assert not re.search(r"(?<![:\w]):\w", query.text)  # every :name numbered (casts are ::)


def test_only_known_statuses_are_written_into_a_statement() -> None:
    with pytest.raises(ValueError):
        page_statement("all", (), "pending' OR true --")
