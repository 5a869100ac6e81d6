"""The city dispatch queue: dossiers no route matched wait here (awaiting_dispatch) until an admin chooses the unit
and department that will process them, optionally remembering the choice as a routing rule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from db.schema import dossiers, procedures, units
from services.catalog import routing
from services.core import audit
from services.core.clock import now
from services.core.errors import Conflict
from services.core.roles import ADMIN, CITY_LEADER, Actor
from services.dossiers import flow as dossier_flow


def dispatch_queue(conn: Connection, actor: Actor) -> list[dict]:
    """Oldest first: every dossier waiting for a processing unit, city-wide."""
    actor.require(ADMIN, CITY_LEADER)
    receiving, land = aliased(units), aliased(units)
    query = (
        select(
            dossiers.c.id,
            dossiers.c.code,
            dossiers.c.version,
            dossiers.c.received_at,
            dossiers.c.due_at,
            dossiers.c.land_unit_id,
            dossiers.c.receiving_unit_id,
            dossiers.c.procedure_id,
            procedures.c.name.label("procedure_name"),
            procedures.c.mode,
            receiving.c.name.label("receiving_unit"),
            land.c.name.label("land_unit"),
        )
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .join(receiving, receiving.c.id == dossiers.c.receiving_unit_id)
        .outerjoin(land, land.c.id == dossiers.c.land_unit_id)
        .where(dossiers.c.status == "awaiting_dispatch")
        .order_by(dossiers.c.received_at, dossiers.c.id)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def dispatch_dossier(
    conn: Connection,
    actor: Actor,
    *,
    dossier_id: int,
    expected_version: int,
    unit_id: int,
    department_id: int,
    remember: bool = False,
    at: datetime | None = None,
) -> dict:
    """Sends the dossier to the chosen unit's department (dispatch, then transfer, as at intake). The appointment
    given to the citizen at receipt stands."""
    actor.require(ADMIN)
    at = at or now()
    dossier = dossier_flow.load(conn, dossier_id, for_update=True)
    if dossier["version"] != expected_version:
        raise Conflict("Hồ sơ vừa được người khác điều phối hoặc cập nhật. Vui lòng tải lại trang.")
    dossier_flow.next_status(dossier["status"], "dispatch")
    routing.require_unit(conn, unit_id, "Đơn vị xử lý phải là một trong 94 phường, xã, đặc khu của thành phố.")
    routing.require_department_of(conn, unit_id=unit_id, department_id=department_id)
    hand_over = {"to_unit_id": unit_id, "to_department_id": department_id}
    dossier = dossier_flow.transition(
        conn,
        actor,
        dossier,
        "dispatch",
        expected_version=expected_version,
        at=at,
        event=hand_over,
        processing_unit_id=unit_id,
        department_id=department_id,
    )
    dossier = dossier_flow.transition(conn, actor, dossier, "transfer", at=at, event=hand_over)
    if remember and dossier["land_unit_id"]:
        procedure = conn.execute(select(procedures.c.mode).where(procedures.c.id == dossier["procedure_id"])).first()
        if procedure.mode == "any_point":
            routing.set_route(
                conn,
                actor,
                procedure_id=dossier["procedure_id"],
                land_unit_id=dossier["land_unit_id"],
                processing_unit_id=unit_id,
                department_id=department_id,
            )
    audit.record(
        conn, actor, action="dispatch", entity="dossier", entity_id=dossier_id, unit_id=unit_id, code=dossier["code"]
    )
    return dossier
