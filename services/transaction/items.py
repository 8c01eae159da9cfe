"""A trade's response item, written straight from its row: no pydantic validation on the hot
paths (the rows are our own). ``pamtalk.json_body.dumps`` writes it as pydantic would write
``schemas.TradeOut`` (decimals as strings, UTC times with ``Z``); tests/transaction/test_items.py
holds the two to the same bytes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.transaction.schemas import ReviewFlag, TradeOut

FIELDS = tuple(TradeOut.model_fields)  # the item's fields, in the response's order


def item(trade: Mapping[str, Any], admin: bool) -> dict[str, Any]:
    """The ``TradeOut`` item of a trade row (``store.trades.SHOWN``); the anomaly flag is
    shown to admins only."""
    out = {name: trade[name] for name in FIELDS}
    review = out["review"]
    if review is not None:
        out["review"] = ReviewFlag.model_validate(review).model_dump(mode="json") if admin else None
    return out
