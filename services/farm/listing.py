"""The farm list: what a list query asks (filters, keyset pages in id order, "near me"
pages in distance order), its values for the store's page statement, and the page as JSON.

Every shape is served by an index (see models.py); the cursor is the sort key of the last
row: ``[id]``, or ``[distance_km, id]`` for a near search. A cursor of the wrong shape is a
422, never a 500."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, fields
from typing import Any

from pamtalk.db.tx import Read
from pamtalk.errors import Problem
from pamtalk.json_body import dumps
from pamtalk.pagination import decode_cursor, encode_cursor
from services.farm import store
from services.farm.access import as_shown
from services.farm.geo import bounding_box
from services.farm.vocabulary import grade_rank


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
    public: bool = True  # the public list: no personal data (access.PERSONAL)

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
    """The values of a page's statement by name; which names are present is the shape of
    the statement (``store.farms.page_statement``: one text per shape)."""
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


async def list_farms(read: Read, query: ListQuery) -> bytes:
    """The page as JSON: ``{items, next_cursor}``."""
    found = await store.farms.page(read, params_of(query))
    items = [as_shown(row, query.public) for row in found[: query.limit]]
    next_cursor = None
    if len(found) > query.limit:  # the cursor is the last item's sort key
        last = items[-1]
        key = (last["id"],) if query.near is None else (last["distance_km"], last["id"])
        next_cursor = encode_cursor(*key)
    return dumps({"items": items, "next_cursor": next_cursor})
