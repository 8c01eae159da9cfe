from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.esg_submission_in import EsgSubmissionIn
from ...models.esg_submission_out import EsgSubmissionOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    farm_id: UUID,
    *,
    body: EsgSubmissionIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/farms/{farm_id}/esg".format(
            farm_id=quote(str(farm_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EsgSubmissionOut | Problem | None:
    if response.status_code == 202:
        response_202 = EsgSubmissionOut.from_dict(response.json())

        return response_202

    if response.status_code in (400, 401, 403, 404, 409, 413, 414, 422, 429, 502, 503, 504):
        response_400 = Problem.from_dict(response.json())

        return response_400

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EsgSubmissionOut | Problem]:
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
    body: EsgSubmissionIn,
) -> Response[EsgSubmissionOut | Problem]:
    """Submit ESG data for my farm (scored asynchronously: farm.esg_submitted)

    Args:
        farm_id (UUID):
        body (EsgSubmissionIn): The 18 ESG fields with their ranges (numbers must be finite).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EsgSubmissionOut | Problem]
    """

    kwargs = _get_kwargs(
        farm_id=farm_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
    body: EsgSubmissionIn,
) -> EsgSubmissionOut | Problem | None:
    """Submit ESG data for my farm (scored asynchronously: farm.esg_submitted)

    Args:
        farm_id (UUID):
        body (EsgSubmissionIn): The 18 ESG fields with their ranges (numbers must be finite).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EsgSubmissionOut | Problem
    """

    return sync_detailed(
        farm_id=farm_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
    body: EsgSubmissionIn,
) -> Response[EsgSubmissionOut | Problem]:
    """Submit ESG data for my farm (scored asynchronously: farm.esg_submitted)

    Args:
        farm_id (UUID):
        body (EsgSubmissionIn): The 18 ESG fields with their ranges (numbers must be finite).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EsgSubmissionOut | Problem]
    """

    kwargs = _get_kwargs(
        farm_id=farm_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    farm_id: UUID,
    *,
    client: AuthenticatedClient,
    body: EsgSubmissionIn,
) -> EsgSubmissionOut | Problem | None:
    """Submit ESG data for my farm (scored asynchronously: farm.esg_submitted)

    Args:
        farm_id (UUID):
        body (EsgSubmissionIn): The 18 ESG fields with their ranges (numbers must be finite).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EsgSubmissionOut | Problem
    """

    return (
        await asyncio_detailed(
            farm_id=farm_id,
            client=client,
            body=body,
        )
    ).parsed
