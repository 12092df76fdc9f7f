"""Incremental reminder planning: assignments.next_step_on, the first day the planner can
owe an assignment a step (NULL: work it out on the next run).

Every existing row starts NULL, so the first planning run after the upgrade looks at every
open assignment once, as every run did before.

Revision ID: 9c4e2b7d1a3f
Revises: e7c3f9a1b5d2
Create Date: 2026-12-08 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9c4e2b7d1a3f'
down_revision = 'e7c3f9a1b5d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_step_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_assignments_next_step_on'), ['next_step_on'], unique=False)
    # What the planner derived from the global inputs of the old runs is gone with them.
    op.execute("DELETE FROM settings WHERE key = 'reminder_planning_basis'")


def downgrade():
    op.execute("DELETE FROM settings WHERE key = 'reminder_planning_basis'")
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_next_step_on'))
        batch_op.drop_column('next_step_on')
