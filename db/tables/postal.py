"""Receipt regardless of administrative boundaries: the routing table (procedure × land unit → processing unit and
department), postal shipments of paper dossiers and results between units or to a citizen, and the postal settings."""

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from db.metadata import metadata
from db.types import UTCDateTime

routing_rules = Table(
    "routing_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("procedure_id", ForeignKey("procedures.id"), nullable=False),
    Column("land_unit_id", ForeignKey("units.id"), nullable=False),
    Column("processing_unit_id", ForeignKey("units.id"), nullable=False),
    Column("department_id", ForeignKey("departments.id"), nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("procedure_id", "land_unit_id", name="uq_routing_rules_procedure_land"),
)

postal_settings = Table(
    "postal_settings",
    metadata,
    Column("id", Integer, primary_key=True),  # a single row, id 1
    Column("confirm_within_days", Integer, nullable=False),  # working days before an unconfirmed shipment is flagged
    Column("is_sample", Boolean, nullable=False, default=True),
    Column("updated_by", String(64), nullable=False, default="seed"),
    Column("updated_at", UTCDateTime, nullable=True),
)

postal_shipments = Table(
    "postal_shipments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # dossier | result | citizen, see services.postal.KINDS
    Column("carrier", String(16), nullable=False),
    Column("tracking_number", String(40), nullable=False),
    Column("from_unit_id", ForeignKey("units.id"), nullable=False),
    Column("to_unit_id", ForeignKey("units.id"), nullable=True),  # None: to the citizen's address
    Column("to_address", String(300), nullable=False, default=""),
    Column("status", String(16), nullable=False),  # sent | received | delivered
    Column("sent_at", UTCDateTime, nullable=False),
    Column("sent_by", String(64), nullable=False),
    Column("confirm_due_at", UTCDateTime, nullable=False),
    Column("confirmed_at", UTCDateTime, nullable=True),
    Column("confirmed_by", String(64), nullable=True),
    Column("recipient", String(200), nullable=False, default=""),  # who signed for a delivery to the citizen
    Column("note", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("carrier", "tracking_number", name="uq_postal_shipments_carrier_tracking"),
)
Index("ix_postal_shipments_from_unit_status", postal_shipments.c.from_unit_id, postal_shipments.c.status)
Index("ix_postal_shipments_to_unit_status", postal_shipments.c.to_unit_id, postal_shipments.c.status)

postal_shipment_items = Table(
    "postal_shipment_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("shipment_id", ForeignKey("postal_shipments.id"), nullable=False),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, index=True),
    UniqueConstraint("shipment_id", "dossier_id", name="uq_postal_shipment_items_shipment_dossier"),
)
