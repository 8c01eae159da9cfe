from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

if TYPE_CHECKING:
    from ..models.entry_object_payload import EntryObjectPayload


T = TypeVar("T", bound="EntryObject")


@_attrs_define
class EntryObject(AdditionalProperties["Any"]):
    """A ledger entry; its canonical JSON is the Merkle leaf (docs/ledger-verification.md).

    Attributes:
        v (int):
        kind (str):
        index (int):
        timestamp (int):
        reference (str):
        payload (EntryObjectPayload):
    """

    v: int
    kind: str
    index: int
    timestamp: int
    reference: str
    payload: EntryObjectPayload
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        v = self.v

        kind = self.kind

        index = self.index

        timestamp = self.timestamp

        reference = self.reference

        payload = self.payload.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "v": v,
                "kind": kind,
                "index": index,
                "timestamp": timestamp,
                "reference": reference,
                "payload": payload,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.entry_object_payload import EntryObjectPayload  # noqa: PLC0415

        d = dict(src_dict)
        v = d.pop("v")

        kind = d.pop("kind")

        index = d.pop("index")

        timestamp = d.pop("timestamp")

        reference = d.pop("reference")

        payload = EntryObjectPayload.from_dict(d.pop("payload"))

        entry_object = cls(
            v=v,
            kind=kind,
            index=index,
            timestamp=timestamp,
            reference=reference,
            payload=payload,
        )

        entry_object.additional_properties = d
        return entry_object
