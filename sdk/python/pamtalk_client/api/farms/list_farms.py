from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.certification import Certification
from ...models.crop import Crop
from ...models.farm_status import FarmStatus
from ...models.grade import Grade
from ...models.page_farm_out import PageFarmOut
from ...models.problem import Problem
from ...models.region import Region
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    region: None | Region | Unset = UNSET,
    crop: list[Crop] | None | Unset = UNSET,
    certification: list[Certification] | None | Unset = UNSET,
    status: FarmStatus | None | Unset = UNSET,
    min_grade: Grade | None | Unset = UNSET,
    mine: bool | Unset = False,
    near: None | str | Unset = UNSET,
    radius_km: float | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    params: dict[str, Any] = {}

    json_region: None | str | Unset
    if isinstance(region, Unset):
        json_region = UNSET
    elif isinstance(region, Region):
        json_region = region.value
    else:
        json_region = region
    params["region"] = json_region

    json_crop: list[str] | None | Unset
    if isinstance(crop, Unset):
        json_crop = UNSET
    elif isinstance(crop, list):
        json_crop = []
        for crop_type_0_item_data in crop:
            crop_type_0_item = crop_type_0_item_data.value
            json_crop.append(crop_type_0_item)

    else:
        json_crop = crop
    params["crop"] = json_crop

    json_certification: list[str] | None | Unset
    if isinstance(certification, Unset):
        json_certification = UNSET
    elif isinstance(certification, list):
        json_certification = []
        for certification_type_0_item_data in certification:
            certification_type_0_item = certification_type_0_item_data.value
            json_certification.append(certification_type_0_item)

    else:
        json_certification = certification
    params["certification"] = json_certification

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, FarmStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_min_grade: None | str | Unset
    if isinstance(min_grade, Unset):
        json_min_grade = UNSET
    elif isinstance(min_grade, Grade):
        json_min_grade = min_grade.value
    else:
        json_min_grade = min_grade
    params["min_grade"] = json_min_grade

    params["mine"] = mine

    json_near: None | str | Unset
    if isinstance(near, Unset):
        json_near = UNSET
    else:
        json_near = near
    params["near"] = json_near

    json_radius_km: float | None | Unset
    if isinstance(radius_km, Unset):
        json_radius_km = UNSET
    else:
        json_radius_km = radius_km
    params["radius_km"] = json_radius_km

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_limit: int | None | Unset
    if isinstance(limit, Unset):
        json_limit = UNSET
    else:
        json_limit = limit
    params["limit"] = json_limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/farms",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | PageFarmOut | Problem | None:
    if response.status_code == 200:
        response_200 = PageFarmOut.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code in (401, 403, 414, 422, 429, 502, 503, 504):
        response_401 = Problem.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | PageFarmOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    region: None | Region | Unset = UNSET,
    crop: list[Crop] | None | Unset = UNSET,
    certification: list[Certification] | None | Unset = UNSET,
    status: FarmStatus | None | Unset = UNSET,
    min_grade: Grade | None | Unset = UNSET,
    mine: bool | Unset = False,
    near: None | str | Unset = UNSET,
    radius_km: float | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | PageFarmOut | Problem]:
    """List farms (active ones for everyone; mine=true for your own of any status)

    Args:
        region (None | Region | Unset):
        crop (list[Crop] | None | Unset): farms growing all of these
        certification (list[Certification] | None | Unset): farms holding all of these
        status (FarmStatus | None | Unset): other than active: mine=true, or admins
        min_grade (Grade | None | Unset): ESG grade at least this
        mine (bool | Unset): only my farms (needs a token) Default: False.
        near (None | str | Unset): lat,lon: nearest first
        radius_km (float | None | Unset): with near; default 10.0
        cursor (None | str | Unset):
        limit (int | None | Unset): page size, default 20
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PageFarmOut | Problem]
    """

    kwargs = _get_kwargs(
        region=region,
        crop=crop,
        certification=certification,
        status=status,
        min_grade=min_grade,
        mine=mine,
        near=near,
        radius_km=radius_km,
        cursor=cursor,
        limit=limit,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    region: None | Region | Unset = UNSET,
    crop: list[Crop] | None | Unset = UNSET,
    certification: list[Certification] | None | Unset = UNSET,
    status: FarmStatus | None | Unset = UNSET,
    min_grade: Grade | None | Unset = UNSET,
    mine: bool | Unset = False,
    near: None | str | Unset = UNSET,
    radius_km: float | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | PageFarmOut | Problem | None:
    """List farms (active ones for everyone; mine=true for your own of any status)

    Args:
        region (None | Region | Unset):
        crop (list[Crop] | None | Unset): farms growing all of these
        certification (list[Certification] | None | Unset): farms holding all of these
        status (FarmStatus | None | Unset): other than active: mine=true, or admins
        min_grade (Grade | None | Unset): ESG grade at least this
        mine (bool | Unset): only my farms (needs a token) Default: False.
        near (None | str | Unset): lat,lon: nearest first
        radius_km (float | None | Unset): with near; default 10.0
        cursor (None | str | Unset):
        limit (int | None | Unset): page size, default 20
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PageFarmOut | Problem
    """

    return sync_detailed(
        client=client,
        region=region,
        crop=crop,
        certification=certification,
        status=status,
        min_grade=min_grade,
        mine=mine,
        near=near,
        radius_km=radius_km,
        cursor=cursor,
        limit=limit,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    region: None | Region | Unset = UNSET,
    crop: list[Crop] | None | Unset = UNSET,
    certification: list[Certification] | None | Unset = UNSET,
    status: FarmStatus | None | Unset = UNSET,
    min_grade: Grade | None | Unset = UNSET,
    mine: bool | Unset = False,
    near: None | str | Unset = UNSET,
    radius_km: float | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | PageFarmOut | Problem]:
    """List farms (active ones for everyone; mine=true for your own of any status)

    Args:
        region (None | Region | Unset):
        crop (list[Crop] | None | Unset): farms growing all of these
        certification (list[Certification] | None | Unset): farms holding all of these
        status (FarmStatus | None | Unset): other than active: mine=true, or admins
        min_grade (Grade | None | Unset): ESG grade at least this
        mine (bool | Unset): only my farms (needs a token) Default: False.
        near (None | str | Unset): lat,lon: nearest first
        radius_km (float | None | Unset): with near; default 10.0
        cursor (None | str | Unset):
        limit (int | None | Unset): page size, default 20
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PageFarmOut | Problem]
    """

    kwargs = _get_kwargs(
        region=region,
        crop=crop,
        certification=certification,
        status=status,
        min_grade=min_grade,
        mine=mine,
        near=near,
        radius_km=radius_km,
        cursor=cursor,
        limit=limit,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    region: None | Region | Unset = UNSET,
    crop: list[Crop] | None | Unset = UNSET,
    certification: list[Certification] | None | Unset = UNSET,
    status: FarmStatus | None | Unset = UNSET,
    min_grade: Grade | None | Unset = UNSET,
    mine: bool | Unset = False,
    near: None | str | Unset = UNSET,
    radius_km: float | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
) -> Any | PageFarmOut | Problem | None:
    """List farms (active ones for everyone; mine=true for your own of any status)

    Args:
        region (None | Region | Unset):
        crop (list[Crop] | None | Unset): farms growing all of these
        certification (list[Certification] | None | Unset): farms holding all of these
        status (FarmStatus | None | Unset): other than active: mine=true, or admins
        min_grade (Grade | None | Unset): ESG grade at least this
        mine (bool | Unset): only my farms (needs a token) Default: False.
        near (None | str | Unset): lat,lon: nearest first
        radius_km (float | None | Unset): with near; default 10.0
        cursor (None | str | Unset):
        limit (int | None | Unset): page size, default 20
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PageFarmOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            region=region,
            crop=crop,
            certification=certification,
            status=status,
            min_grade=min_grade,
            mine=mine,
            near=near,
            radius_km=radius_km,
            cursor=cursor,
            limit=limit,
            if_none_match=if_none_match,
        )
    ).parsed
