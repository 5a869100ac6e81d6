"""Every table of the app, registered on one MetaData; Alembic and the tests import it from here."""

from db.metadata import metadata
from db.tables.catalog import calendar_overrides, office_sessions, procedure_history, procedures
from db.tables.counter_tools import job_locks, queue_kiosk_keys
from db.tables.dossiers import (
    applicants,
    dossier_counters,
    dossier_documents,
    dossier_events,
    dossier_files,
    dossier_parties,
    dossiers,
)
from db.tables.feedback import (
    feedback,
    feedback_deadlines,
    feedback_events,
    feedback_examples,
    feedback_photos,
    feedback_rate_limits,
    feedback_routes,
)
from db.tables.foundation import audit_log, departments, units, users
from db.tables.index766 import dossier_ratings, trusted_certificates
from db.tables.intake import intake_refusals, intake_settings, public_lookup_attempts
from db.tables.ioc import cameras, river_readings, river_stations, trial_lessons
from db.tables.legal import (
    counter_supplement_slips,
    dossier_steps,
    extensions,
    marriage_registrations,
    withdrawals,
)
from db.tables.notify import notify_attempts, notify_consents, notify_optouts, notify_outbox, staff_alerts
from db.tables.online import online_rate_limits, online_submission_files, online_submissions
from db.tables.open311 import (
    feedback_details,
    feedback_sync_links,
    feedback_transfers,
    open311_clients,
    open311_updates,
)
from db.tables.postal import postal_settings, postal_shipment_items, postal_shipments, routing_rules
from db.tables.processing import apologies, site_appraisal_photos, site_appraisals, supplement_requests
from db.tables.queue import (
    queue_calls,
    queue_counter_groups,
    queue_counters,
    queue_day_counters,
    queue_groups,
    queue_hours,
    queue_priorities,
    queue_settings,
    queue_tickets,
)
from db.tables.rollout import config_copies, poster_downloads, staff_imports
from db.tables.security import attempt_counters, form_tokens

__all__ = [
    "feedback",
    "feedback_photos",
    "feedback_events",
    "feedback_routes",
    "feedback_deadlines",
    "feedback_examples",
    "feedback_rate_limits",
    "metadata",
    "units",
    "departments",
    "users",
    "audit_log",
    "office_sessions",
    "calendar_overrides",
    "procedures",
    "procedure_history",
    "applicants",
    "dossier_counters",
    "dossiers",
    "dossier_parties",
    "dossier_documents",
    "dossier_files",
    "dossier_events",
    "river_stations",
    "river_readings",
    "cameras",
    "trial_lessons",
    "intake_settings",
    "intake_refusals",
    "public_lookup_attempts",
    "site_appraisals",
    "site_appraisal_photos",
    "supplement_requests",
    "apologies",
    "routing_rules",
    "postal_settings",
    "postal_shipments",
    "postal_shipment_items",
    "queue_settings",
    "queue_groups",
    "queue_counters",
    "queue_counter_groups",
    "queue_hours",
    "queue_priorities",
    "queue_day_counters",
    "queue_tickets",
    "queue_calls",
    "staff_imports",
    "config_copies",
    "poster_downloads",
    "open311_clients",
    "feedback_details",
    "open311_updates",
    "feedback_sync_links",
    "feedback_transfers",
    "dossier_ratings",
    "trusted_certificates",
    "notify_outbox",
    "notify_attempts",
    "notify_consents",
    "notify_optouts",
    "staff_alerts",
    "online_submissions",
    "online_submission_files",
    "online_rate_limits",
    "queue_kiosk_keys",
    "job_locks",
    "attempt_counters",
    "form_tokens",
    "dossier_steps",
    "marriage_registrations",
    "withdrawals",
    "extensions",
    "counter_supplement_slips",
]
