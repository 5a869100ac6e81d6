"""legal rules (issue 15): step deadlines, marriage registrations, withdrawals, extensions, counter supplement slips,
the catalog columns for conditions, steps, the supplement clock and the apology lead time.

Revision ID: 0011
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counter_supplement_slips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("applicant_name", sa.String(length=120), nullable=False),
        sa.Column("applicant_cccd", sa.String(length=12), nullable=False),
        sa.Column("applicant_phone", sa.String(length=20), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("requested_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_id"], ["procedures.id"], name=op.f("fk_counter_supplement_slips_procedure_id_procedures")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_counter_supplement_slips_requested_by_users")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_counter_supplement_slips_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_supplement_slips")),
    )
    with op.batch_alter_table("counter_supplement_slips", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_counter_supplement_slips_requested_at"), ["requested_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_counter_supplement_slips_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "dossier_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("who", sa.String(length=24), nullable=False),
        sa.Column("days", sa.String(length=8), nullable=False),
        sa.Column("due_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name=op.f("fk_dossier_steps_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_steps")),
        sa.UniqueConstraint("dossier_id", "seq", name="uq_dossier_steps_dossier_seq"),
    )
    with op.batch_alter_table("dossier_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_steps_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("old_due_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("new_due_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name=op.f("fk_extensions_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extensions")),
    )
    with op.batch_alter_table("extensions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_extensions_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "marriage_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("certificate_no", sa.String(length=40), nullable=False),
        sa.Column("book", sa.String(length=40), nullable=False),
        sa.Column("page", sa.String(length=20), nullable=False),
        sa.Column("entry_no", sa.String(length=20), nullable=False),
        sa.Column("both_present_signed", sa.Boolean(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_marriage_registrations_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marriage_registrations")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_marriage_registrations_dossier_id")),
    )
    op.create_table(
        "withdrawals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("signature_confirmed", sa.Boolean(), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name=op.f("fk_withdrawals_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawals")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_withdrawals_dossier_id")),
    )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rescheduled_due_at", db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("extension_count", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conditions", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("steps", sa.Text(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("supplement_clock", sa.String(length=8), server_default="pause", nullable=False))
        batch_op.add_column(sa.Column("apology_lead_days", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("max_supplement_requests", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_extension_days", sa.Integer(), nullable=True))
    _sample_values()


GPXD_STEPS = (
    '[{"name": "Tiếp nhận, kiểm tra và chuyển hồ sơ", "who": "counter", "days": "0.5"}, '
    '{"name": "Phân công chuyên viên thụ lý", "who": "department_head", "days": "0.5"}, '
    '{"name": "Thẩm định hồ sơ, kiểm tra thực địa", "who": "appraisal", "days": "7"}, '
    '{"name": "Tổng hợp, dự thảo giấy phép", "who": "specialist", "days": "4.5"}, '
    '{"name": "Lãnh đạo UBND ký giấy phép", "who": "leader", "days": "2.5"}]'
)


def _sample_values() -> None:
    """The sample catalog rows still unconfirmed get the new rules (seed/reference.py has the same values)."""
    procedures = sa.table(
        "procedures",
        sa.column("code", sa.String),
        sa.column("is_sample", sa.Boolean),
        sa.column("deadline_kind", sa.String),
        sa.column("deadline_amount", sa.Integer),
        sa.column("conditions", sa.String),
        sa.column("steps", sa.Text),
        sa.column("supplement_clock", sa.String),
        sa.column("max_supplement_requests", sa.Integer),
        sa.column("max_extension_days", sa.Integer),
    )
    op.execute(procedures.update().where(procedures.c.code == "ket_hon").values(conditions="marriage"))
    op.execute(
        procedures.update()
        .where(
            procedures.c.code == "gpxd_nha_o",
            procedures.c.is_sample.is_(True),
            procedures.c.deadline_kind == "working_days",
            procedures.c.deadline_amount == 15,
        )
        .values(steps=GPXD_STEPS, supplement_clock="restart", max_supplement_requests=1, max_extension_days=10)
    )


def downgrade() -> None:
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.drop_column("max_extension_days")
        batch_op.drop_column("max_supplement_requests")
        batch_op.drop_column("apology_lead_days")
        batch_op.drop_column("supplement_clock")
        batch_op.drop_column("steps")
        batch_op.drop_column("conditions")

    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("extension_count")
        batch_op.drop_column("rescheduled_due_at")

    op.drop_table("withdrawals")
    op.drop_table("marriage_registrations")
    with op.batch_alter_table("extensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extensions_dossier_id"))

    op.drop_table("extensions")
    with op.batch_alter_table("dossier_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_steps_dossier_id"))

    op.drop_table("dossier_steps")
    with op.batch_alter_table("counter_supplement_slips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counter_supplement_slips_unit_id"))
        batch_op.drop_index(batch_op.f("ix_counter_supplement_slips_requested_at"))

    op.drop_table("counter_supplement_slips")
