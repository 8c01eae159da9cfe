"""pending trades by party: partial indexes for a buyer's and a producer's pending trades

``GET /api/v1/transactions?status=pending`` (a farmer's to-do list) read a party's
trades newest first from the full ``(party, created_at, id)`` indexes and skipped every
trade that was not pending (over 90 % of them in the load test's history: a heap read
each). These indexes hold only the pending trades, so the page is read straight off them;
they stay small, since a trade leaves them when it is confirmed or cancelled. The listing
writes the status into its statement (``listing._status``), so the prepared statement's
generic plan can use them.

Created on the parent, so every partition (and each new monthly one) gets them. PostgreSQL
cannot build an index on a partitioned table CONCURRENTLY: this takes a SHARE lock on the
trades (writes wait) for the build, some 30 ms an index at 100,000 trades. On a much
larger table, build each partition's index CONCURRENTLY first and attach it to an index
made ON ONLY the parent instead.

Revision ID: ddaf8f0f2a74
Revises: e0cf6a99c376
Create Date: 2026-11-27 06:26:38
"""

import sqlalchemy as sa
from alembic import op

revision = "ddaf8f0f2a74"
down_revision = "e0cf6a99c376"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    for party in ("buyer_id", "producer_id"):
        op.create_index(
            f"ix_transactions_{party}_pending",
            "transactions",
            [party, "created_at", "id"],
            unique=False,
            schema="transaction_svc",
            postgresql_where=PENDING,
        )


def downgrade() -> None:
    for party in ("producer_id", "buyer_id"):
        op.drop_index(f"ix_transactions_{party}_pending", table_name="transactions", schema="transaction_svc")
