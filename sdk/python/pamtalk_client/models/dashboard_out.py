from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

if TYPE_CHECKING:
    from ..models.crop_totals import CropTotals
    from ..models.dashboard_out_by_status import DashboardOutByStatus
    from ..models.day_totals import DayTotals
    from ..models.farm_sizes import FarmSizes
    from ..models.totals import Totals


T = TypeVar("T", bound="DashboardOut")


@_attrs_define
class DashboardOut(AdditionalProperties["Any"]):
    """Market figures; counts and values leave cancelled trades out.

    Attributes:
        generated_at (datetime.datetime):
        trades (Totals):
        by_status (DashboardOutByStatus):
        by_crop (list[CropTotals]):
        last_7_days (list[DayTotals]): trades opened per UTC day, oldest first, today last
        average_esg_settled (float | None): mean producer ESG score of settled trades
        farms_by_size (FarmSizes):
    """

    generated_at: datetime.datetime
    trades: Totals
    by_status: DashboardOutByStatus
    by_crop: list[CropTotals]
    last_7_days: list[DayTotals]
    average_esg_settled: float | None
    farms_by_size: FarmSizes
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        generated_at = self.generated_at.isoformat()

        trades = self.trades.to_dict()

        by_status = self.by_status.to_dict()

        by_crop = []
        for by_crop_item_data in self.by_crop:
            by_crop_item = by_crop_item_data.to_dict()
            by_crop.append(by_crop_item)

        last_7_days = []
        for last_7_days_item_data in self.last_7_days:
            last_7_days_item = last_7_days_item_data.to_dict()
            last_7_days.append(last_7_days_item)

        average_esg_settled: float | None
        average_esg_settled = self.average_esg_settled

        farms_by_size = self.farms_by_size.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "generated_at": generated_at,
                "trades": trades,
                "by_status": by_status,
                "by_crop": by_crop,
                "last_7_days": last_7_days,
                "average_esg_settled": average_esg_settled,
                "farms_by_size": farms_by_size,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.crop_totals import CropTotals  # noqa: PLC0415
        from ..models.dashboard_out_by_status import DashboardOutByStatus  # noqa: PLC0415
        from ..models.day_totals import DayTotals  # noqa: PLC0415
        from ..models.farm_sizes import FarmSizes  # noqa: PLC0415
        from ..models.totals import Totals  # noqa: PLC0415

        d = dict(src_dict)
        generated_at = datetime.datetime.fromisoformat(d.pop("generated_at"))

        trades = Totals.from_dict(d.pop("trades"))

        by_status = DashboardOutByStatus.from_dict(d.pop("by_status"))

        by_crop = []
        _by_crop = d.pop("by_crop")
        for by_crop_item_data in _by_crop:
            by_crop_item = CropTotals.from_dict(by_crop_item_data)

            by_crop.append(by_crop_item)

        last_7_days = []
        _last_7_days = d.pop("last_7_days")
        for last_7_days_item_data in _last_7_days:
            last_7_days_item = DayTotals.from_dict(last_7_days_item_data)

            last_7_days.append(last_7_days_item)

        def _parse_average_esg_settled(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        average_esg_settled = _parse_average_esg_settled(d.pop("average_esg_settled"))

        farms_by_size = FarmSizes.from_dict(d.pop("farms_by_size"))

        dashboard_out = cls(
            generated_at=generated_at,
            trades=trades,
            by_status=by_status,
            by_crop=by_crop,
            last_7_days=last_7_days,
            average_esg_settled=average_esg_settled,
            farms_by_size=farms_by_size,
        )

        dashboard_out.additional_properties = d
        return dashboard_out
