from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trade_notification_kind import TradeNotificationKind
from ..types import UNSET, AdditionalProperties, Unset

if TYPE_CHECKING:
    from ..models.trade_data import TradeData


T = TypeVar("T", bound="TradeNotification")


@_attrs_define
class TradeNotification(AdditionalProperties["Any"]):
    """
    Attributes:
        id (int): Grows with every notification; also the SSE event id
        kind (TradeNotificationKind):
        title (str):
        body (str):
        data (TradeData):
        created_at (datetime.datetime):
        read_at (datetime.datetime | None | Unset):
    """

    id: int
    kind: TradeNotificationKind
    title: str
    body: str
    data: TradeData
    created_at: datetime.datetime
    read_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        title = self.title

        body = self.body

        data = self.data.to_dict()

        created_at = self.created_at.isoformat()

        read_at: None | str | Unset
        if isinstance(self.read_at, Unset):
            read_at = UNSET
        elif isinstance(self.read_at, datetime.datetime):
            read_at = self.read_at.isoformat()
        else:
            read_at = self.read_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "title": title,
                "body": body,
                "data": data,
                "created_at": created_at,
            }
        )
        if read_at is not UNSET:
            field_dict["read_at"] = read_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trade_data import TradeData  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        kind = TradeNotificationKind(d.pop("kind"))

        title = d.pop("title")

        body = d.pop("body")

        data = TradeData.from_dict(d.pop("data"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_read_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                read_at_type_0 = datetime.datetime.fromisoformat(data)

                return read_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        read_at = _parse_read_at(d.pop("read_at", UNSET))

        trade_notification = cls(
            id=id,
            kind=kind,
            title=title,
            body=body,
            data=data,
            created_at=created_at,
            read_at=read_at,
        )

        trade_notification.additional_properties = d
        return trade_notification
