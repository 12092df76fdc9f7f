"""Priority and provenance (issue 15, part 3): tasks.key_task, tasks.urgency and
tasks.directing_leader (a key task, its urgency and the leader directing it), plans.signer
(who signed the directive)

Revision ID: 8c4e2a6f1d93
Revises: 3b7e9d2f5a81
Create Date: 2026-12-05 06:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '8c4e2a6f1d93'
down_revision = '3b7e9d2f5a81'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_task', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('urgency', sa.String(length=20), server_default='normal', nullable=False))
        batch_op.add_column(sa.Column('directing_leader', sa.String(length=200), nullable=True))
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signer', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('signer')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('directing_leader')
        batch_op.drop_column('urgency')
        batch_op.drop_column('key_task')
