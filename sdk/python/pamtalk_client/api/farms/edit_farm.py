from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.farm_out import FarmOut
from ...models.farm_patch import FarmPatch
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    farm_id: UUID,
    *,
    body: FarmPatch,
    if_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["if-match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/farms/{farm_id}".format(
            farm_id=quote(str(farm_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FarmOut | Problem | None:
    if response.status_code == 200:
        response_200 = FarmOut.from_dict(response.json())

        return response_200

    if response.status_code in (400, 401, 403, 404, 412, 413, 414, 422, 429, 502, 503, 504):
        response_400 = Problem.from_dict(response.json())

        return response_400

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
    body: FarmPatch,
    if_match: None | str | Unset = UNSET,
) -> Response[FarmOut | Problem]:
    """Edit my farm (send If-Match with the ETag to refuse a stale edit)

    Args:
        farm_id (UUID):
        if_match (None | str | Unset): ETag of the version you edited
        body (FarmPatch): Fields to change; absent fields stay as they are. Only address and
            wallet_address
            may be cleared with null.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FarmOut | Problem]
    """

    kwargs = _get_kwargs(
        farm_id=farm_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
    body: FarmPatch,
    if_match: None | str | Unset = UNSET,
) -> FarmOut | Problem | None:
    """Edit my farm (send If-Match with the ETag to refuse a stale edit)

    Args:
        farm_id (UUID):
        if_match (None | str | Unset): ETag of the version you edited
        body (FarmPatch): Fields to change; absent fields stay as they are. Only address and
            wallet_address
            may be cleared with null.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FarmOut | Problem
    """

    return sync_detailed(
        farm_id=farm_id,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
    body: FarmPatch,
    if_match: None | str | Unset = UNSET,
) -> Response[FarmOut | Problem]:
    """Edit my farm (send If-Match with the ETag to refuse a stale edit)

    Args:
        farm_id (UUID):
        if_match (None | str | Unset): ETag of the version you edited
        body (FarmPatch): Fields to change; absent fields stay as they are. Only address and
            wallet_address
            may be cleared with null.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FarmOut | Problem]
    """

    kwargs = _get_kwargs(
        farm_id=farm_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
    body: FarmPatch,
    if_match: None | str | Unset = UNSET,
) -> FarmOut | Problem | None:
    """Edit my farm (send If-Match with the ETag to refuse a stale edit)

    Args:
        farm_id (UUID):
        if_match (None | str | Unset): ETag of the version you edited
        body (FarmPatch): Fields to change; absent fields stay as they are. Only address and
            wallet_address
            may be cleared with null.

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
            body=body,
            if_match=if_match,
        )
    ).parsed
