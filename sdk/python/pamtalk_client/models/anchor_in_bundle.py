from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="AnchorInBundle")


@_attrs_define
class AnchorInBundle(AdditionalProperties["Any"]):
    """
    Attributes:
        tree_size (int):
        root_hash (str):
        chain_id (int):
        contract_address (str):
        tx_hash (str):
        block_number (int):
        consistency_proof (list[str]):
    """

    tree_size: int
    root_hash: str
    chain_id: int
    contract_address: str
    tx_hash: str
    block_number: int
    consistency_proof: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tree_size = self.tree_size

        root_hash = self.root_hash

        chain_id = self.chain_id

        contract_address = self.contract_address

        tx_hash = self.tx_hash

        block_number = self.block_number

        consistency_proof = self.consistency_proof

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tree_size": tree_size,
                "root_hash": root_hash,
                "chain_id": chain_id,
                "contract_address": contract_address,
                "tx_hash": tx_hash,
                "block_number": block_number,
                "consistency_proof": consistency_proof,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tree_size = d.pop("tree_size")

        root_hash = d.pop("root_hash")

        chain_id = d.pop("chain_id")

        contract_address = d.pop("contract_address")

        tx_hash = d.pop("tx_hash")

        block_number = d.pop("block_number")

        consistency_proof = cast(list[str], d.pop("consistency_proof"))

        anchor_in_bundle = cls(
            tree_size=tree_size,
            root_hash=root_hash,
            chain_id=chain_id,
            contract_address=contract_address,
            tx_hash=tx_hash,
            block_number=block_number,
            consistency_proof=consistency_proof,
        )

        anchor_in_bundle.additional_properties = d
        return anchor_in_bundle
