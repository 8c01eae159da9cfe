from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, AdditionalProperties, Unset

if TYPE_CHECKING:
    from ..models.esg_assessment_detail import EsgAssessmentDetail


T = TypeVar("T", bound="FarmEsgOut")


@_attrs_define
class FarmEsgOut(AdditionalProperties["Any"]):
    """
    Attributes:
        farm_id (UUID):
        current (EsgAssessmentDetail | None): the newest assessment still valid
        history (list[EsgAssessmentDetail]): every assessment, newest first (keyset pages)
        next_cursor (None | str | Unset):
    """

    farm_id: UUID
    current: EsgAssessmentDetail | None
    history: list[EsgAssessmentDetail]
    next_cursor: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.esg_assessment_detail import EsgAssessmentDetail  # noqa: PLC0415

        farm_id = str(self.farm_id)

        current: dict[str, Any] | None
        if isinstance(self.current, EsgAssessmentDetail):
            current = self.current.to_dict()
        else:
            current = self.current

        history = []
        for history_item_data in self.history:
            history_item = history_item_data.to_dict()
            history.append(history_item)

        next_cursor: None | str | Unset
        if isinstance(self.next_cursor, Unset):
            next_cursor = UNSET
        else:
            next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "farm_id": farm_id,
                "current": current,
                "history": history,
            }
        )
        if next_cursor is not UNSET:
            field_dict["next_cursor"] = next_cursor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.esg_assessment_detail import EsgAssessmentDetail  # noqa: PLC0415

        d = dict(src_dict)
        farm_id = UUID(d.pop("farm_id"))

        def _parse_current(data: object) -> EsgAssessmentDetail | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                current_type_0 = EsgAssessmentDetail.from_dict(data)

                return current_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EsgAssessmentDetail | None, data)

        current = _parse_current(d.pop("current"))

        history = []
        _history = d.pop("history")
        for history_item_data in _history:
            history_item = EsgAssessmentDetail.from_dict(history_item_data)

            history.append(history_item)

        def _parse_next_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor", UNSET))

        farm_esg_out = cls(
            farm_id=farm_id,
            current=current,
            history=history,
            next_cursor=next_cursor,
        )

        farm_esg_out.additional_properties = d
        return farm_esg_out
