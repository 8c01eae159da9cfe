from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.farm_out import FarmOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    farm_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/farms/{farm_id}/deactivate".format(
            farm_id=quote(str(farm_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FarmOut | Problem | None:
    if response.status_code == 200:
        response_200 = FarmOut.from_dict(response.json())

        return response_200

    if response.status_code in (401, 403, 404, 409, 414, 422, 429, 502, 503, 504):
        response_401 = Problem.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[FarmOut | Problem]:
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
) -> Response[FarmOut | Problem]:
    """Take my farm off the public list

    Args:
        farm_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FarmOut | Problem]
    """

    kwargs = _get_kwargs(
        farm_id=farm_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
) -> FarmOut | Problem | None:
    """Take my farm off the public list

    Args:
        farm_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FarmOut | Problem
    """

    return sync_detailed(
        farm_id=farm_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[FarmOut | Problem]:
    """Take my farm off the public list

    Args:
        farm_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FarmOut | Problem]
    """

    kwargs = _get_kwargs(
        farm_id=farm_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
) -> FarmOut | Problem | None:
    """Take my farm off the public list

    Args:
        farm_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FarmOut | Problem
    """

    return (
        await asyncio_detailed(
            farm_id=farm_id,
            client=client,
        )
    ).parsed
