"""The procedure catalog (thủ tục hành chính) and the working calendar of each unit, as stored in the database."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Connection, or_, select

from db.schema import calendar_overrides, office_sessions, procedures
from services.core.errors import NotFound, ValidationError
from services.core.working_time import (
    SAMPLE_SESSIONS,
    Deadline,
    Session,
    WorkingCalendar,
    due_at,
    parse_hhmm,
)

MODES = {
    "at_counter": "Giải quyết tại bộ phận một cửa",
    "department": "Chuyển phòng chuyên môn",
    "any_point": "Tiếp nhận không phụ thuộc địa giới hành chính",
}

def get_procedure(conn: Connection, code: str) -> dict:
    row = conn.execute(select(procedures).where(procedures.c.code == (code or "").strip())).first()
    if row is None:
        raise NotFound(f"Không có thủ tục mã '{code}'.")
    return _public(row)


def get_procedure_by_id(conn: Connection, procedure_id: int) -> dict:
    row = conn.execute(select(procedures).where(procedures.c.id == procedure_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy thủ tục.")
    return _public(row)


def list_procedures(conn: Connection, *, active_only: bool = True) -> list[dict]:
    query = select(procedures).order_by(procedures.c.sector, procedures.c.name)
    if active_only:
        query = query.where(procedures.c.active.is_(True))
    return [_public(row) for row in conn.execute(query)]


def _public(row) -> dict:
    data = dict(row._mapping)
    data["documents"] = json.loads(data["documents"] or "[]")
    return data


def deadline_of(procedure: dict, *, verification: bool = False) -> Deadline:
    if verification:
        if not procedure.get("verification_deadline_kind"):
            raise ValidationError(f"Thủ tục “{procedure['name']}” không có thời hạn riêng khi cần xác minh.")
        return Deadline(procedure["verification_deadline_kind"], procedure["verification_deadline_amount"] or 0)
    cutoff = parse_hhmm(procedure["cutoff"]) if procedure.get("cutoff") else None
    return Deadline(procedure["deadline_kind"], procedure["deadline_amount"], cutoff)


def calendar_for_unit(conn: Connection, unit_id: int | None) -> WorkingCalendar:
    """The unit's own sessions if it has any, else the city default, else the sample office hours;
    city-wide overrides, then the unit's own, which win on the same day."""
    overrides = _overrides(conn, unit_id)
    return WorkingCalendar(
        sessions=_sessions(conn, unit_id),
        extra_days_off=frozenset(day for day, kind in overrides.items() if kind == "day_off"),
        extra_working_days=frozenset(day for day, kind in overrides.items() if kind == "working_day"),
    )


def office_sessions_of(conn: Connection, unit_id: int | None) -> dict[int, tuple[Session, ...]]:
    """The weekly sessions in force: the unit's own rows, else the city default rows, else the sample hours."""
    return _sessions(conn, unit_id)


def _sessions(conn: Connection, unit_id: int | None) -> dict:
    for owner in (unit_id, None):
        condition = office_sessions.c.unit_id.is_(None) if owner is None else office_sessions.c.unit_id == owner
        rows = conn.execute(select(office_sessions).where(condition).order_by(office_sessions.c.starts)).all()
        if rows:
            sessions: dict[int, list] = {}
            for row in rows:
                sessions.setdefault(row.weekday, []).append((parse_hhmm(row.starts), parse_hhmm(row.ends)))
            return {weekday: tuple(items) for weekday, items in sessions.items()}
    return dict(SAMPLE_SESSIONS)


def _overrides(conn: Connection, unit_id: int | None) -> dict[date, str]:
    scope = calendar_overrides.c.unit_id.is_(None)
    if unit_id is not None:
        scope = or_(scope, calendar_overrides.c.unit_id == unit_id)
    rows = conn.execute(
        select(calendar_overrides.c.day, calendar_overrides.c.kind, calendar_overrides.c.unit_id).where(scope)
    )
    city_first = sorted(rows, key=lambda row: row.unit_id is not None)
    return {row.day: row.kind for row in city_first}


def compute_due(
    conn: Connection, *, procedure: dict, unit_id: int | None, received_at: datetime, verification: bool = False
) -> datetime:
    """The appointment (ngày giờ hẹn trả) intake prints, from the processing unit's calendar."""
    return due_at(calendar_for_unit(conn, unit_id), deadline_of(procedure, verification=verification), received_at)


def appointment(
    conn: Connection,
    *,
    procedure_code: str,
    received_at: datetime,
    unit_id: int | None = None,
    verification: bool = False,
) -> datetime:
    """compute_due by procedure code: what `manage.py due-date` and the admin's trial tool run."""
    procedure = get_procedure(conn, procedure_code)
    return compute_due(conn, procedure=procedure, unit_id=unit_id, received_at=received_at, verification=verification)
