"""Feed states know what they were built from: a generation moved by writes, the day and
settings of the build, gzip bodies, and feed_scopes naming what each feed depends on.

feed_states is a cache (every body can be rebuilt from the plans), so it is recreated
empty: each feed is built once more on its next poll.

Revision ID: e7c3f9a1b5d2
Revises: d2e6a9b4c1f7
Create Date: 2026-12-04 21:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e7c3f9a1b5d2'
down_revision = 'd2e6a9b4c1f7'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('feed_states')
    op.create_table('feed_states',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('target_email', sa.String(length=254), nullable=True),
    sa.Column('fmt', sa.String(length=10), nullable=False),
    sa.Column('generation', sa.Integer(), server_default='0', nullable=False),
    sa.Column('built_generation', sa.Integer(), server_default='-1', nullable=False),
    sa.Column('built_day', sa.Date(), nullable=True),
    sa.Column('built_with', sa.String(length=64), server_default='', nullable=False),
    sa.Column('etag', sa.String(length=64), server_default='', nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('building_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('body_gzip', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_feed_states'))
    )
    op.create_table('feed_scopes',
    sa.Column('scope', sa.String(length=300), nullable=False),
    sa.Column('state_key', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['state_key'], ['feed_states.key'],
                            name=op.f('fk_feed_scopes_state_key_feed_states'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scope', 'state_key', name=op.f('pk_feed_scopes'))
    )


def downgrade():
    op.drop_table('feed_scopes')
    op.drop_table('feed_states')
    op.create_table('feed_states',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_feed_states'))
    )
