from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trade_status import TradeStatus
from ..types import UNSET, AdditionalProperties, Unset

if TYPE_CHECKING:
    from ..models.review_flag import ReviewFlag


T = TypeVar("T", bound="TradeOut")


@_attrs_define
class TradeOut(AdditionalProperties["Any"]):
    """
    Attributes:
        id (UUID):
        farm_id (UUID):
        producer_id (UUID):
        buyer_id (UUID):
        crop (str):
        quantity (str):
        unit_price (str):
        total_value (str):
        quality_score (float):
        delivery_hours (int):
        payment_method (str):
        location (str):
        status (TradeStatus):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        producer_esg_score (float | None | Unset):
        cancel_reason (None | str | Unset):
        review (None | ReviewFlag | Unset): the anomaly flag (shown to admins)
        confirmed_at (datetime.datetime | None | Unset):
        settled_at (datetime.datetime | None | Unset):
        cancelled_at (datetime.datetime | None | Unset):
    """

    id: UUID
    farm_id: UUID
    producer_id: UUID
    buyer_id: UUID
    crop: str
    quantity: str
    unit_price: str
    total_value: str
    quality_score: float
    delivery_hours: int
    payment_method: str
    location: str
    status: TradeStatus
    created_at: datetime.datetime
    updated_at: datetime.datetime
    producer_esg_score: float | None | Unset = UNSET
    cancel_reason: None | str | Unset = UNSET
    review: None | ReviewFlag | Unset = UNSET
    confirmed_at: datetime.datetime | None | Unset = UNSET
    settled_at: datetime.datetime | None | Unset = UNSET
    cancelled_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.review_flag import ReviewFlag  # noqa: PLC0415

        id = str(self.id)

        farm_id = str(self.farm_id)

        producer_id = str(self.producer_id)

        buyer_id = str(self.buyer_id)

        crop = self.crop

        quantity = self.quantity

        unit_price = self.unit_price

        total_value = self.total_value

        quality_score = self.quality_score

        delivery_hours = self.delivery_hours

        payment_method = self.payment_method

        location = self.location

        status = self.status.value

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        producer_esg_score: float | None | Unset
        if isinstance(self.producer_esg_score, Unset):
            producer_esg_score = UNSET
        else:
            producer_esg_score = self.producer_esg_score

        cancel_reason: None | str | Unset
        if isinstance(self.cancel_reason, Unset):
            cancel_reason = UNSET
        else:
            cancel_reason = self.cancel_reason

        review: dict[str, Any] | None | Unset
        if isinstance(self.review, Unset):
            review = UNSET
        elif isinstance(self.review, ReviewFlag):
            review = self.review.to_dict()
        else:
            review = self.review

        confirmed_at: None | str | Unset
        if isinstance(self.confirmed_at, Unset):
            confirmed_at = UNSET
        elif isinstance(self.confirmed_at, datetime.datetime):
            confirmed_at = self.confirmed_at.isoformat()
        else:
            confirmed_at = self.confirmed_at

        settled_at: None | str | Unset
        if isinstance(self.settled_at, Unset):
            settled_at = UNSET
        elif isinstance(self.settled_at, datetime.datetime):
            settled_at = self.settled_at.isoformat()
        else:
            settled_at = self.settled_at

        cancelled_at: None | str | Unset
        if isinstance(self.cancelled_at, Unset):
            cancelled_at = UNSET
        elif isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "farm_id": farm_id,
                "producer_id": producer_id,
                "buyer_id": buyer_id,
                "crop": crop,
                "quantity": quantity,
                "unit_price": unit_price,
                "total_value": total_value,
                "quality_score": quality_score,
                "delivery_hours": delivery_hours,
                "payment_method": payment_method,
                "location": location,
                "status": status,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if producer_esg_score is not UNSET:
            field_dict["producer_esg_score"] = producer_esg_score
        if cancel_reason is not UNSET:
            field_dict["cancel_reason"] = cancel_reason
        if review is not UNSET:
            field_dict["review"] = review
        if confirmed_at is not UNSET:
            field_dict["confirmed_at"] = confirmed_at
        if settled_at is not UNSET:
            field_dict["settled_at"] = settled_at
        if cancelled_at is not UNSET:
            field_dict["cancelled_at"] = cancelled_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.review_flag import ReviewFlag  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        farm_id = UUID(d.pop("farm_id"))

        producer_id = UUID(d.pop("producer_id"))

        buyer_id = UUID(d.pop("buyer_id"))

        crop = d.pop("crop")

        quantity = d.pop("quantity")

        unit_price = d.pop("unit_price")

        total_value = d.pop("total_value")

        quality_score = d.pop("quality_score")

        delivery_hours = d.pop("delivery_hours")

        payment_method = d.pop("payment_method")

        location = d.pop("location")

        status = TradeStatus(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_producer_esg_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        producer_esg_score = _parse_producer_esg_score(d.pop("producer_esg_score", UNSET))

        def _parse_cancel_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cancel_reason = _parse_cancel_reason(d.pop("cancel_reason", UNSET))

        def _parse_review(data: object) -> None | ReviewFlag | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                review_type_0 = ReviewFlag.from_dict(data)

                return review_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReviewFlag | Unset, data)

        review = _parse_review(d.pop("review", UNSET))

        def _parse_confirmed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                confirmed_at_type_0 = datetime.datetime.fromisoformat(data)

                return confirmed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        confirmed_at = _parse_confirmed_at(d.pop("confirmed_at", UNSET))

        def _parse_settled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                settled_at_type_0 = datetime.datetime.fromisoformat(data)

                return settled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        settled_at = _parse_settled_at(d.pop("settled_at", UNSET))

        def _parse_cancelled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.datetime.fromisoformat(data)

                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelled_at", UNSET))

        trade_out = cls(
            id=id,
            farm_id=farm_id,
            producer_id=producer_id,
            buyer_id=buyer_id,
            crop=crop,
            quantity=quantity,
            unit_price=unit_price,
            total_value=total_value,
            quality_score=quality_score,
            delivery_hours=delivery_hours,
            payment_method=payment_method,
            location=location,
            status=status,
            created_at=created_at,
            updated_at=updated_at,
            producer_esg_score=producer_esg_score,
            cancel_reason=cancel_reason,
            review=review,
            confirmed_at=confirmed_at,
            settled_at=settled_at,
            cancelled_at=cancelled_at,
        )

        trade_out.additional_properties = d
        return trade_out
