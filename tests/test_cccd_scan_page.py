"""Intake from the CCCD card's QR: the scanner's text fills the chosen person only after the clerk confirms."""

from sqlalchemy import func, select

from db.engine import read
from db.schema import dossiers
from tests.apptest import open_app

HUSBAND = "001099012345|123456789|Nguyễn Văn An|01021999|Nam|Số 12, đường Lê Văn Hiến, phường Ngũ Hành Sơn|15082021"
WIFE = "048301001234||Trần Thị Bích Ngọc|05032001|Nữ|Tổ 5, khu phố Đông Hải, phường Ngũ Hành Sơn|10042022"


def marriage_intake(demo):
    at = open_app(demo, "motcua.nhs", page="pages/intake.py")
    at.selectbox(key="intake__procedure").set_value("ket_hon").run()
    assert not at.exception
    return at


def dossier_count(demo) -> int:
    with read(demo.engine) as conn:
        return conn.scalar(select(func.count()).select_from(dossiers))


def test_a_scanned_card_is_shown_for_confirmation_and_fills_the_form_only_when_confirmed(demo):
    at = marriage_intake(demo)
    before = dossier_count(demo)
    at.text_input(key="intake__qr_text_0").input(HUSBAND).run()
    assert not at.exception and not at.error
    assert at.text_input(key="intake__a_full_name_0").value == ""
    at.button(key="intake__qr_fill_0").click().run()
    assert at.text_input(key="intake__a_full_name_0").value == "Nguyễn Văn An"
    assert at.text_input(key="intake__a_cccd_0").value == "001099012345"
    assert at.text_input(key="intake__a_birth_date_0").value == "01/02/1999"
    assert at.text_input(key="intake__a_address_0").value.startswith("Số 12, đường Lê Văn Hiến")
    assert dossier_count(demo) == before


def test_the_other_spouse_is_filled_when_chosen(demo):
    at = marriage_intake(demo)
    at.radio(key="intake__qr_target_0").set_value("b").run()
    at.text_input(key="intake__qr_text_0").input(WIFE).run()
    at.button(key="intake__qr_fill_0").click().run()
    assert at.text_input(key="intake__b_full_name_0").value == "Trần Thị Bích Ngọc"
    assert at.text_input(key="intake__a_full_name_0").value == ""


def test_a_partial_scan_says_what_is_missing_and_fills_nothing(demo):
    at = marriage_intake(demo)
    at.text_input(key="intake__qr_text_0").input(HUSBAND.rsplit("|", 2)[0]).run()
    assert any("thiếu: nơi thường trú, ngày cấp" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "intake__qr_fill_0"]
