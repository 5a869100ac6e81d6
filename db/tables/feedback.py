"""Citizen feedback (phản ánh, kiến nghị): items, photos, their trail, routing rules, training examples, rate limits."""

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from db.metadata import metadata
from db.types import UTCDateTime

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),  # the citizen's key to follow it: random, unguessable
    Column("unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("address", String(300), nullable=False, default=""),
    Column("title", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("search_text", Text, nullable=False, default=""),  # folded title + content, for search and duplicates
    Column("category", String(32), nullable=False),
    Column("urgent", Boolean, nullable=False, default=False),
    Column("kind", String(16), nullable=False),  # urgent | standard | complex: picks the deadline
    Column("confidence", Float, nullable=False, default=0.0),
    Column("status", String(24), nullable=False, index=True),
    Column("department_id", ForeignKey("departments.id"), nullable=True, index=True),  # None: the unit's leader
    Column("contact_name", String(120), nullable=False, default=""),
    Column("contact_phone", String(20), nullable=False, default=""),
    Column("contact_email", String(160), nullable=False, default=""),
    Column("hide_name", Boolean, nullable=False, default=True),
    Column("received_at", UTCDateTime, nullable=False, index=True),
    Column("due_at", UTCDateTime, nullable=False),
    Column("paused_at", UTCDateTime, nullable=True),  # waiting for the citizen's information: the clock stops
    Column("info_request", Text, nullable=False, default=""),
    Column("answer", Text, nullable=False, default=""),
    Column("answered_at", UTCDateTime, nullable=True),
    Column("answered_by", ForeignKey("users.id"), nullable=True),
    Column("reject_reason", String(24), nullable=True),
    Column("reject_note", Text, nullable=False, default=""),
    Column("duplicate_of", ForeignKey("feedback.id"), nullable=True),
    Column("escalated_at", UTCDateTime, nullable=True),
    Column("rating", String(16), nullable=True),  # satisfied | unsatisfied
    Column("rating_comment", Text, nullable=False, default=""),
    Column("rated_at", UTCDateTime, nullable=True),
    Column("reopen_count", Integer, nullable=False, default=0),
    Column("version", Integer, nullable=False, default=1),
    Column("updated_at", UTCDateTime, nullable=False),
)

feedback_photos = Table(
    "feedback_photos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feedback_id", ForeignKey("feedback.id"), nullable=False, index=True),
    Column("source", String(16), nullable=False),  # citizen | answer
    Column("storage_key", String(200), nullable=False),
    Column("filename", String(120), nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

feedback_events = Table(
    "feedback_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feedback_id", ForeignKey("feedback.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", ForeignKey("users.id"), nullable=True),
    Column("username", String(64), nullable=False, default=""),
    Column("action", String(32), nullable=False),
    Column("from_status", String(24), nullable=True),
    Column("to_status", String(24), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("public", Boolean, nullable=False, default=True),
)

feedback_routes = Table(
    "feedback_routes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False),
    Column("category", String(32), nullable=False),
    Column("department_id", ForeignKey("departments.id"), nullable=True),  # None: the unit's People's Committee
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("unit_id", "category", name="uq_feedback_routes_unit_category"),
)

feedback_deadlines = Table(
    "feedback_deadlines",
    metadata,
    Column("kind", String(16), primary_key=True),  # urgent | standard | complex
    Column("working_days", Integer, nullable=False),
    Column("is_sample", Boolean, nullable=False, default=True),
    Column("updated_by", String(64), nullable=False, default="seed"),
    Column("updated_at", UTCDateTime, nullable=True),
)

feedback_examples = Table(
    "feedback_examples",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feedback_id", ForeignKey("feedback.id"), nullable=True, unique=True),
    Column("text", Text, nullable=False),
    Column("category", String(32), nullable=False),
    Column("urgent", Boolean, nullable=False),
    Column("confirmed_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

feedback_rate_limits = Table(
    "feedback_rate_limits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_key", String(64), nullable=False),  # keyed hash of the browser token or the IP, never the raw IP
    Column("window_start", Integer, nullable=False),  # epoch seconds of the fixed window
    Column("count", Integer, nullable=False),
    UniqueConstraint("client_key", "window_start", name="uq_feedback_rate_limits_client_window"),
)
