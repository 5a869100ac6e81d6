"""Queue numbers (số thứ tự): service groups, counters, issuing hours, priorities, tickets and the calls log."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from db.metadata import metadata
from db.types import UTCDateTime

queue_settings = Table(
    "queue_settings",
    metadata,
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
    Column("fairness_minutes", Integer, nullable=False, default=20),
    Column("max_active_per_phone", Integer, nullable=False, default=10),
    Column("max_active_per_browser", Integer, nullable=False, default=5),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(64), nullable=False, default=""),
)

queue_groups = Table(
    "queue_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("letter", String(2), nullable=False),  # the ticket prefix: A, B, C …
    Column("name", String(160), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    UniqueConstraint("unit_id", "letter", name="uq_queue_groups_unit_letter"),
)

queue_counters = Table(
    "queue_counters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),  # "Quầy 3"
    Column("name", String(160), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    UniqueConstraint("unit_id", "number", name="uq_queue_counters_unit_number"),
)

queue_counter_groups = Table(
    "queue_counter_groups",
    metadata,
    Column("counter_id", ForeignKey("queue_counters.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("queue_groups.id", ondelete="CASCADE"), primary_key=True),
)

queue_hours = Table(
    "queue_hours",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("weekday", Integer, nullable=False),  # 0 = Monday … 6 = Sunday
    Column("starts", String(5), nullable=False),  # HH:MM, local time
    Column("ends", String(5), nullable=False),
)

queue_priorities = Table(
    "queue_priorities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("name", String(160), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("sort_order", Integer, nullable=False, default=0),
)

queue_day_counters = Table(
    "queue_day_counters",
    metadata,
    Column("group_id", ForeignKey("queue_groups.id"), primary_key=True),
    Column("day", Date, primary_key=True),  # local date: numbers restart every day
    Column("last", Integer, nullable=False),
)

queue_tickets = Table(
    "queue_tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False),
    Column("group_id", ForeignKey("queue_groups.id"), nullable=False),
    Column("origin_group_id", ForeignKey("queue_groups.id"), nullable=False),  # the number's group
    Column("day", Date, nullable=False),
    Column("number", Integer, nullable=False),
    Column("code", String(8), nullable=False),  # A015
    Column("token", String(40), nullable=False, unique=True),  # the status page link; unguessable
    Column("phone", String(20), nullable=False, default=""),
    Column("browser_id", String(64), nullable=False, default=""),
    Column("priority_id", ForeignKey("queue_priorities.id"), nullable=True),
    Column("priority_name", String(160), nullable=False, default=""),  # snapshot at issue
    Column("status", String(16), nullable=False),  # waiting | called | serving | done | no_show | cancelled
    Column("issued_at", UTCDateTime, nullable=False),
    Column("issued_hour", Integer, nullable=False),  # local hour of day, for the statistics
    Column("queued_at", UTCDateTime, nullable=False),  # the place in line (kept on transfer)
    Column("called_at", UTCDateTime, nullable=True),
    Column("call_count", Integer, nullable=False, default=0),
    Column("counter_id", ForeignKey("queue_counters.id"), nullable=True),
    Column("clerk_id", ForeignKey("users.id"), nullable=True),
    Column("started_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("wait_seconds", Integer, nullable=True),  # issue → first call
    Column("service_seconds", Integer, nullable=True),  # start → finish
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=True),
    UniqueConstraint("origin_group_id", "day", "number", name="uq_queue_tickets_group_day_number"),
    Index("ix_queue_tickets_unit_day_status", "unit_id", "day", "status"),
    Index("ix_queue_tickets_counter_status", "counter_id", "status"),
)

queue_calls = Table(
    "queue_calls",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False),
    Column("ticket_id", ForeignKey("queue_tickets.id"), nullable=False),
    Column("counter_id", ForeignKey("queue_counters.id"), nullable=False),
    Column("code", String(8), nullable=False),
    Column("counter_number", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_queue_calls_unit_id", "unit_id", "id"),
)
