"""The market dashboard: trade counts and values overall, by status, by crop and for each
of the last 7 days, the mean producer ESG score of settled trades, and active farms by size
(from the read model). Computed from the database (``store.market``) and cached in Redis for
60 s (the source plan's TTL); it is not invalidated on every trade, the 60 s are its
freshness contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from pamtalk.db.tx import Read
from services.transaction.schemas import CropTotals, DashboardOut, DayTotals, FarmSizes, Totals
from services.transaction.store import market

SMALL_HA, MEDIUM_HA = 10.0, 50.0
CENT = Decimal("0.01")
DAYS = 7


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


async def _last_days(read: Read, now: datetime) -> list[DayTotals]:
    today = now.astimezone(UTC).date()
    start = datetime(today.year, today.month, today.day, tzinfo=UTC) - timedelta(days=DAYS - 1)
    rows = await market.trades_by_day(read, start, start + timedelta(days=DAYS))
    found = {row["day"]: (row["count"], _money(row["value"])) for row in rows}
    empty = (0, _money(0))
    days = [(start + timedelta(days=i)).date() for i in range(DAYS)]
    return [DayTotals(day=d, count=found.get(d, empty)[0], value=found.get(d, empty)[1]) for d in days]


async def compute(read: Read, now: datetime) -> dict[str, Any]:
    """The dashboard's JSON value."""
    by_crop = [
        CropTotals(crop=row["crop"], count=row["count"], value=_money(row["value"]))
        for row in await market.trades_by_crop(read)
    ]
    esg = await market.mean_esg_of_settled(read)
    sizes = await market.active_farms_by_size(read, SMALL_HA, MEDIUM_HA)
    dashboard = DashboardOut(
        generated_at=now,
        trades=Totals(
            count=sum(c.count for c in by_crop), value=_money(sum((c.value for c in by_crop), Decimal(0)))
        ),
        by_status={row["status"]: row["count"] for row in await market.trades_by_status(read)},
        by_crop=by_crop,
        last_7_days=await _last_days(read, now),
        average_esg_settled=round(esg, 2) if esg is not None else None,
        farms_by_size=FarmSizes(
            small=sizes.get("small", 0), medium=sizes.get("medium", 0), large=sizes.get("large", 0)
        ),
    )
    return dashboard.model_dump(mode="json")
