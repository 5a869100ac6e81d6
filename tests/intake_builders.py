"""Builders for intake tests: a marriage couple, a tiny real PDF scan, a fixed working-day moment."""

from __future__ import annotations

from datetime import datetime

from db.engine import write
from services.core.clock import LOCAL_TZ
from services.core.files import LocalFileStore
from services.dossiers.intake import receive_dossier

# Tuesday 10 March 2026, 09:00 in Đà Nẵng: a plain working day.
TUESDAY_9AM = datetime(2026, 3, 10, 9, 0, tzinfo=LOCAL_TZ)
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def groom(**changes) -> dict:
    return {
        "full_name": "Nguyễn Văn An",
        "cccd": "048095001234",
        "birth_date": "05/09/1995",
        "phone": "0905123456",
        "address": "12 Lê Văn Hiến, Ngũ Hành Sơn",
        "email": "",
        **changes,
    }


def bride(**changes) -> dict:
    return {
        "full_name": "Trần Thị Bích",
        "cccd": "049197005678",
        "birth_date": "12/01/1997",
        "phone": "0935765432",
        "address": "45 Trần Phú, Hải Châu",
        **changes,
    }


def store_in(tmp_path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


def stored_files(tmp_path) -> list:
    root = tmp_path / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def receive_marriage(engine, clerk, store, *, at=TUESDAY_9AM, **changes):
    arguments = dict(
        procedure_code="ket_hon",
        applicant=groom(),
        second_party=bride(),
        files=[("to_khai.pdf", SCAN)],
        vneid_support="activated",
        channel=1,
        store=store,
        received_at=at,
    )
    with write(engine) as conn:
        return receive_dossier(conn, clerk, **{**arguments, **changes})
