"""The public farm list (filters, keyset pages, near me) and the fixed vocabularies."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from pamtalk.auth.jwks import Principal
from pamtalk.cache import cached_json
from pamtalk.deps import OptionalUser
from pamtalk.errors import Problem, problem_responses
from pamtalk.pagination import Page
from services.farm import listing
from services.farm.api.common import NOT_MODIFIED
from services.farm.listing import ListQuery
from services.farm.schemas import CertificationTerm, FarmOut, Term
from services.farm.state import State
from services.farm.vocabulary import (
    CERTIFICATION_INFO,
    CROP_NAMES_KO,
    CROPS,
    REGION_NAMES_KO,
    REGIONS,
    STATUSES,
    Certification,
    Crop,
    Grade,
    Region,
    Status,
)

router = APIRouter(prefix="/api/v1/farms", tags=["farms"])
NEAR = r"^-?[0-9]{1,3}(\.[0-9]{1,12})?,-?[0-9]{1,3}(\.[0-9]{1,12})?$"
DEFAULT_RADIUS_KM = 10.0


def _statuses(principal: Principal | None, mine: bool, status: str | None) -> tuple[str, ...]:
    if mine:
        return (status,) if status else STATUSES
    if status is None or status == "active":
        return ("active",)
    if principal is not None and principal.is_admin:
        return (status,)
    raise Problem(
        403,
        "Only active farms are public; pass mine=true to list your own farms of any status.",
        type_="forbidden",
    )


def _near(
    near: str | None, radius_km: float | None, max_radius: float
) -> tuple[tuple[float, float] | None, float | None]:
    if near is None:
        if radius_km is not None:
            raise Problem(
                422, "radius_km needs near.", errors=[_err("radius_km", "radius_km needs near=lat,lon")]
            )
        return None, None
    lat, lon = (float(part) for part in near.split(","))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Problem(
            422,
            "near is not a valid position.",
            errors=[_err("near", "latitude -90..90, longitude -180..180")],
        )
    radius = radius_km if radius_km is not None else DEFAULT_RADIUS_KM
    if radius > max_radius:
        raise Problem(422, "radius_km is too large.", errors=[_err("radius_km", f"at most {max_radius} km")])
    return (lat, lon), radius


def _err(field: str, message: str) -> dict[str, str]:
    return {"field": field, "in": "query", "message": message, "code": "value_error"}


@router.get(
    "",
    response_model=Page[FarmOut],
    summary="List farms (active ones for everyone; mine=true for your own of any status)",
    responses={**NOT_MODIFIED, **problem_responses(401, 403, 422)},
)
async def list_farms(
    request: Request,
    principal: OptionalUser,
    state: State,
    region: Region | None = None,
    crop: Annotated[list[Crop] | None, Query(description="farms growing all of these")] = None,
    certification: Annotated[
        list[Certification] | None, Query(description="farms holding all of these")
    ] = None,
    status: Annotated[Status | None, Query(description="other than active: mine=true, or admins")] = None,
    min_grade: Annotated[Grade | None, Query(description="ESG grade at least this")] = None,
    mine: Annotated[bool, Query(description="only my farms (needs a token)")] = False,
    near: Annotated[str | None, Query(pattern=NEAR, description="lat,lon: nearest first")] = None,
    radius_km: Annotated[
        float | None, Query(gt=0, description=f"with near; default {DEFAULT_RADIUS_KM}")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int | None, Query(ge=1, le=100, description="page size, default 20")] = None,
) -> Response:
    settings = state.settings
    if mine and principal is None:
        raise Problem(
            401,
            "mine=true needs a logged-in user.",
            type_="unauthenticated",
            headers={"WWW-Authenticate": 'Bearer realm="pamtalk"'},
        )
    position, radius = _near(near, radius_km, settings.max_radius_km)
    query = ListQuery(
        statuses=_statuses(principal, mine, status),
        region=region,
        crops=tuple(dict.fromkeys(crop or ())),
        certifications=tuple(dict.fromkeys(certification or ())),
        min_grade=min_grade,
        owner_id=principal.id if mine and principal else None,
        near=position,
        radius_km=radius,
        cursor=cursor,
        limit=min(limit or settings.page_size, settings.max_page_size),
    )

    if mine or query.statuses != ("active",):  # a personal or admin view: never shared
        query = replace(query, public=False)  # with the owners' contacts
        async with state.db.read("primary") as read:  # it shows the caller's own changes
            data = await listing.list_farms(read, query)
        return cached_json(request, data, max_age=0, public=False)

    async def compute() -> bytes:
        async with state.db.read("replica") as read:  # the public list: cached for minutes anyway
            return await listing.list_farms(read, query)

    data, hit = await state.list_cache.get_or_compute(query.normalized(), compute)
    return cached_json(request, data, max_age=settings.public_max_age_seconds, hit=hit)


VOCABULARY_CACHE = "public, max-age=86400"


@router.get("/crops", response_model=list[Term], summary="Crops a farm can grow")
async def list_crops(response: Response) -> list[Term]:
    response.headers["Cache-Control"] = VOCABULARY_CACHE
    return [Term(code=c, name=c.capitalize(), name_ko=CROP_NAMES_KO[c]) for c in CROPS]


@router.get("/certifications", response_model=list[CertificationTerm], summary="Known certifications")
async def list_certifications(response: Response) -> list[CertificationTerm]:
    response.headers["Cache-Control"] = VOCABULARY_CACHE
    return [
        CertificationTerm(code=code, name=name, name_ko=ko, esg_points=points)
        for code, (name, ko, points) in CERTIFICATION_INFO.items()
    ]


@router.get("/regions", response_model=list[Term], summary="Korean provinces and metropolitan cities")
async def list_regions(response: Response) -> list[Term]:
    response.headers["Cache-Control"] = VOCABULARY_CACHE
    return [Term(code=r, name=r, name_ko=REGION_NAMES_KO[r]) for r in REGIONS]
