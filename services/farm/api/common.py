"""Pieces the farm routers share: role dependencies, ETags and documented responses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from pamtalk.auth.deps import require_roles
from pamtalk.auth.jwks import Principal
from pamtalk.errors import problem_responses
from services.farm.models import Farm

Farmer = Annotated[Principal, Depends(require_roles("farmer"))]
Admin = Annotated[Principal, Depends(require_roles("admin"))]

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {"description": "Not modified (If-None-Match matched)"}}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return problem_responses(*statuses)


def etag_of(farm: Farm) -> str:
    """The farm's ETag: its version, bumped by every change."""
    return f'"v{farm.version}"'
