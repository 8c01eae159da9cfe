"""The SQL of a farm: its row as the API shows it, registration, the locked read and the
one update of a write, the grade an ESG history shows, and the pages of the list.

The columns are written out here, once; every statement below is built from them at import
(or once per list shape), never from an API model, so renaming an API field changes no SQL
(``tests/farm/test_farm_store.py`` holds them to the table and to ``FarmOut``). A farm row
comes back with its columns in this order and ``distance_km`` last (``NULL`` except in a
"near me" page), ready for ``pamtalk.json_body.dumps``."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from asyncpg import Record

from pamtalk.db.statements import Sql, sql
from pamtalk.db.tx import Read, Tx
from services.farm.geo import EARTH_RADIUS_KM

# What a write sets: the fields a client sends (registration, edits) and the status (the
# status actions). The grade is esg.scored's (store/esg.py).
WRITABLE: tuple[str, ...] = (
    "name",
    "region",
    "latitude",
    "longitude",
    "address",
    "size_ha",
    "established",
    "contact_phone",
    "contact_email",
    "certifications",
    "crops",
    "status",
    "wallet_address",
)
# A farm as the API shows it, in the order it is shown.
COLUMNS: tuple[str, ...] = (
    "id",
    "owner_id",
    *WRITABLE,
    "esg_score",
    "esg_grade",
    "esg_assessed_at",
    "esg_valid_until",
    "created_at",
    "updated_at",
    "version",
)

SHOWN = ", ".join(COLUMNS)  # the select list of a farm row (and the RETURNING of its writes)
_NO_DISTANCE = "NULL::float8 AS distance_km"

# A new farm: the ESG grade, its rank and assessment id start NULL.
_INSERT = sql(f"INSERT INTO farms ({SHOWN}) VALUES ({', '.join(':' + name for name in COLUMNS)})")
_BY_ID = sql(f"SELECT {SHOWN}, {_NO_DISTANCE} FROM farms WHERE id = :id")
# The same row on a further shard's own database (services/farm/shard_reads.py).
_BY_ID_ON_SHARD = sql(f"SELECT {SHOWN}, {_NO_DISTANCE} FROM farms_local WHERE id = :id")
_LOCKED = sql(f"SELECT {SHOWN}, {_NO_DISTANCE} FROM farms WHERE id = :id FOR UPDATE")
_UPDATE = sql(
    f"UPDATE farms SET {', '.join(f'{name} = :{name}' for name in WRITABLE)}, "
    f"version = version + 1, updated_at = :updated_at WHERE id = :id "
    f"RETURNING {SHOWN}, {_NO_DISTANCE}"
)
# Who may see the farm, and its current grade (the newest assessment received).
_GRADE = sql(
    "SELECT owner_id, status, esg_assessment_id, esg_score, esg_grade, esg_assessed_at, esg_valid_until "
    "FROM farms WHERE id = :id"
)
_EXISTS = sql("SELECT 1 FROM farms WHERE id = :id")


async def insert(tx: Tx, farm: Mapping[str, Any]) -> dict[str, Any]:
    """Store a new farm (``farm`` has a value for each of ``COLUMNS``; the ESG ones may be
    missing); returns it as a farm row would show it."""
    row = {name: farm.get(name) for name in COLUMNS}
    await tx.execute(_INSERT, **row)
    return {**row, "distance_km": None}


async def by_id(read: Read, farm_id: uuid.UUID) -> Record | None:
    return await read.fetchrow(_BY_ID, id=farm_id)


async def by_id_on_shard(read: Read, farm_id: uuid.UUID) -> Record | None:
    """``by_id`` on a further shard's database, where the farms are its ``farms_local``."""
    return await read.fetchrow(_BY_ID_ON_SHARD, id=farm_id)


async def locked(tx: Tx, farm_id: uuid.UUID) -> Record | None:
    """The farm, locked until the transaction ends (a write follows)."""
    return await tx.fetchrow(_LOCKED, id=farm_id)


async def update(tx: Tx, farm: Mapping[str, Any], updated_at: datetime) -> Record:
    """Write the farm's ``WRITABLE`` columns as ``farm`` has them, bump its version; the
    farm as written comes back."""
    row: Record | None = await tx.fetchrow(_UPDATE, **{**farm, "updated_at": updated_at})
    if row is None:  # the caller holds the row's lock (``locked``): it cannot have gone
        raise LookupError(f"farm {farm['id']} vanished under its lock")
    return row


async def grade(read: Read, farm_id: uuid.UUID) -> Record | None:
    return await read.fetchrow(_GRADE, id=farm_id)


async def exists(read: Read, farm_id: uuid.UUID) -> bool:
    return await read.fetchval(_EXISTS, id=farm_id) is not None


# ---- the list: one statement text per shape (which filters, near or not, cursor or not) ----

# Every value is cast, so a shape's text does not depend on the values; each filter is a
# fixed fragment. The indexes serving them are models.py's.
_FILTERS: tuple[tuple[str, str], ...] = (
    ("status", "status = CAST(:status AS VARCHAR)"),
    ("statuses", "status = ANY (CAST(:statuses AS VARCHAR(10)[]))"),
    ("owner_id", "owner_id = CAST(:owner_id AS UUID)"),
    ("region", "region = CAST(:region AS VARCHAR)"),
    ("crops", "crops @> CAST(:crops AS TEXT[])"),
    ("certifications", "certifications @> CAST(:certifications AS TEXT[])"),
    ("min_rank", "esg_grade_rank >= CAST(:min_rank AS SMALLINT)"),
)
SHAPE_NAMES = frozenset(
    [name for name, _ in _FILTERS]
    + [
        "lat",
        "lon",
        "radius",
        "min_lat",
        "max_lat",
        "min_lon",
        "max_lon",
        "after_distance",
        "after_id",
        "limit",
    ]
)


def _haversine(lat: str, lon: str) -> str:
    """Great-circle distance in km from the farm to (``:lat``, ``:lon``); the constants are
    written into the text (the same for any point). ``geo.haversine_py`` is the same in Python."""
    half_dlat = f"sin(radians({lat} - CAST(:lat AS FLOAT)) * 0.5)"
    half_dlon = f"sin(radians({lon} - CAST(:lon AS FLOAT)) * 0.5)"
    a = (
        f"{half_dlat} * {half_dlat} + cos(radians(CAST(:lat AS FLOAT))) * cos(radians({lat})) "
        f"* {half_dlon} * {half_dlon}"
    )
    return f"{2 * EARTH_RADIUS_KM!r} * asin(least(1.0, sqrt({a})))"


_DISTANCE = _haversine("latitude", "longitude")


@lru_cache(maxsize=256)
def page_statement(shape: frozenset[str]) -> Sql:
    """The statement of a list page whose values are named ``shape`` (``SHAPE_NAMES``),
    built once per shape: id order, or (distance, id) order when ``lat`` is in it."""
    unknown = shape - SHAPE_NAMES
    if unknown:
        raise ValueError(f"no list filter for {sorted(unknown)}")
    where = [fragment for name, fragment in _FILTERS if name in shape]
    limit = "LIMIT CAST(:limit AS INTEGER)"
    if "lat" not in shape:
        if "after_id" in shape:
            where.append("id > CAST(:after_id AS UUID)")
        return sql(
            f"SELECT {SHOWN}, {_NO_DISTANCE} FROM farms WHERE {' AND '.join(where)} ORDER BY id {limit}"
        )
    # Rank ids by distance first (an index-only scan of the location index for the common
    # filters), then read only the page's rows: the table is never read for the whole box.
    where += [
        "latitude BETWEEN CAST(:min_lat AS FLOAT) AND CAST(:max_lat AS FLOAT)",
        "longitude BETWEEN CAST(:min_lon AS FLOAT) AND CAST(:max_lon AS FLOAT)",
        f"{_DISTANCE} <= CAST(:radius AS FLOAT)",
    ]
    if "after_id" in shape:
        where.append(f"({_DISTANCE}, id) > (CAST(:after_distance AS FLOAT), CAST(:after_id AS UUID))")
    ranked = (
        f"SELECT id AS farm_id, {_DISTANCE} AS distance_km FROM farms WHERE {' AND '.join(where)} "
        f"ORDER BY {_DISTANCE}, id {limit}"
    )
    # The page's rows by their ids, as one array: each shard (partition) is asked once, by
    # its primary key, for the ids it holds (a join would probe a foreign shard row by row or
    # read it whole); the distance is computed again for those rows only (the same value).
    return sql(
        f"SELECT {SHOWN}, {_DISTANCE} AS distance_km FROM farms "
        f"WHERE id = ANY (ARRAY(SELECT farm_id FROM ({ranked}) AS ranked)) "
        f"ORDER BY distance_km, id"
    )


async def page(read: Read, values: Mapping[str, Any]) -> list[Record]:
    """The rows of one list page; ``values`` by the names of ``SHAPE_NAMES`` (see ``listing``)."""
    return await read.fetch(page_statement(frozenset(values)), **values)
