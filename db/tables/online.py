"""Online submissions (nộp hồ sơ trực tuyến): waiting in the receiving unit's online inbox until a clerk accepts
(then they become a normal dossier with channel 2), asks for a supplement, or refuses."""

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from db.metadata import metadata
from db.types import UTCDateTime

online_submissions = Table(
    "online_submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tracking_code", String(16), nullable=False, unique=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("procedure_id", ForeignKey("procedures.id"), nullable=False),
    Column("status", String(24), nullable=False, index=True),  # pending | supplement_requested | accepted | refused
    Column("applicant", Text, nullable=False),  # JSON: full_name, cccd, birth_date (ISO), phone, email, address
    Column("second_party", Text, nullable=True),  # JSON, marriage: the other spouse
    Column("applicant_cccd", String(12), nullable=False, index=True),
    Column("land_unit_id", ForeignKey("units.id"), nullable=True),
    Column("consent", Boolean, nullable=False, default=False),
    Column("fingerprint", String(64), nullable=False, index=True),  # CCCD + procedure + file hashes
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("supplement_request", Text, nullable=False, default=""),
    Column("supplement_requested_at", UTCDateTime, nullable=True),
    Column("supplemented_at", UTCDateTime, nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decided_by", ForeignKey("users.id"), nullable=True),
    Column("refusal_reason", Text, nullable=False, default=""),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=True),
    Column("version", Integer, nullable=False, default=1),
)

online_submission_files = Table(
    "online_submission_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", ForeignKey("online_submissions.id"), nullable=False, index=True),
    Column("document", String(300), nullable=False),  # the checklist item it answers, or "Bổ sung"
    Column("round", Integer, nullable=False, default=0),  # 0: with the submission, 1…: supplements
    Column("filename", String(200), nullable=False),
    Column("content_type", String(80), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("storage_key", String(300), nullable=False, unique=True),
    Column("uploaded_at", UTCDateTime, nullable=False),
)

online_rate_limits = Table(
    "online_rate_limits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_key", String(64), nullable=False),  # keyed hash of the browser token or the IP
    Column("window_start", Integer, nullable=False),
    Column("count", Integer, nullable=False),
    UniqueConstraint("client_key", "window_start", name="uq_online_rate_limits_client_window"),
)
