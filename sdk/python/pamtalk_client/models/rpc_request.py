from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

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

        return rpc_request
