from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.risk_band import RiskBand
from ..models.trade_flagged_data_role import TradeFlaggedDataRole
from ..types import AdditionalProperties

T = TypeVar("T", bound="TradeFlaggedData")


@_attrs_define
class TradeFlaggedData(AdditionalProperties["Any"]):
    """
    Attributes:
        trade_id (UUID):
        transaction_id (UUID): The same as trade_id (the name before API 1.0): use trade_id
        risk_band (RiskBand):
        role (TradeFlaggedDataRole):
    """

    trade_id: UUID
    transaction_id: UUID
    risk_band: RiskBand
    role: TradeFlaggedDataRole
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        trade_id = str(self.trade_id)

        transaction_id = str(self.transaction_id)

        risk_band = self.risk_band.value

        role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "trade_id": trade_id,
                "transaction_id": transaction_id,
                "risk_band": risk_band,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        trade_id = UUID(d.pop("trade_id"))

        transaction_id = UUID(d.pop("transaction_id"))

        risk_band = RiskBand(d.pop("risk_band"))

        role = TradeFlaggedDataRole(d.pop("role"))

        trade_flagged_data = cls(
            trade_id=trade_id,
            transaction_id=transaction_id,
            risk_band=risk_band,
            role=role,
        )

        trade_flagged_data.additional_properties = d
        return trade_flagged_data
