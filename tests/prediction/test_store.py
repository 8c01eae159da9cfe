"""The store's SQL against the migrated schema: every statement (every shape of the anomaly
list too) prepares, so its tables, columns and parameter types exist; the full rows it
reads and writes name every column of their table; and each list shape is one statement,
built once."""

from __future__ import annotations

from types import ModuleType

import pytest

from pamtalk.db.statements import Sql
from services.prediction.models import EsgAssessment, ForecastJob, TradeAnomaly
from services.prediction.store import daily_demand, esg_assessments, forecast_jobs, trade_anomalies
from tests.prediction.support import Api

STORES = (forecast_jobs, esg_assessments, trade_anomalies, daily_demand)
SHAPES = [(by_risk, after) for by_risk in (False, True) for after in (False, True)]


def statements(module: ModuleType) -> list[Sql]:
    return [value for value in vars(module).values() if isinstance(value, Sql)]


def columns(listed: str) -> list[str]:
    return [name.strip() for name in listed.split(",")]


def table_columns(model: type) -> set[str]:
    """The columns of a model's table (its metadata, as Alembic reads it)."""
    return {column.name for column in model.__table__.columns}  # type: ignore[attr-defined]


@pytest.mark.integration
async def test_every_statement_prepares_on_the_schema(prediction_api: Api) -> None:
    _, app = prediction_api
    every = [s for module in STORES for s in statements(module)]
    every += [trade_anomalies.page_statement(*shape) for shape in SHAPES]
    async with app.state.runtime.db.read() as read:
        for statement in every:
            await read.conn.prepare(statement.text)  # raises on an unknown table, column or type


@pytest.mark.integration
@pytest.mark.parametrize(
    ("statement", "listed"),
    [
        (esg_assessments.CURRENT, esg_assessments.COLUMNS),
        (esg_assessments.PAGE_AFTER, esg_assessments.COLUMNS),
        (trade_anomalies.page_statement(True, True), trade_anomalies.COLUMNS),
        (forecast_jobs.FIRST_PAGE, forecast_jobs.SUMMARY),
        (forecast_jobs.BY_ID, forecast_jobs.SUMMARY + ", result"),
    ],
)
async def test_rows_come_back_with_the_listed_columns(
    prediction_api: Api, statement: Sql, listed: str
) -> None:
    _, app = prediction_api
    async with app.state.runtime.db.read() as read:
        prepared = await read.conn.prepare(statement.text)
        assert [a.name for a in prepared.get_attributes()] == columns(listed)


@pytest.mark.parametrize(
    ("listed", "model"),
    [(esg_assessments.COLUMNS, EsgAssessment), (trade_anomalies.COLUMNS, TradeAnomaly)],
)
def test_full_rows_name_every_column_of_their_table(listed: str, model: type) -> None:
    """A column added to the table without the store (written and read whole) fails here."""
    assert len(columns(listed)) == len(set(columns(listed)))
    assert set(columns(listed)) == table_columns(model)


def test_a_job_summary_leaves_out_only_the_result_and_the_attempts() -> None:
    assert set(columns(forecast_jobs.SUMMARY)) == table_columns(ForecastJob) - {"result", "attempts"}


def test_each_anomaly_list_shape_is_one_statement_built_once() -> None:
    built = {shape: trade_anomalies.page_statement(*shape) for shape in SHAPES}
    assert len({s.text for s in built.values()}) == 4
    assert all(trade_anomalies.page_statement(*shape) is s for shape, s in built.items())
    unfiltered, filtered = built[(False, False)], built[(True, True)]
    assert "WHERE" not in unfiltered.text and unfiltered.names == ("limit",)
    assert set(filtered.names) == {"risks", "after_at", "after_id", "limit"}
