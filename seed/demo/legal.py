"""Demo data for the legal rules: a counter supplement request slip and a withdrawn dossier in Ngũ Hành Sơn, through
the real services (the construction-permit demo dossiers get their step deadlines in seed/demo/processing.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, select

from db.schema import counter_supplement_slips
from services.accounts.accounts import load_actor
from services.core.clock import now
from services.dossiers import counter_forms as legal_counter_forms
from services.dossiers import intake
from services.processing import withdrawal as legal_withdrawal

DEMO_APPLICANT = "Trương Văn Lộc"


def seed_legal_demo(conn: Connection) -> None:
    clerk = load_actor(conn, "motcua.nhs")
    if clerk is None or conn.scalar(select(counter_supplement_slips.c.id).limit(1)):
        return
    legal_counter_forms.request_counter_supplement(
        conn, clerk, procedure_code="gpxd_nha_o", applicant_name=DEMO_APPLICANT, applicant_phone="0905777888",
        items=[{"name": "Bản vẽ thiết kế xây dựng", "action": "Nộp đủ 2 bản, có chữ ký của người thiết kế"},
               {"name": "Giấy tờ chứng minh quyền sử dụng đất", "action": "Mang bản chính để đối chiếu"}],
        at=now() - timedelta(hours=3),
    )  # fmt: skip
    receipt = intake.receive_dossier(
        conn, clerk, procedure_code="chung_thuc_ban_sao", received_at=now() - timedelta(hours=2),
        applicant=dict(full_name=DEMO_APPLICANT, cccd="048087006802", birth_date="14/07/1987", phone="0905777888"),
        notes="Dữ liệu mẫu (rút hồ sơ)",
    )  # fmt: skip
    legal_withdrawal.withdraw(
        conn, clerk, dossier_id=receipt.dossier_id, expected_version=1, reason="Công dân chưa mang đủ bản chính",
        requested_by=DEMO_APPLICANT, signature_confirmed=True, at=now() - timedelta(hours=1),
    )  # fmt: skip
