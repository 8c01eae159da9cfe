from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.grade import Grade
from ..types import AdditionalProperties

T = TypeVar("T", bound="EsgScoredData")


@_attrs_define
class EsgScoredData(AdditionalProperties["Any"]):
    """
    Attributes:
        farm_id (UUID):
        assessment_id (UUID):
        grade (Grade):
        overall (float):
        token_estimate (int):
    """

    farm_id: UUID
    assessment_id: UUID
    grade: Grade
    overall: float
    token_estimate: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        farm_id = str(self.farm_id)

        assessment_id = str(self.assessment_id)

        grade = self.grade.value

        overall = self.overall

        token_estimate = self.token_estimate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "farm_id": farm_id,
                "assessment_id": assessment_id,
                "grade": grade,
                "overall": overall,
                "token_estimate": token_estimate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        farm_id = UUID(d.pop("farm_id"))

        assessment_id = UUID(d.pop("assessment_id"))

        grade = Grade(d.pop("grade"))

        overall = d.pop("overall")

        token_estimate = d.pop("token_estimate")

        esg_scored_data = cls(
            farm_id=farm_id,
            assessment_id=assessment_id,
            grade=grade,
            overall=overall,
            token_estimate=token_estimate,
        )

        esg_scored_data.additional_properties = d
        return esg_scored_data
