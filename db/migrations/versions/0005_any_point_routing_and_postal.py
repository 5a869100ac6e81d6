"""any point routing and postal (issue 6): the routing table, postal shipments and their dossiers, postal settings.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routing_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("land_unit_id", sa.Integer(), nullable=False),
        sa.Column("processing_unit_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_id"], ["procedures.id"], name=op.f("fk_routing_rules_procedure_id_procedures")
        ),
        sa.ForeignKeyConstraint(["land_unit_id"], ["units.id"], name=op.f("fk_routing_rules_land_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["processing_unit_id"], ["units.id"], name=op.f("fk_routing_rules_processing_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_routing_rules_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rules")),
        sa.UniqueConstraint("procedure_id", "land_unit_id", name="uq_routing_rules_procedure_land"),
    )
    op.create_table(
        "postal_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("confirm_within_days", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postal_settings")),
    )
    op.create_table(
        "postal_shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("carrier", sa.String(length=16), nullable=False),
        sa.Column("tracking_number", sa.String(length=40), nullable=False),
        sa.Column("from_unit_id", sa.Integer(), nullable=False),
        sa.Column("to_unit_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sent_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.Column("confirm_due_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.String(length=64), nullable=True),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_unit_id"], ["units.id"], name=op.f("fk_postal_shipments_from_unit_id_units")
        ),
        sa.ForeignKeyConstraint(["to_unit_id"], ["units.id"], name=op.f("fk_postal_shipments_to_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postal_shipments")),
        sa.UniqueConstraint("carrier", "tracking_number", name="uq_postal_shipments_carrier_tracking"),
    )
    with op.batch_alter_table("postal_shipments", schema=None) as batch_op:
        batch_op.create_index("ix_postal_shipments_from_unit_status", ["from_unit_id", "status"], unique=False)
        batch_op.create_index("ix_postal_shipments_to_unit_status", ["to_unit_id", "status"], unique=False)
    op.create_table(
        "postal_shipment_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["postal_shipments.id"],
            name=op.f("fk_postal_shipment_items_shipment_id_postal_shipments"),
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_postal_shipment_items_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postal_shipment_items")),
        sa.UniqueConstraint("shipment_id", "dossier_id", name="uq_postal_shipment_items_shipment_dossier"),
    )
    with op.batch_alter_table("postal_shipment_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_postal_shipment_items_dossier_id"), ["dossier_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("postal_shipment_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postal_shipment_items_dossier_id"))
    op.drop_table("postal_shipment_items")
    with op.batch_alter_table("postal_shipments", schema=None) as batch_op:
        batch_op.drop_index("ix_postal_shipments_to_unit_status")
        batch_op.drop_index("ix_postal_shipments_from_unit_status")
    op.drop_table("postal_shipments")
    op.drop_table("postal_settings")
    op.drop_table("routing_rules")
