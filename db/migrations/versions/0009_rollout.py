"""rollout: bulk staff imports, configuration copies between units, QR poster downloads

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_staff_imports_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_imports")),
    )
    op.create_table(
        "config_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=False),
        sa.Column("at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("source_unit_id", sa.Integer(), nullable=False),
        sa.Column("target_unit_id", sa.Integer(), nullable=False),
        sa.Column("sections", sa.String(length=200), nullable=False),
        sa.Column("change_count", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_config_copies_user_id_users")),
        sa.ForeignKeyConstraint(["source_unit_id"], ["units.id"], name=op.f("fk_config_copies_source_unit_id_units")),
        sa.ForeignKeyConstraint(["target_unit_id"], ["units.id"], name=op.f("fk_config_copies_target_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_config_copies")),
    )
    op.create_index(op.f("ix_config_copies_batch"), "config_copies", ["batch"])
    op.create_index(op.f("ix_config_copies_target_unit_id"), "config_copies", ["target_unit_id"])
    op.create_table(
        "poster_downloads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_poster_downloads_unit_id_units")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_poster_downloads_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poster_downloads")),
    )
    op.create_index("ix_poster_downloads_unit_at", "poster_downloads", ["unit_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_poster_downloads_unit_at", table_name="poster_downloads")
    op.drop_table("poster_downloads")
    op.drop_index(op.f("ix_config_copies_target_unit_id"), table_name="config_copies")
    op.drop_index(op.f("ix_config_copies_batch"), table_name="config_copies")
    op.drop_table("config_copies")
    op.drop_table("staff_imports")
