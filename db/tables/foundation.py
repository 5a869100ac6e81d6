"""Units, departments, staff accounts and the append-only audit log."""

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from db.metadata import metadata
from db.types import UTCDateTime

units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # phuong | xa | dac_khu
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
)

departments = Table(
    "departments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("code", String(32), nullable=False),
    Column("name", String(160), nullable=False),
    Column("kind", String(32), nullable=False),  # which procedures it handles, see services.catalog
    Column("active", Boolean, nullable=False, default=True),
    UniqueConstraint("unit_id", "code", name="uq_departments_unit_code"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("full_name", String(120), nullable=False),
    Column("email", String(160), nullable=False, default=""),
    Column("phone", String(20), nullable=False, default=""),
    Column("password_hash", String(100), nullable=False),
    Column("roles", String(200), nullable=False),  # comma-separated, see services.roles
    Column("unit_id", ForeignKey("units.id"), nullable=True, index=True),
    Column("department_id", ForeignKey("departments.id"), nullable=True, index=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("must_change_password", Boolean, nullable=False, default=False),
    Column("sessions_revoked_at", UTCDateTime, nullable=True),  # sign-in cookies issued before this are refused
    # The password is one published in this source (the demo's): production refuses to start while any active
    # account has it. Set whenever a password is set, since a salted hash cannot be searched for it later.
    Column("password_published", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("user_id", ForeignKey("users.id"), nullable=True),
    Column("username", String(64), nullable=False, default=""),
    Column("unit_id", ForeignKey("units.id"), nullable=True, index=True),
    Column("action", String(64), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(64), nullable=False, default=""),
    Column("detail", Text, nullable=False, default="{}"),  # JSON
)
