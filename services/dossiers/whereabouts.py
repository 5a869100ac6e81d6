"""Where the paper is: the paper dossier starts at the receiving unit, the result at the processing unit, and each
moves only with a postal shipment. Read by the postal services, the tracking lists and the return guard.

Only the database tables are imported here, so the state machine (dossier_flow) can ask before a return.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, select

from db.schema import dossier_events, postal_shipment_items, postal_shipments, units
from services.core.clock import format_datetime

PAPER = ("dossier",)  # shipments that move the paper dossier to the processing unit
RESULT = ("result", "citizen")  # shipments that move the result back, or to the citizen's address
# Public steps that hand a dossier from one unit to another: the timeline names the unit that takes it.
UNIT_HAND_OVERS = frozenset({"transfer", "dispatch", "ship_dossier", "receive_paper", "ship_result", "receive_result"})


@dataclass(frozen=True)
class Whereabouts:
    unit_id: int | None  # the unit holding it; None while in the post or once delivered to the citizen
    shipment: dict | None = None  # the last shipment that moved it

    @property
    def in_transit(self) -> bool:
        return self.shipment is not None and self.shipment["status"] == "sent"

    @property
    def delivered(self) -> bool:
        return self.shipment is not None and self.shipment["status"] == "delivered"


def _start_unit(dossier: dict, kinds: tuple[str, ...]) -> int | None:
    if kinds == PAPER:
        return dossier["receiving_unit_id"]
    return dossier.get("processing_unit_id") or dossier["receiving_unit_id"]


def _place(dossier: dict, kinds: tuple[str, ...], shipment: dict | None) -> Whereabouts:
    if shipment is None:
        return Whereabouts(_start_unit(dossier, kinds))
    if shipment["status"] == "received":
        return Whereabouts(shipment["to_unit_id"], shipment)
    return Whereabouts(None, shipment)


def whereabouts_of(conn: Connection, dossiers: Iterable[dict], kinds: tuple[str, ...]) -> dict[int, Whereabouts]:
    """One query for many dossiers: each dossier's last shipment of these kinds decides where it is."""
    by_id = {dossier["id"]: dossier for dossier in dossiers}
    if not by_id:
        return {}
    query = (
        select(postal_shipment_items.c.dossier_id, postal_shipments)
        .join(postal_shipments, postal_shipments.c.id == postal_shipment_items.c.shipment_id)
        .where(postal_shipment_items.c.dossier_id.in_(list(by_id)), postal_shipments.c.kind.in_(kinds))
        .order_by(postal_shipments.c.id)
    )
    last: dict[int, dict] = {}
    for row in conn.execute(query):
        last[row.dossier_id] = dict(row._mapping)
    return {dossier_id: _place(dossier, kinds, last.get(dossier_id)) for dossier_id, dossier in by_id.items()}


def paper_whereabouts(conn: Connection, dossier: dict) -> Whereabouts:
    return whereabouts_of(conn, [dossier], PAPER)[dossier["id"]]


def result_whereabouts(conn: Connection, dossier: dict) -> Whereabouts:
    return whereabouts_of(conn, [dossier], RESULT)[dossier["id"]]


def result_at_counter_problem(conn: Connection, dossier: dict) -> str:
    """Why the receiving counter cannot hand the result over yet ("" when it can): the result must have come back
    from the processing unit, or have been delivered to the citizen by post."""
    where = result_whereabouts(conn, dossier)
    if where.delivered or where.unit_id == dossier["receiving_unit_id"]:
        return ""
    if where.in_transit:
        return (
            f"Kết quả đang gửi qua bưu chính (số hiệu {where.shipment['tracking_number']}); "
            "xác nhận đã nhận trên trang Bưu chính công ích trước khi trả."
        )
    unit = conn.scalar(select(units.c.name).where(units.c.id == where.unit_id)) or "đơn vị xử lý"
    return f"Kết quả còn ở {unit}; đơn vị xử lý phải gửi kết quả về nơi tiếp nhận trước khi trả cho công dân."


def public_timeline(conn: Connection, dossier_id: int, labels: dict[str, str]) -> list[dict]:
    """The citizen's timeline: public steps with their time, and the unit taking over when it changes hands."""
    query = (
        select(
            dossier_events.c.at,
            dossier_events.c.action,
            dossier_events.c.unit_id,
            dossier_events.c.to_unit_id,
            units.c.name.label("to_unit"),
        )
        .outerjoin(units, units.c.id == dossier_events.c.to_unit_id)
        .where(dossier_events.c.dossier_id == dossier_id, dossier_events.c.public.is_(True))
        .order_by(dossier_events.c.id)
    )
    return [{"at": format_datetime(row.at), "label": _step_label(row, labels)} for row in conn.execute(query)]


def _step_label(row, labels: dict[str, str]) -> str:
    label = labels.get(row.action, row.action)
    if row.action not in UNIT_HAND_OVERS or not row.to_unit:
        return label
    if row.action == "receive_paper":
        return f"{label} tại {row.to_unit}"
    return f"{label} → {row.to_unit}" if row.to_unit_id != row.unit_id else label
