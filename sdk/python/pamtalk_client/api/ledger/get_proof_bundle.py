from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bundle_out import BundleOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    index: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/ledger/entries/{index}/bundle".format(
            index=quote(str(index), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> BundleOut | Problem | None:
    if response.status_code == 200:
        response_200 = BundleOut.from_dict(response.json())

        return response_200

    if response.status_code in (404, 414, 422, 429, 500, 502, 503, 504):
        response_404 = Problem.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[BundleOut | Problem]:
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
) -> Response[BundleOut | Problem]:
    """The verification bundle of an entry (the verifier's input, anchor included once anchored)

     The bundle carries the public key that signed its tree head (after a key rotation a previous key,
    until a head signed with the current key covers the entry). 500 `ledger-key-unknown` when that key
    is neither the current key nor among PAMTALK_BLOCKCHAIN_LEDGER_PREVIOUS_PUBLIC_KEYS: a configuration
    fault, no bundle is served.

    Args:
        index (int): the entry's position (0-based)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BundleOut | Problem]
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
) -> BundleOut | Problem | None:
    """The verification bundle of an entry (the verifier's input, anchor included once anchored)

     The bundle carries the public key that signed its tree head (after a key rotation a previous key,
    until a head signed with the current key covers the entry). 500 `ledger-key-unknown` when that key
    is neither the current key nor among PAMTALK_BLOCKCHAIN_LEDGER_PREVIOUS_PUBLIC_KEYS: a configuration
    fault, no bundle is served.

    Args:
        index (int): the entry's position (0-based)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BundleOut | Problem
    """

    return sync_detailed(
        index=index,
        client=client,
    ).parsed


async def asyncio_detailed(
    index: int,
    *,
    client: AuthenticatedClient | Client,
) -> Response[BundleOut | Problem]:
    """The verification bundle of an entry (the verifier's input, anchor included once anchored)

     The bundle carries the public key that signed its tree head (after a key rotation a previous key,
    until a head signed with the current key covers the entry). 500 `ledger-key-unknown` when that key
    is neither the current key nor among PAMTALK_BLOCKCHAIN_LEDGER_PREVIOUS_PUBLIC_KEYS: a configuration
    fault, no bundle is served.

    Args:
        index (int): the entry's position (0-based)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BundleOut | Problem]
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
) -> BundleOut | Problem | None:
    """The verification bundle of an entry (the verifier's input, anchor included once anchored)

     The bundle carries the public key that signed its tree head (after a key rotation a previous key,
    until a head signed with the current key covers the entry). 500 `ledger-key-unknown` when that key
    is neither the current key nor among PAMTALK_BLOCKCHAIN_LEDGER_PREVIOUS_PUBLIC_KEYS: a configuration
    fault, no bundle is served.

    Args:
        index (int): the entry's position (0-based)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BundleOut | Problem
    """

    return (
        await asyncio_detailed(
            index=index,
            client=client,
        )
    ).parsed
