"""online submission (procedures.online, submissions, files, rate limits) and notifications (outbox, attempts,
consents, opt-outs, staff alerts)

Revision ID: 0013
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0013"
down_revision = "0015"
branch_labels = None
depends_on = None

ONLINE_SAMPLE = ("ket_hon", "khai_sinh", "khai_tu", "xac_nhan_tthn", "bien_dong_dat_dai")


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, db.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("procedures") as batch_op:
        batch_op.add_column(sa.Column("online", sa.Boolean(), nullable=False, server_default=sa.false()))
    procedures = sa.table("procedures", sa.column("code", sa.String), sa.column("online", sa.Boolean))
    op.execute(procedures.update().where(procedures.c.code.in_(ONLINE_SAMPLE)).values(online=True))
    _notify_tables()
    _online_tables()


def _notify_tables() -> None:
    op.create_table(
        "notify_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        _at("created_at"),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_attempt_at"),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        _at("lease_until", True),
        _at("sent_at", True),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notify_outbox_dedupe_key")),
    )
    op.create_index("ix_notify_outbox_status_next", "notify_outbox", ["status", "next_attempt_at"])
    op.create_table(
        "notify_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        _at("at"),
        sa.Column("worker", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["notify_outbox.id"], name=op.f("fk_notify_attempts_outbox_id_notify_outbox")
        ),
    )
    op.create_index(op.f("ix_notify_attempts_outbox_id"), "notify_attempts", ["outbox_id"])
    op.create_table(
        "notify_consents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        _at("consented_at"),
        sa.UniqueConstraint("subject_kind", "subject_id", "channel", name="uq_notify_consents_subject_channel"),
    )
    op.create_table(
        "notify_optouts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("address_key", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        _at("created_at"),
        sa.UniqueConstraint("address_key", name=op.f("uq_notify_optouts_address_key")),
    )
    op.create_table(
        "staff_alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _at("created_at"),
        _at("read_at", True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_staff_alerts_user_id_users")),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name=op.f("fk_staff_alerts_dossier_id_dossiers")),
        sa.UniqueConstraint("user_id", "dossier_id", "kind", name="uq_staff_alerts_user_dossier_kind"),
    )
    op.create_index(op.f("ix_staff_alerts_user_id"), "staff_alerts", ["user_id"])


def _online_tables() -> None:
    op.create_table(
        "online_submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tracking_code", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("applicant", sa.Text(), nullable=False),
        sa.Column("second_party", sa.Text(), nullable=True),
        sa.Column("applicant_cccd", sa.String(12), nullable=False),
        sa.Column("land_unit_id", sa.Integer(), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        _at("submitted_at"),
        sa.Column("supplement_request", sa.Text(), nullable=False),
        _at("supplement_requested_at", True),
        _at("supplemented_at", True),
        _at("decided_at", True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_online_submissions_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["procedure_id"], ["procedures.id"], name=op.f("fk_online_submissions_procedure_id_procedures")
        ),
        sa.ForeignKeyConstraint(["land_unit_id"], ["units.id"], name=op.f("fk_online_submissions_land_unit_id_units")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_online_submissions_decided_by_users")),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_online_submissions_dossier_id_dossiers")
        ),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_online_submissions_tracking_code")),
    )
    for column in ("unit_id", "status", "applicant_cccd", "fingerprint"):
        op.create_index(op.f(f"ix_online_submissions_{column}"), "online_submissions", [column])
    op.create_table(
        "online_submission_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(300), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(300), nullable=False),
        _at("uploaded_at"),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["online_submissions.id"],
            name=op.f("fk_online_submission_files_submission_id_online_submissions"),
        ),
        sa.UniqueConstraint("storage_key", name=op.f("uq_online_submission_files_storage_key")),
    )
    op.create_index(op.f("ix_online_submission_files_submission_id"), "online_submission_files", ["submission_id"])
    op.create_table(
        "online_rate_limits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_key", sa.String(64), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("client_key", "window_start", name="uq_online_rate_limits_client_window"),
    )


def downgrade() -> None:
    for table in (
        "online_rate_limits",
        "online_submission_files",
        "online_submissions",
        "staff_alerts",
        "notify_optouts",
        "notify_consents",
        "notify_attempts",
        "notify_outbox",
    ):
        op.drop_table(table)
    with op.batch_alter_table("procedures") as batch_op:
        batch_op.drop_column("online")
