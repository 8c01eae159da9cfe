"""The request mix: the plan's 70/20/10 split, per-role weights that add up to it."""

from __future__ import annotations

import pytest

from loadtests import mix


def _overall(tables: dict[str, dict[str, float]], farmer_share: float) -> dict[str, float]:
    keys = set(tables[mix.FARMER]) | set(tables[mix.BUYER])
    return {
        k: 100
        * (farmer_share * tables[mix.FARMER].get(k, 0) + (1 - farmer_share) * tables[mix.BUYER].get(k, 0))
        for k in keys
    }


def _by_category(shares: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, share in shares.items():
        category = mix.BY_KEY[key].category
        out[category] = out.get(category, 0) + share
    return out


def test_the_plan_split_is_70_20_10() -> None:
    shares = mix.effective_shares()
    assert sum(shares.values()) == pytest.approx(100)
    assert _by_category(shares) == pytest.approx({mix.READ: 70, mix.WRITE: 20, mix.AI: 10})
    assert {"dashboard", "farm_list", "farm_detail", "my_trades", "my_notifications"} <= set(shares)
    assert {"farm_register", "trade_create", "trade_confirm", "forecast", "esg_submit"} <= set(shares)


def test_a_missing_endpoint_gives_its_share_to_its_category() -> None:
    shares = mix.effective_shares({"forecast"})
    assert "forecast" not in shares
    assert shares["esg_submit"] == pytest.approx(10)
    assert _by_category(shares) == pytest.approx({mix.READ: 70, mix.WRITE: 20, mix.AI: 10})


def test_a_missing_category_is_spread_over_the_rest() -> None:
    shares = mix.effective_shares({"forecast", "esg_submit"})
    assert sum(shares.values()) == pytest.approx(100)
    assert _by_category(shares)[mix.READ] == pytest.approx(70 / 0.9)


@pytest.mark.parametrize("farmer_share", [0.2, 0.3, 0.5])
def test_role_tables_together_make_the_mix(farmer_share: float) -> None:
    shares = mix.effective_shares()
    tables = mix.role_weights(shares, farmer_share)
    for table in tables.values():
        assert sum(table.values()) == pytest.approx(1)
    assert _overall(tables, farmer_share) == pytest.approx(shares)
    assert "trade_create" not in tables[mix.FARMER]
    assert not {"farm_register", "trade_confirm", "esg_submit"} & set(tables[mix.BUYER])


def test_too_few_farmers_for_their_endpoints_is_refused() -> None:
    with pytest.raises(ValueError, match="farmers"):
        mix.role_weights(mix.effective_shares(), farmer_share=0.1)


def test_category_split_counts_helpers_in_their_category() -> None:
    counts = {"GET /api/v1/dashboard": 70, "POST /api/v1/transactions": 20, "POST /api/v1/farms/{id}/esg": 10}
    assert mix.category_split(counts) == {"ai": 10.0, "read": 70.0, "write": 20.0}
