"""Farm rules: registration, edits and status changes. Every change bumps the farm's
version and queues ``farm.registered`` / ``farm.updated`` in the outbox, in the same
transaction. A change returns the farm as written and whether it changed (the endpoint
then invalidates the list cache once the transaction has committed)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from asyncpg import Record

from pamtalk.auth.jwks import Principal
from pamtalk.db.database import Database
from pamtalk.db.tx import Tx
from pamtalk.errors import Problem
from pamtalk.events.catalogue import FarmRegistered, FarmSnapshot, FarmUpdated
from services.farm import store
from services.farm.access import check_owner, is_owner, not_owner, visible
from services.farm.ids import uuid7
from services.farm.schemas import FarmIn, FarmPatch
from services.farm.shard_reads import ShardReads, farm_row

SNAPSHOT_FIELDS = FarmSnapshot.attributes()
Written = tuple[Mapping[str, Any], bool]  # the farm as it now is, and whether this changed it


def snapshot(farm: Mapping[str, Any]) -> dict[str, Any]:
    return {"farm_id": farm["id"], **{name: farm[name] for name in SNAPSHOT_FIELDS}}


def change_event(farm: Mapping[str, Any], *, created: bool = False) -> FarmSnapshot:
    """``farm.registered`` / ``farm.updated`` of the farm as written."""
    return FarmRegistered(**snapshot(farm)) if created else FarmUpdated(**snapshot(farm))


async def register(tx: Tx, owner_id: uuid.UUID, body: FarmIn) -> dict[str, Any]:
    """Insert the farm and queue ``farm.registered``; returns the farm as a farm row shows it."""
    now = datetime.now(UTC)
    values = body.model_dump()
    values.update(id=uuid7(), owner_id=owner_id, status="active", version=1, created_at=now, updated_at=now)
    farm = await store.farms.insert(tx, values)
    await tx.add_event(change_event(farm, created=True))
    return farm


async def shown(db: Database, shards: ShardReads, principal: Principal | None, farm_id: uuid.UUID) -> Record:
    """The farm as the API shows it, if the caller may see it (else 404): read where it
    lives (``shard_reads.farm_row``)."""
    return visible(principal, await farm_row(db, shards, farm_id))


async def locked(tx: Tx, principal: Principal, farm_id: uuid.UUID) -> Record:
    """The farm, locked for a change, if the caller may see it (else 404)."""
    return visible(principal, await store.farms.locked(tx, farm_id))


async def owned(tx: Tx, principal: Principal, farm_id: uuid.UUID) -> Record:
    """The caller's own farm, locked for a change; 404 if invisible, 403 if someone else's."""
    farm = await locked(tx, principal, farm_id)
    check_owner(principal, farm["owner_id"], farm["status"])
    return farm


async def _write(tx: Tx, farm: Mapping[str, Any]) -> Written:
    """Write a changed farm (its version bumped) and queue ``farm.updated``."""
    written = await store.farms.update(tx, farm, datetime.now(UTC))
    await tx.add_event(change_event(written))
    return written, True


async def update(tx: Tx, farm: Record, patch: FarmPatch) -> Written:
    """Apply the fields that differ; no new version when nothing changed."""
    changes = {name: value for name, value in patch.changes().items() if farm[name] != value}
    if not changes:
        return farm, False
    return await _write(tx, {**farm, **changes})


async def set_status(tx: Tx, farm: Record, status: str) -> Written:
    if farm["status"] == status:
        return farm, False
    return await _write(tx, {**farm, "status": status})


def _suspended() -> Problem:
    return Problem(
        409,
        "An admin suspended this farm; only an admin can lift the suspension.",
        type_="farm-suspended",
    )


async def deactivate(tx: Tx, principal: Principal, farm: Record) -> Written:
    if not is_owner(principal, farm):
        raise not_owner()
    if farm["status"] == "suspended":
        raise _suspended()
    return await set_status(tx, farm, "inactive")


async def activate(tx: Tx, principal: Principal, farm: Record) -> Written:
    """The owner re-activates an inactive farm; an admin lifts a suspension."""
    if farm["status"] == "suspended":
        if not principal.is_admin:
            raise _suspended() if is_owner(principal, farm) else not_owner()
    elif not is_owner(principal, farm):
        raise not_owner()
    return await set_status(tx, farm, "active")


async def suspend(tx: Tx, farm: Record) -> Written:
    return await set_status(tx, farm, "suspended")
