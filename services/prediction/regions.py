"""Farms name one of 17 provinces and metropolitan cities; the demand model knows 7 broad
regions (``ml/crops.py``). Trades are counted, and forecasts may be asked for, under either
name: a province is folded into the model region that contains it."""

from __future__ import annotations

from .ml.crops import normalise_region

#: Province or metropolitan city -> demand-model region (Incheon with the capital region).
PROVINCE_TO_REGION: dict[str, str] = {
    "seoul": "Seoul",
    "incheon": "Gyeonggi",
    "gyeonggi": "Gyeonggi",
    "gangwon": "Gangwon",
    "daejeon": "Chungcheong",
    "sejong": "Chungcheong",
    "chungbuk": "Chungcheong",
    "chungnam": "Chungcheong",
    "gwangju": "Jeolla",
    "jeonbuk": "Jeolla",
    "jeonnam": "Jeolla",
    "busan": "Gyeongsang",
    "daegu": "Gyeongsang",
    "ulsan": "Gyeongsang",
    "gyeongbuk": "Gyeongsang",
    "gyeongnam": "Gyeongsang",
    "jeju": "Jeju",
}


def model_region(name: str) -> str:
    """The model region for a model region or province name (any case); unknown names come
    back trimmed, for the caller to refuse."""
    return PROVINCE_TO_REGION.get(name.strip().lower()) or normalise_region(name)
