"""The market dashboard: trade counts and values overall, by status, by crop and for each
of the last 7 days, the mean producer ESG score of settled trades, and active farms by size
(from the read model). Computed from the database and cached in Redis for 60 s (the source
plan's TTL); it is not invalidated on every trade, the 60 s are its freshness contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.transaction.models import Farm, Trade
from services.transaction.schemas import (
    CropTotals,
    DashboardOut,
    DayTotals,
    FarmSizes,
    Totals,
)

SMALL_HA, MEDIUM_HA = 10.0, 50.0
CENT = Decimal("0.01")
LIVE = Trade.status != "cancelled"


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


async def _by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Trade.status, func.count()).group_by(Trade.status))
    return {status: int(count) for status, count in rows.all()}


async def _by_crop(session: AsyncSession) -> list[CropTotals]:
    value = func.coalesce(func.sum(Trade.total_value), 0)
    rows = await session.execute(
        select(Trade.crop, func.count(), value).where(LIVE).group_by(Trade.crop).order_by(Trade.crop)
    )
    return [CropTotals(crop=crop, count=count, value=_money(total)) for crop, count, total in rows.all()]


async def _last_days(session: AsyncSession, now: datetime, days: int = 7) -> list[DayTotals]:
    today = now.astimezone(UTC).date()
    start = datetime(today.year, today.month, today.day, tzinfo=UTC) - timedelta(days=days - 1)
    end = start + timedelta(days=days)
    day = func.date(func.timezone("UTC", Trade.created_at))
    rows = await session.execute(
        select(day, func.count(), func.coalesce(func.sum(Trade.total_value), 0))
        .where(LIVE, Trade.created_at >= start, Trade.created_at < end)  # prunes to 1-2 partitions
        .group_by(day)
    )
    found = {d: (int(count), _money(total)) for d, count, total in rows.all()}
    dates = [(start + timedelta(days=i)).date() for i in range(days)]
    empty = (0, _money(0))
    return [DayTotals(day=d, count=found.get(d, empty)[0], value=found.get(d, empty)[1]) for d in dates]


async def _farm_sizes(session: AsyncSession) -> FarmSizes:
    size = case((Farm.size_ha < SMALL_HA, "small"), (Farm.size_ha < MEDIUM_HA, "medium"), else_="large")
    rows = await session.execute(select(size, func.count()).where(Farm.status == "active").group_by(size))
    counts = {name: int(count) for name, count in rows.all()}
    return FarmSizes(
        small=counts.get("small", 0), medium=counts.get("medium", 0), large=counts.get("large", 0)
    )


async def compute(session: AsyncSession, now: datetime) -> dict[str, Any]:
    by_crop = await _by_crop(session)
    esg = await session.scalar(select(func.avg(Trade.producer_esg_score)).where(Trade.status == "settled"))
    dashboard = DashboardOut(
        generated_at=now,
        trades=Totals(
            count=sum(c.count for c in by_crop), value=_money(sum((c.value for c in by_crop), Decimal(0)))
        ),
        by_status=await _by_status(session),
        by_crop=by_crop,
        last_7_days=await _last_days(session, now),
        average_esg_settled=round(float(esg), 2) if esg is not None else None,
        farms_by_size=await _farm_sizes(session),
    )
    return dashboard.model_dump(mode="json")
