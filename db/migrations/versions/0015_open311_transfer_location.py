"""feedback exchange: Open311 client systems and updates, sync links, transfers between units, item details

Revision ID: 0015
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open311_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_hint", sa.String(length=8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_clients")),
        sa.UniqueConstraint("name", name=op.f("uq_open311_clients_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_clients_key_hash")),
    )
    op.create_table(
        "feedback_details",
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("upstream", sa.String(length=300), nullable=False),
        sa.Column("emergency", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("suggested_unit_id", sa.Integer(), nullable=True),
        sa.Column("suggestion_basis", sa.String(length=200), nullable=False),
        sa.Column("media_url", sa.String(length=500), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"], name=op.f("fk_feedback_details_feedback_id_feedback")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["open311_clients.id"], name=op.f("fk_feedback_details_client_id_open311_clients")
        ),
        sa.ForeignKeyConstraint(
            ["suggested_unit_id"], ["units.id"], name=op.f("fk_feedback_details_suggested_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("feedback_id", name=op.f("pk_feedback_details")),
        sa.UniqueConstraint("token", name=op.f("uq_feedback_details_token")),
    )
    op.create_table(
        "open311_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.String(length=64), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["open311_clients.id"], name=op.f("fk_open311_updates_client_id_open311_clients")
        ),
        sa.ForeignKeyConstraint(["feedback_id"], ["feedback.id"], name=op.f("fk_open311_updates_feedback_id_feedback")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_updates")),
        sa.UniqueConstraint("client_id", "update_id", name="uq_open311_updates_client_update"),
    )
    op.create_index(op.f("ix_open311_updates_feedback_id"), "open311_updates", ["feedback_id"])
    op.create_table(
        "feedback_sync_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upstream", sa.String(length=300), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("pushed_key", sa.String(length=64), nullable=False),
        sa.Column("push_attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("pushed_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"], name=op.f("fk_feedback_sync_links_feedback_id_feedback")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_sync_links")),
        sa.UniqueConstraint("feedback_id", name=op.f("uq_feedback_sync_links_feedback_id")),
        sa.UniqueConstraint("upstream", "external_id", name="uq_feedback_sync_links_upstream_external"),
    )
    op.create_table(
        "feedback_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("from_unit_id", sa.Integer(), nullable=False),
        sa.Column("to_unit_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("clock", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"], name=op.f("fk_feedback_transfers_feedback_id_feedback")
        ),
        sa.ForeignKeyConstraint(["from_unit_id"], ["units.id"], name=op.f("fk_feedback_transfers_from_unit_id_units")),
        sa.ForeignKeyConstraint(["to_unit_id"], ["units.id"], name=op.f("fk_feedback_transfers_to_unit_id_units")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_feedback_transfers_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_transfers")),
    )
    op.create_index(op.f("ix_feedback_transfers_feedback_id"), "feedback_transfers", ["feedback_id"])
    op.create_index(op.f("ix_feedback_transfers_from_unit_id"), "feedback_transfers", ["from_unit_id"])
    op.create_index(op.f("ix_feedback_transfers_to_unit_id"), "feedback_transfers", ["to_unit_id"])


def downgrade() -> None:
    op.drop_table("feedback_transfers")
    op.drop_table("feedback_sync_links")
    op.drop_table("open311_updates")
    op.drop_table("feedback_details")
    op.drop_table("open311_clients")
