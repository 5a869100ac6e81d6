"""Notifications: the transactional outbox, every delivery attempt, consents, opt-outs and staff alerts."""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from db.metadata import metadata
from db.types import UTCDateTime

# Written in the same transaction as the change it reports; the sender process delivers it.
notify_outbox = Table(
    "notify_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("event", String(40), nullable=False),
    Column("channel", String(8), nullable=False),  # email | sms | zalo
    Column("recipient", String(200), nullable=False),
    Column("subject_kind", String(16), nullable=False, default=""),  # dossier | online | feedback | ticket | staff
    Column("subject_id", Integer, nullable=True),
    Column("code", String(40), nullable=False, default=""),  # dossier / tracking / feedback code shown in the log
    Column("payload", Text, nullable=False, default="{}"),  # JSON: what the template needs, captured at the change
    Column("dedupe_key", String(200), nullable=True, unique=True),
    Column("status", String(12), nullable=False, default="pending"),  # pending | sending | sent | failed | skipped
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("subject", String(300), nullable=False, default=""),  # as rendered at the last attempt
    Column("body", Text, nullable=False, default=""),
    Column("last_error", Text, nullable=False, default=""),
    Index("ix_notify_outbox_status_next", "status", "next_attempt_at"),
)

notify_attempts = Table(
    "notify_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("outbox_id", ForeignKey("notify_outbox.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("worker", String(64), nullable=False),
    Column("outcome", String(12), nullable=False),  # sent | error | skipped
    Column("error", Text, nullable=False, default=""),
    Column("duration_ms", Integer, nullable=False, default=0),
)

# A citizen's consent to hear about one dossier / online submission on one channel.
notify_consents = Table(
    "notify_consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("subject_kind", String(16), nullable=False),
    Column("subject_id", Integer, nullable=False),
    Column("channel", String(8), nullable=False),
    Column("address", String(200), nullable=False),
    Column("consented_at", UTCDateTime, nullable=False),
    UniqueConstraint("subject_kind", "subject_id", "channel", name="uq_notify_consents_subject_channel"),
)

# Opt-outs by address (a keyed hash, not the address): honoured when writing and again when sending.
notify_optouts = Table(
    "notify_optouts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address_key", String(64), nullable=False, unique=True),
    Column("channel", String(8), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# In-app notifications for staff (the home screen's list); one per dossier, recipient and kind.
staff_alerts = Table(
    "staff_alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("dossier_id", ForeignKey("dossiers.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # near_due
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("read_at", UTCDateTime, nullable=True),
    UniqueConstraint("user_id", "dossier_id", "kind", name="uq_staff_alerts_user_dossier_kind"),
)
