"""Farm rules: registration, edits and status changes. Every change bumps the farm's
version and queues ``farm.registered`` / ``farm.updated`` in the outbox, in the same
transaction; the list cache is invalidated after the commit (registration: plain SQL in
``state.ListedWrite``, which does it; edits: the session is marked for ``WriteSession``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.jwks import Principal
from pamtalk.db.outbox import PlainTx, add_event
from pamtalk.db.raw import sql
from pamtalk.errors import Problem
from pamtalk.events.catalogue import FarmRegistered, FarmSnapshot, FarmUpdated
from services.farm.access import is_owner, not_owner
from services.farm.ids import uuid7
from services.farm.list_cache import mark_lists_changed
from services.farm.models import Farm, outbox
from services.farm.rows import FARMS, OUT_COLUMNS
from services.farm.schemas import FarmIn, FarmOut, FarmPatch

SNAPSHOT_FIELDS = FarmSnapshot.attributes()
# A new farm's row: the columns the API shows (the grade's rank and assessment id start NULL).
_INSERT = sql(f"INSERT INTO {FARMS.fullname} ({', '.join(OUT_COLUMNS)}) VALUES (:{', :'.join(OUT_COLUMNS)})")


def snapshot(farm: Mapping[str, Any]) -> dict[str, Any]:
    return {"farm_id": farm["id"], **{name: farm[name] for name in SNAPSHOT_FIELDS}}


def change_event(farm: Mapping[str, Any], *, created: bool = False) -> FarmSnapshot:
    """``farm.registered`` / ``farm.updated`` of the farm as written."""
    return FarmRegistered(**snapshot(farm)) if created else FarmUpdated(**snapshot(farm))


async def publish_change(session: AsyncSession, farm: Farm) -> None:
    """Bump the version of a loaded farm, write the row, queue ``farm.updated`` and mark the
    session so the list cache is invalidated after the commit."""
    farm.version += 1
    farm.updated_at = datetime.now(UTC)
    await session.flush()
    await add_event(
        session,
        outbox,
        change_event({name: getattr(farm, name) for name in ("id", *SNAPSHOT_FIELDS)}),
        "farm",
    )
    mark_lists_changed(session)


async def register(tx: PlainTx, owner_id: uuid.UUID, body: FarmIn) -> dict[str, Any]:
    """Insert the farm and queue ``farm.registered`` (plain SQL in the endpoint's
    transaction); returns the farm with the fields, in the order, of FarmOut."""
    now = datetime.now(UTC)
    farm: dict[str, Any] = dict.fromkeys(FarmOut.model_fields)
    farm.update(body.model_dump(), id=uuid7(), owner_id=owner_id, status="active", version=1)
    farm.update(created_at=now, updated_at=now)
    await tx.conn.execute(_INSERT.text, *_INSERT.args(farm))
    await tx.add_event(outbox, change_event(farm, created=True), "farm")
    return farm


async def update(session: AsyncSession, farm: Farm, patch: FarmPatch) -> bool:
    """Apply the fields that differ; False (and no new version) when nothing changed."""
    changes = {name: value for name, value in patch.changes().items() if getattr(farm, name) != value}
    for name, value in changes.items():
        setattr(farm, name, value)
    if changes:
        await publish_change(session, farm)
    return bool(changes)


async def set_status(session: AsyncSession, farm: Farm, status: str) -> None:
    if farm.status != status:
        farm.status = status
        await publish_change(session, farm)


def _suspended() -> Problem:
    return Problem(
        409,
        "An admin suspended this farm; only an admin can lift the suspension.",
        type_="farm-suspended",
    )


async def deactivate(session: AsyncSession, principal: Principal, farm: Farm) -> None:
    if not is_owner(principal, farm):
        raise not_owner()
    if farm.status == "suspended":
        raise _suspended()
    await set_status(session, farm, "inactive")


async def activate(session: AsyncSession, principal: Principal, farm: Farm) -> None:
    """The owner re-activates an inactive farm; an admin lifts a suspension."""
    if farm.status == "suspended":
        if not principal.is_admin:
            raise _suspended() if is_owner(principal, farm) else not_owner()
    elif not is_owner(principal, farm):
        raise not_owner()
    await set_status(session, farm, "active")


async def suspend(session: AsyncSession, farm: Farm) -> None:
    await set_status(session, farm, "suspended")
