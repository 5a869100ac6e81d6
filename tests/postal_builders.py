"""Builders for the any-point routing and postal tests: a land dossier received in Ngũ Hành Sơn for land elsewhere,
a third ward with its own land office and staff, and the steps of scenario 3 through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from db.engine import read, write
from db.schema import departments, dossier_events, dossiers, postal_shipments, units
from services.accounts.accounts import NewUser, create_user, load_actor
from services.core.clock import LOCAL_TZ
from services.core.units import create_department
from services.dossiers import flow as dossier_flow
from services.dossiers import intake
from services.transfers import postal
from tests.builders import actor

# Tuesday 10 March 2026, 09:00 in Đà Nẵng: a plain working day.
TUESDAY_9AM = datetime(2026, 3, 10, 9, 0, tzinfo=LOCAL_TZ)
LAND = "bien_dong_dat_dai"
OWNER = {
    "full_name": "Trần Văn Phúc",
    "cccd": "048085006123",
    "birth_date": "14/07/1985",
    "phone": "0905006123",
    "address": "27 Lê Văn Hiến, Ngũ Hành Sơn",
}


def unit_id(engine, code: str) -> int:
    with read(engine) as conn:
        return conn.scalar(select(units.c.id).where(units.c.code == code))


def department_id(engine, code: str, kind: str = "dia_chinh") -> int | None:
    with read(engine) as conn:
        return conn.scalar(
            select(departments.c.id).where(departments.c.unit_id == unit_id(engine, code), departments.c.kind == kind)
        )


def receive_land(engine, *, land: str = "HAICHAU", clerk: str = "motcua.nhs", at: datetime = TUESDAY_9AM):
    with write(engine) as conn:
        return intake.receive_dossier(
            conn,
            actor(engine, clerk),
            procedure_code=LAND,
            applicant=OWNER,
            land_unit_id=unit_id(engine, land),
            received_at=at,
        )


def third_ward(engine) -> dict:
    """Sơn Trà with a land office, a clerk, a land specialist and a leader: staff who must never see the dossier."""
    admin = actor(engine, "admin")
    son_tra = unit_id(engine, "SONTRA")
    with write(engine) as conn:
        department = create_department(
            conn, admin, unit_id=son_tra, code="dia_chinh", name="Chi nhánh VPĐKĐĐ Sơn Trà", kind="dia_chinh"
        )
        for username, roles, dept in (
            ("motcua.st", ("clerk",), None),
            ("diachinh.st", ("specialist", "department_head"), department),
            ("lanhdao.st", ("leader",), None),
        ):
            create_user(conn, admin, NewUser(username, username, roles, son_tra, dept), "motcua@2026")
        return {name: load_actor(conn, name) for name in ("motcua.st", "diachinh.st", "lanhdao.st")}


def ship(engine, username: str, dossier_ids, *, kind="dossier", number="EB123456789VN", sent_at=None, **extra) -> int:
    with write(engine) as conn:
        return postal.send_shipment(
            conn,
            actor(engine, username),
            kind=kind,
            carrier="vnpost",
            tracking_number=number,
            dossier_ids=list(dossier_ids),
            sent_at=sent_at,
            at=(sent_at or TUESDAY_9AM) + timedelta(minutes=1),
            **extra,
        )


def confirm(engine, username: str, shipment_id: int, *, at=None):
    with write(engine) as conn:
        return postal.confirm_receipt(conn, actor(engine, username), shipment_id=shipment_id, at=at)


def complete(engine, username: str, dossier_id: int, *, at: datetime):
    """The land office takes the dossier and records its result (the department's own screens do the same)."""
    me = actor(engine, username)
    with write(engine) as conn:
        dossier = dossier_flow.load(conn, dossier_id)
        dossier = dossier_flow.transition(conn, me, dossier, "assign", at=at, assignee_id=me.user_id)
        dossier_flow.transition(
            conn,
            me,
            dossier,
            "complete",
            at=at,
            result_ready_at=at,
            finished_at=at,
            is_late=False,
            event={"to_unit_id": dossier["receiving_unit_id"]},
        )


def snapshot(engine) -> tuple:
    """Counts and versions that any change would move."""
    with read(engine) as conn:
        return (
            conn.scalar(select(func.count()).select_from(dossiers)),
            conn.scalar(select(func.sum(dossiers.c.version))),
            conn.scalar(select(func.count()).select_from(dossier_events)),
            conn.scalar(select(func.count()).select_from(postal_shipments)),
            tuple(conn.execute(select(postal_shipments.c.id, postal_shipments.c.status)).all()),
        )


def load(engine, dossier_id: int) -> dict:
    with read(engine) as conn:
        return dossier_flow.load(conn, dossier_id)
