"""The CCCD card's QR text, as a handheld scanner types it or a photo yields it: parsed, checked, or refused."""

import io
import unicodedata
from datetime import date

import pytest
import qrcode
from PIL import Image

from services.core.cccd_qr import parse_card_qr
from services.core.errors import ValidationError
from services.core.qr_image import decode_qr

TODAY = date(2026, 12, 2)
MALE = (
    "001099012345|123456789|Nguyễn Văn An|01021999|Nam|"
    "Số 12, đường Lê Văn Hiến, phường Ngũ Hành Sơn, thành phố Đà Nẵng|15082021"
)
FEMALE_NO_CMND = "048301001234||Trần Thị Bích Ngọc|05032001|Nữ|Tổ 5, khu phố Đông Hải, phường Ngũ Hành Sơn|10042022"


def test_a_male_card_with_an_old_cmnd_and_commas_in_the_address_is_read_field_by_field():
    card = parse_card_qr(MALE, today=TODAY)
    assert card.cccd == "001099012345"
    assert card.old_cmnd == "123456789"
    assert card.full_name == "Nguyễn Văn An"
    assert card.birth_date == date(1999, 2, 1)
    assert card.sex == "Nam"
    assert card.address == "Số 12, đường Lê Văn Hiến, phường Ngũ Hành Sơn, thành phố Đà Nẵng"
    assert card.issued_on == date(2021, 8, 15)


def test_a_card_without_an_old_cmnd_keeps_that_field_empty_and_the_name_keeps_its_diacritics():
    card = parse_card_qr(FEMALE_NO_CMND, today=TODAY)
    assert card.old_cmnd == ""
    assert card.full_name == "Trần Thị Bích Ngọc"
    assert card.sex == "Nữ"
    assert card.birth_date == date(2001, 3, 5)


def test_decomposed_diacritics_trailing_newline_and_an_empty_trailing_field_are_tolerated():
    typed = unicodedata.normalize("NFD", FEMALE_NO_CMND) + "|\r\n"
    card = parse_card_qr(typed, today=TODAY)
    assert card.full_name == "Trần Thị Bích Ngọc"
    assert unicodedata.is_normalized("NFC", card.address)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Chưa có nội dung mã QR"),
        ("001099012345", "không có dấu “|”"),
        ("001099012345|123456789|Nguyễn Văn An|01021999", r"4/7 trường, thiếu: giới tính, nơi thường trú, ngày cấp"),
        (MALE + "|" + MALE, "nhiều hơn 7 trường"),
        (MALE.replace("001099012345", "00109901234"), "đúng 12 chữ số"),
        (MALE.replace("001099012345", "099099012345"), "mã tỉnh"),
        (MALE.replace("01021999", "01021998"), "không khớp năm sinh"),
        (MALE.replace("01021999", "31021999"), "không phải ngày có thật"),
        (MALE.replace("01021999", "1/2/1999"), "8 chữ số"),
        (MALE.replace("|Nam|", "|Nữ|"), "không khớp chữ số thứ 4"),
        (MALE.replace("|Nam|", "|X|"), "“Nam” hoặc “Nữ”"),
        (MALE.replace("|123456789|", "|12345|"), "CMND cũ"),
        (MALE.replace("|Nguyễn Văn An|", "||"), "thiếu họ và tên"),
        (MALE.replace("15082021", "15082027"), "không ở tương lai"),
        (MALE.replace("15082021", "15081990"), "phải sau ngày sinh"),
        ("x|" * 600, "quá dài"),
    ],
)
def test_a_malformed_or_partial_qr_text_is_refused_saying_what_is_wrong(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_card_qr(text, today=TODAY)


def qr_photo(text: str, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    qrcode.make(text).get_image().convert("RGB").save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_photo_of_the_card_qr_decodes_to_the_same_text_the_scanner_types(fmt):
    assert decode_qr(qr_photo(MALE, fmt)) == MALE


@pytest.mark.parametrize(
    "data, message",
    [(b"", "Chưa có ảnh"), (b"not an image", "không phải ảnh"), (None, "Không đọc được mã QR")],
)
def test_a_photo_without_a_readable_qr_is_refused_in_vietnamese(data, message):
    if data is None:
        buffer = io.BytesIO()
        Image.new("RGB", (200, 200), "white").save(buffer, format="PNG")
        data = buffer.getvalue()
    with pytest.raises(ValidationError, match=message):
        decode_qr(data)
