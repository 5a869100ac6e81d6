"""counter tools: entrance kiosk keys per unit, and locks that stop long jobs from running twice

Revision ID: 0014
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_kiosk_keys",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_queue_kiosk_keys_unit_id_units")),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_queue_kiosk_keys")),
    )
    op.create_table(
        "job_locks",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("started_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_locks")),
    )


def downgrade() -> None:
    op.drop_table("job_locks")
    op.drop_table("queue_kiosk_keys")
