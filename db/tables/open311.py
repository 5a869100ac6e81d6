"""Feedback exchanged with other systems and between units: Open311 client systems and their keys, updates received
from them, links to items pulled from an upstream Open311 server, transfers between units, and per-item details
(emergency flag, location, suggested unit, source) kept beside the feedback table."""

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from db.metadata import metadata
from db.types import UTCDateTime

open311_clients = Table(
    "open311_clients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False, unique=True),  # sha256 of the key; the key is shown once
    Column("key_hint", String(8), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

feedback_details = Table(
    "feedback_details",
    metadata,
    Column("feedback_id", ForeignKey("feedback.id"), primary_key=True),
    Column("source", String(16), nullable=False, default="gop-y"),  # gop-y | open311 | sync
    Column("client_id", ForeignKey("open311_clients.id"), nullable=True),  # the Open311 system that sent it
    Column("upstream", String(300), nullable=False, default=""),  # sync: the upstream server it came from
    Column("emergency", String(200), nullable=False, default=""),  # the safety net's label, empty if none
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("suggested_unit_id", ForeignKey("units.id"), nullable=True),
    Column("suggestion_basis", String(200), nullable=False, default=""),
    Column("media_url", String(500), nullable=False, default=""),
    Column("token", String(32), nullable=True, unique=True),  # Open311 token of a request made through the API
)

open311_updates = Table(
    "open311_updates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", ForeignKey("open311_clients.id"), nullable=False),
    Column("update_id", String(64), nullable=False),  # the sender's id: a repeated push is applied once
    Column("feedback_id", ForeignKey("feedback.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("client_id", "update_id", name="uq_open311_updates_client_update"),
)

feedback_sync_links = Table(
    "feedback_sync_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("upstream", String(300), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("feedback_id", ForeignKey("feedback.id"), nullable=False, unique=True),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("pushed_key", String(64), nullable=False, default=""),  # status@version last accepted upstream
    Column("push_attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=False, default=""),
    Column("pushed_at", UTCDateTime, nullable=True),
    UniqueConstraint("upstream", "external_id", name="uq_feedback_sync_links_upstream_external"),
)

feedback_transfers = Table(
    "feedback_transfers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feedback_id", ForeignKey("feedback.id"), nullable=False, index=True),
    Column("from_unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("to_unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("clock", String(16), nullable=False),  # restart | keep
    Column("user_id", ForeignKey("users.id"), nullable=True),
    Column("username", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
