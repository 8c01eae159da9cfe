"""notifications: data of trade notifications names the trade trade_id (issue 15)

Trade notifications written before carry only ``transaction_id``; they get ``trade_id``
too (the same value), as new ones are written. ``transaction_id`` stays (deprecated).

Revision ID: 7c1e0a9b2d15
Revises: 3905a72224fe
Create Date: 2026-12-06 09:10:00
"""
from alembic import op

revision = '7c1e0a9b2d15'
down_revision = '3905a72224fe'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE notification_svc.notifications "
        "SET data = data || jsonb_build_object('trade_id', data->'transaction_id') "
        "WHERE data ? 'transaction_id' AND NOT data ? 'trade_id'"
    )


def downgrade() -> None:
    pass  # trade_id next to transaction_id is harmless to the earlier code
