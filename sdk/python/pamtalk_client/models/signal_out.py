from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="SignalOut")


@_attrs_define
class SignalOut(AdditionalProperties["Any"]):
    """
    Attributes:
        name (str):
        strength (float):
        weight (float):
        reason (str):
    """

    name: str
    strength: float
    weight: float
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        strength = self.strength

        weight = self.weight

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "strength": strength,
                "weight": weight,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        strength = d.pop("strength")

        weight = d.pop("weight")

        reason = d.pop("reason")

        signal_out = cls(
            name=name,
            strength=strength,
            weight=weight,
            reason=reason,
        )

        signal_out.additional_properties = d
        return signal_out
