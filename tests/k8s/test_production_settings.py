"""Every service starts in production with exactly what its Kubernetes Secret template and
ConfigMap provide: nothing the settings require in production is missing from them."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
import yaml

from gateway.routes import SERVICES
from pamtalk.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]


def _settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"services.{service}.settings")
    return next(
        c
        for c in vars(module).values()
        if isinstance(c, type) and issubclass(c, ServiceSettings) and c is not ServiceSettings
    )


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_service_starts_in_production_from_its_secret_and_config(service: str, monkeypatch) -> None:
    for key in list(os.environ):
        if key.startswith("PAMTALK_"):
            monkeypatch.delenv(key)
    secret = yaml.safe_load((ROOT / "k8s" / "secrets" / f"{service}-secrets.template.yaml").read_text())
    for key in secret["stringData"]:
        # stand-ins for what an operator fills in: a real-looking value of the right kind
        value = (
            "0x" + "ab" * 20
            if key.endswith("CONTRACT_ADDRESS")
            else "https://rpc.example"
            if key.endswith("RPC_URL")
            else "operator-provided-secret"
        )
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PAMTALK_ENV", "production")
    _settings_class(service)()  # raises if production needs something the templates lack


@pytest.mark.parametrize("service", ["user", "blockchain"])
def test_production_refuses_to_start_without_its_secrets(service: str, monkeypatch) -> None:
    for key in list(os.environ):
        if key.startswith("PAMTALK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PAMTALK_ENV", "production")
    with pytest.raises(ValueError):
        _settings_class(service)()
