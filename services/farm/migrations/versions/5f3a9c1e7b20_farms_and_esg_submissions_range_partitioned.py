"""farms and esg submissions range-partitioned by farm id (shards)

The tables become range-partitioned parents (``farms`` by ``id``, ``esg_submissions`` by
``farm_id``: a farm's submissions live beside it); the existing tables, renamed
``farms_local`` and ``esg_submissions_local``, are attached as their one partition, for every
id (no row moves, no copy). A second shard is added later by ``services.farm.shards``, which
splits the open range at a future boundary and attaches a ``postgres_fdw`` foreign partition.
Uniqueness of ids is the partitions' own (a parent holding foreign partitions cannot have a
unique index); the foreign key from a submission to its farm is the local partitions'.

Revision ID: 5f3a9c1e7b20
Revises: d744582a67e6
Create Date: 2026-12-06 09:00:00.000000
"""
from alembic import op

revision = '5f3a9c1e7b20'
down_revision = 'd744582a67e6'
branch_labels = None
depends_on = None

S = "farm_svc"
FARM_INDEXES = {
    "ix_farms_certifications": "USING gin (certifications)",
    "ix_farms_crops": "USING gin (crops)",
    "ix_farms_location": "(latitude, longitude) INCLUDE (status, esg_grade_rank, region, id)",
    "ix_farms_owner_id_id": "(owner_id, id)",
    "ix_farms_region_status_id": "(region, status, id)",
    "ix_farms_status_grade_id": "(status, esg_grade_rank, id)",
    "ix_farms_status_id": "(status, id)",
}
ESG_INDEXES = {"ix_esg_submissions_farm_id_id": "(farm_id, id)"}


def _partition(table: str, key: str, indexes: dict[str, str], constraints: dict[str, str]) -> None:
    op.execute(f"ALTER TABLE {S}.{table} RENAME TO {table}_local")
    for old, new in constraints.items():
        op.execute(f"ALTER TABLE {S}.{table}_local RENAME CONSTRAINT {old} TO {new}")
    for name in indexes:
        op.execute(f"ALTER INDEX {S}.{name} RENAME TO {name}_local")
    op.execute(
        f"CREATE TABLE {S}.{table} (LIKE {S}.{table}_local INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        f" PARTITION BY RANGE ({key})"
    )
    op.execute(f"ALTER TABLE {S}.{table} ATTACH PARTITION {S}.{table}_local FOR VALUES FROM (MINVALUE) TO (MAXVALUE)")
    for name, definition in indexes.items():  # each attaches the partition's equal index
        op.execute(f"CREATE INDEX {name} ON {S}.{table} {definition}")


def upgrade() -> None:
    _partition("farms", "id", FARM_INDEXES, {"pk_farms": "pk_farms_local"})
    _partition(
        "esg_submissions",
        "farm_id",
        ESG_INDEXES,
        {
            "pk_esg_submissions": "pk_esg_submissions_local",
            "fk_esg_submissions_farm_id_farms": "fk_esg_submissions_local_farm_id_farms_local",
        },
    )


def _unpartition(table: str, indexes: dict[str, str], constraints: dict[str, str]) -> None:
    op.execute(f"ALTER TABLE {S}.{table} DETACH PARTITION {S}.{table}_local")
    op.execute(f"DROP TABLE {S}.{table}")
    op.execute(f"ALTER TABLE {S}.{table}_local RENAME TO {table}")
    for old, new in constraints.items():
        op.execute(f"ALTER TABLE {S}.{table} RENAME CONSTRAINT {new} TO {old}")
    for name in indexes:
        op.execute(f"ALTER INDEX {S}.{name}_local RENAME TO {name}")


def downgrade() -> None:
    """Only while every farm is in the local partition (no foreign shard attached)."""
    _unpartition(
        "esg_submissions",
        ESG_INDEXES,
        {
            "pk_esg_submissions": "pk_esg_submissions_local",
            "fk_esg_submissions_farm_id_farms": "fk_esg_submissions_local_farm_id_farms_local",
        },
    )
    _unpartition("farms", FARM_INDEXES, {"pk_farms": "pk_farms_local"})
