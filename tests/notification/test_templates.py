"""The words: formatting of values per language, and every template in both languages."""

from __future__ import annotations

import string
from datetime import date
from decimal import Decimal

import pytest

from services.notification.templates import LANGUAGES, TEXT, crop, day, dc, grade, language_of, render, won


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("template", sorted(TEXT))
def test_every_template_has_both_languages_with_the_same_placeholders(template: str) -> None:
    texts = TEXT[template]
    assert set(texts) == set(LANGUAGES)
    assert _fields(texts["ko"][0] + texts["ko"][1]) == _fields(texts["en"][0] + texts["en"][1])


@pytest.mark.parametrize(
    ("name", "ko"),
    [("tomatoes", "토마토"), ("cabbage", "배추"), ("rice", "쌀"), ("lettuce", "상추"), ("carrots", "당근")],
)
def test_crops_in_korean(name: str, ko: str) -> None:
    assert crop(name, "ko") == ko and crop(name, "en") == name
    assert crop("kale", "ko") == "kale"  # an unknown crop keeps its name


def test_amounts() -> None:
    assert won(Decimal("1234500"), "ko") == "1,234,500원"
    assert won(Decimal("1234500.5"), "en") == "₩1,234,501"  # whole won, half up
    assert dc(1_500_000) == "1.5 DC" and dc(1_000_000) == "1 DC" and dc(1) == "0.000001 DC"
    assert dc(1_234_567_890) == "1,234.56789 DC"


def test_dates_grades_and_languages() -> None:
    assert day(date(2027, 5, 3), "ko") == "2027년 5월 3일" and day("2027-05-03", "en") == "May 3, 2027"
    assert grade("Platinum", "ko") == "플래티넘" and grade("Gold", "en") == "Gold"
    assert language_of("en") == "en" and language_of("en-US") == "en"
    assert language_of(None) == language_of("fr") == language_of("") == "ko"


def test_render_formats_for_the_reader() -> None:
    values = {"crop": "rice", "quantity": Decimal("1500.000"), "total": Decimal("3000000"), "ref": "#ab"}
    ko_title, ko_body = render("trade.created/producer", "ko", values)
    en_title, en_body = render("trade.created/producer", "en", values)
    assert ko_title == "새 거래 요청" and "쌀 1,500" in ko_body and "3,000,000원" in ko_body
    assert en_title == "New trade request" and "1,500 × rice" in en_body and "₩3,000,000" in en_body
