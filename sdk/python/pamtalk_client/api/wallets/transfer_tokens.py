from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.transfer_in import TransferIn
from ...models.transfer_out import TransferOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    address: str,
    *,
    body: TransferIn,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/wallets/{address}/transfers".format(
            address=quote(str(address), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | TransferOut | None:
    if response.status_code == 201:
        response_201 = TransferOut.from_dict(response.json())

        return response_201

    if response.status_code in (400, 401, 403, 404, 409, 413, 414, 422, 429, 502, 503, 504):
        response_400 = Problem.from_dict(response.json())

        return response_400

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | TransferOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    address: str,
    *,
    client: AuthenticatedClient,
    body: TransferIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | TransferOut]:
    """Transfer DC from a wallet I own

    Args:
        address (str): 0x..., user:<id> or treasury:pamtalk
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.
        body (TransferIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TransferOut]
    """

    kwargs = _get_kwargs(
        address=address,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    address: str,
    *,
    client: AuthenticatedClient,
    body: TransferIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | TransferOut | None:
    """Transfer DC from a wallet I own

    Args:
        address (str): 0x..., user:<id> or treasury:pamtalk
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.
        body (TransferIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TransferOut
    """

    return sync_detailed(
        address=address,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    address: str,
    *,
    client: AuthenticatedClient,
    body: TransferIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | TransferOut]:
    """Transfer DC from a wallet I own

    Args:
        address (str): 0x..., user:<id> or treasury:pamtalk
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.
        body (TransferIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TransferOut]
    """

    kwargs = _get_kwargs(
        address=address,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    address: str,
    *,
    client: AuthenticatedClient,
    body: TransferIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | TransferOut | None:
    """Transfer DC from a wallet I own

    Args:
        address (str): 0x..., user:<id> or treasury:pamtalk
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.
        body (TransferIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TransferOut
    """

    return (
        await asyncio_detailed(
            address=address,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
