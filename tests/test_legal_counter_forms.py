"""The counter's forms: missing papers print the supplement request (no dossier, no clock) and the refusal stays for
out-of-scope dossiers; the tracking book lists every dossier received with its appointment, result and timeliness."""

import subprocess
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from db.engine import read, write
from db.schema import counter_supplement_slips, dossiers
from services.core.errors import PermissionDenied, ValidationError
from services.dossiers import counter_forms as legal_counter_forms
from tests.apptest import open_app
from tests.builders import actor
from tests.intake_builders import TUESDAY_9AM, receive_marriage, store_in
from tests.processing_builders import assigned_permit

ITEMS = [
    {"name": "Bản vẽ thiết kế xây dựng", "action": "Nộp đủ 2 bản, có chữ ký người thiết kế"},
    {"name": "Giấy tờ chứng minh quyền sử dụng đất", "action": ""},
]


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def count(engine, table):
    with read(engine) as conn:
        return conn.scalar(select(func.count()).select_from(table))


def ask(engine, items=ITEMS, username="motcua.nhs"):
    with write(engine) as conn:
        return legal_counter_forms.request_counter_supplement(
            conn, actor(engine, username), procedure_code="gpxd_nha_o", applicant_name="Nguyễn Văn An",
            applicant_phone="0905123456", items=items, at=TUESDAY_9AM,
        )  # fmt: skip


def test_missing_papers_print_the_supplement_request_and_start_no_dossier_or_clock(demo_engine):
    dossiers_before = count(demo_engine, dossiers)
    slip_id = ask(demo_engine)
    with read(demo_engine) as conn:
        text = pdf_text(
            legal_counter_forms.counter_supplement_pdf(conn, actor(demo_engine, "motcua.nhs"), slip_id=slip_id)
        )
    assert count(demo_engine, dossiers) == dossiers_before
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản vẽ thiết kế xây dựng" in text and "Nộp đủ 2 bản" in text and "Bổ sung giấy tờ này" in text
    assert "chưa được tiếp nhận" in text and "10/03/2026" in text


@pytest.mark.parametrize("items", [[], [{"name": "  ", "action": "x"}]])
def test_a_supplement_request_without_papers_is_refused(demo_engine, items):
    before = count(demo_engine, counter_supplement_slips)
    with pytest.raises(ValidationError, match="ít nhất một giấy tờ"):
        ask(demo_engine, items)
    assert count(demo_engine, counter_supplement_slips) == before


def test_another_unit_cannot_print_the_slip(demo_engine):
    slip_id = ask(demo_engine)
    with read(demo_engine) as conn, pytest.raises(PermissionDenied):
        legal_counter_forms.counter_supplement_pdf(conn, actor(demo_engine, "motcua.hc"), slip_id=slip_id)


def test_the_tracking_book_lists_each_dossier_with_appointment_result_and_timeliness(demo_engine, tmp_path):
    permit = assigned_permit(demo_engine, store_in(tmp_path))
    marriage = receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path))
    clerk = actor(demo_engine, "motcua.nhs")
    with read(demo_engine) as conn:
        rows = legal_counter_forms.tracking_book(
            conn, clerk, unit_id=clerk.unit_id, start=date(2026, 3, 10), end=date(2026, 3, 10)
        )
        excel = legal_counter_forms.tracking_book_excel(
            conn, clerk, unit_id=clerk.unit_id, start=date(2026, 3, 10), end=date(2026, 3, 10)
        )
        document = legal_counter_forms.tracking_book_pdf(
            conn, clerk, unit_id=clerk.unit_id, start=date(2026, 3, 10), end=date(2026, 3, 10)
        )
    codes = [row["Mã hồ sơ"] for row in rows]
    assert permit["code"] in codes and marriage.code in codes
    permit_row = rows[codes.index(permit["code"])]
    assert permit_row["Hẹn trả"] == permit["due_at"] and permit_row["Đúng hạn / trễ hạn"] == "Đang giải quyết"
    sheet = load_workbook(BytesIO(excel)).active
    assert [c.value for c in sheet[1]] == legal_counter_forms.BOOK_COLUMNS and sheet.max_row == len(rows) + 1
    text = pdf_text(document)
    assert "SỔ THEO DÕI HỒ SƠ" in text and f"Tổng số: {len(rows)} hồ sơ" in text


def test_the_tracking_book_is_per_unit_and_bounded(demo_engine):
    clerk = actor(demo_engine, "motcua.nhs")
    hai_chau = actor(demo_engine, "motcua.hc").unit_id
    with read(demo_engine) as conn:
        with pytest.raises(PermissionDenied):
            legal_counter_forms.tracking_book(
                conn, clerk, unit_id=hai_chau, start=date(2026, 3, 1), end=date(2026, 3, 2)
            )
        with pytest.raises(ValidationError, match="Ngày kết thúc"):
            legal_counter_forms.tracking_book(
                conn, clerk, unit_id=clerk.unit_id, start=date(2026, 3, 2), end=date(2026, 3, 1)
            )


def test_the_intake_page_prints_the_supplement_request(demo):
    at = open_app(demo, "motcua.nhs", page="pages/intake.py")
    at.selectbox(key="intake__procedure").set_value("gpxd_nha_o").run()
    names = [w.key for w in at.text_input if w.key and "supplement_name" in w.key]
    at.text_input(key=names[0]).set_value("Nguyễn Văn An")
    items = [w.key for w in at.text_area if w.key and "supplement_items" in w.key]
    at.text_area(key=items[0]).set_value("Bản vẽ thiết kế | Nộp đủ 2 bản")
    next(b for b in at.button if b.label == "Lập phiếu yêu cầu bổ sung").click().run()
    assert not at.exception and not at.error
    assert any("phiếu yêu cầu bổ sung" in s.value for s in at.success)


def test_the_tracking_book_page_shows_the_unit_book(demo):
    at = open_app(demo, "lanhdao.nhs", page="pages/tracking_book.py")
    assert not at.exception and not at.error
    assert at.title[0].value == "Sổ theo dõi hồ sơ"
    assert "hồ sơ tiếp nhận" in at.caption[0].value


def test_withdrawn_and_late_dossiers_are_named_in_the_book():
    base = dict(status="withdrawn", finished_at=None, counted_late=False, is_late=None, due_at=None)
    assert legal_counter_forms.timeliness(base) == "Rút hồ sơ (không tính)"
    finished = dict(base, status="returned", finished_at=TUESDAY_9AM + timedelta(days=2), due_at=TUESDAY_9AM)
    assert legal_counter_forms.timeliness(finished) == "Trễ hạn"
    assert legal_counter_forms.timeliness(dict(finished, due_at=TUESDAY_9AM + timedelta(days=3))) == "Đúng hạn"
