"""Who handles a feedback item and by when: the (category, unit) → handler table an admin edits, and the deadlines
by kind (DOMAIN.md §5) on the unit's working-time calendar."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from db.schema import departments, feedback_deadlines, feedback_routes
from services.catalog.procedures import calendar_for_unit
from services.core import audit
from services.core.clock import now
from services.core.errors import NotFound, ValidationError
from services.core.roles import ADMIN, Actor
from services.core.units import department_for_kind, get_unit
from services.core.working_time import Deadline, due_at
from services.feedback.classifier import CATEGORIES

KINDS = {
    "urgent": "Khẩn cấp (thiên tai, dịch bệnh, sự cố khẩn cấp)",
    "standard": "Thông thường (kiểm tra được ngay)",
    "complex": "Phức tạp",
}
LEGAL_DAYS = {"urgent": 1, "standard": 3}  # Decision 960/QĐ-UBND; only the complex limit is a local choice
MAX_COMPLEX_DAYS = 60
LEADER_LABEL = "UBND phường/xã (Lãnh đạo)"

# Used while a unit has no row of its own: the department kind that usually handles the category, else the leader.
DEFAULT_DEPARTMENT_KIND = {
    "moi_truong": "kinh_te",
    "trat_tu_do_thi": "kinh_te",
    "giao_thong_ha_tang": "kinh_te",
    "an_ninh_trat_tu": None,
    "dat_dai_xay_dung": "kinh_te",
    "thu_tuc_hanh_chinh": "van_phong",
    "y_te_giao_duc": "van_hoa_xa_hoi",
    "khac": None,
}


def handler_for(conn: Connection, *, unit_id: int, category: str) -> int | None:
    """The department id that handles the category in the unit; None means the unit's People's Committee."""
    row = conn.execute(
        select(feedback_routes.c.department_id).where(
            feedback_routes.c.unit_id == unit_id, feedback_routes.c.category == category
        )
    ).first()
    if row is not None:
        return row.department_id
    department = department_for_kind(conn, unit_id=unit_id, kind=DEFAULT_DEPARTMENT_KIND.get(category))
    return department["id"] if department else None


def routing_table(conn: Connection, actor: Actor, *, unit_id: int) -> list[dict]:
    actor.require(ADMIN)
    get_unit(conn, unit_id)
    stored = {
        row.category: row for row in conn.execute(select(feedback_routes).where(feedback_routes.c.unit_id == unit_id))
    }
    names = department_names(conn, unit_id)
    table = []
    for category, label in CATEGORIES.items():
        department_id = handler_for(conn, unit_id=unit_id, category=category)
        row = stored.get(category)
        table.append(
            {
                "category": category,
                "category_label": label,
                "department_id": department_id,
                "handler": names.get(department_id, LEADER_LABEL),
                "configured": row is not None,
                "updated_by": row.updated_by if row else "",
            }
        )
    return table


def department_names(conn: Connection, unit_id: int) -> dict[int, str]:
    query = select(departments.c.id, departments.c.name).where(
        departments.c.unit_id == unit_id, departments.c.active.is_(True)
    )
    return {row.id: row.name for row in conn.execute(query.order_by(departments.c.name))}


def handler_label(conn: Connection, department_id: int | None) -> str:
    if department_id is None:
        return LEADER_LABEL
    return conn.scalar(select(departments.c.name).where(departments.c.id == department_id)) or LEADER_LABEL


def check_handler(conn: Connection, *, unit_id: int, department_id: int | None) -> None:
    if department_id is not None and department_id not in department_names(conn, unit_id):
        raise ValidationError("Phòng chuyên môn được chọn không thuộc đơn vị này hoặc đã ngừng hoạt động.")


def set_route(conn: Connection, actor: Actor, *, unit_id: int, category: str, department_id: int | None) -> None:
    actor.require(ADMIN)
    if category not in CATEGORIES:
        raise ValidationError("Lĩnh vực phản ánh không hợp lệ.")
    get_unit(conn, unit_id)
    check_handler(conn, unit_id=unit_id, department_id=department_id)
    save_route(conn, unit_id=unit_id, category=category, department_id=department_id, by=actor.username)
    audit.record(
        conn,
        actor,
        action="set_route",
        entity="feedback_route",
        entity_id=f"{unit_id}:{category}",
        unit_id=unit_id,
        department_id=department_id,
    )


def save_route(conn: Connection, *, unit_id: int, category: str, department_id: int | None, by: str) -> None:
    values = {"department_id": department_id, "updated_by": by, "updated_at": now()}
    where = (feedback_routes.c.unit_id == unit_id, feedback_routes.c.category == category)
    if conn.execute(update(feedback_routes).where(*where).values(**values)).rowcount == 0:
        conn.execute(insert(feedback_routes).values(unit_id=unit_id, category=category, **values))


def deadline_days(conn: Connection) -> dict[str, dict]:
    rows = {row.kind: row for row in conn.execute(select(feedback_deadlines))}
    result = {}
    for kind in KINDS:
        row = rows.get(kind)
        days = row.working_days if row else LEGAL_DAYS.get(kind, 10)
        result[kind] = {
            "kind": kind,
            "label": KINDS[kind],
            "working_days": days,
            "is_sample": bool(row and row.is_sample),
        }
    return result


def set_complex_days(conn: Connection, actor: Actor, *, working_days: int) -> None:
    actor.require(ADMIN)
    if not 1 <= int(working_days) <= MAX_COMPLEX_DAYS:
        raise ValidationError(f"Thời hạn xử lý phản ánh phức tạp phải từ 1 đến {MAX_COMPLEX_DAYS} ngày làm việc.")
    values = {"working_days": int(working_days), "is_sample": False, "updated_by": actor.username, "updated_at": now()}
    if (
        conn.execute(update(feedback_deadlines).where(feedback_deadlines.c.kind == "complex").values(**values)).rowcount
        == 0
    ):
        conn.execute(insert(feedback_deadlines).values(kind="complex", **values))
    audit.record(conn, actor, action="set_deadline", entity="feedback_deadline", entity_id="complex", days=working_days)


def due_for(conn: Connection, *, unit_id: int, kind: str, start: datetime) -> datetime:
    if kind not in KINDS:
        raise NotFound("Loại phản ánh không hợp lệ.")
    days = deadline_days(conn)[kind]["working_days"]
    return due_at(calendar_for_unit(conn, unit_id), Deadline("working_days", days), start)
