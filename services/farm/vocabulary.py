"""The farm service's fixed vocabularies: crops, certifications, regions, statuses and ESG
grades, with their Korean names, and the rough bounds of South Korea."""

from __future__ import annotations

from typing import get_args

from pamtalk.vocabulary import Certification, Crop, Grade, Region
from pamtalk.vocabulary import FarmStatus as Status

CROPS: tuple[str, ...] = get_args(Crop)
CERTIFICATIONS: tuple[str, ...] = get_args(Certification)
REGIONS: tuple[str, ...] = get_args(Region)
STATUSES: tuple[str, ...] = get_args(Status)
GRADES: tuple[str, ...] = get_args(Grade)  # in rank order: the index is the stored rank


def grade_rank(grade: str) -> int:
    """0 (Candidate) to 4 (Platinum): stored next to the grade so ``min_grade`` is a range scan."""
    return GRADES.index(grade)


CROP_NAMES_KO = {"tomatoes": "토마토", "cabbage": "배추", "rice": "쌀", "lettuce": "상추", "carrots": "당근"}

# name in Korean, and the governance points of DOMAIN.md's ESG score
CERTIFICATION_INFO: dict[str, tuple[str, str, int]] = {
    "organic": ("Organic", "유기농", 25),
    "fair_trade": ("Fair Trade", "공정무역", 20),
    "carbon_neutral": ("Carbon neutral", "탄소중립", 20),
    "rainforest_alliance": ("Rainforest Alliance", "열대우림동맹", 15),
    "global_gap": ("GLOBALG.A.P.", "글로벌갭", 10),
    "iso_14001": ("ISO 14001", "ISO 14001 환경경영", 15),
    "social_accountability": ("Social accountability (SA8000)", "사회적 책임", 15),
}

REGION_NAMES_KO = {
    "Seoul": "서울특별시",
    "Busan": "부산광역시",
    "Daegu": "대구광역시",
    "Incheon": "인천광역시",
    "Gwangju": "광주광역시",
    "Daejeon": "대전광역시",
    "Ulsan": "울산광역시",
    "Sejong": "세종특별자치시",
    "Gyeonggi": "경기도",
    "Gangwon": "강원특별자치도",
    "Chungbuk": "충청북도",
    "Chungnam": "충청남도",
    "Jeonbuk": "전북특별자치도",
    "Jeonnam": "전라남도",
    "Gyeongbuk": "경상북도",
    "Gyeongnam": "경상남도",
    "Jeju": "제주특별자치도",
}

# Rough bounds of South Korea (mainland, Jeju, Ulleungdo and Dokdo).
KOREA_LATITUDE = (33.0, 38.7)
KOREA_LONGITUDE = (124.5, 132.0)
