"""SQL written with ``:name`` parameters becomes asyncpg's ``$n`` once, at import time."""

from __future__ import annotations

import pytest

from pamtalk.db.statements import sql


def test_names_become_positions_in_order_of_first_use() -> None:
    stmt = sql("SELECT * FROM trades WHERE buyer_id = :user OR producer_id = :user AND status = :status")
    assert stmt.text == "SELECT * FROM trades WHERE buyer_id = $1 OR producer_id = $1 AND status = $2"
    assert stmt.names == ("user", "status")
    assert stmt.args({"status": "pending", "user": 7, "unused": 1}) == (7, "pending")


def test_casts_times_and_escaped_colons_are_left_alone() -> None:
    stmt = sql("SELECT :v::numeric, CAST(:j AS jsonb), '12:30'::time, 'a\\:b' WHERE x = :v")
    assert stmt.text == "SELECT $1::numeric, CAST($2 AS jsonb), '12:30'::time, 'a:b' WHERE x = $1"
    assert stmt.names == ("v", "j")


def test_a_missing_value_names_the_parameter() -> None:
    stmt = sql("UPDATE farms SET name = :name WHERE id = :id")
    with pytest.raises(TypeError, match=":id"):
        stmt.args({"name": "x"})
