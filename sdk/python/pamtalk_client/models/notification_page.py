from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, AdditionalProperties, Unset

if TYPE_CHECKING:
    from ..models.esg_scored_notification import EsgScoredNotification
    from ..models.forecast_finished_notification import ForecastFinishedNotification
    from ..models.tokens_received_notification import TokensReceivedNotification
    from ..models.trade_flagged_notification import TradeFlaggedNotification
    from ..models.trade_notification import TradeNotification
    from ..models.welcome_notification import WelcomeNotification


T = TypeVar("T", bound="NotificationPage")


@_attrs_define
class NotificationPage(AdditionalProperties["Any"]):
    """
    Attributes:
        items (list[EsgScoredNotification | ForecastFinishedNotification | TokensReceivedNotification |
            TradeFlaggedNotification | TradeNotification | WelcomeNotification]):
        next_cursor (None | str | Unset):
    """

    items: list[
        EsgScoredNotification
        | ForecastFinishedNotification
        | TokensReceivedNotification
        | TradeFlaggedNotification
        | TradeNotification
        | WelcomeNotification
    ]
    next_cursor: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.esg_scored_notification import EsgScoredNotification  # noqa: PLC0415
        from ..models.tokens_received_notification import TokensReceivedNotification  # noqa: PLC0415
        from ..models.trade_flagged_notification import TradeFlaggedNotification  # noqa: PLC0415
        from ..models.trade_notification import TradeNotification  # noqa: PLC0415
        from ..models.welcome_notification import WelcomeNotification  # noqa: PLC0415

        items = []
        for items_item_data in self.items:
            items_item: dict[str, Any]
            if isinstance(items_item_data, WelcomeNotification):
                items_item = items_item_data.to_dict()
            elif isinstance(items_item_data, TradeNotification):
                items_item = items_item_data.to_dict()
            elif isinstance(items_item_data, TradeFlaggedNotification):
                items_item = items_item_data.to_dict()
            elif isinstance(items_item_data, EsgScoredNotification):
                items_item = items_item_data.to_dict()
            elif isinstance(items_item_data, TokensReceivedNotification):
                items_item = items_item_data.to_dict()
            else:
                items_item = items_item_data.to_dict()

            items.append(items_item)

        next_cursor: None | str | Unset
        if isinstance(self.next_cursor, Unset):
            next_cursor = UNSET
        else:
            next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
            }
        )
        if next_cursor is not UNSET:
            field_dict["next_cursor"] = next_cursor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.esg_scored_notification import EsgScoredNotification  # noqa: PLC0415
        from ..models.forecast_finished_notification import ForecastFinishedNotification  # noqa: PLC0415
        from ..models.tokens_received_notification import TokensReceivedNotification  # noqa: PLC0415
        from ..models.trade_flagged_notification import TradeFlaggedNotification  # noqa: PLC0415
        from ..models.trade_notification import TradeNotification  # noqa: PLC0415
        from ..models.welcome_notification import WelcomeNotification  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:

            def _parse_items_item(
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
                    items_item_type_0 = WelcomeNotification.from_dict(data)

                    return items_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_1 = TradeNotification.from_dict(data)

                    return items_item_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_2 = TradeFlaggedNotification.from_dict(data)

                    return items_item_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_3 = EsgScoredNotification.from_dict(data)

                    return items_item_type_3
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_4 = TokensReceivedNotification.from_dict(data)

                    return items_item_type_4
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                items_item_type_5 = ForecastFinishedNotification.from_dict(data)

                return items_item_type_5

            items_item = _parse_items_item(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor", UNSET))

        notification_page = cls(
            items=items,
            next_cursor=next_cursor,
        )

        notification_page.additional_properties = d
        return notification_page
