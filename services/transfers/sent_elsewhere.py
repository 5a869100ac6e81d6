"""Hồ sơ gửi đơn vị khác: dossiers this unit received that another unit processes (or that wait for dispatch),
with where the paper and the result are and whether a shipment is overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import aliased

from db.schema import departments, dossiers, procedures, units
from services.catalog.procedures import calendar_for_unit
from services.core.clock import now
from services.core.errors import PermissionDenied
from services.core.roles import CLERK, LEADER, Actor
from services.dossiers.flow import OPEN_STATUSES, STATUS_LABELS
from services.dossiers.whereabouts import PAPER, RESULT, Whereabouts, whereabouts_of
from services.processing.worklist import timing
from services.transfers import postal

RECENT = timedelta(days=30)
MAX_ROWS = 500


def sent_elsewhere(
    conn: Connection, actor: Actor, *, include_finished: bool = False, at: datetime | None = None
) -> list[dict]:
    """Open ones first by appointment; with `include_finished`, also those returned in the last 30 days."""
    actor.require(CLERK, LEADER)
    if actor.unit_id is None:
        raise PermissionDenied("Tài khoản chưa được gán phường/xã.")
    at = at or now()
    rows = [dict(r._mapping) for r in conn.execute(_query(actor.unit_id, include_finished, at))]
    return _with_places(conn, rows, at)


def _query(unit_id: int, include_finished: bool, at: datetime):
    processing, land = aliased(units), aliased(units)
    wanted = dossiers.c.status.in_(OPEN_STATUSES)
    if include_finished:
        wanted = or_(wanted, dossiers.c.updated_at >= at - RECENT)
    return (
        select(
            dossiers,
            procedures.c.name.label("procedure_name"),
            processing.c.name.label("processing_unit"),
            land.c.name.label("land_unit"),
            departments.c.name.label("department"),
        )
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .outerjoin(processing, processing.c.id == dossiers.c.processing_unit_id)
        .outerjoin(land, land.c.id == dossiers.c.land_unit_id)
        .outerjoin(departments, departments.c.id == dossiers.c.department_id)
        .where(
            dossiers.c.receiving_unit_id == unit_id,
            or_(dossiers.c.processing_unit_id.is_(None), dossiers.c.processing_unit_id != unit_id),
            wanted,
        )
        .order_by(dossiers.c.due_at, dossiers.c.id)
        .limit(MAX_ROWS)
    )


def _with_places(conn: Connection, rows: list[dict], at: datetime) -> list[dict]:
    papers = whereabouts_of(conn, rows, PAPER)
    results = whereabouts_of(conn, rows, RESULT)
    in_post = postal.open_shipments_of(conn, [row["id"] for row in rows], at)
    unit_names = dict(conn.execute(select(units.c.id, units.c.name)).all())
    calendars: dict = {}
    for row in rows:
        finished = row["status"] in ("result_ready", "result_in_transit", "returned", "rejected", "withdrawn")
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
        row["paper_at"] = _place_label(papers[row["id"]], unit_names)
        row["result_at"] = _place_label(results[row["id"]], unit_names) if finished else ""
        shipment = in_post.get(row["id"])
        row["tracking_number"] = shipment["tracking_number"] if shipment else ""
        row["shipment_overdue"] = bool(shipment and shipment["overdue"])
        if row["status"] in OPEN_STATUSES and not finished:
            unit_id = row["processing_unit_id"] or row["receiving_unit_id"]
            calendar = calendars.setdefault(unit_id, calendar_for_unit(conn, unit_id))
            row.update(timing(calendar, row, at))
        else:
            row.update({"remaining_seconds": None, "urgency": ""})
    return rows


def _place_label(place: Whereabouts, unit_names: dict) -> str:
    if place.delivered:
        return "Đã phát cho công dân"
    if place.in_transit:
        return f"Đang gửi bưu chính ({place.shipment['tracking_number']})"
    return unit_names.get(place.unit_id, "")
