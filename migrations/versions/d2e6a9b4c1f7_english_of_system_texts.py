"""What the system writes in history and job runs is kept in English too: status_changes.comment_en, job_runs.summary_en

Revision ID: d2e6a9b4c1f7
Revises: c8d1f5a3e7b2
Create Date: 2026-12-04 19:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd2e6a9b4c1f7'
down_revision = 'c8d1f5a3e7b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_en', sa.Text(), nullable=True))
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary_en', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_column('summary_en')
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.drop_column('comment_en')
