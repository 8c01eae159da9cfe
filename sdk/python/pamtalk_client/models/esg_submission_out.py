from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.esg_submission_out_status import EsgSubmissionOutStatus
from ..types import UNSET, AdditionalProperties, Unset

if TYPE_CHECKING:
    from ..models.esg_assessment import EsgAssessment
    from ..models.esg_data import EsgData


T = TypeVar("T", bound="EsgSubmissionOut")


@_attrs_define
class EsgSubmissionOut(AdditionalProperties["Any"]):
    """
    Attributes:
        id (UUID):
        farm_id (UUID):
        submitted_by (UUID):
        submitted_at (datetime.datetime):
        status (EsgSubmissionOutStatus):
        data (EsgData): The 18 ESG fields of DOMAIN.md with their ranges.
        assessment (EsgAssessment | None | Unset):
    """

    id: UUID
    farm_id: UUID
    submitted_by: UUID
    submitted_at: datetime.datetime
    status: EsgSubmissionOutStatus
    data: EsgData
    assessment: EsgAssessment | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.esg_assessment import EsgAssessment  # noqa: PLC0415

        id = str(self.id)

        farm_id = str(self.farm_id)

        submitted_by = str(self.submitted_by)

        submitted_at = self.submitted_at.isoformat()

        status = self.status.value

        data = self.data.to_dict()

        assessment: dict[str, Any] | None | Unset
        if isinstance(self.assessment, Unset):
            assessment = UNSET
        elif isinstance(self.assessment, EsgAssessment):
            assessment = self.assessment.to_dict()
        else:
            assessment = self.assessment

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "farm_id": farm_id,
                "submitted_by": submitted_by,
                "submitted_at": submitted_at,
                "status": status,
                "data": data,
            }
        )
        if assessment is not UNSET:
            field_dict["assessment"] = assessment

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.esg_assessment import EsgAssessment  # noqa: PLC0415
        from ..models.esg_data import EsgData  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        farm_id = UUID(d.pop("farm_id"))

        submitted_by = UUID(d.pop("submitted_by"))

        submitted_at = datetime.datetime.fromisoformat(d.pop("submitted_at"))

        status = EsgSubmissionOutStatus(d.pop("status"))

        data = EsgData.from_dict(d.pop("data"))

        def _parse_assessment(data: object) -> EsgAssessment | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                assessment_type_0 = EsgAssessment.from_dict(data)

                return assessment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EsgAssessment | None | Unset, data)

        assessment = _parse_assessment(d.pop("assessment", UNSET))

        esg_submission_out = cls(
            id=id,
            farm_id=farm_id,
            submitted_by=submitted_by,
            submitted_at=submitted_at,
            status=status,
            data=data,
            assessment=assessment,
        )

        esg_submission_out.additional_properties = d
        return esg_submission_out
