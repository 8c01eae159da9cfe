"""The platform's fixed vocabularies, once: crops, regions, certifications, farm statuses,
ESG grades and risk bands. Services type their fields with these; the OpenAPI documents
name each as one enum component (``Crop``, ``Region`` ...), so a partner's client has one
type per vocabulary whatever the service."""

from __future__ import annotations

from typing import Literal, get_args

from pamtalk.events.catalogue import Role, TradeStatus

Crop = Literal["tomatoes", "cabbage", "rice", "lettuce", "carrots"]
Certification = Literal[
    "organic",
    "fair_trade",
    "carbon_neutral",
    "rainforest_alliance",
    "global_gap",
    "iso_14001",
    "social_accountability",
]
# South Korea's 17 provinces and metropolitan cities
Region = Literal[
    "Seoul",
    "Busan",
    "Daegu",
    "Incheon",
    "Gwangju",
    "Daejeon",
    "Ulsan",
    "Sejong",
    "Gyeonggi",
    "Gangwon",
    "Chungbuk",
    "Chungnam",
    "Jeonbuk",
    "Jeonnam",
    "Gyeongbuk",
    "Gyeongnam",
    "Jeju",
]
# What a forecast is asked for: a province (Region) or a demand-model region that groups them
ForecastRegion = Literal[Region, "Chungcheong", "Jeolla", "Gyeongsang"]
FarmStatus = Literal["active", "inactive", "suspended"]
Grade = Literal["Candidate", "Bronze", "Silver", "Gold", "Platinum"]  # in rank order
RiskBand = Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"]

# name of the OpenAPI component -> its values (an enum of the same values, in any order,
# becomes a reference to the component)
NAMED: dict[str, tuple[str, ...]] = {
    "Crop": get_args(Crop),
    "Region": get_args(Region),
    "ForecastRegion": (*get_args(Region), "Chungcheong", "Jeolla", "Gyeongsang"),
    "Certification": get_args(Certification),
    "FarmStatus": get_args(FarmStatus),
    "Grade": get_args(Grade),
    "RiskBand": get_args(RiskBand),
    "Role": get_args(Role),
    "TradeStatus": get_args(TradeStatus),
}
