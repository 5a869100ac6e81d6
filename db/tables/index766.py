"""Decision 766 inputs that only the citizen or a verified signature may set: citizens' ratings of their dossiers,
and the certificates a unit (or the city) trusts for signed electronic results."""

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text

from db.metadata import metadata
from db.types import UTCDateTime

dossier_ratings = Table(
    "dossier_ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, unique=True),  # one rating per dossier
    Column("rating", String(16), nullable=False),  # very_satisfied | satisfied | not_satisfied
    Column("comment", Text, nullable=False, default=""),
    Column("source", String(16), nullable=False),  # status_page | counter_tablet
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("change_count", Integer, nullable=False, default=0),
)

trusted_certificates = Table(
    "trusted_certificates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=True, index=True),  # None: trusted by every unit of the city
    Column("name", String(200), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # SHA-256 of the DER
    Column("pem", Text, nullable=False),
    Column("not_after", UTCDateTime, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("added_by", String(64), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
)
