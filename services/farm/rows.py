"""Farms as plain rows for the hot read paths: SQL written once (prepared once per
connection by asyncpg), run on the pool's connections (the kit's ``pamtalk.db.raw``), and
rows turned straight into JSON (no ORM loading, no pydantic validation).

A farm row has the fields, in the order, of ``schemas.FarmOut`` (``distance_km`` last);
the kit's ``pamtalk.json_body.dumps`` writes it as pydantic would (UTC times with ``Z``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, literal_column

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
