"""Is each unit ready to open? Staff per role, departments, counters and groups, the procedures it can take,
routing, the printed QR poster — one row per unit with every missing item named, for the admin and city leaders."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, insert, select

from db.schema import (
    departments,
    feedback_routes,
    office_sessions,
    poster_downloads,
    procedures,
    queue_counter_groups,
    queue_counters,
    queue_groups,
    units,
    users,
)
from services.catalog import routing
from services.core import audit
from services.core.clock import format_date, format_datetime, now
from services.core.roles import ADMIN, CITY_LEADER, CLERK, DEPARTMENT_HEAD, LEADER, SPECIALIST, Actor, parse_roles
from services.core.units import DEPARTMENT_KINDS
from services.feedback.classifier import CATEGORIES
from services.queue.setup import require_manager
from services.rollout import config_copy


@dataclass
class UnitReadiness:
    unit_id: int
    code: str
    name: str
    staff: Counter = field(default_factory=Counter)  # role → active accounts
    departments: int = 0
    groups: int = 0
    counters: int = 0
    procedures_ready: int = 0
    procedures_total: int = 0
    routing_complete: bool = True
    own_hours: bool = False
    poster_at: datetime | None = None
    copied: dict | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing


def record_poster_download(conn: Connection, actor: Actor, *, unit_id: int) -> None:
    """The poster at the door is the readiness item nobody can see from the database, so downloads are counted."""
    require_manager(actor, unit_id)
    conn.execute(
        insert(poster_downloads).values(unit_id=unit_id, at=now(), user_id=actor.user_id, username=actor.username)
    )
    audit.record(conn, actor, action="download", entity="queue_poster", entity_id=unit_id, unit_id=unit_id)


def unit_readiness(conn: Connection, actor: Actor) -> list[UnitReadiness]:
    actor.require(ADMIN, CITY_LEADER)
    rows = {
        r.id: UnitReadiness(r.id, r.code, r.name)
        for r in conn.execute(select(units.c.id, units.c.code, units.c.name).order_by(units.c.name))
    }
    active_departments = _departments(conn)
    _count_staff(conn, rows, active_departments)
    _count_queue(conn, rows)
    _check_procedures(conn, rows, active_departments)
    _check_feedback_routes(conn, rows, active_departments)
    _add_hours_posters_and_copies(conn, rows)
    return list(rows.values())


def _departments(conn: Connection) -> dict[int, dict]:
    query = select(departments).where(departments.c.active.is_(True)).order_by(departments.c.id)
    return {r.id: dict(r._mapping) for r in conn.execute(query)}


def _count_staff(conn: Connection, rows: dict[int, UnitReadiness], active_departments: dict[int, dict]) -> None:
    staffed: set[int] = set()
    query = select(users.c.unit_id, users.c.department_id, users.c.roles).where(
        users.c.active.is_(True), users.c.unit_id.is_not(None)
    )
    for person in conn.execute(query):
        roles = parse_roles(person.roles)
        rows[person.unit_id].staff.update(roles)
        if roles & {SPECIALIST, DEPARTMENT_HEAD} and person.department_id:
            staffed.add(person.department_id)
    for department in active_departments.values():
        row = rows[department["unit_id"]]
        row.departments += 1
        if department["id"] not in staffed:
            row.missing.append(f"{department['name']} chưa có chuyên viên")
    for row in rows.values():
        for role, label in ((LEADER, "lãnh đạo"), (CLERK, "cán bộ một cửa")):
            if not row.staff[role]:
                row.missing.append(f"Chưa có {label}")
        if not row.departments:
            row.missing.append("Chưa có phòng chuyên môn")


def _count_queue(conn: Connection, rows: dict[int, UnitReadiness]) -> None:
    groups = select(queue_groups.c.unit_id, func.count()).where(queue_groups.c.active.is_(True))
    for unit_id, count in conn.execute(groups.group_by(queue_groups.c.unit_id)):
        rows[unit_id].groups = count
    serving = (
        select(queue_counters.c.unit_id, func.count(func.distinct(queue_counters.c.id)))
        .join(queue_counter_groups, queue_counter_groups.c.counter_id == queue_counters.c.id)
        .join(queue_groups, queue_groups.c.id == queue_counter_groups.c.group_id)
        .where(queue_counters.c.active.is_(True), queue_groups.c.active.is_(True))
        .group_by(queue_counters.c.unit_id)
    )
    for unit_id, count in conn.execute(serving):
        rows[unit_id].counters = count
    for row in rows.values():
        if not row.groups:
            row.missing.append("Chưa có nhóm dịch vụ")
        if not row.counters:
            row.missing.append("Chưa có quầy phục vụ")


def _check_procedures(conn: Connection, rows: dict[int, UnitReadiness], active_departments: dict[int, dict]) -> None:
    """at_counter: the one-stop section decides; department: the unit needs an active department of the kind;
    any_point: land in the unit must route somewhere (routing.target_for_land, the rule intake uses)."""
    kinds = defaultdict(set)
    for department in active_departments.values():
        kinds[department["unit_id"]].add(department["kind"])
    active = [dict(r._mapping) for r in conn.execute(select(procedures).where(procedures.c.active.is_(True)))]
    for row in rows.values():
        row.procedures_total = len(active)
        blocked = []
        for procedure in active:
            if _can_handle(conn, row, procedure, kinds[row.unit_id]):
                row.procedures_ready += 1
            else:
                blocked.append(procedure)
        missing_kinds = sorted({p["department_kind"] for p in blocked if p["mode"] == "department"})
        row.missing += [f"Thiếu {DEPARTMENT_KINDS.get(kind, kind)}" for kind in missing_kinds]
        unrouted = [p["name"] for p in blocked if p["mode"] == "any_point"]
        if unrouted:
            row.routing_complete = False
            row.missing.append(f"Chưa định tuyến: {', '.join(unrouted)}")


def _can_handle(conn: Connection, row: UnitReadiness, procedure: dict, kinds: set[str]) -> bool:
    if procedure["mode"] == "department":
        return procedure["department_kind"] in kinds
    if procedure["mode"] == "any_point":
        return routing.target_for_land(conn, procedure=procedure, land_unit_id=row.unit_id) is not None
    return True


def _check_feedback_routes(
    conn: Connection, rows: dict[int, UnitReadiness], active_departments: dict[int, dict]
) -> None:
    """A handler row naming a department that was switched off (or belongs to another unit) loses the feedback."""
    query = select(feedback_routes).where(feedback_routes.c.department_id.is_not(None))
    for route in conn.execute(query):
        department = active_departments.get(route.department_id)
        if department is None or department["unit_id"] != route.unit_id:
            rows[route.unit_id].routing_complete = False
            label = CATEGORIES.get(route.category, route.category)
            rows[route.unit_id].missing.append(f"Phản ánh “{label}” giao cho phòng đã ngừng hoạt động")


def _add_hours_posters_and_copies(conn: Connection, rows: dict[int, UnitReadiness]) -> None:
    for (unit_id,) in conn.execute(select(office_sessions.c.unit_id).where(office_sessions.c.unit_id.is_not(None))):
        rows[unit_id].own_hours = True
    posters = select(poster_downloads.c.unit_id, func.max(poster_downloads.c.at)).group_by(poster_downloads.c.unit_id)
    for unit_id, at in conn.execute(posters):
        rows[unit_id].poster_at = at
    for unit_id, copy in config_copy.last_copies(conn).items():
        rows[unit_id].copied = copy
    for row in rows.values():
        if row.poster_at is None:
            row.missing.append("Chưa tải áp phích mã QR lấy số")


def readiness_report(conn: Connection, actor: Actor) -> dict:
    """The page's one call: the city's counts and a row per unit with Vietnamese headers (also the export)."""
    found = unit_readiness(conn, actor)
    names = {row.unit_id: row.name for row in found}
    return {"summary": readiness_summary(found), "rows": [_shown(row, names) for row in found]}


def _shown(row: UnitReadiness, names: dict[int, str]) -> dict:
    copied = row.copied
    return {
        "Mã": row.code,
        "Đơn vị": row.name,
        "Sẵn sàng": "Có" if row.ready else "Chưa",
        "Lãnh đạo": row.staff[LEADER],
        "Một cửa": row.staff[CLERK],
        "Trưởng phòng": row.staff[DEPARTMENT_HEAD],
        "Chuyên viên": row.staff[SPECIALIST],
        "Phòng chuyên môn": row.departments,
        "Nhóm dịch vụ": row.groups,
        "Quầy": row.counters,
        "Thủ tục sẵn sàng": f"{row.procedures_ready}/{row.procedures_total}",
        "Định tuyến": "Đủ" if row.routing_complete else "Thiếu",
        "Giờ làm việc": "Riêng của đơn vị" if row.own_hours else "Giờ chung",
        "Áp phích QR": format_datetime(row.poster_at) if row.poster_at else "Chưa",
        "Sao chép cấu hình": (
            f"Từ {names.get(copied['source_unit_id'], '')}, {format_date(copied['at'])}" if copied else ""
        ),
        "Còn thiếu": "; ".join(row.missing),
    }


def readiness_summary(rows: list[UnitReadiness]) -> dict[str, int]:
    return {
        "units": len(rows),
        "ready": sum(row.ready for row in rows),
        "with_staff": sum(bool(row.staff[LEADER] and row.staff[CLERK]) for row in rows),
        "with_counters": sum(bool(row.counters) for row in rows),
        "with_poster": sum(row.poster_at is not None for row in rows),
    }
