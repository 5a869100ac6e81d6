"""citizen feedback: items, photos, events, routing table, deadlines, training examples, rate limits

Revision ID: 0007
Revises: 0006
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Decision 960/QĐ-UBND (DOMAIN.md §5): urgent 1 working day, standard 3; complex has no published limit (sample).
DEFAULT_DEADLINES = [("urgent", 1, False), ("standard", 3, False), ("complex", 10, True)]


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("contact_email", sa.String(length=160), nullable=False),
        sa.Column("hide_name", sa.Boolean(), nullable=False),
        sa.Column("received_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paused_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("info_request", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("reject_reason", sa.String(length=24), nullable=True),
        sa.Column("reject_note", sa.Text(), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("escalated_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.String(length=16), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=False),
        sa.Column("rated_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_feedback_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_feedback_department_id_departments")
        ),
        sa.ForeignKeyConstraint(["answered_by"], ["users.id"], name=op.f("fk_feedback_answered_by_users")),
        sa.ForeignKeyConstraint(["duplicate_of"], ["feedback.id"], name=op.f("fk_feedback_duplicate_of_feedback")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("code", name=op.f("uq_feedback_code")),
    )
    op.create_index(op.f("ix_feedback_unit_id"), "feedback", ["unit_id"])
    op.create_index(op.f("ix_feedback_status"), "feedback", ["status"])
    op.create_index(op.f("ix_feedback_department_id"), "feedback", ["department_id"])
    op.create_index(op.f("ix_feedback_received_at"), "feedback", ["received_at"])

    op.create_table(
        "feedback_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"], name=op.f("fk_feedback_photos_feedback_id_feedback")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_photos")),
    )
    op.create_index(op.f("ix_feedback_photos_feedback_id"), "feedback_photos", ["feedback_id"])

    op.create_table(
        "feedback_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"], name=op.f("fk_feedback_events_feedback_id_feedback")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_feedback_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_events")),
    )
    op.create_index(op.f("ix_feedback_events_feedback_id"), "feedback_events", ["feedback_id"])

    op.create_table(
        "feedback_routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_feedback_routes_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_feedback_routes_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_routes")),
        sa.UniqueConstraint("unit_id", "category", name="uq_feedback_routes_unit_category"),
    )

    deadlines = op.create_table(
        "feedback_deadlines",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_feedback_deadlines")),
    )
    op.bulk_insert(
        deadlines,
        [
            {"kind": kind, "working_days": days, "is_sample": sample, "updated_by": "seed",
             "updated_at": datetime.now(UTC)}
            for kind, days, sample in DEFAULT_DEADLINES
        ],
    )

    op.create_table(
        "feedback_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"], name=op.f("fk_feedback_examples_feedback_id_feedback")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_examples")),
        sa.UniqueConstraint("feedback_id", name=op.f("uq_feedback_examples_feedback_id")),
    )

    op.create_table(
        "feedback_rate_limits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_rate_limits")),
        sa.UniqueConstraint("client_key", "window_start", name="uq_feedback_rate_limits_client_window"),
    )


def downgrade() -> None:
    op.drop_table("feedback_rate_limits")
    op.drop_table("feedback_examples")
    op.drop_table("feedback_deadlines")
    op.drop_table("feedback_routes")
    op.drop_index(op.f("ix_feedback_events_feedback_id"), table_name="feedback_events")
    op.drop_table("feedback_events")
    op.drop_index(op.f("ix_feedback_photos_feedback_id"), table_name="feedback_photos")
    op.drop_table("feedback_photos")
    for column in ("received_at", "department_id", "status", "unit_id"):
        op.drop_index(op.f(f"ix_feedback_{column}"), table_name="feedback")
    op.drop_table("feedback")
