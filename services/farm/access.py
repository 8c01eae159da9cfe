"""Who may see and change a farm.

Rule: a farm is *visible* to everyone while active, and always to its owner and to admins.
A farm the caller cannot see answers 404 (its existence is not leaked); a farm the caller
can see but may not change answers 403.

Who runs a farm and how to reach them (``PERSONAL``: personal data) is never in a public
answer (an active farm's page, the public list), which the gateway caches and serves to
anyone: those say ``null``. Signed-in users ask ``GET /farms/{id}/contact`` (private); the
owner's and admins' own views (``mine=true``, a farm not active) carry everything."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

from pamtalk.auth.jwks import Principal
from pamtalk.errors import Problem

F = TypeVar("F", bound=Mapping[str, Any])
PERSONAL: tuple[str, ...] = ("owner_id", "contact_phone", "contact_email")


def as_shown(farm: Mapping[str, Any], public: bool) -> dict[str, Any]:
    """The farm's row as an answer shows it: a ``public`` one without ``PERSONAL``."""
    return {**farm, **dict.fromkeys(PERSONAL)} if public else dict(farm)


def owns(principal: Principal | None, owner_id: uuid.UUID) -> bool:
    return principal is not None and principal.id == owner_id


def may_see(principal: Principal | None, owner_id: uuid.UUID, status: str) -> bool:
    return status == "active" or owns(principal, owner_id) or bool(principal and principal.is_admin)


def is_owner(principal: Principal | None, farm: Mapping[str, Any]) -> bool:
    return owns(principal, farm["owner_id"])


def not_found() -> Problem:
    return Problem(404, "No such farm.", type_="farm-not-found")


def not_owner() -> Problem:
    return Problem(403, "Only the farm's owner can do this.", type_="not-farm-owner")


def visible(principal: Principal | None, farm: F | None) -> F:
    """The farm (a row with its ``owner_id`` and ``status``) if the caller may see it, else 404."""
    if farm is None or not may_see(principal, farm["owner_id"], farm["status"]):
        raise not_found()
    return farm


def check_owner(principal: Principal, owner_id: uuid.UUID, status: str) -> None:
    """404 if the caller cannot see the farm, 403 if it is someone else's."""
    if not may_see(principal, owner_id, status):
        raise not_found()
    if not owns(principal, owner_id):
        raise not_owner()
