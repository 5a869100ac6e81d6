"""The 94 units of Đà Nẵng and their specialist departments."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from db.schema import departments, units
from services.core import audit
from services.core.errors import Conflict, NotFound, ValidationError
from services.core.roles import ADMIN, Actor
from services.core.text import ascii_fold, nfc

KIND_PREFIX = {"phuong": "Phường ", "xa": "Xã ", "dac_khu": "Đặc khu "}
KIND_LABELS = {"phuong": "Phường", "xa": "Xã", "dac_khu": "Đặc khu"}

# Which procedures a department handles is matched by its kind (procedures.department_kind).
DEPARTMENT_KINDS = {
    "van_phong": "Văn phòng HĐND và UBND",
    "kinh_te": "Phòng Kinh tế / Kinh tế, Hạ tầng và Đô thị",
    "van_hoa_xa_hoi": "Phòng Văn hóa – Xã hội",
    "dia_chinh": "Chi nhánh Văn phòng đăng ký đất đai",
}


def unit_code(kind: str, name: str) -> str:
    return ascii_fold(name.removeprefix(KIND_PREFIX.get(kind, ""))).upper().replace(" ", "")


def list_units(conn: Connection) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(select(units).order_by(units.c.kind, units.c.name))]


def get_unit(conn: Connection, unit_id: int) -> dict:
    row = conn.execute(select(units).where(units.c.id == unit_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy đơn vị.")
    return dict(row._mapping)


def unit_by_code(conn: Connection, code: str) -> dict:
    row = conn.execute(select(units).where(units.c.code == (code or "").strip().upper())).first()
    if row is None:
        raise NotFound(f"Không có phường/xã mã '{code}'.")
    return dict(row._mapping)


def list_departments(conn: Connection, actor: Actor, unit_id: int) -> list[dict]:
    actor.require_unit(unit_id)
    query = select(departments).where(departments.c.unit_id == unit_id).order_by(departments.c.name)
    return [dict(r._mapping) for r in conn.execute(query)]


def create_department(conn: Connection, actor: Actor, *, unit_id: int, code: str, name: str, kind: str) -> int:
    actor.require(ADMIN)
    code, name = code.strip().lower(), nfc(name)
    if not code or not name:
        raise ValidationError("Mã và tên phòng ban không được để trống.")
    if kind not in DEPARTMENT_KINDS:
        raise ValidationError("Loại phòng ban không hợp lệ.")
    get_unit(conn, unit_id)
    taken = conn.scalar(select(departments.c.id).where(departments.c.unit_id == unit_id, departments.c.code == code))
    if taken:
        raise Conflict(f"Đơn vị đã có phòng ban mã '{code}'.")
    new_id = conn.execute(
        insert(departments).values(unit_id=unit_id, code=code, name=name, kind=kind, active=True)
    ).inserted_primary_key[0]
    audit.record(conn, actor, action="create", entity="department", entity_id=new_id, unit_id=unit_id, name=name)
    return new_id


def set_department_active(conn: Connection, actor: Actor, *, department_id: int, active: bool) -> None:
    actor.require(ADMIN)
    row = conn.execute(select(departments).where(departments.c.id == department_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy phòng ban.")
    conn.execute(update(departments).where(departments.c.id == department_id).values(active=active))
    audit.record(
        conn,
        actor,
        action="activate" if active else "deactivate",
        entity="department",
        entity_id=department_id,
        unit_id=row.unit_id,
    )


def department_for_kind(conn: Connection, *, unit_id: int, kind: str | None) -> dict | None:
    if not kind:
        return None
    row = conn.execute(
        select(departments)
        .where(departments.c.unit_id == unit_id, departments.c.kind == kind, departments.c.active.is_(True))
        .order_by(departments.c.id)
    ).first()
    return dict(row._mapping) if row else None
