"""Farm rules: registration, edits and status changes. Every change bumps the farm's
version and queues ``farm.registered`` / ``farm.updated`` in the outbox, in the same
transaction, and marks the session so the list cache is invalidated after the commit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.jwks import Principal
from pamtalk.db.outbox import add_event
from pamtalk.errors import Problem
from pamtalk.events.catalogue import FarmRegistered, FarmSnapshot, FarmUpdated
from services.farm.access import is_owner, not_owner
from services.farm.ids import uuid7
from services.farm.list_cache import mark_lists_changed
from services.farm.models import Farm, outbox
from services.farm.rows import FARMS, OUT_COLUMNS
from services.farm.schemas import FarmIn, FarmOut, FarmPatch

SNAPSHOT_FIELDS = FarmSnapshot.attributes()
FARM_INSERT = insert(FARMS)  # built once; its compiled form is cached by SQLAlchemy


def snapshot(farm: Mapping[str, Any]) -> dict[str, Any]:
    return {"farm_id": farm["id"], **{name: farm[name] for name in SNAPSHOT_FIELDS}}


def change_event(farm: Mapping[str, Any], *, created: bool = False) -> FarmSnapshot:
    """``farm.registered`` / ``farm.updated`` of the farm as written."""
    return FarmRegistered(**snapshot(farm)) if created else FarmUpdated(**snapshot(farm))


async def queue_change(session: AsyncSession, farm: Mapping[str, Any], *, created: bool = False) -> None:
    """Queue the farm's change event in the same transaction, and mark the session so the
    list cache is invalidated after the commit."""
    await add_event(session, outbox, change_event(farm, created=created), "farm")
    mark_lists_changed(session)


async def publish_change(session: AsyncSession, farm: Farm) -> None:
    """Bump the version of a loaded farm, write the row and queue its event."""
    farm.version += 1
    farm.updated_at = datetime.now(UTC)
    await session.flush()
    await queue_change(session, {name: getattr(farm, name) for name in ("id", *SNAPSHOT_FIELDS)})


async def register(session: AsyncSession, owner_id: uuid.UUID, body: FarmIn) -> dict[str, Any]:
    """Insert the farm; returns it with the fields, in the order, of FarmOut."""
    now = datetime.now(UTC)
    farm: dict[str, Any] = dict.fromkeys(FarmOut.model_fields)
    farm.update(body.model_dump(), id=uuid7(), owner_id=owner_id, status="active", version=1)
    farm.update(created_at=now, updated_at=now)
    connection = await session.connection()  # Core on the session's transaction
    await connection.execute(FARM_INSERT, {name: farm[name] for name in OUT_COLUMNS})
    await queue_change(session, farm, created=True)
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
