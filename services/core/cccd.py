"""Citizen identity and contact checks at the counter (pure): CCCD structure, phone numbers, typed dates.

CCCD (DOMAIN.md §7): digits 1–3 the province of birth registration (001–096), digit 4 century and sex
(0/1 = 1900s, 2/3 = 2000s, 4/5 = 2100s; even = male), digits 5–6 the last two digits of the birth year.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from services.core.errors import ValidationError

CENTURY_OF_DIGIT = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100}
MOBILE_PREFIXES = ("03", "05", "07", "08", "09")


def check_cccd(value: str, *, birth_date: date | None = None, label: str = "Số CCCD") -> str:
    """The 12 digits of a valid-looking CCCD, or a ValidationError saying what is wrong."""
    cccd = re.sub(r"\s", "", value or "")
    if not cccd:
        raise ValidationError(f"{label} không được để trống.")
    if not cccd.isdigit():
        raise ValidationError(f"{label} chỉ gồm chữ số (đang có ký tự khác: “{cccd}”).")
    if len(cccd) != 12:
        raise ValidationError(f"{label} phải có đúng 12 chữ số (đang có {len(cccd)}).")
    if not 1 <= int(cccd[:3]) <= 96:
        raise ValidationError(f"{label}: mã tỉnh nơi đăng ký khai sinh “{cccd[:3]}” không tồn tại (001–096).")
    if int(cccd[3]) not in CENTURY_OF_DIGIT:
        raise ValidationError(f"{label}: chữ số thứ 4 (thế kỷ và giới tính) “{cccd[3]}” không hợp lệ.")
    if birth_date is not None and birth_year_of(cccd) != birth_date.year:
        raise ValidationError(
            f"{label} không khớp năm sinh {birth_date.year} (theo số CCCD là {birth_year_of(cccd)}); "
            "kiểm tra lại số CCCD hoặc ngày sinh."
        )
    return cccd


def birth_year_of(cccd: str) -> int:
    return CENTURY_OF_DIGIT[int(cccd[3])] + int(cccd[4:6])


def is_male(cccd: str) -> bool:
    return int(cccd[3]) % 2 == 0


def check_phone(value: str, *, required: bool = True, label: str = "Số điện thoại") -> str:
    """Vietnamese mobile (10 digits, 03/05/07/08/09) or landline (11 digits, 02x area code); +84 accepted."""
    raw = (value or "").strip()
    if not raw:
        if required:
            raise ValidationError(f"{label} không được để trống.")
        return ""
    compact = re.sub(r"[\s.\-()]", "", raw)
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        compact = "0" + compact[2:]
    if not compact.isdigit():
        raise ValidationError(f"{label} “{raw}” chỉ được gồm chữ số.")
    if len(compact) == 10 and compact.startswith(MOBILE_PREFIXES):
        return compact
    if len(compact) == 11 and compact.startswith("02"):
        return compact
    raise ValidationError(
        f"{label} “{raw}” không đúng định dạng Việt Nam (di động 10 số bắt đầu 03/05/07/08/09, "
        "cố định 11 số bắt đầu 02)."
    )


def parse_date(value: date | str | None, *, label: str = "Ngày sinh", required: bool = True) -> date | None:
    """A date typed as dd/mm/yyyy (the way staff write it), or already a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError(f"{label} không được để trống.")
        return None
    try:
        return datetime.strptime(text.replace("-", "/").replace(".", "/"), "%d/%m/%Y").date()
    except ValueError:
        raise ValidationError(
            f"{label} “{text}” không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 05/09/1995."
        ) from None


def check_birth_date(value: date | str | None, *, today: date, label: str = "Ngày sinh") -> date:
    birth = parse_date(value, label=label)
    if birth > today:
        raise ValidationError(f"{label} {birth:%d/%m/%Y} ở tương lai.")
    if birth.year < today.year - 130:
        raise ValidationError(f"{label} {birth:%d/%m/%Y} không hợp lý.")
    return birth
