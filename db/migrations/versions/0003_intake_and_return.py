"""intake and return (issue 4): intake settings, refusals at the counter, public lookup attempts.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_intake_settings")),
    )
    op.create_table(
        "intake_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("applicant_name", sa.String(length=120), nullable=False),
        sa.Column("applicant_cccd", sa.String(length=12), nullable=False),
        sa.Column("applicant_phone", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("refused_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("refused_by", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_id"], ["procedures.id"], name=op.f("fk_intake_refusals_procedure_id_procedures")
        ),
        sa.ForeignKeyConstraint(["refused_by"], ["users.id"], name=op.f("fk_intake_refusals_refused_by_users")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_intake_refusals_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_refusals")),
    )
    with op.batch_alter_table("intake_refusals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_refusals_procedure_id"), ["procedure_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intake_refusals_refused_at"), ["refused_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_intake_refusals_unit_id"), ["unit_id"], unique=False)
    op.create_table(
        "public_lookup_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=80), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_lookup_attempts")),
    )
    with op.batch_alter_table("public_lookup_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_lookup_attempts_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_lookup_attempts_client_key"), ["client_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_lookup_attempts_code"), ["code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("public_lookup_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_lookup_attempts_code"))
        batch_op.drop_index(batch_op.f("ix_public_lookup_attempts_client_key"))
        batch_op.drop_index(batch_op.f("ix_public_lookup_attempts_at"))
    op.drop_table("public_lookup_attempts")
    with op.batch_alter_table("intake_refusals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_refusals_unit_id"))
        batch_op.drop_index(batch_op.f("ix_intake_refusals_refused_at"))
        batch_op.drop_index(batch_op.f("ix_intake_refusals_procedure_id"))
    op.drop_table("intake_refusals")
    op.drop_table("intake_settings")
