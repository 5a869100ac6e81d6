"""CCCD structure, Vietnamese phone numbers and typed dates, as checked at the counter (pure rules)."""

from datetime import date

import pytest

from services.core.cccd import birth_year_of, check_birth_date, check_cccd, check_phone, is_male
from services.core.errors import ValidationError


@pytest.mark.parametrize(
    "value, birth, expected",
    [
        ("048095001234", date(1995, 9, 5), "048095001234"),
        ("049197005678", None, "049197005678"),
        ("001203000001", date(2003, 1, 1), "001203000001"),
        ("096 305 000 001", None, "096305000001"),
    ],
)
def test_valid_cccds_from_any_province_are_accepted(value, birth, expected):
    assert check_cccd(value, birth_date=birth) == expected


@pytest.mark.parametrize(
    "value, birth, message",
    [
        ("", None, "không được để trống"),
        ("04809500123", None, "đúng 12 chữ số"),
        ("0480950012345", None, "đúng 12 chữ số"),
        ("04809500123A", None, "chỉ gồm chữ số"),
        ("000095001234", None, "mã tỉnh"),
        ("097095001234", None, "mã tỉnh"),
        ("048695001234", None, "chữ số thứ 4"),
        ("048995001234", None, "chữ số thứ 4"),
        ("048095001234", date(1996, 1, 1), "không khớp năm sinh"),
    ],
)
def test_malformed_cccds_are_refused_with_the_reason(value, birth, message):
    with pytest.raises(ValidationError, match=message):
        check_cccd(value, birth_date=birth)


def test_the_fourth_digit_gives_century_and_sex():
    assert birth_year_of("048195000000") == 1995 and not is_male("048195000000")
    assert birth_year_of("048201000000") == 2001 and is_male("048201000000")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0905123456", "0905123456"),
        ("0905 123 456", "0905123456"),
        ("+84 905.123.456", "0905123456"),
        ("02363 822 123", "02363822123"),
        ("", ""),
    ],
)
def test_vietnamese_mobile_and_landline_numbers_are_normalised(value, expected):
    assert check_phone(value, required=False) == expected


@pytest.mark.parametrize("value", ["09051234ab", "0105123456", "090512345", "12345"])
def test_bad_phone_numbers_are_refused(value):
    with pytest.raises(ValidationError, match="Số điện thoại"):
        check_phone(value)


def test_birth_dates_are_typed_day_first_and_never_in_the_future():
    assert check_birth_date("05/09/1995", today=date(2026, 3, 10)) == date(1995, 9, 5)
    with pytest.raises(ValidationError, match="tương lai"):
        check_birth_date("11/03/2026", today=date(2026, 3, 10))
    with pytest.raises(ValidationError, match="ngày/tháng/năm"):
        check_birth_date("1995-31-12", today=date(2026, 3, 10))
