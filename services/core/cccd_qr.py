"""The QR code on a chip-based CCCD card, as a handheld scanner types it (pure): parse, check, refuse what is wrong.

Format (seven fields separated by `|`, as printed on cards issued under Law 26/2023/QH15 on Identification and
the earlier chip CCCD): `CCCD|old CMND|full name|birth date ddmmyyyy|sex|permanent address|issue date ddmmyyyy`.
The old CMND field is empty on cards of people who never had one. Addresses contain commas, never `|`.
The values are checked with the same CCCD rules as typed input (services.cccd, DOMAIN.md §7).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime

from services.core.cccd import check_birth_date, check_cccd, is_male
from services.core.errors import ValidationError

FIELD_NAMES = ("số CCCD", "số CMND cũ", "họ và tên", "ngày sinh", "giới tính", "nơi thường trú", "ngày cấp")
MAX_LENGTH = 1000  # a real card's text is about 150 characters; anything longer is not a card
SEXES = {"nam": "Nam", "nữ": "Nữ", "nu": "Nữ"}


@dataclass(frozen=True)
class CardData:
    cccd: str
    old_cmnd: str
    full_name: str
    birth_date: date
    sex: str
    address: str
    issued_on: date

    def as_dict(self) -> dict:
        return asdict(self)


def parse_card_qr(text: str, *, today: date) -> CardData:
    """The card's values, or a ValidationError in Vietnamese that says which field is wrong and why."""
    fields = _fields(text)
    cccd = check_cccd(fields[0], label="Số CCCD trong mã QR")
    birth = check_birth_date(_qr_date(fields[3], FIELD_NAMES[3]), today=today, label="Ngày sinh trong mã QR")
    check_cccd(cccd, birth_date=birth, label="Số CCCD trong mã QR")
    sex = _sex(fields[4], cccd)
    issued = _qr_date(fields[6], FIELD_NAMES[6])
    if not birth <= issued <= today:
        raise ValidationError(
            f"Ngày cấp trong mã QR {issued:%d/%m/%Y} phải sau ngày sinh {birth:%d/%m/%Y} và không ở tương lai."
        )
    return CardData(cccd, _old_cmnd(fields[1]), _name(fields[2]), birth, sex, _address(fields[5]), issued)


def _fields(text: str) -> list[str]:
    cleaned = unicodedata.normalize("NFC", (text or "").strip())
    if not cleaned:
        raise ValidationError("Chưa có nội dung mã QR: đặt con trỏ vào ô rồi quét mã QR trên thẻ CCCD.")
    if len(cleaned) > MAX_LENGTH:
        raise ValidationError(f"Nội dung mã QR quá dài ({len(cleaned)} ký tự): đây không phải mã QR của thẻ CCCD.")
    if "|" not in cleaned:
        raise ValidationError("Nội dung không phải mã QR thẻ CCCD: không có dấu “|” ngăn cách các trường.")
    fields = [f.strip() for f in cleaned.split("|")]
    if len(fields) < len(FIELD_NAMES):
        missing = ", ".join(FIELD_NAMES[len(fields) :])
        raise ValidationError(
            f"Mã QR chỉ có {len(fields)}/{len(FIELD_NAMES)} trường, thiếu: {missing}. "
            "Có thể quét chưa hết: vui lòng quét lại."
        )
    if len(fields) > len(FIELD_NAMES) and any(fields[len(FIELD_NAMES) :]):
        raise ValidationError(
            f"Mã QR có {len(fields)} trường, nhiều hơn {len(FIELD_NAMES)} trường của thẻ CCCD: "
            "có thể hai lần quét bị dính liền; vui lòng xóa ô và quét lại."
        )
    for name, value in zip(FIELD_NAMES, fields, strict=False):
        if name != FIELD_NAMES[1] and not value:
            raise ValidationError(f"Mã QR thiếu {name}.")
    return fields[: len(FIELD_NAMES)]


def _qr_date(value: str, name: str) -> date:
    if not re.fullmatch(r"\d{8}", value):
        raise ValidationError(f"{name.capitalize()} trong mã QR “{value}” phải gồm 8 chữ số dạng ngàythángnăm.")
    try:
        return datetime.strptime(value, "%d%m%Y").date()
    except ValueError:
        raise ValidationError(f"{name.capitalize()} trong mã QR “{value}” không phải ngày có thật.") from None


def _old_cmnd(value: str) -> str:
    if value and not re.fullmatch(r"\d{9}|\d{12}", value):
        raise ValidationError(f"Số CMND cũ trong mã QR “{value}” phải gồm 9 hoặc 12 chữ số (hoặc để trống).")
    return value


def _name(value: str) -> str:
    name = " ".join(value.split())
    if any(ch.isdigit() for ch in name) or len(name) > 100:
        raise ValidationError(f"Họ và tên trong mã QR “{name[:100]}” không hợp lệ.")
    return name


def _sex(value: str, cccd: str) -> str:
    sex = SEXES.get(value.strip().lower())
    if sex is None:
        raise ValidationError(f"Giới tính trong mã QR “{value}” phải là “Nam” hoặc “Nữ”.")
    if (sex == "Nam") != is_male(cccd):
        raise ValidationError(
            f"Giới tính “{sex}” trong mã QR không khớp chữ số thứ 4 của số CCCD {cccd}; kiểm tra lại thẻ."
        )
    return sex


def _address(value: str) -> str:
    address = " ".join(value.split())
    if len(address) > 300:
        raise ValidationError("Nơi thường trú trong mã QR dài quá 300 ký tự.")
    return address
