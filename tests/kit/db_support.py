"""Scratch schemas for the kit's database tests: tables from SQLAlchemy metadata, created
and dropped through the kit's own pool."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateSchema, CreateTable

from pamtalk.db.database import Database
from pamtalk.db.statements import sql

_DIALECT = postgresql.dialect()
# A table for a consumer's effect in the inbox and outbox tests, and its insert.
STORE_EFFECT = sql("INSERT INTO effects (email) VALUES (:email)")


def effects_table(metadata: MetaData) -> Table:
    return Table("effects", metadata, Column("id", Integer, primary_key=True), Column("email", String))


async def create_tables(database: Database, metadata: MetaData) -> None:
    """The schema of ``metadata`` and its tables and indexes (DDL written by SQLAlchemy)."""
    async with database.write() as tx:
        await tx.conn.execute(str(CreateSchema(str(metadata.schema)).compile(dialect=_DIALECT)))
        for table in metadata.sorted_tables:
            await tx.conn.execute(str(CreateTable(table).compile(dialect=_DIALECT)))
            for index in table.indexes:
                await tx.conn.execute(str(CreateIndex(index).compile(dialect=_DIALECT)))


async def drop_schema(database: Database) -> None:
    async with database.write() as tx:
        await tx.conn.execute(f'DROP SCHEMA "{database.schema}" CASCADE')
    await database.close()


@asynccontextmanager
async def scratch_schema(
    url: str, *tables: Callable[[MetaData], Any], producer: str = "kit", pool_size: int = 3
) -> AsyncIterator[Database]:
    """A ``Database`` on a new schema holding ``tables`` (each called with the metadata),
    dropped when the block ends."""
    metadata = MetaData(schema=f"kit_{uuid.uuid4().hex[:8]}")
    for table in tables:
        table(metadata)
    database = Database(url, str(metadata.schema), producer=producer, pool_size=pool_size, max_overflow=0)
    await create_tables(database, metadata)
    try:
        yield database
    finally:
        await drop_schema(database)
