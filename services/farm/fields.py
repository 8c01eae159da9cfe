"""Validated field types of a farm, shared by the create and update bodies."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Annotated

from pydantic import AfterValidator, EmailStr, Field

from pamtalk.bodies import JsonDate
from services.farm.vocabulary import KOREA_LATITUDE, KOREA_LONGITUDE, Certification, Crop

KST = timezone(timedelta(hours=9))
EARLIEST_ESTABLISHED = date(1900, 1, 1)
MAX_SIZE_HA = 100_000.0  # larger than any farm in Korea; catches unit mistakes (m² for ha)
WALLET = re.compile(r"^0x[0-9a-fA-F]{40}$")


def _stripped(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


def _in_korea(bounds: tuple[float, float], axis: str) -> AfterValidator:
    low, high = bounds

    def check(value: float) -> float:
        if not low <= value <= high:
            raise ValueError(
                f"{axis} {value} is outside South Korea's rough bounds ({low} to {high}); "
                "farms on the platform are in Korea"
            )
        return value

    return AfterValidator(check)


def _not_in_future(value: date) -> date:
    if value > datetime.now(KST).date():
        raise ValueError("the establishment date cannot be in the future")
    if value < EARLIEST_ESTABLISHED:
        raise ValueError(f"the establishment date cannot be before {EARLIEST_ESTABLISHED.isoformat()}")
    return value


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _wallet(value: str) -> str:
    if not WALLET.match(value):
        raise ValueError("a wallet address is 0x followed by 40 hexadecimal digits")
    return value.lower()


Name = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_stripped)]
Latitude = Annotated[
    float,
    Field(
        ge=-90,
        le=90,
        description="WGS84 degrees north, within South Korea",
        json_schema_extra={"minimum": KOREA_LATITUDE[0], "maximum": KOREA_LATITUDE[1]},
    ),
    _in_korea(KOREA_LATITUDE, "latitude"),
]
Longitude = Annotated[
    float,
    Field(
        ge=-180,
        le=180,
        description="WGS84 degrees east, within South Korea",
        json_schema_extra={"minimum": KOREA_LONGITUDE[0], "maximum": KOREA_LONGITUDE[1]},
    ),
    _in_korea(KOREA_LONGITUDE, "longitude"),
]
Address = Annotated[str, Field(max_length=300), AfterValidator(_stripped)]
SizeHa = Annotated[
    float, Field(gt=0, le=MAX_SIZE_HA, allow_inf_nan=False, description="hectares, more than 0")
]
Established = Annotated[JsonDate, AfterValidator(_not_in_future), Field(description="not in the future")]
Phone = Annotated[
    str, Field(max_length=20, pattern=r"^\+?[0-9][0-9 -]{6,18}$", examples=["+82 10-1234-5678"])
]
Email = Annotated[EmailStr, Field(max_length=254)]
Crops = Annotated[
    list[Crop], Field(min_length=1, max_length=5, description="at least one"), AfterValidator(_unique)
]
Certifications = Annotated[list[Certification], Field(max_length=7), AfterValidator(_unique)]
Wallet = Annotated[
    str,
    Field(
        description="0x followed by 40 hex digits",
        examples=["0x" + "ab" * 20],
        json_schema_extra={"pattern": WALLET.pattern},
    ),
    AfterValidator(_wallet),
]

__all__ = [
    "Address",
    "Certifications",
    "Crops",
    "Email",
    "Established",
    "Latitude",
    "Longitude",
    "Name",
    "Phone",
    "SizeHa",
    "Wallet",
]
