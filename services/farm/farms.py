"""Farm rules: registration, edits and status changes. Every change bumps the farm's
version and queues ``farm.registered`` / ``farm.updated`` in the outbox, in the same
transaction, and marks the session so the list cache is invalidated after the commit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.jwks import Principal
from pamtalk.db.outbox import add_event
from pamtalk.errors import Problem
from pamtalk.events.catalogue import FarmRegistered, FarmSnapshot, FarmUpdated
from services.farm.access import is_owner, not_owner
from services.farm.ids import uuid7
from services.farm.list_cache import mark_lists_changed
from services.farm.models import Farm, outbox
from services.farm.schemas import FarmIn, FarmPatch

SNAPSHOT_FIELDS = FarmSnapshot.attributes()


def snapshot(farm: Farm) -> dict[str, Any]:
    return {"farm_id": farm.id, **{name: getattr(farm, name) for name in SNAPSHOT_FIELDS}}


async def publish_change(session: AsyncSession, farm: Farm, *, created: bool = False) -> None:
    """Bump the version (unless new), write the row and queue its event."""
    if not created:
        farm.version += 1
        farm.updated_at = datetime.now(UTC)
    await session.flush()
    event = FarmRegistered(**snapshot(farm)) if created else FarmUpdated(**snapshot(farm))
    await add_event(session, outbox, event, "farm")
    mark_lists_changed(session)


async def register(session: AsyncSession, owner_id: uuid.UUID, body: FarmIn) -> Farm:
    now = datetime.now(UTC)
    farm = Farm(
        id=uuid7(),
        owner_id=owner_id,
        status="active",
        version=1,
        created_at=now,
        updated_at=now,
        **body.model_dump(),
    )
    session.add(farm)
    await publish_change(session, farm, created=True)
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
