from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.trade_in import TradeIn
from ...models.trade_out import TradeOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: TradeIn,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/transactions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | TradeOut | None:
    if response.status_code == 201:
        response_201 = TradeOut.from_dict(response.json())

        return response_201

    if response.status_code in (400, 401, 403, 409, 413, 414, 422, 429, 502, 503, 504):
        response_400 = Problem.from_dict(response.json())

        return response_400

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | TradeOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TradeIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | TradeOut]:
    """Open a trade with a farm (consumers and companies)

    Args:
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.
        body (TradeIn): A buyer's offer to a farm. The total is computed by the service, never
            sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TradeOut]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: TradeIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | TradeOut | None:
    """Open a trade with a farm (consumers and companies)

    Args:
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.
        body (TradeIn): A buyer's offer to a farm. The total is computed by the service, never
            sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TradeOut
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TradeIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | TradeOut]:
    """Open a trade with a farm (consumers and companies)

    Args:
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.
        body (TradeIn): A buyer's offer to a farm. The total is computed by the service, never
            sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TradeOut]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: TradeIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | TradeOut | None:
    """Open a trade with a farm (consumers and companies)

    Args:
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.
        body (TradeIn): A buyer's offer to a farm. The total is computed by the service, never
            sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TradeOut
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
