from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="MovementOut")


@_attrs_define
class MovementOut(AdditionalProperties["Any"]):
    """
    Attributes:
        id (int):
        wallet (str):
        ledger_index (int):
        kind (str): minted, sent, received or burned
        amount_micro (int): signed change of the balance
        balance_after_micro (int):
        counterparty (None | str):
        reason (str):
        reference (str):
        at (datetime.datetime):
    """

    id: int
    wallet: str
    ledger_index: int
    kind: str
    amount_micro: int
    balance_after_micro: int
    counterparty: None | str
    reason: str
    reference: str
    at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        wallet = self.wallet

        ledger_index = self.ledger_index

        kind = self.kind

        amount_micro = self.amount_micro

        balance_after_micro = self.balance_after_micro

        counterparty: None | str
        counterparty = self.counterparty

        reason = self.reason

        reference = self.reference

        at = self.at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "wallet": wallet,
                "ledger_index": ledger_index,
                "kind": kind,
                "amount_micro": amount_micro,
                "balance_after_micro": balance_after_micro,
                "counterparty": counterparty,
                "reason": reason,
                "reference": reference,
                "at": at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        wallet = d.pop("wallet")

        ledger_index = d.pop("ledger_index")

        kind = d.pop("kind")

        amount_micro = d.pop("amount_micro")

        balance_after_micro = d.pop("balance_after_micro")

        def _parse_counterparty(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        counterparty = _parse_counterparty(d.pop("counterparty"))

        reason = d.pop("reason")

        reference = d.pop("reference")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        movement_out = cls(
            id=id,
            wallet=wallet,
            ledger_index=ledger_index,
            kind=kind,
            amount_micro=amount_micro,
            balance_after_micro=balance_after_micro,
            counterparty=counterparty,
            reason=reason,
            reference=reference,
            at=at,
        )

        movement_out.additional_properties = d
        return movement_out
