"""One farm: register, read (ETag / 304), edit (If-Match / 412), deactivate, activate,
suspend. 404 when the caller cannot see the farm, 403 when they can but may not act."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from pamtalk.cache import cached_json, etag_matches
from pamtalk.db.raw import reading
from pamtalk.deps import CurrentUser, OptionalUser
from pamtalk.errors import Problem, problem_responses
from pamtalk.json_body import dumps
from services.farm import farms, rows
from services.farm.access import may_see, not_found, owned_farm, visible_farm
from services.farm.api.common import NOT_MODIFIED, Admin, Farmer, etag, etag_of
from services.farm.models import Farm
from services.farm.schemas import FarmIn, FarmOut, FarmPatch
from services.farm.state import ListedWrite, State, WriteSession

router = APIRouter(prefix="/api/v1/farms", tags=["farms"])


def private_headers(version: int) -> dict[str, str]:
    """Headers of a farm the caller changed: its ETag, and not stored by any cache."""
    return {"ETag": etag(version), "Cache-Control": "private, no-store"}


def _out(farm: Farm, response: Response) -> FarmOut:
    response.headers.update(private_headers(farm.version))
    return FarmOut.model_validate(farm)


@router.post(
    "",
    status_code=201,
    response_model=FarmOut,
    summary="Register a farm (farmers; you become its owner)",
    responses=problem_responses(401, 403, 422),
)
async def register_farm(body: FarmIn, farmer: Farmer, tx: ListedWrite) -> Response:
    farm = await farms.register(tx, farmer.id, body)
    headers = {"Location": f"/api/v1/farms/{farm['id']}", **private_headers(farm["version"])}
    return Response(dumps(farm), 201, headers, media_type="application/json")


@router.get(
    "/{farm_id}",
    response_model=FarmOut,
    summary="A farm (active ones for everyone; others for the owner and admins)",
    responses={**NOT_MODIFIED, **problem_responses(401, 404, 422)},
)
async def get_farm(farm_id: uuid.UUID, request: Request, principal: OptionalUser, state: State) -> Response:
    async with reading(state.db) as conn:
        farm = await conn.fetchrow(rows.BY_ID, farm_id)
    if farm is None or not may_see(principal, farm["owner_id"], farm["status"]):
        raise not_found()
    public = farm["status"] == "active"
    max_age = state.settings.public_max_age_seconds if public else 0
    data = dumps(dict(farm))
    return cached_json(request, data, max_age=max_age, public=public, etag=etag(farm["version"]))


@router.patch(
    "/{farm_id}",
    response_model=FarmOut,
    summary="Edit my farm (send If-Match with the ETag to refuse a stale edit)",
    responses=problem_responses(401, 403, 404, 412, 422),
)
async def edit_farm(
    farm_id: uuid.UUID,
    body: FarmPatch,
    principal: CurrentUser,
    session: WriteSession,
    response: Response,
    if_match: Annotated[str | None, Header(description="ETag of the version you edited")] = None,
) -> FarmOut:
    farm = await owned_farm(session, principal, farm_id)
    if if_match is not None and not etag_matches(if_match, etag_of(farm)):
        raise Problem(
            412,
            f"The farm changed since you read it (now version {farm.version}); read it again.",
            type_="precondition-failed",
            headers={"ETag": etag_of(farm)},
        )
    await farms.update(session, farm, body)
    return _out(farm, response)


@router.post(
    "/{farm_id}/deactivate",
    response_model=FarmOut,
    summary="Take my farm off the public list",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def deactivate_farm(
    farm_id: uuid.UUID, principal: CurrentUser, session: WriteSession, response: Response
) -> FarmOut:
    farm = await visible_farm(session, principal, farm_id, lock=True)
    await farms.deactivate(session, principal, farm)
    return _out(farm, response)


@router.post(
    "/{farm_id}/activate",
    response_model=FarmOut,
    summary="Put my inactive farm back on the list (admins: lift a suspension)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def activate_farm(
    farm_id: uuid.UUID, principal: CurrentUser, session: WriteSession, response: Response
) -> FarmOut:
    farm = await visible_farm(session, principal, farm_id, lock=True)
    await farms.activate(session, principal, farm)
    return _out(farm, response)


@router.post(
    "/{farm_id}/suspend",
    response_model=FarmOut,
    summary="Suspend any farm (admins)",
    responses=problem_responses(401, 403, 404, 422),
)
async def suspend_farm(
    farm_id: uuid.UUID, admin: Admin, session: WriteSession, response: Response
) -> FarmOut:
    farm = await visible_farm(session, admin, farm_id, lock=True)
    await farms.suspend(session, farm)
    return _out(farm, response)
