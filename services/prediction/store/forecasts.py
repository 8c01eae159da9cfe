"""Where served forecasts come from and are kept: the 28 days of platform demand a forecast
starts from (``daily_demand``, read on the replica: history tolerates a little staleness),
and the Redis cache of finished forecasts (cache-aside, the source plan's 3,600 s)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from datetime import date, timedelta

from redis.asyncio import Redis

from pamtalk.cache import Cache
from pamtalk.db.database import Database
from services.prediction.ml.features import WINDOW
from services.prediction.store import daily_demand
from services.prediction.store.daily_demand import Pair

CACHE_NAMESPACE = "forecast"


def forecast_cache(redis: Redis, ttl: int) -> Cache:
    return Cache(redis, CACHE_NAMESPACE, ttl)


def cache_key(crop: str, region: str, days: int, start: date, version: str) -> str:
    """A new first day or a new model version is a new key."""
    return f"{crop}:{region}:{days}:{start.isoformat()}:{version}"


class HistoryIndex:
    """The first recorded day of every (crop, region), read at most every ``ttl`` seconds, so
    that a forecast needs no database read when its pair has too little history.

    A stale snapshot cannot hide history a forecast could use: a pair's first day only moves
    by a backfill, and a pair first seen within ``ttl`` is far from 28 days old."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._first: dict[Pair, date] = {}
        self._read_at = float("-inf")
        self._lock = asyncio.Lock()

    def forget(self) -> None:
        """Read the table again on next use (after a backfill)."""
        self._read_at = float("-inf")

    async def first_days(self, db: Database) -> dict[Pair, date]:
        if time.monotonic() - self._read_at < self.ttl:
            return self._first
        async with self._lock:
            if time.monotonic() - self._read_at >= self.ttl:
                async with db.read("replica") as read:
                    self._first = await daily_demand.first_days(read)
                self._read_at = time.monotonic()
        return self._first


async def load_histories(
    db: Database, index: HistoryIndex, pairs: Iterable[Pair], start: date
) -> dict[Pair, list[float]]:
    """The daily demand of the ``WINDOW`` days before ``start`` (oldest first; days without
    trades count as zero) for each pair whose platform history reaches back that far. Pairs
    with a shorter history are left out: their forecasts use generated history.

    Takes the database rather than a read: most forecasts have no such pair, and then no
    connection is taken at all."""
    first = start - timedelta(days=WINDOW)
    known = await index.first_days(db)
    enough = sorted({p for p in pairs if p in known and known[p] <= first})
    if not enough:
        return {}
    async with db.read("replica") as read:
        rows = await daily_demand.window(read, enough, first, start)
    histories: dict[Pair, list[float]] = {pair: [0.0] * WINDOW for pair in enough}
    for row in rows:
        histories[(row["crop"], row["region"])][(row["day"] - first).days] += float(row["quantity"])
    return histories
