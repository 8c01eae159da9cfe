from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.anomaly_page import AnomalyPage
from ...models.problem import Problem
from ...models.risk_band import RiskBand
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    risk: list[RiskBand] | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_risk: list[str] | None | Unset
    if isinstance(risk, Unset):
        json_risk = UNSET
    elif isinstance(risk, list):
        json_risk = []
        for risk_type_0_item_data in risk:
            risk_type_0_item = risk_type_0_item_data.value
            json_risk.append(risk_type_0_item)

    else:
        json_risk = risk
    params["risk"] = json_risk

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
        "url": "/api/v1/anomalies",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AnomalyPage | Problem | None:
    if response.status_code == 200:
        response_200 = AnomalyPage.from_dict(response.json())

        return response_200

    if response.status_code in (401, 403, 414, 422, 429, 502, 503, 504):
        response_401 = Problem.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AnomalyPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    risk: list[RiskBand] | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Response[AnomalyPage | Problem]:
    """Trade anomaly scores, newest first (admins)

    Args:
        risk (list[RiskBand] | None | Unset): only these risk bands
        cursor (None | str | Unset):
        limit (int | None | Unset): page size, default 20

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnomalyPage | Problem]
    """

    kwargs = _get_kwargs(
        risk=risk,
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
    risk: list[RiskBand] | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> AnomalyPage | Problem | None:
    """Trade anomaly scores, newest first (admins)

    Args:
        risk (list[RiskBand] | None | Unset): only these risk bands
        cursor (None | str | Unset):
        limit (int | None | Unset): page size, default 20

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnomalyPage | Problem
    """

    return sync_detailed(
        client=client,
        risk=risk,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    risk: list[RiskBand] | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Response[AnomalyPage | Problem]:
    """Trade anomaly scores, newest first (admins)

    Args:
        risk (list[RiskBand] | None | Unset): only these risk bands
        cursor (None | str | Unset):
        limit (int | None | Unset): page size, default 20

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnomalyPage | Problem]
    """

    kwargs = _get_kwargs(
        risk=risk,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    risk: list[RiskBand] | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> AnomalyPage | Problem | None:
    """Trade anomaly scores, newest first (admins)

    Args:
        risk (list[RiskBand] | None | Unset): only these risk bands
        cursor (None | str | Unset):
        limit (int | None | Unset): page size, default 20

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnomalyPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            risk=risk,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
