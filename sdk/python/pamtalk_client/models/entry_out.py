from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

if TYPE_CHECKING:
    from ..models.entry_object import EntryObject


T = TypeVar("T", bound="EntryOut")


@_attrs_define
class EntryOut(AdditionalProperties["Any"]):
    """
    Attributes:
        entry (EntryObject): A ledger entry; its canonical JSON is the Merkle leaf (docs/ledger-verification.md).
        leaf_hash (str):
    """

    entry: EntryObject
    leaf_hash: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entry = self.entry.to_dict()

        leaf_hash = self.leaf_hash

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entry": entry,
                "leaf_hash": leaf_hash,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.entry_object import EntryObject  # noqa: PLC0415

        d = dict(src_dict)
        entry = EntryObject.from_dict(d.pop("entry"))

        leaf_hash = d.pop("leaf_hash")

        entry_out = cls(
            entry=entry,
            leaf_hash=leaf_hash,
        )

        entry_out.additional_properties = d
        return entry_out
