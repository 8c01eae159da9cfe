"""Async SQLAlchemy (asyncpg) access to one service's own schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def schema_metadata(schema: str) -> MetaData:
    """Metadata for the tables of one service's schema, with stable constraint names.

    A service declares ``class Base(DeclarativeBase): metadata = schema_metadata("farm_svc")``
    (a class statement, so type checkers see the base)."""
    return MetaData(schema=schema, naming_convention=NAMING)


def make_base(schema: str) -> type[DeclarativeBase]:
    """A declarative base whose tables live in ``schema`` (prefer the class statement above)."""

    class Base(DeclarativeBase):
        metadata = schema_metadata(schema)

    return Base


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` URLs (as pgserver and most tools give) for asyncpg."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


class Database:
    """Engine and session factory for one service's schema."""

    def __init__(self, url: str, schema: str, *, pool_size: int = 10, max_overflow: int = 10) -> None:
        self.schema = schema
        self.engine: AsyncEngine = create_async_engine(
            normalise_url(url),
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=False,
            pool_recycle=1800,
            connect_args={"server_settings": {"search_path": f"{schema},public"}},
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads need no transaction: autocommit saves the BEGIN/COMMIT round trips.
        self.read_sessions = async_sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )
        self.capacity = pool_size + max_overflow

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reads(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only (autocommit: each statement sees the latest commit)."""
        async with self.read_sessions() as session:
            yield session

    async def ping(self) -> bool:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    def pool_status(self) -> dict[str, Any]:
        """Connections in use and the most the pool will open (for ``database_connection_pool``)."""
        pool: Any = self.engine.pool
        return {"in_use": pool.checkedout(), "capacity": self.capacity}

    async def close(self) -> None:
        await self.engine.dispose()
