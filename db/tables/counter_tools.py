"""Entrance kiosk keys (one per unit) and the locks that stop a long job from being started twice."""

from sqlalchemy import Column, ForeignKey, String, Table

from db.metadata import metadata
from db.types import UTCDateTime

queue_kiosk_keys = Table(
    "queue_kiosk_keys",
    metadata,
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
    Column("key_hash", String(64), nullable=False),  # SHA-256 of the key; the key itself is shown once
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(64), nullable=False, default=""),
)

job_locks = Table(
    "job_locks",
    metadata,
    Column("name", String(120), primary_key=True),  # e.g. "staff_import", "config_copy", "trial_report:12"
    Column("holder", String(64), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)
