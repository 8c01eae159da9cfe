"""Trades as plain rows on the hot paths (the kit's ``pamtalk.db.raw``): rows turned
straight into the JSON of ``schemas.TradeOut`` without ORM loading or pydantic validation
(the rows are our own).

A trade row is a dict of the columns in ``COLUMNS``: the fields of ``TradeOut`` in its
order, then what events need besides (``producer_wallet``). ``item`` makes the response
item of it, the kit's ``pamtalk.json_body.dumps`` writes JSON as pydantic would (decimals as
strings, UTC times with ``Z``); ``tests/transaction/test_rows.py`` holds the two to the same
bytes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from services.transaction.models import Trade
from services.transaction.schemas import ReviewFlag, TradeOut

TABLE: str = Trade.__table__.fullname  # type: ignore[attr-defined]
FIELDS = tuple(TradeOut.model_fields)  # the response item, in its order
COLUMNS = (*FIELDS, "producer_wallet")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM {TABLE}"
# One trade, read from the one partition its id's time points to (see ``ids.py``).
ONE = f"{SELECT} WHERE id = $1 AND created_at = $2"

TradeRow = dict[str, Any]


def trade_row(values: Iterable[Any]) -> TradeRow:
    """A row of ``COLUMNS`` (an asyncpg record or a SQLAlchemy row) as a dict."""
    return dict(zip(COLUMNS, values, strict=True))


def item(trade: Mapping[str, Any], admin: bool) -> dict[str, Any]:
    """The ``TradeOut`` item of a trade row; the anomaly flag is shown to admins only."""
    out = {name: trade[name] for name in FIELDS}
    review = out["review"]
    if review is not None:
        out["review"] = ReviewFlag.model_validate(review).model_dump(mode="json") if admin else None
    return out
