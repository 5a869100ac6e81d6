"""Where a new dossier goes: which unit processes it, which department, and in which state it starts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from services.units import department_for_kind


@dataclass(frozen=True)
class Route:
    processing_unit_id: int | None
    department_id: int | None
    action: str  # the first dossier_flow action: receive | receive_unrouted
    then: str | None = None  # transfer: a department procedure goes straight to its department


def route_new_dossier(conn: Connection, *, procedure: dict, receiving_unit_id: int, land_unit_id: int | None) -> Route:
    """at_counter: decided by the receiving unit's one-stop section. department: sent on receipt to the department of
    the receiving unit that handles the procedure. any_point: processed by the unit where the land is."""
    mode = procedure["mode"]
    if mode == "at_counter":
        return Route(receiving_unit_id, None, "receive")
    unit_id = land_unit_id if mode == "any_point" and land_unit_id else receiving_unit_id
    department = department_for_kind(conn, unit_id=unit_id, kind=procedure.get("department_kind"))
    if department is None:
        return Route(None, None, "receive_unrouted")
    return Route(unit_id, department["id"], "receive", then="transfer")
