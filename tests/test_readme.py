"""The README documents every setting a service reads, and the two commands."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from gateway.routes import SERVICES
from pamtalk.settings import ServiceSettings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_the_two_commands_are_there() -> None:
    assert "make run" in README and "make test" in README


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_every_setting_is_documented(service: str) -> None:
    module = importlib.import_module(f"services.{service}.settings")
    classes = [
        c
        for c in vars(module).values()
        if isinstance(c, type) and issubclass(c, ServiceSettings) and c is not ServiceSettings
    ]
    assert classes, f"services/{service}/settings.py has no settings class"
    shared = set(ServiceSettings.model_fields)
    missing = [f"PAMTALK_{name.upper()}" for name in shared if f"PAMTALK_{name.upper()}" not in README]
    for cls in classes:
        missing += [
            f"PAMTALK_{service.upper()}_{name.upper()}"
            for name in cls.model_fields
            if name not in shared and f"PAMTALK_{service.upper()}_{name.upper()}" not in README
        ]
    assert not missing, f"not in README.md: {missing}"


def test_backtest_figures_match_the_model_card() -> None:
    import json

    card = json.loads(
        (Path(__file__).resolve().parents[1] / "services/prediction/artifacts/model_card.json").read_text()
    )
    for crop, m in card["backtest"]["per_crop"].items():
        row = next(line for line in README.splitlines() if line.startswith(f"| {crop} |"))
        assert f"{m['mape']:.1f} %" in row and f"{m['baseline_mape']:.1f} %" in row, (crop, row)
        assert m["mape"] < m["baseline_mape"]  # the model beats seasonal-naive on every crop
