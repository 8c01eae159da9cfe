from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="FarmSizes")


@_attrs_define
class FarmSizes(AdditionalProperties["Any"]):
    """
    Attributes:
        small (int): active farms under 10 ha
        medium (int): active farms from 10 ha to under 50 ha
        large (int): active farms of 50 ha or more
    """

    small: int
    medium: int
    large: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        small = self.small

        medium = self.medium

        large = self.large

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "small": small,
                "medium": medium,
                "large": large,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        small = d.pop("small")

        medium = d.pop("medium")

        large = d.pop("large")

        farm_sizes = cls(
            small=small,
            medium=medium,
            large=large,
        )

        farm_sizes.additional_properties = d
        return farm_sizes
