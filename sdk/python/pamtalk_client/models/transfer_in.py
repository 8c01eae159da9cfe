from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TransferIn")


@_attrs_define
class TransferIn:
    """
    Attributes:
        to (str): the receiving wallet
        amount_micro (int):
    """

    to: str
    amount_micro: int

    def to_dict(self) -> dict[str, Any]:
        to = self.to

        amount_micro = self.amount_micro

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to": to,
                "amount_micro": amount_micro,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        to = d.pop("to")

        amount_micro = d.pop("amount_micro")

        transfer_in = cls(
            to=to,
            amount_micro=amount_micro,
        )

        return transfer_in
