from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.crop import Crop
from ...models.forecast_out import ForecastOut
from ...models.forecast_region import ForecastRegion
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    crop: Crop,
    region: ForecastRegion,
    days: int | Unset = 7,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    params: dict[str, Any] = {}

    json_crop = crop.value
    params["crop"] = json_crop

    json_region = region.value
    params["region"] = json_region

    params["days"] = days

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/predictions/demand",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ForecastOut | Problem | None:
    if response.status_code == 200:
        response_200 = ForecastOut.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code in (414, 422, 429, 502, 503, 504):
        response_414 = Problem.from_dict(response.json())

        return response_414

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ForecastOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    crop: Crop,
    region: ForecastRegion,
    days: int | Unset = 7,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | ForecastOut | Problem]:
    """Daily demand forecast of a crop in a region, with an 80 % interval per day

    Args:
        crop (Crop):
        region (ForecastRegion):
        days (int | Unset): days from today (Korea), default 7 Default: 7.
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ForecastOut | Problem]
    """

    kwargs = _get_kwargs(
        crop=crop,
        region=region,
        days=days,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    crop: Crop,
    region: ForecastRegion,
    days: int | Unset = 7,
    if_none_match: str | Unset = UNSET,
) -> Any | ForecastOut | Problem | None:
    """Daily demand forecast of a crop in a region, with an 80 % interval per day

    Args:
        crop (Crop):
        region (ForecastRegion):
        days (int | Unset): days from today (Korea), default 7 Default: 7.
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ForecastOut | Problem
    """

    return sync_detailed(
        client=client,
        crop=crop,
        region=region,
        days=days,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    crop: Crop,
    region: ForecastRegion,
    days: int | Unset = 7,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | ForecastOut | Problem]:
    """Daily demand forecast of a crop in a region, with an 80 % interval per day

    Args:
        crop (Crop):
        region (ForecastRegion):
        days (int | Unset): days from today (Korea), default 7 Default: 7.
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ForecastOut | Problem]
    """

    kwargs = _get_kwargs(
        crop=crop,
        region=region,
        days=days,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    crop: Crop,
    region: ForecastRegion,
    days: int | Unset = 7,
    if_none_match: str | Unset = UNSET,
) -> Any | ForecastOut | Problem | None:
    """Daily demand forecast of a crop in a region, with an 80 % interval per day

    Args:
        crop (Crop):
        region (ForecastRegion):
        days (int | Unset): days from today (Korea), default 7 Default: 7.
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ForecastOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            crop=crop,
            region=region,
            days=days,
            if_none_match=if_none_match,
        )
    ).parsed
