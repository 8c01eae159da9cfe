import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.crop import Crop
from ...models.problem import Problem
from ...models.trade_page import TradePage
from ...models.trade_status import TradeStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    crop: Crop | None | Unset = UNSET,
    status: None | TradeStatus | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    farm_id: None | Unset | UUID = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_crop: None | str | Unset
    if isinstance(crop, Unset):
        json_crop = UNSET
    elif isinstance(crop, Crop):
        json_crop = crop.value
    else:
        json_crop = crop
    params["crop"] = json_crop

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, TradeStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.datetime):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.datetime):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

    json_farm_id: None | str | Unset
    if isinstance(farm_id, Unset):
        json_farm_id = UNSET
    elif isinstance(farm_id, UUID):
        json_farm_id = str(farm_id)
    else:
        json_farm_id = farm_id
    params["farm_id"] = json_farm_id

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/transactions",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | TradePage | None:
    if response.status_code == 200:
        response_200 = TradePage.from_dict(response.json())

        return response_200

    if response.status_code in (401, 414, 422, 429, 502, 503, 504):
        response_401 = Problem.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | TradePage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    crop: Crop | None | Unset = UNSET,
    status: None | TradeStatus | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    farm_id: None | Unset | UUID = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[Problem | TradePage]:
    """My trades (as buyer or producer), a farm's trades (its owner), newest first

    Args:
        crop (Crop | None | Unset):
        status (None | TradeStatus | Unset):
        from_ (datetime.datetime | None | Unset): created at or after
        to (datetime.datetime | None | Unset): created before
        farm_id (None | Unset | UUID): all trades of this farm for its owner; else yours with it
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TradePage]
    """

    kwargs = _get_kwargs(
        crop=crop,
        status=status,
        from_=from_,
        to=to,
        farm_id=farm_id,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    crop: Crop | None | Unset = UNSET,
    status: None | TradeStatus | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    farm_id: None | Unset | UUID = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Problem | TradePage | None:
    """My trades (as buyer or producer), a farm's trades (its owner), newest first

    Args:
        crop (Crop | None | Unset):
        status (None | TradeStatus | Unset):
        from_ (datetime.datetime | None | Unset): created at or after
        to (datetime.datetime | None | Unset): created before
        farm_id (None | Unset | UUID): all trades of this farm for its owner; else yours with it
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TradePage
    """

    return sync_detailed(
        client=client,
        crop=crop,
        status=status,
        from_=from_,
        to=to,
        farm_id=farm_id,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    crop: Crop | None | Unset = UNSET,
    status: None | TradeStatus | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    farm_id: None | Unset | UUID = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[Problem | TradePage]:
    """My trades (as buyer or producer), a farm's trades (its owner), newest first

    Args:
        crop (Crop | None | Unset):
        status (None | TradeStatus | Unset):
        from_ (datetime.datetime | None | Unset): created at or after
        to (datetime.datetime | None | Unset): created before
        farm_id (None | Unset | UUID): all trades of this farm for its owner; else yours with it
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TradePage]
    """

    kwargs = _get_kwargs(
        crop=crop,
        status=status,
        from_=from_,
        to=to,
        farm_id=farm_id,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    crop: Crop | None | Unset = UNSET,
    status: None | TradeStatus | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    farm_id: None | Unset | UUID = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 20,
) -> Problem | TradePage | None:
    """My trades (as buyer or producer), a farm's trades (its owner), newest first

    Args:
        crop (Crop | None | Unset):
        status (None | TradeStatus | Unset):
        from_ (datetime.datetime | None | Unset): created at or after
        to (datetime.datetime | None | Unset): created before
        farm_id (None | Unset | UUID): all trades of this farm for its owner; else yours with it
        cursor (None | str | Unset):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TradePage
    """

    return (
        await asyncio_detailed(
            client=client,
            crop=crop,
            status=status,
            from_=from_,
            to=to,
            farm_id=farm_id,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
