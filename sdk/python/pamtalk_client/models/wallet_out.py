from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="WalletOut")


@_attrs_define
class WalletOut(AdditionalProperties["Any"]):
    """
    Attributes:
        address (str):
        kind (str): external (0x...), custodial (user:<id>) or treasury
        balance_micro (int):
        balance_dc (str):
    """

    address: str
    kind: str
    balance_micro: int
    balance_dc: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address = self.address

        kind = self.kind

        balance_micro = self.balance_micro

        balance_dc = self.balance_dc

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "kind": kind,
                "balance_micro": balance_micro,
                "balance_dc": balance_dc,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address = d.pop("address")

        kind = d.pop("kind")

        balance_micro = d.pop("balance_micro")

        balance_dc = d.pop("balance_dc")

        wallet_out = cls(
            address=address,
            kind=kind,
            balance_micro=balance_micro,
            balance_dc=balance_dc,
        )

        wallet_out.additional_properties = d
        return wallet_out
