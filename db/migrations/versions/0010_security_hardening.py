"""security: atomic attempt counters, one-use public form tokens, accounts on a published password

Revision ID: 0010
Revises: 0009
"""

import bcrypt
import sqlalchemy as sa
from alembic import op

import db.types

revision = "0010"
down_revision = "0014"
branch_labels = None
depends_on = None

# The demo password published in the source (seed/demo DEMO_PASSWORD); existing accounts are checked once here.
PUBLISHED_PASSWORDS = ("motcua@2026",)


def upgrade() -> None:
    op.create_table(
        "attempt_counters",
        sa.Column("scope", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("window_start", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_attempt_counters")),
    )
    op.create_table(
        "form_tokens",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=24), nullable=False),
        sa.Column("result", sa.String(length=200), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_tokens")),
    )
    op.create_index(op.f("ix_form_tokens_created_at"), "form_tokens", ["created_at"], unique=False)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_published", sa.Boolean(), nullable=False, server_default=sa.false()))
    _flag_published_passwords()


def _flag_published_passwords() -> None:
    connection = op.get_bind()
    users = sa.table("users", sa.column("id"), sa.column("password_hash"), sa.column("password_published"))
    for row in connection.execute(sa.select(users.c.id, users.c.password_hash)).all():
        if any(bcrypt.checkpw(p.encode(), row.password_hash.encode()) for p in PUBLISHED_PASSWORDS):
            connection.execute(sa.update(users).where(users.c.id == row.id).values(password_published=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_published")
    op.drop_index(op.f("ix_form_tokens_created_at"), table_name="form_tokens")
    op.drop_table("form_tokens")
    op.drop_table("attempt_counters")
