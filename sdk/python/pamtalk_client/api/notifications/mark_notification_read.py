from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.esg_scored_notification import EsgScoredNotification
from ...models.forecast_finished_notification import ForecastFinishedNotification
from ...models.problem import Problem
from ...models.tokens_received_notification import TokensReceivedNotification
from ...models.trade_flagged_notification import TradeFlaggedNotification
from ...models.trade_notification import TradeNotification
from ...models.welcome_notification import WelcomeNotification
from ...types import Response


def _get_kwargs(
    notification_id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/notifications/{notification_id}/read".format(
            notification_id=quote(str(notification_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    EsgScoredNotification
    | ForecastFinishedNotification
    | TokensReceivedNotification
    | TradeFlaggedNotification
    | TradeNotification
    | WelcomeNotification
    | Problem
    | None
):
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> (
            EsgScoredNotification
            | ForecastFinishedNotification
            | TokensReceivedNotification
            | TradeFlaggedNotification
            | TradeNotification
            | WelcomeNotification
        ):
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = WelcomeNotification.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_1 = TradeNotification.from_dict(data)

                return response_200_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_2 = TradeFlaggedNotification.from_dict(data)

                return response_200_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_3 = EsgScoredNotification.from_dict(data)

                return response_200_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_4 = TokensReceivedNotification.from_dict(data)

                return response_200_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_5 = ForecastFinishedNotification.from_dict(data)

            return response_200_type_5

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code in (401, 404, 414, 422, 429, 502, 503, 504):
        response_401 = Problem.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    EsgScoredNotification
    | ForecastFinishedNotification
    | TokensReceivedNotification
    | TradeFlaggedNotification
    | TradeNotification
    | WelcomeNotification
    | Problem
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    notification_id: int,
    *,
    client: AuthenticatedClient,
) -> Response[
    EsgScoredNotification
    | ForecastFinishedNotification
    | TokensReceivedNotification
    | TradeFlaggedNotification
    | TradeNotification
    | WelcomeNotification
    | Problem
]:
    """Mark one of mine read

    Args:
        notification_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EsgScoredNotification | ForecastFinishedNotification | TokensReceivedNotification | TradeFlaggedNotification | TradeNotification | WelcomeNotification | Problem]
    """

    kwargs = _get_kwargs(
        notification_id=notification_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    notification_id: int,
    *,
    client: AuthenticatedClient,
) -> (
    EsgScoredNotification
    | ForecastFinishedNotification
    | TokensReceivedNotification
    | TradeFlaggedNotification
    | TradeNotification
    | WelcomeNotification
    | Problem
    | None
):
    """Mark one of mine read

    Args:
        notification_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EsgScoredNotification | ForecastFinishedNotification | TokensReceivedNotification | TradeFlaggedNotification | TradeNotification | WelcomeNotification | Problem
    """

    return sync_detailed(
        notification_id=notification_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    notification_id: int,
    *,
    client: AuthenticatedClient,
) -> Response[
    EsgScoredNotification
    | ForecastFinishedNotification
    | TokensReceivedNotification
    | TradeFlaggedNotification
    | TradeNotification
    | WelcomeNotification
    | Problem
]:
    """Mark one of mine read

    Args:
        notification_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EsgScoredNotification | ForecastFinishedNotification | TokensReceivedNotification | TradeFlaggedNotification | TradeNotification | WelcomeNotification | Problem]
    """

    kwargs = _get_kwargs(
        notification_id=notification_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    notification_id: int,
    *,
    client: AuthenticatedClient,
) -> (
    EsgScoredNotification
    | ForecastFinishedNotification
    | TokensReceivedNotification
    | TradeFlaggedNotification
    | TradeNotification
    | WelcomeNotification
    | Problem
    | None
):
    """Mark one of mine read

    Args:
        notification_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EsgScoredNotification | ForecastFinishedNotification | TokensReceivedNotification | TradeFlaggedNotification | TradeNotification | WelcomeNotification | Problem
    """

    return (
        await asyncio_detailed(
            notification_id=notification_id,
            client=client,
        )
    ).parsed
