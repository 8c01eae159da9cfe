"""Scratch schemas for the kit's database tests: tables from SQLAlchemy metadata, created
and dropped through the kit's own pool."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateSchema, CreateTable

from pamtalk.db.database import Database

_DIALECT = postgresql.dialect()


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
