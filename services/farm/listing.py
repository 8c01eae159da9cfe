"""The farm list: filters, keyset pages in id order, and "near me" pages in distance order.

Every shape is served by an index (see models.py); the cursor is the sort key of the last
row: ``[id]``, or ``[distance_km, id]`` for a near search. A cursor of the wrong shape is a
422, never a 500."""

from __future__ import annotations

import math
import uuid
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.errors import Problem
from pamtalk.pagination import Page, decode_cursor, encode_cursor
from services.farm.geo import bounding_box, haversine_km
from services.farm.models import Farm
from services.farm.schemas import FarmOut
from services.farm.vocabulary import grade_rank

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


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
        data = asdict(self)
        data["statuses"] = sorted(self.statuses)
        data["crops"], data["certifications"] = sorted(self.crops), sorted(self.certifications)
        return data


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


def _filtered(query: ListQuery, statement: S) -> S:
    statuses = query.statuses
    statement = statement.where(
        Farm.status == statuses[0] if len(statuses) == 1 else Farm.status.in_(statuses)
    )
    if query.owner_id is not None:
        statement = statement.where(Farm.owner_id == query.owner_id)
    if query.region is not None:
        statement = statement.where(Farm.region == query.region)
    if query.crops:
        statement = statement.where(Farm.crops.contains(list(query.crops)))
    if query.certifications:
        statement = statement.where(Farm.certifications.contains(list(query.certifications)))
    if query.min_grade is not None:
        statement = statement.where(Farm.esg_grade_rank >= grade_rank(query.min_grade))
    return statement


def statement_for(query: ListQuery) -> Select[*tuple[Any, ...]]:
    """The SQL of one page: rows of ``Farm`` (plus ``distance_km`` for a near search).
    Public so the benchmark EXPLAINs exactly what the service runs."""
    after = _after(query)
    if query.near is None:
        statement = _filtered(query, select(Farm)).order_by(Farm.id).limit(query.limit + 1)
        return statement if after is None else statement.where(Farm.id > after[0])
    lat, lon = query.near
    radius = query.radius_km or 0.0
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    distance = haversine_km(Farm.latitude, Farm.longitude, lat, lon)
    # Rank ids by distance first (an index-only scan of the location index for the common
    # filters), then read only the page's rows: the table is never read for the whole box.
    ranked = (
        _filtered(query, select(Farm.id.label("farm_id"), distance.label("distance_km")))
        .where(Farm.latitude.between(min_lat, max_lat), Farm.longitude.between(min_lon, max_lon))
        .where(distance <= radius)
        .order_by(distance, Farm.id)
        .limit(query.limit + 1)
    )
    if after is not None:
        ranked = ranked.where(tuple_(distance, Farm.id) > tuple_(after[0], after[1]))
    page = ranked.subquery("ranked")
    return (
        select(Farm, page.c.distance_km)
        .join(page, Farm.id == page.c.farm_id)
        .order_by(page.c.distance_km, page.c.farm_id)
    )


async def list_farms(session: AsyncSession, query: ListQuery) -> Page[FarmOut]:
    rows = (await session.execute(statement_for(query))).all()
    more = len(rows) > query.limit
    if query.near is None:
        items = [FarmOut.model_validate(row[0]) for row in rows[: query.limit]]
        return Page(items=items, next_cursor=encode_cursor(items[-1].id) if more else None)
    items = [
        FarmOut.model_validate(farm).model_copy(update={"distance_km": dist})
        for farm, dist in rows[: query.limit]
    ]
    last = items[-1] if more else None
    return Page(items=items, next_cursor=encode_cursor(last.distance_km, last.id) if last else None)
