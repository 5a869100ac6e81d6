"""Demo data for department processing: construction-permit dossiers in Ngũ Hành Sơn's Kinh tế department, received
on past days so that some are fresh, some near their appointment and one overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from db.schema import dossiers
from seed.demo.people import citizen
from services.accounts.accounts import load_actor
from services.core.clock import local, now
from services.dossiers import flow as dossier_flow
from services.dossiers import intake
from services.processing import actions as processing

DEMO_PROCEDURE = "gpxd_nha_o"
DEMO_UNIT = "NGUHANHSON"
DEMO_NOTE = "Dữ liệu mẫu (xử lý tại phòng chuyên môn)"
PEOPLE_FROM = 100
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


def seed_processing_demo(conn: Connection) -> None:
    """Received at the counter through the intake service; idempotent: a second run finds the demo note and stops."""
    clerk, head, specialist = (load_actor(conn, name) for name in ("motcua.nhs", "truongphong.nhs", "chuyenvien.nhs"))
    if None in (clerk, head, specialist) or conn.scalar(select(dossiers.c.id).where(dossiers.c.notes == DEMO_NOTE)):
        return
    today = now().replace(hour=2, minute=30, second=0, microsecond=0)  # 09:30 local time
    for index, (days_ago, applicant, stage) in enumerate(DEMO_DOSSIERS):
        received_at = _weekday_before(today - timedelta(days=days_ago))
        sex = "female" if {"Thị", "Ngọc"} & set(applicant.split()) else "male"
        person = {**citizen(PEOPLE_FROM + index, sex=sex, born=1970 + index), "full_name": applicant}
        receipt = intake.receive_dossier(
            conn, clerk, procedure_code=DEMO_PROCEDURE, applicant=person, received_at=received_at, notes=DEMO_NOTE
        )
        _advance(conn, dossier_flow.load(conn, receipt.dossier_id), stage, head, specialist, received_at)


def _weekday_before(moment: datetime) -> datetime:
    while local(moment).weekday() >= 5:
        moment -= timedelta(days=1)
    return moment


def _advance(conn: Connection, dossier: dict, stage: str, head, specialist, received_at: datetime) -> None:
    if stage == "transferred":
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
