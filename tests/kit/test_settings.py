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
