"""Training from the platform's own daily demand table (``prediction_svc.daily_demand``)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import asyncpg
import pytest

from services.prediction.ml import platform_data as P
from services.prediction.ml.fit import GBR_PARAMS
from services.prediction.ml.generator import generate_series
from services.prediction.ml.runtime import ForecastRequest, ModelRuntime
from services.prediction.ml.train import main
from tests.services_available import PG_URL, require

START = date(2026, 1, 1)


def rows(days: int, crop: str = "rice", region: str = "Seoul") -> list[tuple[date, str, str, float]]:
    return [(START + timedelta(days=i), crop, region, 100.0 + i) for i in range(days)]


def test_short_history_is_refused_with_a_clear_message():
    with pytest.raises(
        P.NotEnoughHistoryError,
        match=r"90 days .* 449 days needed \(28 days of history, 365 days to calibrate the forecast",
    ):
        P.series_from_rows(rows(90))
    with pytest.raises(P.NotEnoughHistoryError, match="empty"):
        P.series_from_rows([])


def test_series_are_gap_free_summed_and_normalised():
    extra = [(START, "Rice", "seoul", 5.0), (START + timedelta(days=20), "carrots", "Jeju", 7.0)]
    data = [*rows(130), *extra]
    data = [r for r in data if r[0] != START + timedelta(days=10)]  # a day without trades
    (series,) = P.series_from_rows(data, min_days=120)  # carrots/Jeju spans 110 days only: left out
    assert (series.crop, series.region, series.start, series.source) == ("rice", "Seoul", START, "platform")
    assert len(series.quantity) == 130
    assert series.quantity[0] == 105.0 and series.quantity[10] == 0.0


def test_database_urls_are_accepted_in_both_spellings():
    assert P._dsn("postgresql+asyncpg://u:p@h:5432/db") == "postgresql://u:p@h:5432/db"
    assert P._dsn("postgresql://h/db") == "postgresql://h/db"
    with pytest.raises(ValueError):
        P._dsn("not a url")


def test_train_refuses_short_platform_history(monkeypatch, capsys):
    def short(url: str, min_days: int) -> None:
        P.series_from_rows(rows(30), min_days)

    monkeypatch.setattr("services.prediction.ml.train.load_platform_series", short)
    assert main(["--from-platform", "postgresql://nowhere/db", "--out", "/nonexistent"]) == 2
    assert "refusing to train" in capsys.readouterr().err


@pytest.fixture
async def platform_db() -> AsyncIterator[str]:
    """A database of its own (the table is created here, not by the service's migrations)."""
    require("postgresql")
    name = f"pamtalk_pred_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(P._dsn(PG_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _fill(url: str, days: int) -> None:
    conn = await asyncpg.connect(P._dsn(url))
    try:
        await conn.execute(
            "CREATE SCHEMA IF NOT EXISTS prediction_svc;"
            "CREATE TABLE IF NOT EXISTS prediction_svc.daily_demand"
            " (day date, crop text, region text, quantity numeric);"
            "TRUNCATE prediction_svc.daily_demand"
        )
        records = []
        for crop, region in (("rice", "Seoul"), ("lettuce", "Jeju")):
            s = generate_series(crop, region, START, START + timedelta(days=days - 1))
            records += [(r["day"], r["crop"], r["region"], r["quantity"]) for r in s.rows()]
        await conn.copy_records_to_table("daily_demand", schema_name="prediction_svc", records=records)
    finally:
        await conn.close()


@pytest.mark.integration
async def test_train_from_platform_end_to_end(platform_db, tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setitem(GBR_PARAMS, "n_estimators", 30)  # the data path is under test, not the models
    await _fill(platform_db, 300)  # enough to train, too little to calibrate the intervals
    code = await asyncio.to_thread(main, ["--from-platform", platform_db, "--out", str(tmp_path)])
    assert code == 2 and not (tmp_path / "model_card.json").exists()
    assert "449 days needed" in capsys.readouterr().err

    await _fill(platform_db, 470)
    args = ["--from-platform", platform_db, "--out", str(tmp_path), "--allow-worse-than-baseline"]
    code = await asyncio.to_thread(main, [*args, "--allow-miscalibrated"])
    assert code == 0
    card = json.loads((tmp_path / "model_card.json").read_text())
    assert card["data"]["source"] == "platform" and card["data"]["series"] == 2
    assert card["data"]["window"] == {"start": "2026-01-01", "end": "2027-04-15"}
    # the same coverage table as `make train`: per crop, per day ahead, calibrated
    out = capsys.readouterr().out
    table = out.split("Calibrated 80 % interval coverage on the backtest")[1]
    assert "| crop | 1 d | 2 d | 3 d | 4 d | 5 d | 6 d | 7 d | 1-7 d |" in table
    backtest = {**card["backtest"]["per_crop"], "all": card["backtest"]["all"]}
    for crop in ("rice", "lettuce", "all"):
        row = next(line for line in table.splitlines() if line.startswith(f"| {crop} |"))
        assert float(row.split("|")[9]) == pytest.approx(100 * backtest[crop]["coverage_80"], abs=0.05)
    assert set(card["intervals"]["offsets"]) == {"rice", "lettuce"}
    rt = ModelRuntime(tmp_path)
    (result,) = rt.forecast_many([ForecastRequest("rice", "Seoul", date(2026, 5, 31), 7, [900.0] * 40)])
    assert result.data_source == "platform" and len(result.points) == 7
