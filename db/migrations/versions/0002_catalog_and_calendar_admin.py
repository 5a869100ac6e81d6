"""catalog and calendar admin (issue 3): procedure version for concurrent edits, one city-wide override a day.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import db.types  # noqa: F401

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_index(
        "uq_calendar_overrides_city_day",
        "calendar_overrides",
        ["day"],
        unique=True,
        sqlite_where=sa.text("unit_id IS NULL"),
        postgresql_where=sa.text("unit_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_calendar_overrides_city_day", table_name="calendar_overrides")
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.drop_column("version")
