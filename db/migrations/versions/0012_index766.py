"""index766: citizens' dossier ratings, trusted certificates, signature checks of result files, one feedback scale

Revision ID: 0012
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("change_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name=op.f("fk_dossier_ratings_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_ratings")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_dossier_ratings_dossier_id")),
    )
    op.create_table(
        "trusted_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("pem", sa.Text(), nullable=False),
        sa.Column("not_after", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_trusted_certificates_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_certificates")),
    )
    with op.batch_alter_table("trusted_certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trusted_certificates_unit_id"), ["unit_id"], unique=False)
    with op.batch_alter_table("dossier_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("signature_signer", sa.String(length=300), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("signature_signed_at", db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("signature_message", sa.Text(), nullable=False, server_default=""))
    # A clerk's tick box is not a signature: results uploaded before this revision were never checked.
    op.execute("UPDATE dossiers SET result_electronic = false")
    op.execute("UPDATE feedback SET rating = 'not_satisfied' WHERE rating = 'unsatisfied'")


def downgrade() -> None:
    op.execute("UPDATE feedback SET rating = 'unsatisfied' WHERE rating = 'not_satisfied'")
    op.execute("UPDATE feedback SET rating = 'satisfied' WHERE rating = 'very_satisfied'")
    with op.batch_alter_table("dossier_files", schema=None) as batch_op:
        batch_op.drop_column("signature_message")
        batch_op.drop_column("signature_signed_at")
        batch_op.drop_column("signature_signer")
        batch_op.drop_column("signature_status")
    with op.batch_alter_table("trusted_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trusted_certificates_unit_id"))
    op.drop_table("trusted_certificates")
    op.drop_table("dossier_ratings")
