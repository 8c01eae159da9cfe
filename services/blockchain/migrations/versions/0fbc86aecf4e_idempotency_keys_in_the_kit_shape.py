"""idempotency_keys in the kit's shape

Token writes now take their Idempotency-Key through the kit (pamtalk/idempotency.py), which
claims a key before the write (status_code and response NULL until the write's response is
stored, in the same transaction). The table keeps its rows; its index on created_at already
has the kit's name. Keys kept from before were hashed another way: a retry of such a request
within their 24 hours is refused (422 idempotency-key-reused) rather than replayed, and is
never done twice.

Revision ID: 0fbc86aecf4e
Revises: af1e6aff6614
Create Date: 2026-12-01 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0fbc86aecf4e'
down_revision = 'af1e6aff6614'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column(
        'idempotency_keys', 'status_code',
        existing_type=sa.Integer(), type_=sa.SmallInteger(), nullable=True, schema='blockchain_svc',
    )
    op.alter_column(
        'idempotency_keys', 'response',
        existing_type=postgresql.JSONB(astext_type=sa.Text()), nullable=True,
        schema='blockchain_svc',
    )


def downgrade() -> None:
    op.execute("DELETE FROM blockchain_svc.idempotency_keys WHERE status_code IS NULL OR response IS NULL")
    op.alter_column(
        'idempotency_keys', 'response',
        existing_type=postgresql.JSONB(astext_type=sa.Text()), nullable=False,
        schema='blockchain_svc',
    )
    op.alter_column(
        'idempotency_keys', 'status_code',
        existing_type=sa.SmallInteger(), type_=sa.Integer(), nullable=False, schema='blockchain_svc',
    )
