"""Farms as plain rows for the hot read paths: SQL written once (prepared once per
connection by asyncpg), run on the pool's asyncpg connection, and rows turned straight
into JSON (no ORM loading, no pydantic validation).

A farm row has the fields, in the order, of ``schemas.FarmOut`` (``distance_km`` last);
``dumps`` writes it as pydantic would (UTC times with ``Z``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from sqlalchemy import ColumnElement, Table, literal_column
from sqlalchemy.util import greenlet_spawn

from pamtalk.db.database import Database
from services.farm.models import Farm
from services.farm.schemas import FarmOut

FARMS: Table = Farm.__table__  # type: ignore[assignment]
# The columns of a farm as the API shows it, in FarmOut's order (``distance_km`` apart).
OUT_COLUMNS: tuple[str, ...] = tuple(name for name in FarmOut.model_fields if name != "distance_km")
NO_DISTANCE: ColumnElement[float] = literal_column("NULL::float8").label("distance_km")
BY_ID = f"SELECT {', '.join(OUT_COLUMNS)}, NULL::float8 AS distance_km FROM {FARMS.fullname} WHERE id = $1"


def out_columns() -> list[ColumnElement[Any]]:
    """The farm's columns of a page, in FarmOut's order."""
    return [FARMS.c[name] for name in OUT_COLUMNS]


@asynccontextmanager
async def driver(db: Database) -> AsyncIterator[asyncpg.Connection]:
    """An asyncpg connection of the service's pool for reads, without a session: no
    ``BEGIN``, each statement sees the latest commit (as ``Database.reads``). A connection
    found closed afterwards is dropped from the pool instead of returned."""
    pooled = await db.engine.raw_connection()
    conn: asyncpg.Connection = pooled.driver_connection
    try:
        yield conn
    finally:
        if conn.is_closed():
            await greenlet_spawn(pooled.invalidate)
        else:
            await greenlet_spawn(pooled.close)  # back to the pool


def dumps(value: Any) -> bytes:
    """JSON as pydantic's ``model_dump(mode="json")`` and orjson would write it. asyncpg's
    UUID (a ``uuid.UUID`` subclass orjson does not take) is written by ``str``."""
    return orjson.dumps(value, default=str, option=orjson.OPT_UTC_Z)
