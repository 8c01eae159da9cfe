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


async def list_farms(session: AsyncSession, query: ListQuery) -> Page[FarmOut]:
    after = _after(query)
    if query.near is None:
        statement = _filtered(query, select(Farm)).order_by(Farm.id).limit(query.limit + 1)
        if after is not None:
            statement = statement.where(Farm.id > after[0])
        farms = list((await session.scalars(statement)).all())
        items = [FarmOut.model_validate(farm) for farm in farms[: query.limit]]
        more = len(farms) > query.limit
        return Page(items=items, next_cursor=encode_cursor(items[-1].id) if more else None)

    lat, lon = query.near
    radius = query.radius_km or 0.0
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    distance = haversine_km(Farm.latitude, Farm.longitude, lat, lon)
    near_statement = (
        _filtered(query, select(Farm, distance.label("distance_km")))
        .where(Farm.latitude.between(min_lat, max_lat), Farm.longitude.between(min_lon, max_lon))
        .where(distance <= radius)
        .order_by(distance, Farm.id)
        .limit(query.limit + 1)
    )
    if after is not None:
        near_statement = near_statement.where(tuple_(distance, Farm.id) > tuple_(after[0], after[1]))
    rows = (await session.execute(near_statement)).all()
    items = [
        FarmOut.model_validate(farm).model_copy(update={"distance_km": dist})
        for farm, dist in rows[: query.limit]
    ]
    more = len(rows) > query.limit
    return Page(
        items=items,
        next_cursor=encode_cursor(items[-1].distance_km, items[-1].id) if more else None,
    )
