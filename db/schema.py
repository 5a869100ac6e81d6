"""Every table of the app, registered on one MetaData; Alembic and the tests import it from here."""

from db.metadata import metadata
from db.tables.catalog import calendar_overrides, office_sessions, procedure_history, procedures
from db.tables.dossiers import (
    applicants,
    dossier_counters,
    dossier_documents,
    dossier_events,
    dossier_files,
    dossier_parties,
    dossiers,
)
from db.tables.foundation import audit_log, departments, units, users

__all__ = [
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
]
