"""Alembic for one service: each service keeps its migrations in
``services/<name>/migrations/`` and its version table in its own schema.

A service's ``migrations/env.py`` is two lines: import its metadata and call
``run_env(metadata)``. ``python -m pamtalk.migrate`` applies them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from pamtalk.db.database import dsn

ROOT = Path(__file__).resolve().parents[2]


def alembic_url(url: str) -> str:
    """The SQLAlchemy URL Alembic runs on (asyncpg) for any of ours."""
    return "postgresql+asyncpg://" + dsn(url).removeprefix("postgresql://")


def alembic_config(service: str, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "services" / service / "migrations"))
    cfg.set_main_option("sqlalchemy.url", alembic_url(url).replace("%", "%%"))
    cfg.set_main_option("schema", f"{service}_svc")
    return cfg


def upgrade(service: str, url: str, revision: str = "head") -> None:
    """Apply the service's migrations (sync; call it outside a running event loop)."""
    command.upgrade(alembic_config(service, url), revision)


def run_env(metadata: MetaData) -> None:
    """Body of every service's ``migrations/env.py``."""
    cfg = context.config
    schema = cfg.get_main_option("schema") or str(metadata.schema)
    url = cfg.get_main_option("sqlalchemy.url") or ""

    def do_run(connection: Connection) -> None:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))

        def only_own_schema(name: str | None, type_: str, parent_names: Any) -> bool:
            return name == schema if type_ == "schema" else True

        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,  # compare the service's schema (and no other) with its models
            include_name=only_own_schema,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.begin() as conn:
            await conn.run_sync(do_run)
        await engine.dispose()

    asyncio.run(run_async())
