from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="SupplyOut")


@_attrs_define
class SupplyOut(AdditionalProperties["Any"]):
    """
    Attributes:
        minted_micro (int):
        burned_micro (int):
        circulating_micro (int): sum of all balances = minted - burned
    """

    minted_micro: int
    burned_micro: int
    circulating_micro: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        minted_micro = self.minted_micro

        burned_micro = self.burned_micro

        circulating_micro = self.circulating_micro

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "minted_micro": minted_micro,
                "burned_micro": burned_micro,
                "circulating_micro": circulating_micro,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        minted_micro = d.pop("minted_micro")

        burned_micro = d.pop("burned_micro")

        circulating_micro = d.pop("circulating_micro")

        supply_out = cls(
            minted_micro=minted_micro,
            burned_micro=burned_micro,
            circulating_micro=circulating_micro,
        )

        supply_out.additional_properties = d
        return supply_out
