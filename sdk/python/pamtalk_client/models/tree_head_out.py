from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="TreeHeadOut")


@_attrs_define
class TreeHeadOut(AdditionalProperties["Any"]):
    """A signed tree head, exactly as the verifier's bundle holds it.

    Attributes:
        tree_size (int):
        timestamp (int): milliseconds since the Unix epoch (UTC)
        root_hash (str):
        signature (str):
    """

    tree_size: int
    timestamp: int
    root_hash: str
    signature: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tree_size = self.tree_size

        timestamp = self.timestamp

        root_hash = self.root_hash

        signature = self.signature

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tree_size": tree_size,
                "timestamp": timestamp,
                "root_hash": root_hash,
                "signature": signature,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tree_size = d.pop("tree_size")

        timestamp = d.pop("timestamp")

        root_hash = d.pop("root_hash")

        signature = d.pop("signature")

        tree_head_out = cls(
            tree_size=tree_size,
            timestamp=timestamp,
            root_hash=root_hash,
            signature=signature,
        )

        tree_head_out.additional_properties = d
        return tree_head_out
