"""Dossiers, their applicants, documents, files and the event trail that makes the control slip."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from db.metadata import metadata
from db.types import UTCDateTime

applicants = Table(
    "applicants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cccd", String(12), nullable=False, unique=True),
    Column("full_name", String(120), nullable=False),
    Column("birth_date", Date, nullable=True),
    Column("phone", String(20), nullable=False, default=""),
    Column("address", String(300), nullable=False, default=""),
    Column("email", String(160), nullable=False, default=""),
    Column("updated_at", UTCDateTime, nullable=False),
)

dossier_counters = Table(
    "dossier_counters",
    metadata,
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
    Column("day", String(8), primary_key=True),  # yymmdd, local date
    Column("last", Integer, nullable=False),
)

dossiers = Table(
    "dossiers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("procedure_id", ForeignKey("procedures.id"), nullable=False, index=True),
    Column("receiving_unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("processing_unit_id", ForeignKey("units.id"), nullable=True, index=True),
    Column("land_unit_id", ForeignKey("units.id"), nullable=True),  # any_point: where the land is
    Column("department_id", ForeignKey("departments.id"), nullable=True, index=True),
    Column("assignee_id", ForeignKey("users.id"), nullable=True, index=True),
    Column("received_by", ForeignKey("users.id"), nullable=True),
    Column("status", String(32), nullable=False, index=True),
    Column("channel", Integer, nullable=False, default=1),  # 1 in person, 2 online, 3 postal
    Column("applicant_id", ForeignKey("applicants.id"), nullable=True, index=True),
    Column("applicant_name", String(120), nullable=False),
    Column("applicant_phone", String(20), nullable=False, default=""),
    Column("applicant_address", String(300), nullable=False, default=""),
    Column("verification", Boolean, nullable=False, default=False),
    Column("vneid_support", String(16), nullable=False, default="none"),  # none | created | activated
    Column("deadline_kind", String(16), nullable=False),  # snapshot at receipt
    Column("deadline_amount", Integer, nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("received_at", UTCDateTime, nullable=False, index=True),
    Column("due_at", UTCDateTime, nullable=False, index=True),
    Column("original_due_at", UTCDateTime, nullable=False),
    Column("paused_at", UTCDateTime, nullable=True),
    Column("paused_seconds", Integer, nullable=False, default=0),  # working seconds spent waiting on the citizen
    Column("supplement_count", Integer, nullable=False, default=0),
    Column("apology_count", Integer, nullable=False, default=0),
    Column("counted_late", Boolean, nullable=False, default=False),  # a 2nd supplement request or an apology
    Column("result_ready_at", UTCDateTime, nullable=True),
    Column("result_electronic", Boolean, nullable=False, default=False),
    Column("returned_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("is_late", Boolean, nullable=True),
    Column("collected_by", String(200), nullable=False, default=""),
    Column("rating", String(16), nullable=True),  # satisfied | not_satisfied
    Column("rating_comment", Text, nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    Column("updated_at", UTCDateTime, nullable=False),
)

dossier_parties = Table(
    "dossier_parties",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, index=True),
    Column("role", String(16), nullable=False),  # applicant | spouse
    Column("applicant_id", ForeignKey("applicants.id"), nullable=True),
    Column("full_name", String(120), nullable=False),
    Column("cccd", String(12), nullable=False),
    Column("birth_date", Date, nullable=True),
    Column("phone", String(20), nullable=False, default=""),
    Column("address", String(300), nullable=False, default=""),
)

dossier_documents = Table(
    "dossier_documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("original", Boolean, nullable=False, default=False),
    Column("copies", Integer, nullable=False, default=1),
    Column("received", Boolean, nullable=False, default=True),
)

dossier_files = Table(
    "dossier_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, index=True),
    Column("kind", String(24), nullable=False),  # scan | result | appraisal_photo | supplement
    Column("filename", String(200), nullable=False),
    Column("content_type", String(80), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("storage_key", String(300), nullable=False, unique=True),
    Column("uploaded_at", UTCDateTime, nullable=False),
    Column("uploaded_by", String(64), nullable=False),
    # Result PDFs only: the outcome of the PAdES check at upload (valid | invalid | unsigned), who signed and when.
    Column("signature_status", String(16), nullable=True),
    Column("signature_signer", String(300), nullable=False, default=""),
    Column("signature_signed_at", UTCDateTime, nullable=True),
    Column("signature_message", Text, nullable=False, default=""),
)

dossier_events = Table(
    "dossier_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("action", String(32), nullable=False),
    Column("from_status", String(32), nullable=True),
    Column("to_status", String(32), nullable=True),
    Column("user_id", ForeignKey("users.id"), nullable=True),
    Column("username", String(64), nullable=False, default=""),
    Column("unit_id", ForeignKey("units.id"), nullable=True),
    Column("to_unit_id", ForeignKey("units.id"), nullable=True),
    Column("to_department_id", ForeignKey("departments.id"), nullable=True),
    Column("to_user_id", ForeignKey("users.id"), nullable=True),
    Column("step_due_at", UTCDateTime, nullable=True),
    Column("public", Boolean, nullable=False, default=True),  # shown on the citizen's status timeline
    Column("note", Text, nullable=False, default=""),
)
