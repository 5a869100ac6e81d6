"""Intake and return: admin-editable intake settings, refusals at the counter, and public lookup attempts."""

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text

from db.metadata import metadata
from db.types import UTCDateTime

intake_settings = Table(
    "intake_settings",
    metadata,
    Column("key", String(64), primary_key=True),  # e.g. code_pattern
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(64), nullable=False, default=""),
)

intake_refusals = Table(
    "intake_refusals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("procedure_id", ForeignKey("procedures.id"), nullable=False, index=True),
    Column("applicant_name", String(120), nullable=False),
    Column("applicant_cccd", String(12), nullable=False, default=""),
    Column("applicant_phone", String(20), nullable=False, default=""),
    Column("reasons", Text, nullable=False),  # JSON list of reasons, printed on the refusal slip
    Column("refused_at", UTCDateTime, nullable=False, index=True),
    Column("refused_by", ForeignKey("users.id"), nullable=True),
    Column("username", String(64), nullable=False, default=""),
)

public_lookup_attempts = Table(
    "public_lookup_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_key", String(80), nullable=False, index=True),  # client IP (or session) of the public form
    Column("code", String(40), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("succeeded", Boolean, nullable=False, default=False),
)
