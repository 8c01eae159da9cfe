"""Table definitions of a service's schema: SQLAlchemy metadata with stable constraint names.

SQLAlchemy describes the tables (and Alembic migrates them); statements at run time go
through ``pamtalk.db.database`` (plain SQL on asyncpg)."""

from __future__ import annotations

from sqlalchemy import MetaData

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
