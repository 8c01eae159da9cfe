from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="TransferOut")


@_attrs_define
class TransferOut(AdditionalProperties["Any"]):
    """
    Attributes:
        ledger_index (int):
        reference (str):
        from_wallet (str):
        to_wallet (str):
        amount_micro (int):
        balance_micro (int):
    """

    ledger_index: int
    reference: str
    from_wallet: str
    to_wallet: str
    amount_micro: int
    balance_micro: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ledger_index = self.ledger_index

        reference = self.reference

        from_wallet = self.from_wallet

        to_wallet = self.to_wallet

        amount_micro = self.amount_micro

        balance_micro = self.balance_micro

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ledger_index": ledger_index,
                "reference": reference,
                "from_wallet": from_wallet,
                "to_wallet": to_wallet,
                "amount_micro": amount_micro,
                "balance_micro": balance_micro,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ledger_index = d.pop("ledger_index")

        reference = d.pop("reference")

        from_wallet = d.pop("from_wallet")

        to_wallet = d.pop("to_wallet")

        amount_micro = d.pop("amount_micro")

        balance_micro = d.pop("balance_micro")

        transfer_out = cls(
            ledger_index=ledger_index,
            reference=reference,
            from_wallet=from_wallet,
            to_wallet=to_wallet,
            amount_micro=amount_micro,
            balance_micro=balance_micro,
        )

        transfer_out.additional_properties = d
        return transfer_out
