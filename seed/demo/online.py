"""Demo data for online submission and notifications in Ngũ Hành Sơn: a marriage waiting in the online inbox, a birth
registration waiting for a supplement, the notifications they queued, and the staff's near-due alerts — all through
the real services. The two tiny PDF scans go to the configured file storage (data/files by default)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, select

from config import load_settings
from db.schema import online_submissions
from services.accounts.accounts import load_actor
from services.core.clock import now
from services.core.files import store_from_settings
from services.core.units import unit_by_code
from services.delivery import alerts as notify_alerts
from services.online import submission as online_submission

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GROOM = dict(full_name="Huỳnh Văn Phúc", cccd="048096003131", birth_date="14/07/1996", phone="0905333444",
             email="phuc.demo@example.vn", address="Phường Ngũ Hành Sơn, TP Đà Nẵng")  # fmt: skip
BRIDE = dict(full_name="Ngô Thị Mai", cccd="049198004242", birth_date="22/10/1998", phone="0935444555")
MOTHER = dict(full_name="Trương Thị Hạnh", cccd="049195005353", birth_date="01/03/1995", phone="0914555666",
              email="hanh.demo@example.vn")  # fmt: skip


def seed_online_demo(conn: Connection) -> None:
    clerk = load_actor(conn, "motcua.nhs")
    if clerk is None or conn.scalar(select(online_submissions.c.id).limit(1)):
        return
    unit_id = unit_by_code(conn, "NGUHANHSON")["id"]
    store = store_from_settings(load_settings())
    at = now() - timedelta(hours=2)
    marriage = online_submission.NewSubmission(
        unit_id=unit_id, procedure_code="ket_hon", applicant=GROOM, second_party=BRIDE, consent=True,
        uploads=[("Tờ khai đăng ký kết hôn (có chữ ký của hai bên)", "to_khai_ket_hon.pdf", PDF)],
    )  # fmt: skip
    online_submission.submit_online(conn, store=store, submission=marriage, at=at)
    birth = online_submission.NewSubmission(
        unit_id=unit_id, procedure_code="khai_sinh", applicant=MOTHER, consent=True,
        uploads=[("Tờ khai đăng ký khai sinh", "to_khai_khai_sinh.pdf", PDF + b"%demo")],
    )  # fmt: skip
    submitted = online_submission.submit_online(conn, store=store, submission=birth, at=at + timedelta(minutes=20))
    online_submission.request_supplement(
        conn, clerk, submission_id=submitted.submission_id, expected_version=1,
        request="Bổ sung ảnh chụp Giấy chứng sinh (bản chính) của cháu bé.", at=at + timedelta(minutes=50),
    )  # fmt: skip
    _accepted_certified_copy(conn, clerk, unit_id, store, at - timedelta(days=1))
    notify_alerts.scan_near_due(conn)


def _accepted_certified_copy(conn: Connection, clerk, unit_id: int, store, at) -> None:
    """A marital-status confirmation filed online and accepted yesterday (channel 2: the online rate is not 0)."""
    offered = {p["code"]: p for p in online_submission.online_procedures(conn)}
    if "xac_nhan_tthn" not in offered:
        return
    document = offered["xac_nhan_tthn"]["documents"][0]["name"]
    copy = online_submission.NewSubmission(
        unit_id=unit_id, procedure_code="xac_nhan_tthn", applicant=MOTHER, consent=True,
        uploads=[(document, "to_khai.pdf", PDF + b"%status")],
    )  # fmt: skip
    filed = online_submission.submit_online(conn, store=store, submission=copy, at=at)
    online_submission.accept(
        conn, clerk, submission_id=filed.submission_id, expected_version=1, at=at + timedelta(hours=1)
    )
