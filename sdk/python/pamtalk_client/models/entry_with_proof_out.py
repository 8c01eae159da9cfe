from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

if TYPE_CHECKING:
    from ..models.entry_object import EntryObject
    from ..models.inclusion_proof_out import InclusionProofOut
    from ..models.tree_head_out import TreeHeadOut


T = TypeVar("T", bound="EntryWithProofOut")


@_attrs_define
class EntryWithProofOut(AdditionalProperties["Any"]):
    """
    Attributes:
        entry (EntryObject): A ledger entry; its canonical JSON is the Merkle leaf (docs/ledger-verification.md).
        leaf_hash (str):
        inclusion_proof (InclusionProofOut):
        tree_head (TreeHeadOut): A signed tree head, exactly as the verifier's bundle holds it.
    """

    entry: EntryObject
    leaf_hash: str
    inclusion_proof: InclusionProofOut
    tree_head: TreeHeadOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entry = self.entry.to_dict()

        leaf_hash = self.leaf_hash

        inclusion_proof = self.inclusion_proof.to_dict()

        tree_head = self.tree_head.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entry": entry,
                "leaf_hash": leaf_hash,
                "inclusion_proof": inclusion_proof,
                "tree_head": tree_head,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.entry_object import EntryObject  # noqa: PLC0415
        from ..models.inclusion_proof_out import InclusionProofOut  # noqa: PLC0415
        from ..models.tree_head_out import TreeHeadOut  # noqa: PLC0415

        d = dict(src_dict)
        entry = EntryObject.from_dict(d.pop("entry"))

        leaf_hash = d.pop("leaf_hash")

        inclusion_proof = InclusionProofOut.from_dict(d.pop("inclusion_proof"))

        tree_head = TreeHeadOut.from_dict(d.pop("tree_head"))

        entry_with_proof_out = cls(
            entry=entry,
            leaf_hash=leaf_hash,
            inclusion_proof=inclusion_proof,
            tree_head=tree_head,
        )

        entry_with_proof_out.additional_properties = d
        return entry_with_proof_out
