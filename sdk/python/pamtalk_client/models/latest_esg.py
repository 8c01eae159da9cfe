from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.grade import Grade
from ..types import UNSET, AdditionalProperties, Unset

T = TypeVar("T", bound="LatestEsg")


@_attrs_define
class LatestEsg(AdditionalProperties["Any"]):
    """The farm's current grade: the newest assessment received.

    Attributes:
        assessment_id (UUID):
        score (float):
        grade (Grade):
        assessed_at (datetime.datetime):
        valid_until (datetime.date | None | Unset):
    """

    assessment_id: UUID
    score: float
    grade: Grade
    assessed_at: datetime.datetime
    valid_until: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assessment_id = str(self.assessment_id)

        score = self.score

        grade = self.grade.value

        assessed_at = self.assessed_at.isoformat()

        valid_until: None | str | Unset
        if isinstance(self.valid_until, Unset):
            valid_until = UNSET
        elif isinstance(self.valid_until, datetime.date):
            valid_until = self.valid_until.isoformat()
        else:
            valid_until = self.valid_until

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assessment_id": assessment_id,
                "score": score,
                "grade": grade,
                "assessed_at": assessed_at,
            }
        )
        if valid_until is not UNSET:
            field_dict["valid_until"] = valid_until

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        assessment_id = UUID(d.pop("assessment_id"))

        score = d.pop("score")

        grade = Grade(d.pop("grade"))

        assessed_at = datetime.datetime.fromisoformat(d.pop("assessed_at"))

        def _parse_valid_until(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_until_type_0 = datetime.date.fromisoformat(data)

                return valid_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        valid_until = _parse_valid_until(d.pop("valid_until", UNSET))

        latest_esg = cls(
            assessment_id=assessment_id,
            score=score,
            grade=grade,
            assessed_at=assessed_at,
            valid_until=valid_until,
        )

        latest_esg.additional_properties = d
        return latest_esg
