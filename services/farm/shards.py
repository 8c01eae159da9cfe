"""Farms sharded by id range, on PostgreSQL's own machinery.

Farm ids are UUIDv7 (``ids.py``): the first 48 bits are the creation time in milliseconds, so
a range of ids is a range of creation time. ``farms`` and ``esg_submissions`` are range-
partitioned by farm id (migration 5f3a9c1e7b20); shard 1 is their local partition on the
service's own database. The shard map is configuration, ``PAMTALK_FARM_SHARDS``: for each
further shard, the time its range begins and the PostgreSQL that holds it::

    PAMTALK_FARM_SHARDS='[{"begins": "2027-01-01T00:00:00Z", "url": "postgresql://farm@shard-2:5432/pamtalk"}]'

``python -m services.farm.shards`` (run after the migrations; ``make up`` does) makes the
database match the map, and changes nothing when it already does:

1. the shard's own database gets the farm service's migrations (its ``farms_local`` and
   ``esg_submissions_local`` tables, their keys and indexes);
2. the service's database gets ``postgres_fdw``, a foreign server ``farm_shard_<n>`` (host,
   port, database from the URL: changing the URL moves it) and a user mapping;
3. the open range (the last partition, up to MAXVALUE) is split at the shard's boundary,
   which should lie in the future (new farms go there from then on): no existing row moves,
   and a boundary that existing ids have passed is refused. In one short transaction (inserts
   wait meanwhile) the open partition is detached and attached again up to the boundary
   (a CHECK constraint validated beforehand, without blocking writes, spares the scan), and
   ``farms_shard_<n>`` / ``esg_submissions_shard_<n>`` are attached from the boundary on, as
   foreign tables on the shard's ``farms_local`` / ``esg_submissions_local``.

The farm service keeps one table: its statements do not change. A farm page (``WHERE id =``)
reads one shard (partition pruning); the list, with its filters, geo search and keyset pages,
is one ordered scan over the partitions, each shard filtering and ordering its own rows.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import asyncpg
from pydantic import BaseModel

from pamtalk.db.database import dsn

SCHEMA = "farm_svc"
TABLES = {"farms": "id", "esg_submissions": "farm_id"}  # partitioned table -> its key
_BOUND = re.compile(r"FROM \((.+)\) TO \((.+)\)")


class ShardSpec(BaseModel):
    begins: datetime  # the shard's range begins here (UTC if no zone is given)
    url: str  # the PostgreSQL database holding it


def boundary(at: datetime) -> uuid.UUID:
    """The smallest UUIDv7 of millisecond ``at``: every id made from then on is at least this."""
    moment = at if at.tzinfo else at.replace(tzinfo=UTC)
    ms = int(moment.timestamp() * 1000)
    return uuid.UUID(int=(ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | 0b10 << 62)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class ShardError(RuntimeError):
    """The map cannot be applied as given (a boundary in the past, an unreachable shard)."""


async def _partitions(conn: asyncpg.Connection, table: str) -> list[tuple[str, str, str]]:
    """(name, lower bound, upper bound) of ``table``'s partitions, as PostgreSQL prints them."""
    rows = await conn.fetch(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
        "JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = $1 AND p.relname = $2",
        SCHEMA,
        table,
    )
    out = []
    for row in rows:
        found = _BOUND.search(row["bound"])
        if found:
            out.append((row["relname"], found.group(1), found.group(2)))
    return out


async def _server(conn: asyncpg.Connection, name: str, url: str) -> None:
    parts = urlsplit(dsn(url))
    options = {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 5432),
        "dbname": parts.path.lstrip("/") or "postgres",
    }
    await conn.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
    exists = await conn.fetchval("SELECT 1 FROM pg_foreign_server WHERE srvname = $1", name)
    listed = ", ".join(f"{'SET ' if exists else ''}{key} {_quote(value)}" for key, value in options.items())
    if exists:
        await conn.execute(f"ALTER SERVER {name} OPTIONS ({listed})")
    else:
        await conn.execute(f"CREATE SERVER {name} FOREIGN DATA WRAPPER postgres_fdw OPTIONS ({listed})")
    login = {"user": unquote(parts.username or "postgres")}
    if parts.password:
        login["password"] = unquote(parts.password)
        login["password_required"] = "false"
    await conn.execute(f"DROP USER MAPPING IF EXISTS FOR PUBLIC SERVER {name}")
    mapped = ", ".join(f"{key} {_quote(value)}" for key, value in login.items())
    await conn.execute(f"CREATE USER MAPPING FOR PUBLIC SERVER {name} OPTIONS ({mapped})")


async def _split(conn: asyncpg.Connection, number: int, at: uuid.UUID) -> bool:
    """Split the open range at ``at`` and attach shard ``number`` beyond it (False: done before)."""
    name = f"farm_shard_{number}"
    if any(p[0] == f"farms_shard_{number}" for p in await _partitions(conn, "farms")):
        return False
    edge = _quote(str(at))
    for table, key in TABLES.items():
        open_name, lower, _ = next(p for p in await _partitions(conn, table) if p[2] == "MAXVALUE")
        local = open_name.endswith("_local")
        check = f"{open_name}_below_shard_{number}"
        if local:  # validated without blocking writes: the attach below then needs no scan
            await conn.execute(f"ALTER TABLE {SCHEMA}.{open_name} DROP CONSTRAINT IF EXISTS {check}")
            await conn.execute(
                f"ALTER TABLE {SCHEMA}.{open_name} ADD CONSTRAINT {check} CHECK ({key} < {edge}) NOT VALID"
            )
            await conn.execute(f"ALTER TABLE {SCHEMA}.{open_name} VALIDATE CONSTRAINT {check}")
        async with conn.transaction():
            await conn.execute(f"LOCK TABLE {SCHEMA}.{table} IN SHARE ROW EXCLUSIVE MODE")
            highest = await conn.fetchval(
                f"SELECT {key} FROM {SCHEMA}.{open_name} ORDER BY {key} DESC LIMIT 1"
            )
            if highest is not None and highest >= at:
                raise ShardError(
                    f"{table} holds ids from {at} on already: they would have to move; "
                    "choose a boundary in the future"
                )
            await conn.execute(f"ALTER TABLE {SCHEMA}.{table} DETACH PARTITION {SCHEMA}.{open_name}")
            await conn.execute(
                f"ALTER TABLE {SCHEMA}.{table} ATTACH PARTITION {SCHEMA}.{open_name} "
                f"FOR VALUES FROM ({lower}) TO ({edge})"
            )
            await conn.execute(
                f"CREATE FOREIGN TABLE {SCHEMA}.{table}_shard_{number} PARTITION OF {SCHEMA}.{table} "
                f"FOR VALUES FROM ({edge}) TO (MAXVALUE) SERVER {name} "
                f"OPTIONS (schema_name {_quote(SCHEMA)}, table_name {_quote(table + '_local')})"
            )
        if local:
            await conn.execute(f"ALTER TABLE {SCHEMA}.{open_name} DROP CONSTRAINT {check}")
    return True


async def apply(url: str, shards: Sequence[ShardSpec]) -> list[str]:
    """Make the database at ``url`` match the shard map; what was done, one line each."""
    from pamtalk.db.migrations import upgrade

    done = []
    ordered = sorted(shards, key=lambda s: s.begins)
    conn = await asyncpg.connect(dsn(url))
    try:
        present = {p[0]: p[1] for p in await _partitions(conn, "farms")}
        for number, shard in enumerate(ordered, start=2):
            at = boundary(shard.begins)
            placed = present.get(f"farms_shard_{number}")
            if placed is not None and placed != _quote(str(at)):
                raise ShardError(
                    f"shard {number} begins at {placed} in the database, not at {at} "
                    f"({shard.begins.isoformat()}): a shard's boundary cannot move"
                )
            try:
                await asyncio.to_thread(upgrade, "farm", shard.url)
            except Exception as exc:
                raise ShardError(f"shard {number} at {shard.url}: its migrations failed ({exc})") from exc
            await _server(conn, f"farm_shard_{number}", shard.url)
            split = await _split(conn, number, at)
            for table in TABLES:  # the planner's figures of the shard (autovacuum skips foreign tables)
                await conn.execute(f"ANALYZE {SCHEMA}.{table}_shard_{number}")
            if split:
                done.append(f"shard {number}: ids from {at} ({shard.begins.isoformat()}) on {shard.url}")
            else:
                done.append(f"shard {number}: in place ({shard.url})")
    finally:
        await conn.close()
    return done


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.parse_args(argv)
    from services.farm.settings import FarmSettings

    settings = FarmSettings()
    try:
        lines = asyncio.run(apply(settings.database_url, settings.shards))
    except ShardError as exc:
        print(f"farm shards: {exc}", file=sys.stderr)
        return 2
    for line in lines or ["one shard (PAMTALK_FARM_SHARDS is empty)"]:
        print(f"farm shards: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
