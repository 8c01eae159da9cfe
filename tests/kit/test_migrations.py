"""Each service's migrations build exactly the schema its models describe (so a model
change without a migration, or a migration edited out of step, fails here), and applying
them twice changes nothing."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from pamtalk.db.migrations import upgrade
from pamtalk.migrate import services_with_migrations

pytestmark = pytest.mark.integration


def _models_metadata(service: str) -> Any:
    return importlib.import_module(f"services.{service}.models").Base.metadata


@pytest.mark.parametrize("service", services_with_migrations())
async def test_migrations_match_models(database_url: str, service: str) -> None:
    await asyncio.to_thread(upgrade, service, database_url)
    await asyncio.to_thread(upgrade, service, database_url)  # idempotent at head
    schema = f"{service}_svc"
    metadata = _models_metadata(service)

    def diff(conn: Any) -> list[Any]:
        # partitions (monthly trade tables) are made by the service at run time, not by models
        partitions = set(
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relispartition AND n.nspname = :schema"
                ),
                {"schema": schema},
            ).scalars()
        )

        def include_name(name: str | None, type_: str, parents: Any) -> bool:
            if type_ == "schema":
                return name == schema
            if type_ == "table":
                return name not in partitions
            return parents.get("table_name") not in partitions

        context = MigrationContext.configure(
            conn, opts={"include_schemas": True, "include_name": include_name, "compare_type": True}
        )
        return [d for d in compare_metadata(context, metadata) if not _is_version_table(d)]

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(diff)
    finally:
        await engine.dispose()
    assert differences == [], f"{service}: models and migrations differ: {differences}"


def _is_version_table(difference: Any) -> bool:
    return (
        isinstance(difference, tuple)
        and difference[0] == "remove_table"
        and getattr(difference[1], "name", "") == "alembic_version"
    )
