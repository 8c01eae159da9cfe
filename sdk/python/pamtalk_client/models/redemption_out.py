from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="RedemptionOut")


@_attrs_define
class RedemptionOut(AdditionalProperties["Any"]):
    """
    Attributes:
        redemption_id (UUID):
        wallet (str):
        redeemed_micro (int):
        burned_micro (int):
        credited_micro (int):
        discount_krw (int):
        burn_index (int):
        credit_index (int):
        redeemed_today_micro (int):
        balance_micro (int):
    """

    redemption_id: UUID
    wallet: str
    redeemed_micro: int
    burned_micro: int
    credited_micro: int
    discount_krw: int
    burn_index: int
    credit_index: int
    redeemed_today_micro: int
    balance_micro: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        redemption_id = str(self.redemption_id)

        wallet = self.wallet

        redeemed_micro = self.redeemed_micro

        burned_micro = self.burned_micro

        credited_micro = self.credited_micro

        discount_krw = self.discount_krw

        burn_index = self.burn_index

        credit_index = self.credit_index

        redeemed_today_micro = self.redeemed_today_micro

        balance_micro = self.balance_micro

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "redemption_id": redemption_id,
                "wallet": wallet,
                "redeemed_micro": redeemed_micro,
                "burned_micro": burned_micro,
                "credited_micro": credited_micro,
                "discount_krw": discount_krw,
                "burn_index": burn_index,
                "credit_index": credit_index,
                "redeemed_today_micro": redeemed_today_micro,
                "balance_micro": balance_micro,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        redemption_id = UUID(d.pop("redemption_id"))

        wallet = d.pop("wallet")

        redeemed_micro = d.pop("redeemed_micro")

        burned_micro = d.pop("burned_micro")

        credited_micro = d.pop("credited_micro")

        discount_krw = d.pop("discount_krw")

        burn_index = d.pop("burn_index")

        credit_index = d.pop("credit_index")

        redeemed_today_micro = d.pop("redeemed_today_micro")

        balance_micro = d.pop("balance_micro")

        redemption_out = cls(
            redemption_id=redemption_id,
            wallet=wallet,
            redeemed_micro=redeemed_micro,
            burned_micro=burned_micro,
            credited_micro=credited_micro,
            discount_krw=discount_krw,
            burn_index=burn_index,
            credit_index=credit_index,
            redeemed_today_micro=redeemed_today_micro,
            balance_micro=balance_micro,
        )

        redemption_out.additional_properties = d
        return redemption_out
