"""Where a new dossier goes: which unit processes it, which department, and in which state it starts; and the
routing table (procedure × land unit → processing unit and department) that admins edit.

For an any_point procedure an explicit row of the table wins; without one, the default rule sends the dossier to the
land unit's department of the procedure's kind. When neither gives an active department the dossier starts in the
city dispatch queue (`awaiting_dispatch`), so it is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from db.schema import departments, procedures, routing_rules, units
from services.catalog.procedures import get_procedure_by_id
from services.core import audit
from services.core.clock import now
from services.core.errors import NotFound, ValidationError
from services.core.roles import ADMIN, CITY_LEADER, Actor
from services.core.units import department_for_kind

SOURCE_LABELS = {
    "rule": "Quy tắc riêng",
    "default": "Mặc định: phòng cùng lĩnh vực của nơi có đất",
    "none": "Chưa có nơi xử lý → hàng chờ điều phối",
}
NOT_A_UNIT = "Nơi có đất phải là một trong 94 phường, xã, đặc khu của thành phố."


@dataclass(frozen=True)
class Route:
    processing_unit_id: int | None
    department_id: int | None
    action: str  # the first dossier_flow action: receive | receive_unrouted
    then: str | None = None  # transfer: a department procedure goes straight to its department


@dataclass(frozen=True)
class Target:
    unit_id: int
    department_id: int
    source: str  # rule | default


def route_new_dossier(conn: Connection, *, procedure: dict, receiving_unit_id: int, land_unit_id: int | None) -> Route:
    """at_counter: decided by the receiving unit's one-stop section. department: sent on receipt to the department of
    the receiving unit that handles the procedure. any_point: by the routing table for the land unit."""
    mode = procedure["mode"]
    if mode == "at_counter":
        return Route(receiving_unit_id, None, "receive")
    if mode == "any_point" and land_unit_id:
        target = target_for_land(conn, procedure=procedure, land_unit_id=land_unit_id)
    else:
        target = _default_target(conn, procedure, receiving_unit_id)
    if target is None:
        return Route(None, None, "receive_unrouted")
    return Route(target.unit_id, target.department_id, "receive", then="transfer")


def target_for_land(conn: Connection, *, procedure: dict, land_unit_id: int) -> Target | None:
    rule = _rule(conn, procedure["id"], land_unit_id)
    if rule is not None:
        return rule if _department_active(conn, rule.department_id) else None
    return _default_target(conn, procedure, land_unit_id)


def _rule(conn: Connection, procedure_id: int, land_unit_id: int) -> Target | None:
    row = conn.execute(
        select(routing_rules.c.processing_unit_id, routing_rules.c.department_id).where(
            routing_rules.c.procedure_id == procedure_id, routing_rules.c.land_unit_id == land_unit_id
        )
    ).first()
    return Target(row.processing_unit_id, row.department_id, "rule") if row else None


def _default_target(conn: Connection, procedure: dict, unit_id: int) -> Target | None:
    department = department_for_kind(conn, unit_id=unit_id, kind=procedure.get("department_kind"))
    return Target(unit_id, department["id"], "default") if department else None


def _department_active(conn: Connection, department_id: int) -> bool:
    return bool(conn.scalar(select(departments.c.active).where(departments.c.id == department_id)))


# --- the routing table, edited by admins -------------------------------------------------------------------------


def any_point_procedures(conn: Connection, actor: Actor) -> list[dict]:
    actor.require(ADMIN, CITY_LEADER)
    query = select(procedures.c.id, procedures.c.code, procedures.c.name, procedures.c.department_kind).where(
        procedures.c.mode == "any_point"
    )
    return [dict(row._mapping) for row in conn.execute(query.order_by(procedures.c.name))]


def routing_table(conn: Connection, actor: Actor, *, procedure_id: int) -> list[dict]:
    """Every land unit with where its dossiers of this procedure go now, and whether an explicit rule says so.
    Decided in bulk by the same rules as target_for_land, so the page costs a handful of queries."""
    actor.require(ADMIN, CITY_LEADER)
    procedure = _any_point_procedure(conn, procedure_id)
    rule_rows = conn.execute(select(routing_rules).where(routing_rules.c.procedure_id == procedure_id))
    rules = {row.land_unit_id: Target(row.processing_unit_id, row.department_id, "rule") for row in rule_rows}
    active = conn.execute(select(departments).where(departments.c.active.is_(True)).order_by(departments.c.id)).all()
    active_ids = {row.id for row in active}
    defaults: dict[int, Target] = {}
    for row in active:
        if row.kind == procedure.get("department_kind") and row.unit_id not in defaults:
            defaults[row.unit_id] = Target(row.unit_id, row.id, "default")
    unit_names = dict(conn.execute(select(units.c.id, units.c.name)).all())
    department_names = {row.id: row.name for row in active}
    rows = []
    for unit_id, name in sorted(unit_names.items(), key=lambda item: item[1]):
        target = rules.get(unit_id) or defaults.get(unit_id)
        if target is not None and target.department_id not in active_ids:
            target = None
        rows.append(
            {
                "land_unit_id": unit_id,
                "land_unit": name,
                "processing_unit_id": target.unit_id if target else None,
                "processing_unit": unit_names.get(target.unit_id, "") if target else "",
                "department": department_names.get(target.department_id, "") if target else "",
                "source": "rule" if unit_id in rules else (target.source if target else "none"),
            }
        )
    return rows


def _any_point_procedure(conn: Connection, procedure_id: int) -> dict:
    procedure = get_procedure_by_id(conn, procedure_id)
    if procedure["mode"] != "any_point":
        raise ValidationError(f"Thủ tục “{procedure['name']}” không tiếp nhận không phụ thuộc địa giới hành chính.")
    return procedure


def require_unit(conn: Connection, unit_id: int | None, message: str = NOT_A_UNIT) -> dict:
    row = conn.execute(select(units).where(units.c.id == unit_id)).first() if unit_id is not None else None
    if row is None:
        raise ValidationError(message)
    return dict(row._mapping)


def require_department_of(conn: Connection, *, unit_id: int, department_id: int | None) -> dict:
    row = conn.execute(select(departments).where(departments.c.id == department_id)).first()
    if row is None or row.unit_id != unit_id:
        raise ValidationError("Phòng chuyên môn phải thuộc đơn vị xử lý đã chọn.")
    if not row.active:
        raise ValidationError(f"“{row.name}” đang ngừng hoạt động; chọn phòng khác.")
    return dict(row._mapping)


def set_route(
    conn: Connection,
    actor: Actor,
    *,
    procedure_id: int,
    land_unit_id: int,
    processing_unit_id: int,
    department_id: int,
) -> None:
    """An explicit rule: dossiers of this procedure for land in `land_unit_id` go to this unit and department."""
    actor.require(ADMIN)
    procedure = _any_point_procedure(conn, procedure_id)
    require_unit(conn, land_unit_id)
    require_unit(conn, processing_unit_id, "Đơn vị xử lý phải là một trong 94 phường, xã, đặc khu của thành phố.")
    require_department_of(conn, unit_id=processing_unit_id, department_id=department_id)
    values = dict(
        processing_unit_id=processing_unit_id, department_id=department_id, updated_by=actor.username, updated_at=now()
    )
    match = (routing_rules.c.procedure_id == procedure_id) & (routing_rules.c.land_unit_id == land_unit_id)
    if conn.execute(update(routing_rules).where(match).values(**values)).rowcount == 0:
        conn.execute(insert(routing_rules).values(procedure_id=procedure_id, land_unit_id=land_unit_id, **values))
    audit.record(
        conn,
        actor,
        action="set_route",
        entity="routing_rule",
        entity_id=f"{procedure['code']}:{land_unit_id}",
        processing_unit_id=processing_unit_id,
        department_id=department_id,
    )


def clear_route(conn: Connection, actor: Actor, *, procedure_id: int, land_unit_id: int) -> None:
    """Back to the default rule for this land unit."""
    actor.require(ADMIN)
    procedure = _any_point_procedure(conn, procedure_id)
    match = (routing_rules.c.procedure_id == procedure_id) & (routing_rules.c.land_unit_id == land_unit_id)
    if conn.execute(delete(routing_rules).where(match)).rowcount == 0:
        raise NotFound("Nơi có đất này chưa có quy tắc riêng; đang dùng quy tắc mặc định.")
    audit.record(
        conn, actor, action="clear_route", entity="routing_rule", entity_id=f"{procedure['code']}:{land_unit_id}"
    )


def unit_choices(conn: Connection) -> dict[int, str]:
    return dict(conn.execute(select(units.c.id, units.c.name).order_by(units.c.name)).all())


def department_choices(conn: Connection, *, unit_id: int) -> dict[int, str]:
    query = select(departments.c.id, departments.c.name).where(
        departments.c.unit_id == unit_id, departments.c.active.is_(True)
    )
    return dict(conn.execute(query.order_by(departments.c.name)).all())
