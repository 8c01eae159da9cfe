"""Trade ids are UUIDv7 carrying their creation millisecond, and the total is computed
half-up to the cent."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.transaction.ids import created_at_of, new_trade_id, to_millisecond
from services.transaction.opening import total_value
from services.transaction.store.partitions import add_months, month_of, partition_name

times = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC))


@given(times)
def test_the_id_carries_the_creation_millisecond(at: datetime) -> None:
    at = to_millisecond(at)
    trade_id = new_trade_id(at)
    assert trade_id.version == 7 and trade_id.variant == uuid.RFC_4122
    assert created_at_of(trade_id) == at


@given(times, times)
def test_ids_sort_by_time(a: datetime, b: datetime) -> None:
    a, b = to_millisecond(a), to_millisecond(b)
    if a < b:
        assert new_trade_id(a).bytes < new_trade_id(b).bytes


def test_ids_that_are_not_ours_carry_no_time() -> None:
    assert created_at_of(uuid.uuid4()) is None
    assert created_at_of(uuid.UUID("ffffffff-ffff-7fff-bfff-ffffffffffff")) is None  # past year 9999


@given(
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1_000_000), places=3),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100_000_000), places=2),
)
def test_total_is_quantity_times_price_to_the_cent(quantity: Decimal, price: Decimal) -> None:
    total = total_value(quantity, price)
    assert total.as_tuple().exponent == -2
    assert abs(total - quantity * price) <= Decimal("0.005")


def test_months_and_partition_names() -> None:
    assert add_months(month_of(datetime(2025, 11, 30, 23, tzinfo=UTC)), 3).isoformat() == "2026-02-01"
    assert add_months(month_of(datetime(2025, 1, 1, tzinfo=UTC)), -1).isoformat() == "2024-12-01"
    assert partition_name(month_of(datetime(2026, 3, 9, tzinfo=UTC))) == "transactions_y2026m03"
