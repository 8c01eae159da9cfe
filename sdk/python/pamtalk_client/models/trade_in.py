from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.crop import Crop
from ..models.trade_in_payment_method import TradeInPaymentMethod
from ..types import UNSET, Unset

T = TypeVar("T", bound="TradeIn")


@_attrs_define
class TradeIn:
    """A buyer's offer to a farm. The total is computed by the service, never sent.

    Attributes:
        farm_id (UUID):
        crop (Crop):
        quantity (float | str): units, > 0, at most 3 decimals
        unit_price (float | str): KRW per unit, > 0, at most 2 decimals
        quality_score (float | Unset):  Default: 80.0.
        delivery_hours (int | Unset): 1 to 720; 24-168 is normal, outside it the anomaly scorer looks Default: 48.
        payment_method (TradeInPaymentMethod | Unset):  Default: TradeInPaymentMethod.BANK_TRANSFER.
        location (None | str | Unset): delivery place; the farm's region if omitted
    """

    farm_id: UUID
    crop: Crop
    quantity: float | str
    unit_price: float | str
    quality_score: float | Unset = 80.0
    delivery_hours: int | Unset = 48
    payment_method: TradeInPaymentMethod | Unset = TradeInPaymentMethod.BANK_TRANSFER
    location: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        farm_id = str(self.farm_id)

        crop = self.crop.value

        quantity: float | str
        quantity = self.quantity

        unit_price: float | str
        unit_price = self.unit_price

        quality_score = self.quality_score

        delivery_hours = self.delivery_hours

        payment_method: str | Unset = UNSET
        if not isinstance(self.payment_method, Unset):
            payment_method = self.payment_method.value

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "farm_id": farm_id,
                "crop": crop,
                "quantity": quantity,
                "unit_price": unit_price,
            }
        )
        if quality_score is not UNSET:
            field_dict["quality_score"] = quality_score
        if delivery_hours is not UNSET:
            field_dict["delivery_hours"] = delivery_hours
        if payment_method is not UNSET:
            field_dict["payment_method"] = payment_method
        if location is not UNSET:
            field_dict["location"] = location

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        farm_id = UUID(d.pop("farm_id"))

        crop = Crop(d.pop("crop"))

        def _parse_quantity(data: object) -> float | str:
            return cast(float | str, data)

        quantity = _parse_quantity(d.pop("quantity"))

        def _parse_unit_price(data: object) -> float | str:
            return cast(float | str, data)

        unit_price = _parse_unit_price(d.pop("unit_price"))

        quality_score = d.pop("quality_score", UNSET)

        delivery_hours = d.pop("delivery_hours", UNSET)

        _payment_method = d.pop("payment_method", UNSET)
        payment_method: TradeInPaymentMethod | Unset
        if isinstance(_payment_method, Unset):
            payment_method = UNSET
        else:
            payment_method = TradeInPaymentMethod(_payment_method)

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        trade_in = cls(
            farm_id=farm_id,
            crop=crop,
            quantity=quantity,
            unit_price=unit_price,
            quality_score=quality_score,
            delivery_hours=delivery_hours,
            payment_method=payment_method,
            location=location,
        )

        return trade_in
