from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trade_data_role import TradeDataRole
from ..models.trade_status import TradeStatus
from ..types import UNSET, AdditionalProperties, Unset

T = TypeVar("T", bound="TradeData")


@_attrs_define
class TradeData(AdditionalProperties["Any"]):
    """
    Attributes:
        trade_id (UUID):
        transaction_id (UUID): The same as trade_id (the name before API 1.0): use trade_id
        farm_id (UUID):
        crop (str):
        quantity (str): decimal
        total_value (str): decimal, won
        status (TradeStatus):
        role (TradeDataRole): the reader's side of the trade
        reason (None | str | Unset): trade.cancelled: why
    """

    trade_id: UUID
    transaction_id: UUID
    farm_id: UUID
    crop: str
    quantity: str
    total_value: str
    status: TradeStatus
    role: TradeDataRole
    reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        trade_id = str(self.trade_id)

        transaction_id = str(self.transaction_id)

        farm_id = str(self.farm_id)

        crop = self.crop

        quantity = self.quantity

        total_value = self.total_value

        status = self.status.value

        role = self.role.value

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "trade_id": trade_id,
                "transaction_id": transaction_id,
                "farm_id": farm_id,
                "crop": crop,
                "quantity": quantity,
                "total_value": total_value,
                "status": status,
                "role": role,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        trade_id = UUID(d.pop("trade_id"))

        transaction_id = UUID(d.pop("transaction_id"))

        farm_id = UUID(d.pop("farm_id"))

        crop = d.pop("crop")

        quantity = d.pop("quantity")

        total_value = d.pop("total_value")

        status = TradeStatus(d.pop("status"))

        role = TradeDataRole(d.pop("role"))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        trade_data = cls(
            trade_id=trade_id,
            transaction_id=transaction_id,
            farm_id=farm_id,
            crop=crop,
            quantity=quantity,
            total_value=total_value,
            status=status,
            role=role,
            reason=reason,
        )

        trade_data.additional_properties = d
        return trade_data
