"""Office hours, calendar overrides and the procedure catalog, all edited in the app."""

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, text
from sqlalchemy.sql import expression

from db.metadata import metadata
from db.types import UTCDateTime

office_sessions = Table(
    "office_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=True, index=True),  # NULL: the city-wide default
    Column("weekday", Integer, nullable=False),  # 0 = Monday … 6 = Sunday
    Column("starts", String(5), nullable=False),  # HH:MM, local time
    Column("ends", String(5), nullable=False),
)

calendar_overrides = Table(
    "calendar_overrides",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=True),  # NULL: the whole city
    Column("day", Date, nullable=False),
    Column("kind", String(16), nullable=False),  # day_off | working_day
    Column("note", String(200), nullable=False, default=""),
    Column("created_by", String(64), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("unit_id", "day", name="uq_calendar_overrides_unit_day"),
    # NULLs are distinct in a unique constraint: one city-wide override per day needs its own partial index.
    Index(
        "uq_calendar_overrides_city_day",
        "day",
        unique=True,
        sqlite_where=text("unit_id IS NULL"),
        postgresql_where=text("unit_id IS NULL"),
    ),
)

procedures = Table(
    "procedures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("sector", String(80), nullable=False, default=""),
    Column("deadline_kind", String(16), nullable=False),  # same_day | working_days | working_hours | calendar_days
    Column("deadline_amount", Integer, nullable=False, default=0),
    Column("cutoff", String(5), nullable=True),  # HH:MM, same_day only
    Column("verification_deadline_kind", String(16), nullable=True),
    Column("verification_deadline_amount", Integer, nullable=True),
    Column("documents", Text, nullable=False, default="[]"),  # JSON: [{name, original, copies}]
    Column("mode", String(16), nullable=False),  # at_counter | department | any_point
    Column("department_kind", String(32), nullable=True),
    Column("parties", Integer, nullable=False, default=1),  # 2: marriage needs both spouses
    Column("fee", Integer, nullable=False, default=0),  # VND
    Column("is_sample", Boolean, nullable=False, default=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("online", Boolean, nullable=False, default=False, server_default=expression.false()),  # on /nop-ho-so
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(64), nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1, server_default="1"),  # optimistic lock for admin edits
)

procedure_history = Table(
    "procedure_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("procedure_id", ForeignKey("procedures.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("username", String(64), nullable=False),
    Column("changes", Text, nullable=False),  # JSON: {field: [old, new]}
)
