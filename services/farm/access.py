"""Who may see and change a farm.

Rule: a farm is *visible* to everyone while active, and always to its owner and to admins.
A farm the caller cannot see answers 404 (its existence is not leaked); a farm the caller
can see but may not change answers 403."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.jwks import Principal
from pamtalk.errors import Problem
from services.farm.models import Farm


def owns(principal: Principal | None, owner_id: uuid.UUID) -> bool:
    return principal is not None and principal.id == owner_id


def may_see(principal: Principal | None, owner_id: uuid.UUID, status: str) -> bool:
    return status == "active" or owns(principal, owner_id) or bool(principal and principal.is_admin)


def is_owner(principal: Principal | None, farm: Farm) -> bool:
    return owns(principal, farm.owner_id)


def can_see(principal: Principal | None, farm: Farm) -> bool:
    return may_see(principal, farm.owner_id, farm.status)


def not_found() -> Problem:
    return Problem(404, "No such farm.", type_="farm-not-found")


def not_owner() -> Problem:
    return Problem(403, "Only the farm's owner can do this.", type_="not-farm-owner")


async def visible_farm(
    session: AsyncSession, principal: Principal | None, farm_id: uuid.UUID, *, lock: bool = False
) -> Farm:
    """The farm if the caller may see it (locked for update when ``lock``), else 404."""
    statement = select(Farm).where(Farm.id == farm_id)
    if lock:
        statement = statement.with_for_update()
    farm = await session.scalar(statement)
    if farm is None or not can_see(principal, farm):
        raise not_found()
    return farm


def check_owner(principal: Principal, owner_id: uuid.UUID, status: str) -> None:
    """404 if the caller cannot see the farm, 403 if it is someone else's."""
    if not may_see(principal, owner_id, status):
        raise not_found()
    if not owns(principal, owner_id):
        raise not_owner()


async def owned_farm(session: AsyncSession, principal: Principal, farm_id: uuid.UUID) -> Farm:
    """The caller's own farm, locked for update; 404 if invisible, 403 if someone else's."""
    farm = await visible_farm(session, principal, farm_id, lock=True)
    check_owner(principal, farm.owner_id, farm.status)
    return farm
