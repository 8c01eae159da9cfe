from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.grade import Grade
from ..types import AdditionalProperties

if TYPE_CHECKING:
    from ..models.esg_assessment_detail_breakdown import EsgAssessmentDetailBreakdown


T = TypeVar("T", bound="EsgAssessmentDetail")


@_attrs_define
class EsgAssessmentDetail(AdditionalProperties["Any"]):
    """An assessment with how it was made.

    Attributes:
        id (UUID):
        farm_id (UUID):
        submission_id (UUID): the ESG submission scored
        environmental (float): E, 0-100
        social (float): S, 0-100
        governance (float): G, 0-100
        overall (float): 0.40 E + 0.35 S + 0.25 G
        grade (Grade):
        token_estimate (int): ESG-GOLD (DC) estimate
        assessed_at (datetime.datetime):
        valid_until (datetime.date): an assessment is valid for 365 days
        size_factor (float):
        tier (float):
        volume_bonus (float):
        valid (bool):
        breakdown (EsgAssessmentDetailBreakdown): environmental, social, governance
    """

    id: UUID
    farm_id: UUID
    submission_id: UUID
    environmental: float
    social: float
    governance: float
    overall: float
    grade: Grade
    token_estimate: int
    assessed_at: datetime.datetime
    valid_until: datetime.date
    size_factor: float
    tier: float
    volume_bonus: float
    valid: bool
    breakdown: EsgAssessmentDetailBreakdown
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        farm_id = str(self.farm_id)

        submission_id = str(self.submission_id)

        environmental = self.environmental

        social = self.social

        governance = self.governance

        overall = self.overall

        grade = self.grade.value

        token_estimate = self.token_estimate

        assessed_at = self.assessed_at.isoformat()

        valid_until = self.valid_until.isoformat()

        size_factor = self.size_factor

        tier = self.tier

        volume_bonus = self.volume_bonus

        valid = self.valid

        breakdown = self.breakdown.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "farm_id": farm_id,
                "submission_id": submission_id,
                "environmental": environmental,
                "social": social,
                "governance": governance,
                "overall": overall,
                "grade": grade,
                "token_estimate": token_estimate,
                "assessed_at": assessed_at,
                "valid_until": valid_until,
                "size_factor": size_factor,
                "tier": tier,
                "volume_bonus": volume_bonus,
                "valid": valid,
                "breakdown": breakdown,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.esg_assessment_detail_breakdown import EsgAssessmentDetailBreakdown  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        farm_id = UUID(d.pop("farm_id"))

        submission_id = UUID(d.pop("submission_id"))

        environmental = d.pop("environmental")

        social = d.pop("social")

        governance = d.pop("governance")

        overall = d.pop("overall")

        grade = Grade(d.pop("grade"))

        token_estimate = d.pop("token_estimate")

        assessed_at = datetime.datetime.fromisoformat(d.pop("assessed_at"))

        valid_until = datetime.date.fromisoformat(d.pop("valid_until"))

        size_factor = d.pop("size_factor")

        tier = d.pop("tier")

        volume_bonus = d.pop("volume_bonus")

        valid = d.pop("valid")

        breakdown = EsgAssessmentDetailBreakdown.from_dict(d.pop("breakdown"))

        esg_assessment_detail = cls(
            id=id,
            farm_id=farm_id,
            submission_id=submission_id,
            environmental=environmental,
            social=social,
            governance=governance,
            overall=overall,
            grade=grade,
            token_estimate=token_estimate,
            assessed_at=assessed_at,
            valid_until=valid_until,
            size_factor=size_factor,
            tier=tier,
            volume_bonus=volume_bonus,
            valid=valid,
            breakdown=breakdown,
        )

        esg_assessment_detail.additional_properties = d
        return esg_assessment_detail
