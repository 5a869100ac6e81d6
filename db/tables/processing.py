"""Department processing: site appraisals and their photos, supplement requests, apologies with a new appointment."""

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text

from db.metadata import metadata
from db.tables.dossiers import dossiers
from db.types import UTCDateTime

# The worklist reads one department's open dossiers in due order and pages through them.
Index("ix_dossiers_department_id_due_at", dossiers.c.department_id, dossiers.c.due_at)

site_appraisals = Table(
    "site_appraisals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, index=True),
    Column("appraised_on", Date, nullable=False),
    Column("participants", Text, nullable=False),
    Column("findings", Text, nullable=False),
    Column("conclusion", String(16), nullable=False),  # see services.processing.APPRAISAL_CONCLUSIONS
    Column("conclusion_note", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", ForeignKey("users.id"), nullable=True),
    Column("username", String(64), nullable=False),
)

site_appraisal_photos = Table(
    "site_appraisal_photos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("appraisal_id", ForeignKey("site_appraisals.id"), nullable=False, index=True),
    Column("file_id", ForeignKey("dossier_files.id"), nullable=False),
)

supplement_requests = Table(
    "supplement_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),  # 1 for the first request; a second one makes the dossier count late
    Column("items", Text, nullable=False),  # JSON list of the missing papers, all at once
    Column("note", Text, nullable=False, default=""),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("requested_by", String(64), nullable=False),
    Column("due_before", UTCDateTime, nullable=False),
    Column("received_at", UTCDateTime, nullable=True),
    Column("received_by", String(64), nullable=True),
    Column("paused_seconds", Integer, nullable=True),  # working seconds the clock stood still
    Column("due_after", UTCDateTime, nullable=True),
)

apologies = Table(
    "apologies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("old_due_at", UTCDateTime, nullable=False),
    Column("new_due_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("username", String(64), nullable=False),
)
