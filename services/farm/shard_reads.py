"""A farm page read straight from the shard that holds the farm.

Through the one table (``services/farm/shards.py``), a page of a farm on shard 2 costs
PostgreSQL a postgres_fdw remote transaction: the primary (or its standby) opens a transaction
on the shard, declares a cursor, fetches, closes it and commits - five round trips between
two servers for one row. Measured on ``make up``'s data tier: 0.69 ms of PostgreSQL CPU per
page against 0.05 ms for the same row read on the shard itself (docs/performance.md, "Issue
17, fourth sitting"). Pages are the farm service's most frequent read, so the service reads
them where they live: ``ShardReads.holding(farm_id)`` names the shard whose id range holds the
farm (from ``PAMTALK_FARM_SHARDS``, the map ``services.farm.shards`` applies), and the page is
one statement on that shard's ``farms_local``.

Everything else keeps the one table: the list's merge across shards, writes in the outbox's
transaction, the ESG history. A farm the shard does not hold (the map names the shard but
``python -m services.farm.shards`` has not split the range yet, or an id that exists nowhere)
is looked up in the one table as before, so a map ahead of the database costs a second read,
never a wrong 404. A shard that does not answer is a 503, as through postgres_fdw.
"""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Sequence

import asyncpg
from asyncpg import Record

from pamtalk.db.database import Database
from services.farm import store
from services.farm.shards import SCHEMA, ShardSpec, boundary


class ShardReads:
    """A small pool per further shard, opened on first use."""

    def __init__(self, shards: Sequence[ShardSpec], *, pool_size: int, reconnect_seconds: float) -> None:
        ordered = sorted(shards, key=lambda shard: shard.begins)
        self._bounds = [boundary(shard.begins) for shard in ordered]
        self._databases = [
            Database(
                shard.url,
                SCHEMA,
                producer="farm",
                pool_size=pool_size,
                max_overflow=0,
                reconnect_seconds=reconnect_seconds,
            )
            for shard in ordered
        ]

    def holding(self, farm_id: uuid.UUID) -> Database | None:
        """The database of the further shard whose range holds ``farm_id`` (None: shard 1)."""
        at = bisect.bisect_right(self._bounds, farm_id) - 1
        return self._databases[at] if at >= 0 else None

    async def close(self) -> None:
        for database in self._databases:
            await database.close()


async def farm_row(db: Database, shards: ShardReads, farm_id: uuid.UUID) -> Record | None:
    """The farm's row as a page shows it: on its shard when a further shard holds it, else
    (or when that shard does not have it) through the one table, on the replica."""
    shard = shards.holding(farm_id)
    if shard is not None:
        try:
            async with shard.read() as read:
                row = await store.farms.by_id_on_shard(read, farm_id)
        except asyncpg.UndefinedTableError:  # the shard is not migrated yet: the map is ahead
            row = None
        if row is not None:
            return row
    async with db.read("replica") as read:  # a page: seconds of staleness are fine
        return await store.farms.by_id(read, farm_id)
