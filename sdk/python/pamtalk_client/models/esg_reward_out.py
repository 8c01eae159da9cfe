from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="EsgRewardOut")


@_attrs_define
class EsgRewardOut(AdditionalProperties["Any"]):
    """
    Attributes:
        assessment_id (UUID):
        wallet (str):
        amount_micro (int):
        ledger_index (int | None):
        approved_by (UUID):
    """

    assessment_id: UUID
    wallet: str
    amount_micro: int
    ledger_index: int | None
    approved_by: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assessment_id = str(self.assessment_id)

        wallet = self.wallet

        amount_micro = self.amount_micro

        ledger_index: int | None
        ledger_index = self.ledger_index

        approved_by = str(self.approved_by)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assessment_id": assessment_id,
                "wallet": wallet,
                "amount_micro": amount_micro,
                "ledger_index": ledger_index,
                "approved_by": approved_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        assessment_id = UUID(d.pop("assessment_id"))

        wallet = d.pop("wallet")

        amount_micro = d.pop("amount_micro")

        def _parse_ledger_index(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        ledger_index = _parse_ledger_index(d.pop("ledger_index"))

        approved_by = UUID(d.pop("approved_by"))

        esg_reward_out = cls(
            assessment_id=assessment_id,
            wallet=wallet,
            amount_micro=amount_micro,
            ledger_index=ledger_index,
            approved_by=approved_by,
        )

        esg_reward_out.additional_properties = d
        return esg_reward_out
