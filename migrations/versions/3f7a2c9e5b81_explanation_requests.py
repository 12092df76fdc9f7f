"""Explanations (giải trình): explanation_requests, one row per request to an agency to
explain an overdue item, with its answer (reason, new expected date, the history entry that
holds its evidence)

Revision ID: 3f7a2c9e5b81
Revises: 5e1b9d7c3a26
Create Date: 2026-12-16 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3f7a2c9e5b81'
down_revision = '5e1b9d7c3a26'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'explanation_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('occurrence_id', sa.Integer(), nullable=True),
        sa.Column('asked_by', sa.String(length=200), nullable=False),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('answered_by', sa.String(length=200), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('new_expected_date', sa.Date(), nullable=True),
        sa.Column('answer_entry_id', sa.Integer(), nullable=True),
        sa.Column('withdrawn_by', sa.String(length=200), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'],
                                name=op.f('fk_explanation_requests_assignment_id_assignments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['occurrence_id'], ['occurrences.id'],
                                name=op.f('fk_explanation_requests_occurrence_id_occurrences'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['answer_entry_id'], ['status_changes.id'],
                                name=op.f('fk_explanation_requests_answer_entry_id_status_changes'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_explanation_requests')),
    )
    with op.batch_alter_table('explanation_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_explanation_requests_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_explanation_requests_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('explanation_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_explanation_requests_state'))
        batch_op.drop_index(batch_op.f('ix_explanation_requests_assignment_id'))
    op.drop_table('explanation_requests')
