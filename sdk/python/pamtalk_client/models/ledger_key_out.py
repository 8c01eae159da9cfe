from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, AdditionalProperties, Unset

T = TypeVar("T", bound="LedgerKeyOut")


@_attrs_define
class LedgerKeyOut(AdditionalProperties["Any"]):
    """
    Attributes:
        key_id (str): SHA-256 of the 32 raw key bytes, hex: the fingerprint to pin
        pem (str): SubjectPublicKeyInfo PEM
        raw_base64 (str):
        current (bool): signs new tree heads (else an earlier key, kept for old heads)
        algorithm (str | Unset):  Default: 'Ed25519'.
    """

    key_id: str
    pem: str
    raw_base64: str
    current: bool
    algorithm: str | Unset = "Ed25519"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key_id = self.key_id

        pem = self.pem

        raw_base64 = self.raw_base64

        current = self.current

        algorithm = self.algorithm

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key_id": key_id,
                "pem": pem,
                "raw_base64": raw_base64,
                "current": current,
            }
        )
        if algorithm is not UNSET:
            field_dict["algorithm"] = algorithm

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key_id = d.pop("key_id")

        pem = d.pop("pem")

        raw_base64 = d.pop("raw_base64")

        current = d.pop("current")

        algorithm = d.pop("algorithm", UNSET)

        ledger_key_out = cls(
            key_id=key_id,
            pem=pem,
            raw_base64=raw_base64,
            current=current,
            algorithm=algorithm,
        )

        ledger_key_out.additional_properties = d
        return ledger_key_out
