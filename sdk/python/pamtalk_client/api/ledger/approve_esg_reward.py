from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.esg_reward_out import EsgRewardOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    assessment_id: UUID,
    *,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/ledger/esg-assessments/{assessment_id}/approval".format(
            assessment_id=quote(str(assessment_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EsgRewardOut | Problem | None:
    if response.status_code == 201:
        response_201 = EsgRewardOut.from_dict(response.json())

        return response_201

    if response.status_code in (401, 403, 404, 409, 414, 422, 429, 502, 503, 504):
        response_401 = Problem.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EsgRewardOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    assessment_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[EsgRewardOut | Problem]:
    """Approve an ESG assessment's reward (committee): mints its ESG-GOLD estimate

    Args:
        assessment_id (UUID):
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EsgRewardOut | Problem]
    """

    kwargs = _get_kwargs(
        assessment_id=assessment_id,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    assessment_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,
) -> EsgRewardOut | Problem | None:
    """Approve an ESG assessment's reward (committee): mints its ESG-GOLD estimate

    Args:
        assessment_id (UUID):
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EsgRewardOut | Problem
    """

    return sync_detailed(
        assessment_id=assessment_id,
        client=client,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    assessment_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[EsgRewardOut | Problem]:
    """Approve an ESG assessment's reward (committee): mints its ESG-GOLD estimate

    Args:
        assessment_id (UUID):
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EsgRewardOut | Problem]
    """

    kwargs = _get_kwargs(
        assessment_id=assessment_id,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    assessment_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,
) -> EsgRewardOut | Problem | None:
    """Approve an ESG assessment's reward (committee): mints its ESG-GOLD estimate

    Args:
        assessment_id (UUID):
        idempotency_key (None | str | Unset): Any unique printable string (a UUID is fine). A
            retry with the same key and request returns the first response and changes nothing; the
            same key with another request is a 422.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EsgRewardOut | Problem
    """

    return (
        await asyncio_detailed(
            assessment_id=assessment_id,
            client=client,
            idempotency_key=idempotency_key,
        )
    ).parsed
