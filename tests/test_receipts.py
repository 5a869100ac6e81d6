"""The printed receipt and refusal slip: the text a citizen reads (extracted with poppler's pdftotext)."""

import subprocess

import pytest

from db.engine import read, write
from services.core.errors import PermissionDenied
from services.dossiers import intake, receipts
from tests.builders import actor
from tests.intake_builders import receive_marriage, store_in

BASE = "http://motcua.example"
SECRET = "receipt-test-secret-0123456789abcdef"


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_receipt_holds_code_appointment_parties_documents_clerk_and_the_status_link(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    receipt = receive_marriage(demo_engine, clerk, store_in(tmp_path))
    with read(demo_engine) as conn:
        data = receipts.receipt_pdf(
            conn, clerk, dossier_id=receipt.dossier_id, public_base_url=BASE, token_secret=SECRET
        )
    text = pdf_text(data)
    for expected in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        receipt.code,
        "17:00 10/03/2026",
        "09:00 10/03/2026",
        "Nguyễn Văn An",
        "Trần Thị Bích",
        "Đăng ký kết hôn",
        "Tờ khai đăng ký kết hôn",
        "Nguyễn Thị Lan",
        "Hỗ trợ kích hoạt VNeID",
        f"{BASE}/tra-cuu?t={receipt.dossier_id}.",
    ):
        assert expected in text, expected


def test_a_clerk_of_another_ward_cannot_reprint_the_receipt(demo_engine, tmp_path):
    receipt = receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path))
    with pytest.raises(PermissionDenied), read(demo_engine) as conn:
        receipts.receipt_pdf(
            conn,
            actor(demo_engine, "motcua.hc"),
            dossier_id=receipt.dossier_id,
            public_base_url=BASE,
            token_secret=SECRET,
        )


def test_the_refusal_slip_lists_every_reason(demo_engine):
    clerk = actor(demo_engine, "motcua.nhs")
    with write(demo_engine) as conn:
        refusal_id = intake.refuse_intake(
            conn,
            clerk,
            procedure_code="ket_hon",
            applicant_name="Lê Văn Cường",
            reasons=["Thiếu tờ khai có chữ ký của hai bên", "Chưa có giấy xác nhận tình trạng hôn nhân"],
        )
        text = pdf_text(receipts.refusal_pdf(conn, clerk, refusal_id=refusal_id))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN" in text and "Lê Văn Cường" in text
    assert "1. Thiếu tờ khai có chữ ký của hai bên" in text and "2. Chưa có giấy xác nhận" in text
