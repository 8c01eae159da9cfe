from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RpcRequest")


@_attrs_define
class RpcRequest:
    """
    Attributes:
        method (str):
        jsonrpc (str | Unset):  Default: '2.0'.
        id (int | None | str | Unset):
        params (list[Any] | Unset):
    """

    method: str
    jsonrpc: str | Unset = "2.0"
    id: int | None | str | Unset = UNSET
    params: list[Any] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        method = self.method

        jsonrpc = self.jsonrpc

        id: int | None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        params: list[Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "method": method,
            }
        )
        if jsonrpc is not UNSET:
            field_dict["jsonrpc"] = jsonrpc
        if id is not UNSET:
            field_dict["id"] = id
        if params is not UNSET:
            field_dict["params"] = params

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        method = d.pop("method")

        jsonrpc = d.pop("jsonrpc", UNSET)

        def _parse_id(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        params = cast(list[Any], d.pop("params", UNSET))

        rpc_request = cls(
            method=method,
            jsonrpc=jsonrpc,
            id=id,
            params=params,
        )

        rpc_request.additional_properties = d
        return rpc_request

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
