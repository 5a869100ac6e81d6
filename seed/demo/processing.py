"""Demo data for department processing: construction-permit dossiers in Ngũ Hành Sơn's Kinh tế department, received
on past days so that some are fresh, some near their appointment and one overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select

from db.schema import dossiers, units, users
from services.accounts.accounts import load_actor
from services.catalog.procedures import compute_due, get_procedure
from services.catalog.routing import route_new_dossier
from services.core.clock import local, now
from services.dossiers import flow as dossier_flow
from services.processing import actions as processing

DEMO_PROCEDURE = "gpxd_nha_o"
DEMO_UNIT = "NGUHANHSON"
DEMO_SEQ_START = 9001  # far above a day's real intake numbers, and only on past days
# (calendar days ago, applicant, what happened since)
DEMO_DOSSIERS = [
    (1, "Trần Văn Hải", "transferred"),
    (3, "Nguyễn Thị Mỹ", "transferred"),
    (6, "Lê Quang Vinh", "assigned"),
    (10, "Phạm Thị Thu", "supplement"),
    (19, "Huỳnh Ngọc Ánh", "assigned"),
    (20, "Đỗ Minh Tâm", "assigned"),
    (26, "Võ Thị Kim Oanh", "assigned"),
]


def insert_received_dossier(
    conn: Connection,
    *,
    unit_id: int,
    procedure_code: str,
    received_at: datetime,
    applicant_name: str,
    code: str,
    clerk_username: str | None = None,
) -> dict:
    """A dossier as intake leaves it: received, routed, and for a department procedure transferred at once."""
    procedure = get_procedure(conn, procedure_code)
    route = route_new_dossier(conn, procedure=procedure, receiving_unit_id=unit_id, land_unit_id=None)
    clerk = load_actor(conn, clerk_username) if clerk_username else None
    due = compute_due(conn, procedure=procedure, unit_id=route.processing_unit_id or unit_id, received_at=received_at)
    values = dict(
        code=code,
        procedure_id=procedure["id"],
        receiving_unit_id=unit_id,
        processing_unit_id=route.processing_unit_id,
        department_id=route.department_id,
        received_by=clerk.user_id if clerk else None,
        status=dossier_flow.next_status(None, route.action),
        applicant_name=applicant_name,
        deadline_kind=procedure["deadline_kind"],
        deadline_amount=procedure["deadline_amount"],
        submitted_at=received_at,
        received_at=received_at,
        due_at=due,
        original_due_at=due,
        updated_at=received_at,
    )
    dossier_id = conn.execute(insert(dossiers).values(**values)).inserted_primary_key[0]
    dossier_flow.add_event(
        conn, clerk, dossier_id, route.action, None, values["status"], at=received_at, event={"step_due_at": due}
    )
    dossier = dossier_flow.load(conn, dossier_id)
    if route.then:
        dossier = dossier_flow.transition(
            conn,
            clerk,
            dossier,
            route.then,
            at=received_at + timedelta(minutes=5),
            event={"to_department_id": route.department_id, "step_due_at": due},
        )
    return dossier


def seed_processing_demo(conn: Connection) -> None:
    """Idempotent: the demo codes are fixed per receipt day, so a second run finds them and adds nothing."""
    unit_id = conn.scalar(select(units.c.id).where(units.c.code == DEMO_UNIT))
    if unit_id is None or conn.scalar(select(users.c.id).where(users.c.username == "truongphong.nhs")) is None:
        return
    head = load_actor(conn, "truongphong.nhs")
    specialist = load_actor(conn, "chuyenvien.nhs")
    today = now().replace(hour=2, minute=30, second=0, microsecond=0)  # 09:30 local time
    for index, (days_ago, applicant, stage) in enumerate(DEMO_DOSSIERS):
        received_at = _weekday_before(today - timedelta(days=days_ago))
        code = f"{DEMO_UNIT}-{local(received_at).strftime('%y%m%d')}-{DEMO_SEQ_START + index}"
        if conn.scalar(select(dossiers.c.id).where(dossiers.c.code == code)):
            continue
        dossier = insert_received_dossier(
            conn,
            unit_id=unit_id,
            procedure_code=DEMO_PROCEDURE,
            received_at=received_at,
            applicant_name=applicant,
            code=code,
            clerk_username="motcua.nhs",
        )
        _advance(conn, dossier, stage, head, specialist, received_at)


def _weekday_before(moment: datetime) -> datetime:
    while local(moment).weekday() >= 5:
        moment -= timedelta(days=1)
    return moment


def _advance(conn: Connection, dossier: dict, stage: str, head, specialist, received_at: datetime) -> None:
    if stage == "transferred" or head is None or specialist is None:
        return
    dossier = processing.assign(
        conn,
        head,
        dossier_id=dossier["id"],
        assignee_id=specialist.user_id,
        expected_version=dossier["version"],
        at=received_at + timedelta(hours=2),
    )
    if stage == "supplement":
        processing.request_supplement(
            conn,
            specialist,
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
            items=["Bản vẽ mặt bằng móng có chữ ký của chủ đầu tư", "Bản sao giấy chứng nhận quyền sử dụng đất"],
            at=received_at + timedelta(days=2),
        )
