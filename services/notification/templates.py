"""The words of every notification, in Korean and English.

A template has a title and a body with ``{placeholders}``; ``render`` formats the values
for the reader's language first (crop names, won amounts, ESG-GOLD amounts, grades,
dates), so a template only places them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

Language = Literal["ko", "en"]
LANGUAGES: tuple[Language, ...] = ("ko", "en")
DEFAULT_LANGUAGE: Language = "ko"
DC_DECIMALS = 6  # ESG-GOLD amounts travel as integers of 10^-6 DC

CROPS_KO = {"tomatoes": "토마토", "cabbage": "배추", "rice": "쌀", "lettuce": "상추", "carrots": "당근"}
GRADES_KO = {
    "Platinum": "플래티넘",
    "Gold": "골드",
    "Silver": "실버",
    "Bronze": "브론즈",
    "Candidate": "후보",
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

TEXT: dict[str, dict[Language, tuple[str, str]]] = {
    "welcome": {
        "ko": (
            "PAM-TALK에 오신 것을 환영합니다",
            "{name}님, 가입을 환영합니다. 거래와 ESG 점수를 한곳에서 확인하세요.",
        ),
        "en": ("Welcome to PAM-TALK", "Welcome, {name}! Follow your trades and ESG score in one place."),
    },
    "trade.created/producer": {
        "ko": ("새 거래 요청", "{crop} {quantity} 주문이 들어왔습니다 (총 {total}, 거래 {ref})."),
        "en": ("New trade request", "A buyer ordered {quantity} × {crop} for {total} (trade {ref})."),
    },
    "trade.created/buyer": {
        "ko": ("거래 요청 완료", "{crop} {quantity} 주문을 생산자에게 보냈습니다 (총 {total}, 거래 {ref})."),
        "en": (
            "Trade requested",
            "Your order of {quantity} × {crop} for {total} went to the producer (trade {ref}).",
        ),
    },
    "trade.confirmed/producer": {
        "ko": ("거래 확정", "{crop} {quantity} 거래가 확정되었습니다. 배송을 준비해 주세요 (거래 {ref})."),
        "en": (
            "Trade confirmed",
            "The trade of {quantity} × {crop} is confirmed; please prepare the delivery (trade {ref}).",
        ),
    },
    "trade.confirmed/buyer": {
        "ko": ("거래 확정", "{crop} {quantity} 거래가 확정되었습니다 (총 {total}, 거래 {ref})."),
        "en": (
            "Trade confirmed",
            "Your trade of {quantity} × {crop} for {total} is confirmed (trade {ref}).",
        ),
    },
    "trade.settled/producer": {
        "ko": ("정산 완료", "{crop} {quantity} 거래 대금 {total} 정산이 끝났습니다 (거래 {ref})."),
        "en": ("Trade settled", "The trade of {quantity} × {crop} is settled: {total} (trade {ref})."),
    },
    "trade.settled/buyer": {
        "ko": ("거래 완료", "{crop} {quantity} 거래가 완료되었습니다 (총 {total}, 거래 {ref})."),
        "en": ("Trade complete", "Your trade of {quantity} × {crop} for {total} is complete (trade {ref})."),
    },
    "trade.cancelled": {
        "ko": ("거래 취소", "{crop} {quantity} 거래가 취소되었습니다 (거래 {ref}).{reason}"),
        "en": ("Trade cancelled", "The trade of {quantity} × {crop} was cancelled (trade {ref}).{reason}"),
    },
    "trade.flagged": {
        "ko": (
            "거래 검토 중",
            "거래 {ref}가 검토 대상이 되었습니다. 검토가 끝날 때까지 진행이 보류될 수 있습니다.",
        ),
        "en": (
            "Trade under review",
            "Trade {ref} was flagged for review and may be on hold until the review is done.",
        ),
    },
    "esg.scored": {
        "ko": (
            "ESG 평가 완료",
            "농장의 ESG 평가 결과는 {grade} 등급, {score}점입니다 ({valid_until}까지 유효).",
        ),
        "en": (
            "ESG assessment scored",
            "Your farm scored {score} points, grade {grade} (valid until {valid_until}).",
        ),
    },
    "tokens.received": {
        "ko": ("ESG-GOLD 도착", "ESG-GOLD {amount}이(가) 지갑에 들어왔습니다."),
        "en": ("ESG-GOLD received", "{amount} of ESG-GOLD arrived in your wallet."),
    },
    "forecast.finished/succeeded": {
        "ko": ("수요 예측 완료", "요청하신 수요 예측이 준비되었습니다."),
        "en": ("Forecast ready", "The demand forecast you asked for is ready."),
    },
    "forecast.finished/failed": {
        "ko": ("수요 예측 실패", "요청하신 수요 예측을 만들지 못했습니다. 다시 시도해 주세요."),
        "en": ("Forecast failed", "The demand forecast you asked for could not be made. Please try again."),
    },
}


def language_of(value: str | None) -> Language:
    """A supported language, Korean for anything else."""
    code = (value or "").strip().lower()[:2]
    return "en" if code == "en" else DEFAULT_LANGUAGE


def number(value: Decimal | int | float) -> str:
    """Thousands separators, no trailing zeros: 1234.50 -> '1,234.5'."""
    d = Decimal(str(value)).normalize()
    return f"{d:,f}"


def won(value: Decimal | int | float, lang: Language) -> str:
    """Korean won have no minor unit: rounded to whole won."""
    whole = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole:,}원" if lang == "ko" else f"₩{whole:,}"


def dc(amount_micro: int) -> str:
    """ESG-GOLD from its 6-decimal integer: 1_500_000 -> '1.5 DC'."""
    return f"{number(Decimal(amount_micro).scaleb(-DC_DECIMALS))} DC"


def crop(name: str, lang: Language) -> str:
    return CROPS_KO.get(name.lower(), name) if lang == "ko" else name


def grade(name: str, lang: Language) -> str:
    return GRADES_KO.get(name, name) if lang == "ko" else name


def day(value: date | str, lang: Language) -> str:
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return (
        f"{d.year}년 {d.month}월 {d.day}일" if lang == "ko" else f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"
    )


def reason(text: str, lang: Language) -> str:
    text = text.strip()
    if not text:
        return ""
    return f" 사유: {text}" if lang == "ko" else f" Reason: {text}"


FORMATTERS: dict[str, Callable[[Any, Language], str]] = {
    "crop": crop,
    "quantity": lambda v, _: number(v),
    "total": won,
    "amount": lambda v, _: dc(int(v)),
    "grade": grade,
    "score": lambda v, _: f"{float(v):.1f}",
    "valid_until": day,
    "reason": reason,
}


def render(template: str, lang: Language, values: Mapping[str, Any]) -> tuple[str, str]:
    """Title and body of ``template`` in ``lang`` with ``values`` formatted for it."""
    title, body = TEXT[template][lang]
    shown = {k: FORMATTERS[k](v, lang) if k in FORMATTERS else str(v) for k, v in values.items()}
    return title.format_map(shown), body.format_map(shown)
