from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RedeemIn")


@_attrs_define
class RedeemIn:
    """
    Attributes:
        amount_micro (int): whole DC only (1 DC = 1 KRW)
        purchase_krw (int): the purchase the discount is for
    """

    amount_micro: int
    purchase_krw: int

    def to_dict(self) -> dict[str, Any]:
        amount_micro = self.amount_micro

        purchase_krw = self.purchase_krw

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount_micro": amount_micro,
                "purchase_krw": purchase_krw,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_micro = d.pop("amount_micro")

        purchase_krw = d.pop("purchase_krw")

        redeem_in = cls(
            amount_micro=amount_micro,
            purchase_krw=purchase_krw,
        )

        return redeem_in
