"""Large plans publish, and list an amendment's changes, in the background: import_drafts.job_*, changes*

Revision ID: c8d1f5a3e7b2
Revises: b4e8f0a2c6d1
Create Date: 2026-12-04 14:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c8d1f5a3e7b2'
down_revision = 'b4e8f0a2c6d1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_state', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('job_step', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('job_error', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('job_updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('changes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('changes_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('changes_started_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('import_drafts', schema=None) as batch_op:
        batch_op.drop_column('changes_started_at')
        batch_op.drop_column('changes_key')
        batch_op.drop_column('changes')
        batch_op.drop_column('job_updated_at')
        batch_op.drop_column('job_error')
        batch_op.drop_column('job_step')
        batch_op.drop_column('job_state')
