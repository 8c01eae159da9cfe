from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="InclusionProofOut")


@_attrs_define
class InclusionProofOut(AdditionalProperties["Any"]):
    """
    Attributes:
        leaf_index (int):
        tree_size (int):
        hashes (list[str]):
    """

    leaf_index: int
    tree_size: int
    hashes: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        leaf_index = self.leaf_index

        tree_size = self.tree_size

        hashes = self.hashes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "leaf_index": leaf_index,
                "tree_size": tree_size,
                "hashes": hashes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        leaf_index = d.pop("leaf_index")

        tree_size = d.pop("tree_size")

        hashes = cast(list[str], d.pop("hashes"))

        inclusion_proof_out = cls(
            leaf_index=leaf_index,
            tree_size=tree_size,
            hashes=hashes,
        )

        inclusion_proof_out.additional_properties = d
        return inclusion_proof_out
