"""Plans tracked from part-way through their year: plans.tracking_from

Revision ID: b4e8f0a2c6d1
Revises: a7d2c4e91b05
Create Date: 2026-12-04 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b4e8f0a2c6d1'
down_revision = 'a7d2c4e91b05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracking_from', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('tracking_from')
