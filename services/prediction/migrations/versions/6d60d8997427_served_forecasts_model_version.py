"""served forecasts: model version

Revision ID: 6d60d8997427
Revises: dc3f2d27ca62
Create Date: 2026-12-06 11:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '6d60d8997427'
down_revision = 'dc3f2d27ca62'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('served_forecasts', sa.Column('model_version', sa.Text(), nullable=True), schema='prediction_svc')


def downgrade() -> None:
    op.drop_column('served_forecasts', 'model_version', schema='prediction_svc')
