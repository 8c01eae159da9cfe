from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="TokensReceivedData")


@_attrs_define
class TokensReceivedData(AdditionalProperties["Any"]):
    """
    Attributes:
        amount_micro (int): ESG-GOLD in 10^-6 DC
        wallet (str):
        reason (str):
        reference (str):
        ledger_index (int):
    """

    amount_micro: int
    wallet: str
    reason: str
    reference: str
    ledger_index: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_micro = self.amount_micro

        wallet = self.wallet

        reason = self.reason

        reference = self.reference

        ledger_index = self.ledger_index

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_micro": amount_micro,
                "wallet": wallet,
                "reason": reason,
                "reference": reference,
                "ledger_index": ledger_index,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_micro = d.pop("amount_micro")

        wallet = d.pop("wallet")

        reason = d.pop("reason")

        reference = d.pop("reference")

        ledger_index = d.pop("ledger_index")

        tokens_received_data = cls(
            amount_micro=amount_micro,
            wallet=wallet,
            reason=reason,
            reference=reference,
            ledger_index=ledger_index,
        )

        tokens_received_data.additional_properties = d
        return tokens_received_data
