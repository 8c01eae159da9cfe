from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.entry_with_proof_out import EntryWithProofOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    index: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/ledger/entries/{index}".format(
            index=quote(str(index), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EntryWithProofOut | Problem | None:
    if response.status_code == 200:
        response_200 = EntryWithProofOut.from_dict(response.json())

        return response_200

    if response.status_code in (404, 414, 422, 429, 502, 503, 504):
        response_404 = Problem.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EntryWithProofOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    index: int,
    *,
    client: AuthenticatedClient | Client,
) -> Response[EntryWithProofOut | Problem]:
    """An entry with its inclusion proof against the latest signed tree head

    Args:
        index (int): the entry's position (0-based)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EntryWithProofOut | Problem]
    """

    kwargs = _get_kwargs(
        index=index,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    index: int,
    *,
    client: AuthenticatedClient | Client,
) -> EntryWithProofOut | Problem | None:
    """An entry with its inclusion proof against the latest signed tree head

    Args:
        index (int): the entry's position (0-based)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EntryWithProofOut | Problem
    """

    return sync_detailed(
        index=index,
        client=client,
    ).parsed


async def asyncio_detailed(
    index: int,
    *,
    client: AuthenticatedClient | Client,
) -> Response[EntryWithProofOut | Problem]:
    """An entry with its inclusion proof against the latest signed tree head

    Args:
        index (int): the entry's position (0-based)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EntryWithProofOut | Problem]
    """

    kwargs = _get_kwargs(
        index=index,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    index: int,
    *,
    client: AuthenticatedClient | Client,
) -> EntryWithProofOut | Problem | None:
    """An entry with its inclusion proof against the latest signed tree head

    Args:
        index (int): the entry's position (0-based)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EntryWithProofOut | Problem
    """

    return (
        await asyncio_detailed(
            index=index,
            client=client,
        )
    ).parsed
