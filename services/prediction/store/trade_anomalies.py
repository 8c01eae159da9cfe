"""Trade anomaly scores (``trade_anomalies``): one per trade, written by the
``analytics_data`` consumer, listed for admins newest first, optionally by risk band."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import orjson
from asyncpg import Record

from pamtalk.db.statements import Sql, sql
from pamtalk.db.tx import Read, Tx
from services.prediction.keyset import Keyset

COLUMNS = (
    "transaction_id, farm_id, producer_id, buyer_id, crop, score, risk, reasons, signals, "
    "isolation_score, trade_created_at, scored_at"
)
_INSERT = sql(
    f"INSERT INTO trade_anomalies ({COLUMNS}) VALUES ("
    ":transaction_id, :farm_id, :producer_id, :buyer_id, :crop, :score, :risk, :reasons, :signals, "
    ":isolation_score, :trade_created_at, :scored_at) "
    "ON CONFLICT (transaction_id) DO NOTHING RETURNING transaction_id"
)
# The list's filters, each a fixed fragment; a page statement has the ones its request uses.
_BY_RISK = "risk = ANY(:risks)"
_AFTER = "(scored_at, transaction_id) < (:after_at, :after_id)"


@cache
def page_statement(by_risk: bool, after: bool) -> Sql:
    """The page statement of one shape (built once per shape: four in all)."""
    where = [fragment for fragment, used in ((_BY_RISK, by_risk), (_AFTER, after)) if used]
    condition = f" WHERE {' AND '.join(where)}" if where else ""
    return sql(
        f"SELECT {COLUMNS} FROM trade_anomalies{condition} "
        "ORDER BY scored_at DESC, transaction_id DESC LIMIT :limit"
    )


async def insert(tx: Tx, anomaly: Mapping[str, Any]) -> bool:
    """Store a trade's score (``reasons`` and ``signals`` written as JSON); False when the
    trade was scored before."""
    values = {
        **anomaly,
        "reasons": orjson.dumps(anomaly["reasons"]).decode(),
        "signals": orjson.dumps(anomaly["signals"]).decode(),  # dataclasses: as asdict
    }
    return await tx.fetchval(_INSERT, **values) is not None


async def page(read: Read, risks: Sequence[str], after: Keyset | None, limit: int) -> list[Record]:
    """Scores newest first, of the risk bands ``risks`` (every band when empty), after the
    keyset ``after`` (scored_at, transaction_id)."""
    values: dict[str, Any] = {"limit": limit}
    if risks:
        values["risks"] = sorted(set(risks))
    if after is not None:
        values["after_at"], values["after_id"] = after
    return await read.fetch(page_statement(bool(risks), after is not None), **values)
