"""Settings: per-service variables win over shared ones; production refuses dev secrets."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.user.settings import UserSettings


def test_service_prefix_wins_over_shared(monkeypatch) -> None:
    monkeypatch.setenv("PAMTALK_DATABASE_URL", "postgresql+asyncpg://shared/db")
    monkeypatch.setenv("PAMTALK_REDIS_URL", "redis://shared:6379/0")
    monkeypatch.setenv("PAMTALK_USER_DATABASE_URL", "postgresql+asyncpg://own/db")
    settings = UserSettings()
    assert settings.database_url == "postgresql+asyncpg://own/db"
    assert settings.redis_url == "redis://shared:6379/0"
    assert settings.db_schema == "user_svc"


def test_production_refuses_the_development_key(monkeypatch) -> None:
    monkeypatch.setenv("PAMTALK_ENV", "production")
    with pytest.raises(ValidationError, match="PAMTALK_USER_JWT_PRIVATE_KEY"):
        UserSettings()


def test_production_starts_with_a_real_key(monkeypatch) -> None:
    monkeypatch.setenv("PAMTALK_ENV", "production")
    monkeypatch.setenv(
        "PAMTALK_USER_JWT_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----\nreal\n-----END PRIVATE KEY-----"
    )
    assert UserSettings().production


def test_tools_read_a_services_database_url_as_the_service_does(monkeypatch) -> None:
    """``make migrate`` and the launcher take the URL from the settings, not the environment
    again: a service's own variable first, then the shared one, then the default."""
    from gateway.backing import POSTGRES
    from pamtalk.migrate import url_for
    from pamtalk.settings import ServiceSettings

    default = ServiceSettings.model_fields["database_url"].default
    monkeypatch.delenv("PAMTALK_DATABASE_URL", raising=False)
    monkeypatch.delenv("PAMTALK_FARM_DATABASE_URL", raising=False)
    assert url_for("farm", None) == default == POSTGRES.url()
    monkeypatch.setenv("PAMTALK_DATABASE_URL", "postgresql://shared/db")
    assert url_for("farm", None) == "postgresql://shared/db" == POSTGRES.url()
    monkeypatch.setenv("PAMTALK_FARM_DATABASE_URL", "postgresql://farm-only/db")
    assert url_for("farm", None) == "postgresql://farm-only/db"
    assert url_for("user", None) == "postgresql://shared/db"
    assert url_for("farm", "postgresql://given/db") == "postgresql://given/db"


def test_the_broker_takes_its_prefetch_from_the_settings() -> None:
    from pamtalk.bus.amqp import AmqpBus
    from pamtalk.settings import ServiceSettings

    assert AmqpBus("amqp://x/").prefetch == ServiceSettings().consumer_prefetch
    assert AmqpBus("amqp://x/", prefetch=9).prefetch == 9
