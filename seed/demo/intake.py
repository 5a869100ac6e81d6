"""Demo data for the counter in Ngũ Hành Sơn: civil-status dossiers waiting for a decision, ready to return,
returned with a rating (one late), and a refusal slip, all through the real intake, decision and return services."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import Connection, select

from db.schema import dossiers
from services.accounts.accounts import load_actor
from services.core.clock import LOCAL_TZ, local, now
from services.dossiers import counter_results, intake, returns

DEMO_NOTE = "Dữ liệu mẫu (tiếp nhận tại quầy)"
CITIZENS = {
    "an": dict(full_name="Nguyễn Văn An", cccd="048094001357", birth_date="05/09/1994", phone="0905123457"),
    "bich": dict(full_name="Trần Thị Bích", cccd="049196005679", birth_date="12/01/1996", phone="0935765431"),
    "hung": dict(full_name="Lê Minh Hùng", cccd="048090002468", birth_date="20/11/1990", phone="0914222333"),
    "thao": dict(full_name="Phạm Thị Thảo", cccd="048193003579", birth_date="03/04/1993", phone="0987444555"),
    "khoa": dict(full_name="Võ Đăng Khoa", cccd="048088004680", birth_date="15/06/1988", phone="0978666777"),
    "lan": dict(full_name="Đỗ Thị Ngọc Lan", cccd="049199005791", birth_date="09/02/1999", phone="0796888999"),
}
ADDRESS = "Phường Ngũ Hành Sơn, TP Đà Nẵng"
# (days ago, hour, procedure, applicant, second party, what happened since)
DEMO_INTAKES = [
    (0, 8, "ket_hon", "hung", "thao", "waiting"),
    (0, 8, "khai_tu", "khoa", None, "waiting_verification"),
    (1, 9, "khai_sinh", "lan", None, "ready"),
    (3, 10, "chung_thuc_ban_sao", "khoa", None, "returned_late"),
    (6, 9, "ket_hon", "an", "bich", "returned"),
]


def seed_intake_demo(conn: Connection) -> None:
    if conn.scalar(select(dossiers.c.id).where(dossiers.c.notes == DEMO_NOTE).limit(1)):
        return
    clerk = load_actor(conn, "motcua.nhs")
    if clerk is None:
        return
    today = local(now()).date()
    for days_ago, hour, procedure_code, first, second, outcome in DEMO_INTAKES:
        received_at = datetime.combine(today - timedelta(days=days_ago), time(hour, 15), tzinfo=LOCAL_TZ)
        receipt = intake.receive_dossier(
            conn,
            clerk,
            procedure_code=procedure_code,
            applicant={**CITIZENS[first], "address": ADDRESS},
            second_party={**CITIZENS[second], "address": ADDRESS} if second else None,
            vneid_support="activated" if procedure_code == "ket_hon" else "none",
            verification=outcome == "waiting_verification",
            received_at=min(received_at, now()),
            notes=DEMO_NOTE,
        )
        _follow_up(conn, clerk, receipt, outcome, CITIZENS[first])
    intake.refuse_intake(
        conn,
        clerk,
        procedure_code="ket_hon",
        applicant_name="Huỳnh Văn Tài",
        reasons=["Thiếu giấy xác nhận tình trạng hôn nhân của bên nam (thường trú nơi khác)."],
        at=now() - timedelta(days=2),
    )


def _follow_up(conn: Connection, clerk, receipt: intake.Receipt, outcome: str, citizen: dict) -> None:
    if outcome.startswith("waiting"):
        return
    shift = timedelta(hours=20) if outcome == "returned_late" else -timedelta(hours=3)
    decided_at = min(max(receipt.due_at + shift, receipt.received_at), now())
    counter_results.record_decision(
        conn, clerk, dossier_id=receipt.dossier_id, expected_version=1, approve=True, at=decided_at
    )
    if outcome == "ready":
        return
    returns.return_result(
        conn,
        clerk,
        dossier_id=receipt.dossier_id,
        expected_version=2,
        collector_name=citizen["full_name"],
        collector_cccd=citizen["cccd"],
        rating="not_satisfied" if outcome == "returned_late" else "satisfied",
        rating_comment="Phải đi lại hai lần." if outcome == "returned_late" else "Cán bộ hướng dẫn tận tình.",
        at=min(decided_at + timedelta(hours=1), now()),
    )
