"""The store's column lists are written out, not derived from the API's models: these tests
keep them in step with the tables and with the bodies the API reads and writes, so a
renamed field or column fails here instead of silently changing what is stored or shown."""

from __future__ import annotations

import pytest

from pamtalk.events.catalogue import FarmSnapshot
from services.farm.models import esg_submissions, farms
from services.farm.schemas import EsgSubmissionOut, FarmIn, FarmOut, FarmPatch
from services.farm.store import esg as esg_store
from services.farm.store import farms as farm_store


@pytest.mark.parametrize(
    ("columns", "table"),
    [
        (farm_store.COLUMNS, farms),
        (farm_store.WRITABLE, farms),
        (esg_store.COLUMNS, esg_submissions),
    ],
)
def test_the_store_names_columns_of_its_table(columns: tuple[str, ...], table) -> None:
    assert len(set(columns)) == len(columns)
    assert set(columns) <= set(table.c.keys()), set(columns) - set(table.c.keys())


def test_a_farm_row_is_what_the_api_shows() -> None:
    """A farm row (its columns in order, ``distance_km`` last) is written to JSON as it comes."""
    assert (*farm_store.COLUMNS, "distance_km") == tuple(FarmOut.model_fields)


def test_what_a_client_sends_has_a_column() -> None:
    """Registration stores FarmIn's fields and an edit FarmPatch's by name: each is a column
    (an edit's, ``WRITABLE``), so none is dropped on the way to the table."""
    assert set(FarmIn.model_fields) <= set(farm_store.COLUMNS)
    assert set(FarmPatch.model_fields) <= set(farm_store.WRITABLE) <= set(farm_store.COLUMNS)
    assert set(FarmSnapshot.attributes()) <= set(farm_store.COLUMNS)  # events are made from farm rows


def test_a_submission_row_is_what_the_api_shows() -> None:
    shown = [
        name for name in EsgSubmissionOut.model_fields if name != "status"
    ]  # status follows the assessment
    assert list(esg_store.COLUMNS) == shown


def test_every_column_of_a_farm_is_stored_or_shown() -> None:
    """A column the store neither writes nor shows is the grade's own (esg.scored writes it)."""
    own = set(farms.c.keys()) - set(farm_store.COLUMNS)
    assert own == {"esg_grade_rank", "esg_assessment_id"}
