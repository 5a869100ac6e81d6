"""Early warnings: open dossiers already overdue or due within 24 working hours, with who holds each.

The IOC lists a unit's (or the city's) warnings; a specialist's worklist lists those of their department.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from db.schema import departments, dossiers, procedures, units, users
from db.tables.ioc import KPI_UNIT
from services.core.clock import now
from services.core.errors import PermissionDenied
from services.core.roles import CLERK, DEPARTMENT_HEAD, LEADER, SPECIALIST, Actor
from services.core.working_time import is_near_due, remaining_seconds
from services.dossiers.flow import STATUS_LABELS
from services.ioc.kpi import PROCESSING_STATUSES, load_calendars

d = dossiers.c
DEFAULT_LIMIT = 500
LEVEL_LABELS = {"overdue": "Quá hạn", "near_due": "Sắp đến hạn"}


def early_warnings(
    conn: Connection,
    actor: Actor,
    *,
    unit_id: int | None,
    department_id: int | None = None,
    assignee_id: int | None = None,
    at: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[dict]:
    """Overdue dossiers first (oldest due first), then near-due ones; dossiers waiting on the citizen are left out.

    Leaders and clerks see their unit, specialists and department heads their own department, city roles any unit
    or the whole city (unit_id None).
    """
    unit_id, department_id = _scope(actor, unit_id, department_id)
    at = at or now()
    calendars = load_calendars(conn, unit_id)
    base = _open_dossiers(unit_id, department_id, assignee_id).order_by(d.due_at)
    overdue = conn.execute(base.where(d.due_at < at).limit(limit)).all()
    soon = conn.execute(base.where(d.due_at >= at, d.due_at <= calendars.near_due_bound(at))).all()
    warnings = [_warning(row, calendars.of(row.unit_id), at) for row in [*overdue, *soon]]
    return [w for w in warnings if w is not None][:limit]


def _scope(actor: Actor, unit_id: int | None, department_id: int | None) -> tuple[int | None, int | None]:
    if actor.city_wide:
        return unit_id, department_id
    if actor.has(LEADER, CLERK):
        actor.require_unit(unit_id)
        return unit_id, department_id
    if actor.has(SPECIALIST, DEPARTMENT_HEAD) and actor.department_id is not None:
        return actor.unit_id, actor.department_id
    raise PermissionDenied()


def _open_dossiers(unit_id: int | None, department_id: int | None, assignee_id: int | None):
    query = (
        select(
            d.id,
            d.code,
            d.status,
            d.applicant_name,
            d.due_at,
            d.received_at,
            KPI_UNIT.label("unit_id"),
            procedures.c.name.label("procedure"),
            departments.c.name.label("department"),
            users.c.full_name.label("assignee"),
            units.c.name.label("unit"),
        )
        .select_from(
            dossiers.join(procedures, procedures.c.id == d.procedure_id)
            .join(units, units.c.id == KPI_UNIT)
            .outerjoin(departments, departments.c.id == d.department_id)
            .outerjoin(users, users.c.id == d.assignee_id)
        )
        .where(d.finished_at.is_(None), d.status.in_(PROCESSING_STATUSES), d.paused_at.is_(None))
    )
    if unit_id is not None:
        query = query.where(KPI_UNIT == unit_id)
    if department_id is not None:
        query = query.where(d.department_id == department_id)
    if assignee_id is not None:
        query = query.where(d.assignee_id == assignee_id)
    return query


def _warning(row, calendar, at: datetime) -> dict | None:
    if row.due_at < at:
        level, hours = "overdue", None
    elif is_near_due(calendar, row.due_at, at):
        level, hours = "near_due", remaining_seconds(calendar, row.due_at, at) / 3600
    else:
        return None
    return {
        "dossier_id": row.id,
        "code": row.code,
        "level": level,
        "level_label": LEVEL_LABELS[level],
        "procedure": row.procedure,
        "applicant": row.applicant_name,
        "unit": row.unit,
        "department": row.department or "Bộ phận một cửa",
        "assignee": row.assignee or "Chưa phân công",
        "status": STATUS_LABELS.get(row.status, row.status),
        "due_at": row.due_at,
        "working_hours_left": hours,
        "days_overdue": (at - row.due_at).days if level == "overdue" else None,
    }
