from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, AdditionalProperties, Unset

if TYPE_CHECKING:
    from ..models.rpc_response_error_type_0 import RpcResponseErrorType0


T = TypeVar("T", bound="RpcResponse")


@_attrs_define
class RpcResponse(AdditionalProperties["Any"]):
    """
    Attributes:
        jsonrpc (str | Unset):  Default: '2.0'.
        id (int | None | str | Unset):
        result (Any | Unset):
        error (None | RpcResponseErrorType0 | Unset):
    """

    jsonrpc: str | Unset = "2.0"
    id: int | None | str | Unset = UNSET
    result: Any | Unset = UNSET
    error: None | RpcResponseErrorType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.rpc_response_error_type_0 import RpcResponseErrorType0  # noqa: PLC0415

        jsonrpc = self.jsonrpc

        id: int | None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        result = self.result

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, RpcResponseErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if jsonrpc is not UNSET:
            field_dict["jsonrpc"] = jsonrpc
        if id is not UNSET:
            field_dict["id"] = id
        if result is not UNSET:
            field_dict["result"] = result
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rpc_response_error_type_0 import RpcResponseErrorType0  # noqa: PLC0415

        d = dict(src_dict)
        jsonrpc = d.pop("jsonrpc", UNSET)

        def _parse_id(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        result = d.pop("result", UNSET)

        def _parse_error(data: object) -> None | RpcResponseErrorType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = RpcResponseErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RpcResponseErrorType0 | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        rpc_response = cls(
            jsonrpc=jsonrpc,
            id=id,
            result=result,
            error=error,
        )

        rpc_response.additional_properties = d
        return rpc_response
