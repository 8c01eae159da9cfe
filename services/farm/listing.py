"""The farm list: filters, keyset pages in id order, and "near me" pages in distance order.

Every shape is served by an index (see models.py); the cursor is the sort key of the last
row: ``[id]``, or ``[distance_km, id]`` for a near search. A cursor of the wrong shape is a
422, never a 500."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import BindParameter, Double, Integer, Select, any_, bindparam, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

from pamtalk.db.database import Database
from pamtalk.db.raw import reading
from pamtalk.errors import Problem
from pamtalk.json_body import dumps
from pamtalk.pagination import decode_cursor, encode_cursor
from services.farm import rows
from services.farm.geo import bounding_box, haversine_km
from services.farm.rows import FARMS
from services.farm.vocabulary import grade_rank

S = TypeVar("S", bound=Select[*tuple[Any, ...]])
DIALECT = PGDialect_asyncpg()
DOUBLE: Double[float] = Double()


@dataclass(frozen=True)
class ListQuery:
    statuses: tuple[str, ...]
    region: str | None = None
    crops: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    min_grade: str | None = None
    owner_id: uuid.UUID | None = None
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    cursor: str | None = None
    limit: int = 20

    def normalized(self) -> dict[str, Any]:
        """The query as a canonical dict (the cache key of a public page)."""
        data = {name: getattr(self, name) for name in _QUERY_FIELDS}  # asdict's result, cheaper
        data["statuses"] = sorted(self.statuses)
        data["crops"], data["certifications"] = sorted(self.crops), sorted(self.certifications)
        return data


_QUERY_FIELDS = tuple(field.name for field in fields(ListQuery))


def _bad_cursor() -> Problem:
    return Problem(422, "The cursor is not valid; use next_cursor as given.", type_="invalid-cursor")


def _after(query: ListQuery) -> list[Any] | None:
    """The decoded cursor, checked: ``[uuid]`` or ``[distance, uuid]``."""
    if query.cursor is None:
        return None
    values = decode_cursor(query.cursor, 2 if query.near else 1)
    try:
        last_id = uuid.UUID(str(values[-1]))
    except ValueError as exc:
        raise _bad_cursor() from exc
    if not query.near:
        return [last_id]
    distance = values[0]
    if isinstance(distance, bool) or not isinstance(distance, int | float) or not math.isfinite(distance):
        raise _bad_cursor()
    return [float(distance), last_id]


def params_of(query: ListQuery) -> dict[str, Any]:
    """The values of a page's SQL by parameter name; which names are present is the shape
    of the SQL (one statement text per shape)."""
    after = _after(query)
    params: dict[str, Any] = {}
    if len(query.statuses) == 1:
        params["status"] = query.statuses[0]
    else:
        params["statuses"] = list(query.statuses)
    if query.owner_id is not None:
        params["owner_id"] = query.owner_id
    if query.region is not None:
        params["region"] = query.region
    if query.crops:
        params["crops"] = list(query.crops)
    if query.certifications:
        params["certifications"] = list(query.certifications)
    if query.min_grade is not None:
        params["min_rank"] = grade_rank(query.min_grade)
    if query.near is not None:
        lat, lon = query.near
        radius = query.radius_km or 0.0
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
        params.update(lat=lat, lon=lon, radius=radius, min_lat=min_lat, max_lat=max_lat)
        params.update(min_lon=min_lon, max_lon=max_lon)
        if after is not None:
            params["after_distance"] = after[0]
    if after is not None:
        params["after_id"] = after[-1]
    params["limit"] = query.limit + 1
    return params


F = FARMS.c
# Every parameter's type is stated, so a shape's SQL text does not depend on the values.
TYPES: dict[str, Any] = {
    "status": F.status.type,
    "statuses": ARRAY(F.status.type),
    "owner_id": F.owner_id.type,
    "region": F.region.type,
    "crops": F.crops.type,
    "certifications": F.certifications.type,
    "min_rank": F.esg_grade_rank.type,
    **dict.fromkeys(("lat", "lon", "radius", "min_lat", "max_lat", "min_lon", "max_lon"), DOUBLE),
    "after_distance": DOUBLE,
    "after_id": F.id.type,
    "limit": Integer(),
}


def _bind(params: dict[str, Any], name: str) -> BindParameter[Any]:
    return bindparam(name, params[name], TYPES[name])


def _filtered(params: dict[str, Any], statement: S) -> S:
    if "status" in params:
        statement = statement.where(F.status == _bind(params, "status"))
    else:
        statement = statement.where(F.status == any_(_bind(params, "statuses")))
    if "owner_id" in params:
        statement = statement.where(F.owner_id == _bind(params, "owner_id"))
    if "region" in params:
        statement = statement.where(F.region == _bind(params, "region"))
    if "crops" in params:
        statement = statement.where(F.crops.contains(_bind(params, "crops")))
    if "certifications" in params:
        statement = statement.where(F.certifications.contains(_bind(params, "certifications")))
    if "min_rank" in params:
        statement = statement.where(F.esg_grade_rank >= _bind(params, "min_rank"))
    return statement


def _statement(params: dict[str, Any]) -> Select[*tuple[Any, ...]]:
    limit = _bind(params, "limit")
    if "lat" not in params:
        statement = _filtered(params, select(*rows.out_columns(), rows.NO_DISTANCE))
        if "after_id" in params:
            statement = statement.where(F.id > _bind(params, "after_id"))
        return statement.order_by(F.id).limit(limit)
    lat, lon = _bind(params, "lat"), _bind(params, "lon")
    distance = haversine_km(F.latitude, F.longitude, lat, lon)
    # Rank ids by distance first (an index-only scan of the location index for the common
    # filters), then read only the page's rows: the table is never read for the whole box.
    ranked = (
        _filtered(params, select(F.id.label("farm_id"), distance.label("distance_km")))
        .where(F.latitude.between(_bind(params, "min_lat"), _bind(params, "max_lat")))
        .where(F.longitude.between(_bind(params, "min_lon"), _bind(params, "max_lon")))
        .where(distance <= _bind(params, "radius"))
        .order_by(distance, F.id)
        .limit(limit)
    )
    if "after_id" in params:
        last = tuple_(_bind(params, "after_distance"), _bind(params, "after_id"))
        ranked = ranked.where(tuple_(distance, F.id) > last)
    page = ranked.subquery("ranked")
    return (
        select(*rows.out_columns(), page.c.distance_km)
        .join_from(FARMS, page, F.id == page.c.farm_id)
        .order_by(page.c.distance_km, page.c.farm_id)
    )


def statement_for(query: ListQuery) -> Select[*tuple[Any, ...]]:
    """The SQL of one page (the columns of FarmOut, in its order) with its values bound.
    Public so the benchmark EXPLAINs exactly what the service runs."""
    return _statement(params_of(query))


@lru_cache(maxsize=256)
def compiled_sql(shape: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The SQL text of a shape (built and compiled once) and its parameters in order."""
    compiled = _statement(dict.fromkeys(shape)).compile(dialect=DIALECT)
    names = tuple(compiled.positiontup or ())
    unbound = set(names) - set(shape)
    assert not unbound, f"parameters without a value: {unbound}"  # every value is named
    return str(compiled), names


async def list_farms(db: Database, query: ListQuery) -> bytes:
    """The page as JSON: ``{items, next_cursor}``."""
    params = params_of(query)
    sql, names = compiled_sql(tuple(params))
    async with reading(db) as conn:
        found = await conn.fetch(sql, *[params[name] for name in names])
    items = [dict(row) for row in found[: query.limit]]
    next_cursor = None
    if len(found) > query.limit:  # the cursor is the last item's sort key
        last = items[-1]
        key = (last["id"],) if query.near is None else (last["distance_km"], last["id"])
        next_cursor = encode_cursor(*key)
    return dumps({"items": items, "next_cursor": next_cursor})
