"""Marriage registration as the law has it: the age and sex conditions, the warning on a marriage not ended, and the
register entry (certificate number, book, page, number) recorded with both parties present and signing.

Sources (docs/rules.md): Law on Marriage and Family 2014 (52/2014/QH13) Art. 8(1)(a) — a man from full 20 years of
age, a woman from full 18; Art. 8(2) — the State does not recognise marriage between people of the same sex;
Art. 5(2)(c) — marrying while married is prohibited. Civil Status Law 2014 (60/2014/QH13) Art. 18(2) — both parties
present, sign the civil status register and the certificate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Connection, insert, select

from db.schema import dossier_parties, dossiers, marriage_registrations, procedures
from services.core.cccd import is_male
from services.core.clock import format_date, local, now
from services.core.errors import ValidationError
from services.core.roles import Actor
from services.core.text import nfc

MAN_MIN_AGE = 20
WOMAN_MIN_AGE = 18
MARRIAGE = "marriage"
NOT_COUNTING = ("rejected", "withdrawn")
MAX_FIELD = 40


def full_years(birth: date, on: date) -> int:
    """Age in full years on a day: the birthday itself completes the year."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def refusal_reason(parties: Sequence[dict], *, on: date) -> str | None:
    """Why the marriage cannot be registered on `on`, or None. Each party: full_name, cccd, birth_date; the sex is
    read from the CCCD's fourth digit (even: male)."""
    if len(parties) != 2:
        return "Đăng ký kết hôn cần thông tin của cả hai bên nam, nữ."
    if is_male(parties[0]["cccd"]) == is_male(parties[1]["cccd"]):
        return (
            "Không thể đăng ký kết hôn: Nhà nước không thừa nhận hôn nhân giữa những người cùng giới tính "
            "(khoản 2 Điều 8 Luật Hôn nhân và gia đình 2014)."
        )
    for party in parties:
        minimum = MAN_MIN_AGE if is_male(party["cccd"]) else WOMAN_MIN_AGE
        birth = party.get("birth_date")
        if birth is None:
            return f"{party['full_name']}: cần ngày sinh để kiểm tra tuổi kết hôn."
        if full_years(birth, on) < minimum:
            side = "nam" if minimum == MAN_MIN_AGE else "nữ"
            return (
                f"Không thể đăng ký kết hôn: bên {side} {party['full_name']} (sinh ngày {format_date(birth)}) chưa đủ "
                f"{minimum} tuổi vào ngày đăng ký {format_date(on)} (điểm a khoản 1 Điều 8 Luật Hôn nhân và gia đình "
                "2014)."
            )
    return None


def check_conditions(parties: Sequence[dict], *, on: date) -> None:
    reason = refusal_reason(parties, on=on)
    if reason:
        raise ValidationError(reason)


def is_marriage(procedure: dict) -> bool:
    return procedure.get("conditions") == MARRIAGE


def open_marriage_warnings(
    conn: Connection, cccds: Sequence[str], *, except_dossier_id: int | None = None
) -> list[str]:
    """Each party with a marriage in the system not ended (registered and not ended, or a registration under way)."""
    query = (
        select(dossier_parties.c.full_name, dossier_parties.c.cccd, dossiers.c.code, marriage_registrations.c.id)
        .join(dossiers, dossiers.c.id == dossier_parties.c.dossier_id)
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .outerjoin(marriage_registrations, marriage_registrations.c.dossier_id == dossiers.c.id)
        .where(
            procedures.c.conditions == MARRIAGE,
            dossier_parties.c.cccd.in_(list(cccds)),
            dossiers.c.status.not_in(NOT_COUNTING),
            marriage_registrations.c.ended_on.is_(None),
        )
        .order_by(dossiers.c.id)
    )
    if except_dossier_id is not None:
        query = query.where(dossiers.c.id != except_dossier_id)
    return [
        f"Cảnh báo: {row.full_name} (CCCD {row.cccd}) "
        + ("đã đăng ký kết hôn" if row.id else "đang có hồ sơ đăng ký kết hôn")
        + f" trong hệ thống (hồ sơ {row.code}), chưa ghi nhận chấm dứt hôn nhân. Kiểm tra tình trạng hôn nhân trước "
        "khi giải quyết."
        for row in conn.execute(query)
    ]


def parties_of(conn: Connection, dossier_id: int) -> list[dict]:
    rows = conn.execute(
        select(dossier_parties).where(dossier_parties.c.dossier_id == dossier_id).order_by(dossier_parties.c.id)
    )
    return [dict(row._mapping) for row in rows]


def record_registration(
    conn: Connection, actor: Actor, *, dossier: dict, entry: dict | None, at: datetime | None = None
) -> int:
    """At the decision: the conditions again on the registration date, both parties present and signed, and the
    register entry. Runs in the decision's transaction, so a refusal saves nothing."""
    at = at or now()
    entry = entry or {}
    check_conditions(parties_of(conn, dossier["id"]), on=local(at).date())
    if not entry.get("both_present_signed"):
        raise ValidationError(
            "Hai bên nam, nữ phải có mặt, ký vào Sổ đăng ký kết hôn và Giấy chứng nhận kết hôn "
            "(khoản 2 Điều 18 Luật Hộ tịch 2014): xác nhận trước khi ghi nhận kết quả."
        )
    values = {key: _field(entry, key, label) for key, label in ENTRY_FIELDS.items()}
    return conn.execute(
        insert(marriage_registrations).values(
            dossier_id=dossier["id"],
            both_present_signed=True,
            registered_on=local(at).date(),
            created_at=at,
            username=actor.username,
            **values,
        )
    ).inserted_primary_key[0]


ENTRY_FIELDS = {
    "certificate_no": "số Giấy chứng nhận kết hôn",
    "book": "quyển số của Sổ đăng ký kết hôn",
    "page": "trang số",
    "entry_no": "số đăng ký trong sổ",
}


def _field(entry: dict, key: str, label: str) -> str:
    value = " ".join(nfc(str(entry.get(key) or "")).split())
    if not value:
        raise ValidationError(f"Nhập {label}.")
    if len(value) > MAX_FIELD:
        raise ValidationError(f"{label.capitalize()} quá dài (tối đa {MAX_FIELD} ký tự).")
    return value


def registration_of(conn: Connection, dossier_id: int) -> dict | None:
    row = conn.execute(select(marriage_registrations).where(marriage_registrations.c.dossier_id == dossier_id)).first()
    return dict(row._mapping) if row else None
