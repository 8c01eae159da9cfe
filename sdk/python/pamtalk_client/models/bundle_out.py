from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, AdditionalProperties, Unset

if TYPE_CHECKING:
    from ..models.anchor_in_bundle import AnchorInBundle
    from ..models.entry_object import EntryObject
    from ..models.inclusion_proof_out import InclusionProofOut
    from ..models.tree_head_out import TreeHeadOut


T = TypeVar("T", bound="BundleOut")


@_attrs_define
class BundleOut(AdditionalProperties["Any"]):
    """What ``python -m services.blockchain.verify`` reads (``anchor`` only once anchored).

    Attributes:
        entry (EntryObject): A ledger entry; its canonical JSON is the Merkle leaf (docs/ledger-verification.md).
        inclusion_proof (InclusionProofOut):
        tree_head (TreeHeadOut): A signed tree head, exactly as the verifier's bundle holds it.
        public_key (str): PEM of the key that signed tree_head
        key_id (str): the id of that key (SHA-256 of its raw bytes, hex)
        anchor (AnchorInBundle | None | Unset):
    """

    entry: EntryObject
    inclusion_proof: InclusionProofOut
    tree_head: TreeHeadOut
    public_key: str
    key_id: str
    anchor: AnchorInBundle | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.anchor_in_bundle import AnchorInBundle  # noqa: PLC0415

        entry = self.entry.to_dict()

        inclusion_proof = self.inclusion_proof.to_dict()

        tree_head = self.tree_head.to_dict()

        public_key = self.public_key

        key_id = self.key_id

        anchor: dict[str, Any] | None | Unset
        if isinstance(self.anchor, Unset):
            anchor = UNSET
        elif isinstance(self.anchor, AnchorInBundle):
            anchor = self.anchor.to_dict()
        else:
            anchor = self.anchor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entry": entry,
                "inclusion_proof": inclusion_proof,
                "tree_head": tree_head,
                "public_key": public_key,
                "key_id": key_id,
            }
        )
        if anchor is not UNSET:
            field_dict["anchor"] = anchor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.anchor_in_bundle import AnchorInBundle  # noqa: PLC0415
        from ..models.entry_object import EntryObject  # noqa: PLC0415
        from ..models.inclusion_proof_out import InclusionProofOut  # noqa: PLC0415
        from ..models.tree_head_out import TreeHeadOut  # noqa: PLC0415

        d = dict(src_dict)
        entry = EntryObject.from_dict(d.pop("entry"))

        inclusion_proof = InclusionProofOut.from_dict(d.pop("inclusion_proof"))

        tree_head = TreeHeadOut.from_dict(d.pop("tree_head"))

        public_key = d.pop("public_key")

        key_id = d.pop("key_id")

        def _parse_anchor(data: object) -> AnchorInBundle | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                anchor_type_0 = AnchorInBundle.from_dict(data)

                return anchor_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AnchorInBundle | None | Unset, data)

        anchor = _parse_anchor(d.pop("anchor", UNSET))

        bundle_out = cls(
            entry=entry,
            inclusion_proof=inclusion_proof,
            tree_head=tree_head,
            public_key=public_key,
            key_id=key_id,
            anchor=anchor,
        )

        bundle_out.additional_properties = d
        return bundle_out
