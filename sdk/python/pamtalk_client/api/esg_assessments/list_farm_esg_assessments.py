from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.farm_esg_out import FarmEsgOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    farm_id: UUID,
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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
        "url": "/api/v1/esg/farms/{farm_id}".format(
            farm_id=quote(str(farm_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FarmEsgOut | Problem | None:
    if response.status_code == 200:
        response_200 = FarmEsgOut.from_dict(response.json())

        return response_200

    if response.status_code in (401, 403, 404, 414, 422, 429, 502, 503, 504):
        response_401 = Problem.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[FarmEsgOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Response[FarmEsgOut | Problem]:
    """ESG assessments of a farm: current and past (owner, admins, ESG committee)

    Args:
        farm_id (UUID):
        cursor (None | str | Unset):
        limit (int | None | Unset): history page size, default 20

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FarmEsgOut | Problem]
    """

    kwargs = _get_kwargs(
        farm_id=farm_id,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> FarmEsgOut | Problem | None:
    """ESG assessments of a farm: current and past (owner, admins, ESG committee)

    Args:
        farm_id (UUID):
        cursor (None | str | Unset):
        limit (int | None | Unset): history page size, default 20

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FarmEsgOut | Problem
    """

    return sync_detailed(
        farm_id=farm_id,
        client=client,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Response[FarmEsgOut | Problem]:
    """ESG assessments of a farm: current and past (owner, admins, ESG committee)

    Args:
        farm_id (UUID):
        cursor (None | str | Unset):
        limit (int | None | Unset): history page size, default 20

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FarmEsgOut | Problem]
    """

    kwargs = _get_kwargs(
        farm_id=farm_id,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> FarmEsgOut | Problem | None:
    """ESG assessments of a farm: current and past (owner, admins, ESG committee)

    Args:
        farm_id (UUID):
        cursor (None | str | Unset):
        limit (int | None | Unset): history page size, default 20

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FarmEsgOut | Problem
    """

    return (
        await asyncio_detailed(
            farm_id=farm_id,
            client=client,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
