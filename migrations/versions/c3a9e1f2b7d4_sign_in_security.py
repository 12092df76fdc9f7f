"""Sign-in security: session epochs, single-use sign-in links, sign-in throttles; outbox
bodies lose their working links (placeholders, minted at sending)

Revision ID: c3a9e1f2b7d4
Revises: 8e4895ccec29
Create Date: 2026-12-04 03:10:00

"""
import base64
import json
import re
import zlib
from urllib.parse import quote

from alembic import op
import sqlalchemy as sa


revision = 'c3a9e1f2b7d4'
down_revision = '8e4895ccec29'
branch_labels = None
depends_on = None

_OLD_LINK = re.compile(r"/login/link/([A-Za-z0-9_\-.]+)")
_FEED = re.compile(r"/feeds/[A-Za-z0-9_\-]{16,}/")


def _path_of(token: str) -> str:
    """The page an old (itsdangerous) sign-in token opened; its payload is signed, not secret."""
    try:
        payload = token.split(".")[0] if not token.startswith(".") else token[1:].split(".")[0]
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        if token.startswith("."):
            raw = zlib.decompress(raw)
        path = json.loads(raw).get("p", "/")
    except Exception:  # noqa: BLE001 - anything unreadable opens the home page
        path = "/"
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        path = "/"
    return path


def _scrub(text):
    if not text:
        return text
    text = _OLD_LINK.sub(lambda m: "/login/link/{{signin:" + quote(_path_of(m.group(1)), safe="/") + "}}", text)
    return _FEED.sub("/feeds/{{feed}}/", text)


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))

    op.create_table(
        'sign_in_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('path', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resent_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_links_token_hash')),
    )
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_links_email'), ['email'], unique=False)

    op.create_table(
        'sign_in_throttles',
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttles')),
    )

    # Stored messages held working sign-in links and feed URLs: replace them by the
    # placeholders the sender now fills in (a queued message still gets working links).
    conn = op.get_bind()
    outbox = sa.table('outbox_messages', sa.column('id', sa.Integer), sa.column('body_text', sa.Text),
                      sa.column('body_html', sa.Text))
    rows = conn.execute(sa.select(outbox.c.id, outbox.c.body_text, outbox.c.body_html)).fetchall()
    for row in rows:
        text, html = _scrub(row.body_text), _scrub(row.body_html)
        if text != row.body_text or html != row.body_html:
            conn.execute(outbox.update().where(outbox.c.id == row.id).values(body_text=text, body_html=html))


def downgrade():
    op.drop_table('sign_in_throttles')
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_links_email'))
    op.drop_table('sign_in_links')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
