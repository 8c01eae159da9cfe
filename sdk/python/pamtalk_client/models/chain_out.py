from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, AdditionalProperties, Unset

T = TypeVar("T", bound="ChainOut")


@_attrs_define
class ChainOut(AdditionalProperties["Any"]):
    """
    Attributes:
        anchoring (bool):
        mode (str): 'in-process' (embedded/tests), 'json-rpc' or 'off'
        contract_address (None | str | Unset):
        chain_id (int | None | Unset):
        rpc_path (None | str | Unset): read-only JSON-RPC of the in-process chain
    """

    anchoring: bool
    mode: str
    contract_address: None | str | Unset = UNSET
    chain_id: int | None | Unset = UNSET
    rpc_path: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        anchoring = self.anchoring

        mode = self.mode

        contract_address: None | str | Unset
        if isinstance(self.contract_address, Unset):
            contract_address = UNSET
        else:
            contract_address = self.contract_address

        chain_id: int | None | Unset
        if isinstance(self.chain_id, Unset):
            chain_id = UNSET
        else:
            chain_id = self.chain_id

        rpc_path: None | str | Unset
        if isinstance(self.rpc_path, Unset):
            rpc_path = UNSET
        else:
            rpc_path = self.rpc_path

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "anchoring": anchoring,
                "mode": mode,
            }
        )
        if contract_address is not UNSET:
            field_dict["contract_address"] = contract_address
        if chain_id is not UNSET:
            field_dict["chain_id"] = chain_id
        if rpc_path is not UNSET:
            field_dict["rpc_path"] = rpc_path

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        anchoring = d.pop("anchoring")

        mode = d.pop("mode")

        def _parse_contract_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contract_address = _parse_contract_address(d.pop("contract_address", UNSET))

        def _parse_chain_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        chain_id = _parse_chain_id(d.pop("chain_id", UNSET))

        def _parse_rpc_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rpc_path = _parse_rpc_path(d.pop("rpc_path", UNSET))

        chain_out = cls(
            anchoring=anchoring,
            mode=mode,
            contract_address=contract_address,
            chain_id=chain_id,
            rpc_path=rpc_path,
        )

        chain_out.additional_properties = d
        return chain_out
