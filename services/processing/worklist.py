"""The worklist: open dossiers in the user's scope, the least remaining working time first, one page at a time.

Remaining office time is monotonic in `due_at`, so the order and the page are decided in SQL; the working-time
arithmetic runs only for the rows shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, case, func, or_, select
from sqlalchemy.sql import Select

from db.schema import dossiers, procedures, users
from services.catalog.procedures import calendar_for_unit
from services.core.clock import now
from services.core.errors import PermissionDenied, ValidationError
from services.core.roles import CLERK, DEPARTMENT_HEAD, LEADER, SPECIALIST, Actor
from services.core.working_time import NEAR_DUE_SECONDS, WorkingCalendar
from services.dossiers.flow import STATUS_LABELS

WORK_STATUSES = ("received", "assigned", "in_progress", "supplement_requested")
UNASSIGNED = 0  # assignee filter value for "nobody yet"
MAX_PAGE_SIZE = 100
URGENCY_LABELS = {
    "overdue": "Quá hạn",
    "near": "Sắp đến hạn (≤ 24 giờ làm việc)",
    "paused": "Tạm dừng chờ bổ sung",
    "ok": "Còn hạn",
}


@dataclass(frozen=True)
class WorklistPage:
    rows: list[dict]
    total: int
    page: int
    pages: int
    page_size: int
    overdue: int


def scope_label(actor: Actor) -> str:
    if actor.has(DEPARTMENT_HEAD):
        return "Toàn bộ hồ sơ đang giải quyết của phòng"
    if actor.has(SPECIALIST):
        return "Hồ sơ được giao cho bạn và hồ sơ chưa phân công của phòng"
    if actor.has(LEADER):
        return "Hồ sơ đang giải quyết của các phòng chuyên môn trong phường/xã"
    return "Hồ sơ do bộ phận một cửa của phường/xã tiếp nhận, đang giải quyết"


def _scoped(query: Select, actor: Actor) -> Select:
    """Department head: the whole department; specialist: own and unassigned; leader: the unit; clerk: received."""
    if actor.has(DEPARTMENT_HEAD, SPECIALIST) and actor.department_id is not None:
        query = query.where(
            dossiers.c.processing_unit_id == actor.unit_id, dossiers.c.department_id == actor.department_id
        )
        if not actor.has(DEPARTMENT_HEAD):
            query = query.where(or_(dossiers.c.assignee_id == actor.user_id, dossiers.c.assignee_id.is_(None)))
        return query
    if actor.has(LEADER) and actor.unit_id is not None:
        return query.where(dossiers.c.processing_unit_id == actor.unit_id)
    if actor.has(CLERK) and actor.unit_id is not None:
        return query.where(dossiers.c.receiving_unit_id == actor.unit_id)
    raise PermissionDenied("Danh sách hồ sơ cần xử lý dành cho cán bộ của phường/xã.")


def _filtered(query: Select, procedure_id: int | None, status: str | None, assignee_id: int | None) -> Select:
    if status is not None and status not in WORK_STATUSES:
        raise ValidationError("Trạng thái lọc không hợp lệ.")
    query = query.where(dossiers.c.status.in_([status] if status else WORK_STATUSES))
    if procedure_id is not None:
        query = query.where(dossiers.c.procedure_id == procedure_id)
    if assignee_id == UNASSIGNED:
        query = query.where(dossiers.c.assignee_id.is_(None))
    elif assignee_id is not None:
        query = query.where(dossiers.c.assignee_id == assignee_id)
    return query


def worklist(
    conn: Connection,
    actor: Actor,
    *,
    procedure_id: int | None = None,
    status: str | None = None,
    assignee_id: int | None = None,
    page: int = 1,
    page_size: int = 25,
    at: datetime | None = None,
) -> WorklistPage:
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    at = at or now()
    late = case((and_(dossiers.c.due_at < at, dossiers.c.paused_at.is_(None)), 1), else_=0)
    counts = select(func.count().label("total"), func.coalesce(func.sum(late), 0).label("overdue"))
    total, overdue = conn.execute(_filtered(_scoped(counts, actor), procedure_id, status, assignee_id)).one()
    pages = max(1, -(-total // page_size))
    page = max(1, min(page, pages))
    query = _filtered(_scoped(_row_columns(), actor), procedure_id, status, assignee_id)
    query = query.order_by(dossiers.c.due_at, dossiers.c.id).limit(page_size).offset((page - 1) * page_size)
    rows = [dict(r._mapping) for r in conn.execute(query)]
    return WorklistPage(_with_remaining(conn, rows, at), total, page, pages, page_size, overdue)


def _row_columns() -> Select:
    return (
        select(
            dossiers.c.id,
            dossiers.c.code,
            dossiers.c.status,
            dossiers.c.version,
            dossiers.c.applicant_name,
            dossiers.c.received_at,
            dossiers.c.due_at,
            dossiers.c.paused_at,
            dossiers.c.supplement_count,
            dossiers.c.counted_late,
            dossiers.c.assignee_id,
            dossiers.c.processing_unit_id,
            procedures.c.name.label("procedure_name"),
            users.c.full_name.label("assignee_name"),
        )
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .outerjoin(users, users.c.id == dossiers.c.assignee_id)
    )


def _with_remaining(conn: Connection, rows: list[dict], at: datetime) -> list[dict]:
    calendars: dict[int | None, WorkingCalendar] = {}
    for row in rows:
        unit_id = row["processing_unit_id"]
        if unit_id not in calendars:
            calendars[unit_id] = calendar_for_unit(conn, unit_id)
        row.update(timing(calendars[unit_id], row, at))
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    return rows


def timing(calendar: WorkingCalendar, dossier: dict, at: datetime) -> dict:
    """Remaining office time; while paused for a supplement it stands still at the moment of the request."""
    paused_at = dossier.get("paused_at")
    remaining = calendar.between(paused_at or at, dossier["due_at"])
    if paused_at is not None:
        urgency = "paused"
    elif at > dossier["due_at"]:
        urgency = "overdue"
    elif remaining <= NEAR_DUE_SECONDS:
        urgency = "near"
    else:
        urgency = "ok"
    return {"remaining_seconds": remaining, "urgency": urgency}


def format_remaining(seconds: float) -> str:
    """Working time as 'N ngày M giờ' (1 working day = 8 office hours), negative as 'quá hạn …'."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 8 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} ngày" if days else "", f"{hours} giờ" if hours else "", f"{mins} phút" if not days else ""]
    text = " ".join(p for p in parts if p) or "0 phút"
    return f"Quá hạn {text}" if seconds < 0 else text


def filter_options(conn: Connection, actor: Actor) -> dict:
    """Procedures and assignees that occur in the user's scope, for the filter widgets."""
    scoped = _scoped(select(dossiers.c.procedure_id, dossiers.c.assignee_id), actor).where(
        dossiers.c.status.in_(WORK_STATUSES)
    )
    sub = scoped.subquery()
    procedure_rows = conn.execute(
        select(procedures.c.id, procedures.c.name)
        .where(procedures.c.id.in_(select(sub.c.procedure_id)))
        .order_by(procedures.c.name)
    )
    assignee_rows = conn.execute(
        select(users.c.id, users.c.full_name)
        .where(users.c.id.in_(select(sub.c.assignee_id).where(sub.c.assignee_id.is_not(None))))
        .order_by(users.c.full_name)
    )
    return {
        "procedures": {r.id: r.name for r in procedure_rows},
        "assignees": {r.id: r.full_name for r in assignee_rows},
        "statuses": {s: STATUS_LABELS[s] for s in WORK_STATUSES},
    }
