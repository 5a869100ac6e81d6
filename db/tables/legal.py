"""Procedure rules as the law has them: step deadlines, marriage registrations, withdrawals, extensions, the
counter's supplement request slips. The columns these rules add to `procedures` and `dossiers` are declared here too,
so the feature stays in one file."""

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from db.metadata import metadata
from db.tables.catalog import procedures
from db.tables.dossiers import dossiers
from db.types import UTCDateTime

# procedures: which conditions intake checks ("marriage"), the process steps as JSON [{name, who, days}], whether a
# supplement pauses or restarts the legal clock, and how many working days before the due moment an apology is due.
procedures.append_column(Column("conditions", String(16), nullable=True))
procedures.append_column(Column("steps", Text, nullable=False, default="[]", server_default="[]"))
procedures.append_column(Column("supplement_clock", String(8), nullable=False, default="pause", server_default="pause"))
procedures.append_column(Column("apology_lead_days", Integer, nullable=False, default=1, server_default="1"))
procedures.append_column(Column("max_supplement_requests", Integer, nullable=True))  # None: no limit (2nd is late)
procedures.append_column(Column("max_extension_days", Integer, nullable=True))  # None: no extension by notice

# dossiers: the new date promised by an apology (the legal due_at is kept, the dossier stays late) and extensions.
dossiers.append_column(Column("rescheduled_due_at", UTCDateTime, nullable=True))
dossiers.append_column(Column("extension_count", Integer, nullable=False, default=0, server_default="0"))

dossier_steps = Table(
    "dossier_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("who", String(24), nullable=False),  # see services.legal_steps.STEP_ROLES
    Column("days", String(8), nullable=False),  # allotted working days, a decimal such as "7" or "0.5"
    Column("due_at", UTCDateTime, nullable=False),
    Column("done_at", UTCDateTime, nullable=True),
    Column("done_by", String(64), nullable=True),
    UniqueConstraint("dossier_id", "seq", name="uq_dossier_steps_dossier_seq"),
)

marriage_registrations = Table(
    "marriage_registrations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, unique=True),
    Column("certificate_no", String(40), nullable=False),
    Column("book", String(40), nullable=False),  # quyển sổ đăng ký kết hôn
    Column("page", String(20), nullable=False),
    Column("entry_no", String(20), nullable=False),
    Column("both_present_signed", Boolean, nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("ended_on", Date, nullable=True),  # a later divorce or death recorded in the system
    Column("created_at", UTCDateTime, nullable=False),
    Column("username", String(64), nullable=False),
)

withdrawals = Table(
    "withdrawals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, unique=True),
    Column("reason", Text, nullable=False),
    Column("requested_by", String(200), nullable=False),  # the citizen who asked and signed
    Column("signature_confirmed", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("username", String(64), nullable=False),
)

extensions = Table(
    "extensions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("old_due_at", UTCDateTime, nullable=False),
    Column("new_due_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("username", String(64), nullable=False),
)

counter_supplement_slips = Table(
    "counter_supplement_slips",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("procedure_id", ForeignKey("procedures.id"), nullable=False),
    Column("applicant_name", String(120), nullable=False),
    Column("applicant_cccd", String(12), nullable=False, default=""),
    Column("applicant_phone", String(20), nullable=False, default=""),
    Column("items", Text, nullable=False),  # JSON [{name, action}]: every missing or wrong paper and what to do
    Column("requested_at", UTCDateTime, nullable=False, index=True),
    Column("requested_by", ForeignKey("users.id"), nullable=True),
    Column("username", String(64), nullable=False),
)
