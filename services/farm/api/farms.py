"""One farm: register, read (ETag / 304), edit (If-Match / 412), deactivate, activate,
suspend. 404 when the caller cannot see the farm, 403 when they can but may not act."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from pamtalk.cache import cached_json, etag_matches
from pamtalk.deps import CurrentUser, OptionalUser, Write
from pamtalk.errors import Problem, problem_responses
from pamtalk.json_body import dumps
from services.farm import farms
from services.farm.access import PERSONAL, as_shown
from services.farm.api.common import NOT_MODIFIED, Admin, Farmer, etag
from services.farm.schemas import FarmContact, FarmIn, FarmOut, FarmPatch
from services.farm.state import State

router = APIRouter(prefix="/api/v1/farms", tags=["farms"])
JSON = "application/json"


def private_headers(version: int) -> dict[str, str]:
    """Headers of a farm the caller changed: its ETag, and not stored by any cache."""
    return {"ETag": etag(version), "Cache-Control": "private, no-store"}


async def changed(state: State, change: Callable[[Write], Awaitable[farms.Written]]) -> Response:
    """The farm as the caller's ``change`` left it; every list is invalidated once a change has
    committed. The change locks the farm's row: on a further shard postgres_fdw does that in a
    repeatable-read transaction, which PostgreSQL gives up when the row moved first (its ESG
    grade, say), so it is made again then (``Database.write_retrying``). (``Write``: the
    transaction's type, as endpoints name it.)"""

    async def work(tx: Write) -> Mapping[str, Any]:
        farm, moved = await change(tx)
        if moved:
            tx.after_commit(state.list_cache.invalidate)
        return farm

    farm = await state.db.write_retrying(work)
    return Response(dumps(dict(farm)), 200, private_headers(farm["version"]), media_type=JSON)


@router.post(
    "",
    status_code=201,
    response_model=FarmOut,
    summary="Register a farm (farmers; you become its owner)",
    responses=problem_responses(401, 403, 422),
)
async def register_farm(body: FarmIn, farmer: Farmer, tx: Write, state: State) -> Response:
    farm = await farms.register(tx, farmer.id, body)
    tx.after_commit(state.list_cache.invalidate)
    headers = {"Location": f"/api/v1/farms/{farm['id']}", **private_headers(farm["version"])}
    return Response(dumps(farm), 201, headers, media_type=JSON)


@router.get(
    "/{farm_id}",
    response_model=FarmOut,
    summary="A farm (active ones for everyone; others for the owner and admins)",
    responses={**NOT_MODIFIED, **problem_responses(401, 404, 422)},
)
async def get_farm(farm_id: uuid.UUID, request: Request, principal: OptionalUser, state: State) -> Response:
    farm = await farms.shown(state.db, state.shards, principal, farm_id)
    public = farm["status"] == "active"  # the same for everyone: the gateway keeps it
    max_age = state.settings.public_max_age_seconds if public else 0
    data = dumps(as_shown(farm, public))
    return cached_json(request, data, max_age=max_age, public=public, etag=etag(farm["version"]))


@router.get(
    "/{farm_id}/contact",
    response_model=FarmContact,
    summary="Who runs a farm and how to reach them (signed-in users)",
    responses=problem_responses(401, 404, 422),
)
async def get_farm_contact(farm_id: uuid.UUID, principal: CurrentUser, state: State) -> Response:
    farm = await farms.shown(state.db, state.shards, principal, farm_id)
    contact = {"farm_id": farm["id"], **{name: farm[name] for name in PERSONAL}}
    return Response(dumps(contact), 200, {"Cache-Control": "private, no-store"}, media_type=JSON)


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
    state: State,
    if_match: Annotated[str | None, Header(description="ETag of the version you edited")] = None,
) -> Response:
    async def edit(tx: Write) -> farms.Written:
        farm = await farms.owned(tx, principal, farm_id)
        if if_match is not None and not etag_matches(if_match, etag(farm["version"])):
            raise Problem(
                412,
                f"The farm changed since you read it (now version {farm['version']}); read it again.",
                type_="precondition-failed",
                headers={"ETag": etag(farm["version"])},
            )
        return await farms.update(tx, farm, body)

    return await changed(state, edit)


@router.post(
    "/{farm_id}/deactivate",
    response_model=FarmOut,
    summary="Take my farm off the public list",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def deactivate_farm(farm_id: uuid.UUID, principal: CurrentUser, state: State) -> Response:
    async def deactivate(tx: Write) -> farms.Written:
        return await farms.deactivate(tx, principal, await farms.locked(tx, principal, farm_id))

    return await changed(state, deactivate)


@router.post(
    "/{farm_id}/activate",
    response_model=FarmOut,
    summary="Put my inactive farm back on the list (admins: lift a suspension)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def activate_farm(farm_id: uuid.UUID, principal: CurrentUser, state: State) -> Response:
    async def activate(tx: Write) -> farms.Written:
        return await farms.activate(tx, principal, await farms.locked(tx, principal, farm_id))

    return await changed(state, activate)


@router.post(
    "/{farm_id}/suspend",
    response_model=FarmOut,
    summary="Suspend any farm (admins)",
    responses=problem_responses(401, 403, 404, 422),
)
async def suspend_farm(farm_id: uuid.UUID, admin: Admin, state: State) -> Response:
    async def suspend(tx: Write) -> farms.Written:
        return await farms.suspend(tx, await farms.locked(tx, admin, farm_id))

    return await changed(state, suspend)
