from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InclusionProofOut")


@_attrs_define
class InclusionProofOut:
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

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
