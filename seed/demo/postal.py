"""Demo data for trial scenario 3: Ngũ Hành Sơn receives land dossiers for land elsewhere. One for land in Hải Châu
is in the post to Hải Châu; one for land in Hòa Cường (routed to Hải Châu by an explicit rule) has a shipment nobody
confirmed, flagged on both sides; one for land in Hòa Vang, where no land office is set up, waits for dispatch."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import Connection, select

from db.schema import dossiers, procedures, units
from services.accounts.accounts import load_actor
from services.catalog import routing
from services.core.clock import LOCAL_TZ, local, now
from services.core.units import department_for_kind
from services.dossiers import intake
from services.transfers import postal

DEMO_NOTE = "Dữ liệu mẫu (tiếp nhận không phụ thuộc địa giới hành chính)"
LAND_PROCEDURE = "bien_dong_dat_dai"
# (days ago, land unit code, applicant, shipment tracking number or None)
DEMO_LAND_DOSSIERS = [
    (1, "HAICHAU", dict(full_name="Trần Văn Phúc", cccd="048085006123", birth_date="14/07/1985"), "EB100000001VN"),
    (6, "HOACUONG", dict(full_name="Nguyễn Thị Hạnh", cccd="049192007234", birth_date="02/03/1992"), "EB100000002VN"),
    (0, "HOAVANG", dict(full_name="Lê Quang Vinh", cccd="048078008345", birth_date="21/11/1978"), None),
]


def seed_postal_demo(conn: Connection) -> None:
    if conn.scalar(select(dossiers.c.id).where(dossiers.c.notes == DEMO_NOTE).limit(1)):
        return
    clerk, admin = load_actor(conn, "motcua.nhs"), load_actor(conn, "admin")
    procedure_id = conn.scalar(select(procedures.c.id).where(procedures.c.code == LAND_PROCEDURE))
    if clerk is None or admin is None or procedure_id is None:
        return
    _seed_rule(conn, admin, procedure_id)
    for days_ago, land_code, person, tracking in DEMO_LAND_DOSSIERS:
        received_at = _working_morning(days_ago)
        receipt = intake.receive_dossier(
            conn,
            clerk,
            procedure_code=LAND_PROCEDURE,
            applicant={**person, "phone": "0905" + person["cccd"][-6:], "address": "Phường Ngũ Hành Sơn, TP Đà Nẵng"},
            land_unit_id=_unit_id(conn, land_code),
            received_at=received_at,
            notes=DEMO_NOTE,
        )
        if tracking:
            postal.send_shipment(
                conn,
                clerk,
                kind="dossier",
                carrier="vnpost",
                tracking_number=tracking,
                dossier_ids=[receipt.dossier_id],
                sent_at=min(received_at + timedelta(hours=2), now()),
            )


def _seed_rule(conn: Connection, admin, procedure_id: int) -> None:
    """Hòa Cường's land dossiers go to Hải Châu's land registration branch (an example of an explicit rule)."""
    hai_chau = _unit_id(conn, "HAICHAU")
    department = department_for_kind(conn, unit_id=hai_chau, kind="dia_chinh")
    if department:
        routing.set_route(
            conn,
            admin,
            procedure_id=procedure_id,
            land_unit_id=_unit_id(conn, "HOACUONG"),
            processing_unit_id=hai_chau,
            department_id=department["id"],
        )


def _working_morning(days_ago: int) -> datetime:
    moment = datetime.combine(local(now()).date() - timedelta(days=days_ago), time(8, 30), tzinfo=LOCAL_TZ)
    return min(moment, now())


def _unit_id(conn: Connection, code: str) -> int:
    return conn.scalar(select(units.c.id).where(units.c.code == code))
