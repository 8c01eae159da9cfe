"""Pieces the farm routers share: role dependencies, ETags and documented responses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from pamtalk.auth.deps import require_roles
from pamtalk.auth.jwks import Principal
from pamtalk.deps import AdminUser

Farmer = Annotated[Principal, Depends(require_roles("farmer"))]
Admin = AdminUser

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {"description": "Not modified (If-None-Match matched)"}}


def etag(version: int) -> str:
    """A farm's ETag: its version, bumped by every change. (Its page at one version is one
    representation: the public view while active, the owner's full view otherwise.)"""
    return f'"v{version}"'
