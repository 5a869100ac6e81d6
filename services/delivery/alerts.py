"""Staff alerts: a dossier entering "sắp đến hạn" (24 working hours or less left, services.working_time) alerts its
specialist, the department head and the ward leader once each — in the in-app list (services.notify_inbox) and by
e-mail through the outbox. The sender runs the scan every minute; the unique (user, dossier, kind) makes it once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.schema import dossiers, procedures, staff_alerts, users
from services.core.clock import format_datetime, now
from services.core.roles import DEPARTMENT_HEAD, LEADER, parse_roles
from services.core.working_time import is_near_due
from services.dossiers.flow import FINISHED_STATUSES, OPEN_STATUSES, STATUS_LABELS
from services.ioc.kpi import load_calendars
from services.notify import outbox as notify_outbox

WATCHED = sorted(OPEN_STATUSES - FINISHED_STATUSES)


def scan_near_due(conn: Connection, *, at: datetime | None = None) -> int:
    """New alerts written by this scan (0 when every near-due dossier was already announced)."""
    at = at or now()
    calendars = load_calendars(conn, None)
    rows = conn.execute(
        select(dossiers, procedures.c.name.label("procedure_name"))
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .where(
            dossiers.c.status.in_(WATCHED),
            dossiers.c.paused_at.is_(None),
            dossiers.c.due_at >= at,
            dossiers.c.due_at <= calendars.near_due_bound(at),
        )
    ).all()
    created = 0
    for row in rows:
        unit_id = row.processing_unit_id or row.receiving_unit_id
        if is_near_due(calendars.of(unit_id), row.due_at, at):
            created += _alert(conn, row, unit_id, at)
    return created


def recipients(conn: Connection, dossier, unit_id: int) -> list:
    staff = conn.execute(select(users).where(users.c.unit_id == unit_id, users.c.active.is_(True))).all()
    chosen = []
    for user in staff:
        roles = parse_roles(user.roles)
        if user.id == dossier.assignee_id:
            chosen.append(user)
        elif DEPARTMENT_HEAD in roles and dossier.department_id and user.department_id == dossier.department_id:
            chosen.append(user)
        elif LEADER in roles:
            chosen.append(user)
    return chosen


def _alert(conn: Connection, dossier, unit_id: int, at: datetime) -> int:
    payload = {
        "code": dossier.code,
        "procedure": dossier.procedure_name,
        "applicant": dossier.applicant_name,
        "due": format_datetime(dossier.due_at),
        "status": STATUS_LABELS.get(dossier.status, dossier.status),
        "link_path": "/",
    }
    title = f"Hồ sơ {dossier.code} sắp đến hạn ({payload['due']})"
    body = f"{dossier.procedure_name} — {dossier.applicant_name} — {payload['status']}"
    created = 0
    for user in recipients(conn, dossier, unit_id):
        statement = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(staff_alerts).values(
            user_id=user.id, dossier_id=dossier.id, kind="near_due", title=title, body=body, created_at=at
        )
        new_id = conn.execute(
            statement.on_conflict_do_nothing(index_elements=["user_id", "dossier_id", "kind"]).returning(
                staff_alerts.c.id
            )
        ).scalar()
        if new_id is None:
            continue
        created += 1
        if user.email:
            notify_outbox.enqueue(
                conn,
                event="near_due",
                channel="email",
                recipient=user.email,
                payload=payload,
                subject_kind="staff",
                subject_id=dossier.id,
                code=dossier.code,
                dedupe_key=f"near_due:{dossier.id}:{user.id}",
                at=at,
            )
    return created
