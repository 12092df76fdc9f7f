"""Nothing is deleted by an import: tasks, assignments and reporting periods an amended plan drops are marked
removed (removed_at) and keep their history; a task reference is unique among live tasks

Revision ID: a7d2c4e91b05
Revises: c3a9e1f2b7d4
Create Date: 2026-12-04 09:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7d2c4e91b05'
down_revision = 'c3a9e1f2b7d4'
branch_labels = None
depends_on = None

_LIVE = sa.text("removed_at IS NULL")


def upgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint('uq_tasks_plan_id_ref', type_='unique')
    op.create_index('uq_tasks_live_ref', 'tasks', ['plan_id', 'ref'], unique=True,
                    sqlite_where=_LIVE, postgresql_where=_LIVE)
    for table in ('assignments', 'occurrences'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # Removed rows cannot come back under the old "one row per reference" rule: they go.
    op.execute("DELETE FROM occurrences WHERE removed_at IS NOT NULL")
    op.execute("DELETE FROM assignments WHERE removed_at IS NOT NULL")
    op.execute("DELETE FROM tasks WHERE removed_at IS NOT NULL")
    for table in ('occurrences', 'assignments'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('removed_at')
    op.drop_index('uq_tasks_live_ref', table_name='tasks')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
        batch_op.create_unique_constraint('uq_tasks_plan_id_ref', ['plan_id', 'ref'])
