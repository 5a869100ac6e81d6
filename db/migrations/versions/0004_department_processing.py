"""department processing (issue 5): site appraisals, supplement requests, apologies, the late flag, worklist index.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counted_late", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index("ix_dossiers_department_id_due_at", ["department_id", "due_at"], unique=False)

    op.create_table(
        "site_appraisals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("appraised_on", sa.Date(), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("conclusion", sa.String(length=16), nullable=False),
        sa.Column("conclusion_note", sa.Text(), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name=op.f("fk_site_appraisals_dossier_id_dossiers")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_site_appraisals_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_appraisals")),
    )
    with op.batch_alter_table("site_appraisals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_appraisals_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "site_appraisal_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appraisal_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appraisal_id"], ["site_appraisals.id"], name=op.f("fk_site_appraisal_photos_appraisal_id_site_appraisals")
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["dossier_files.id"], name=op.f("fk_site_appraisal_photos_file_id_dossier_files")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_appraisal_photos")),
    )
    with op.batch_alter_table("site_appraisal_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_appraisal_photos_appraisal_id"), ["appraisal_id"], unique=False)

    op.create_table(
        "supplement_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("due_before", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_by", sa.String(length=64), nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=True),
        sa.Column("due_after", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_supplement_requests_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplement_requests")),
    )
    with op.batch_alter_table("supplement_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supplement_requests_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "apologies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("old_due_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("new_due_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name=op.f("fk_apologies_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apologies")),
    )
    with op.batch_alter_table("apologies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_apologies_dossier_id"), ["dossier_id"], unique=False)


def downgrade() -> None:
    for table in ("apologies", "supplement_requests", "site_appraisal_photos", "site_appraisals"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{'appraisal_id' if table.endswith('photos') else 'dossier_id'}"))
        op.drop_table(table)
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index("ix_dossiers_department_id_due_at")
        batch_op.drop_column("counted_late")
