from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.read_all import ReadAll
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    up_to_id: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_up_to_id: int | None | Unset
    if isinstance(up_to_id, Unset):
        json_up_to_id = UNSET
    else:
        json_up_to_id = up_to_id
    params["up_to_id"] = json_up_to_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/notifications/read-all",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ReadAll | None:
    if response.status_code == 200:
        response_200 = ReadAll.from_dict(response.json())

        return response_200

    if response.status_code in (401, 414, 422, 429, 502, 503, 504):
        response_401 = Problem.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | ReadAll]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    up_to_id: int | None | Unset = UNSET,
) -> Response[Problem | ReadAll]:
    """Mark all of mine read

    Args:
        up_to_id (int | None | Unset): Only those with this id or lower (the newest the user saw)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReadAll]
    """

    kwargs = _get_kwargs(
        up_to_id=up_to_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    up_to_id: int | None | Unset = UNSET,
) -> Problem | ReadAll | None:
    """Mark all of mine read

    Args:
        up_to_id (int | None | Unset): Only those with this id or lower (the newest the user saw)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReadAll
    """

    return sync_detailed(
        client=client,
        up_to_id=up_to_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    up_to_id: int | None | Unset = UNSET,
) -> Response[Problem | ReadAll]:
    """Mark all of mine read

    Args:
        up_to_id (int | None | Unset): Only those with this id or lower (the newest the user saw)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReadAll]
    """

    kwargs = _get_kwargs(
        up_to_id=up_to_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    up_to_id: int | None | Unset = UNSET,
) -> Problem | ReadAll | None:
    """Mark all of mine read

    Args:
        up_to_id (int | None | Unset): Only those with this id or lower (the newest the user saw)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReadAll
    """

    return (
        await asyncio_detailed(
            client=client,
            up_to_id=up_to_id,
        )
    ).parsed
