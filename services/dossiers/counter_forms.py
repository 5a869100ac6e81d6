"""The counter's own forms: the supplement request for a dossier with papers missing or wrong (no dossier, no clock),
and the tracking book (Sổ theo dõi hồ sơ) of a unit for a period, in Excel and PDF.

Sources: Decree 61/2018 Art. 18(1)(b) and Circular 01/2018/TT-VPCP forms 02 (supplement request), 03 (refusal, only
for a dossier outside the unit's competence or conditions), 06 (tracking book); see docs/rules.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, insert, select

from db.schema import counter_supplement_slips, dossiers, procedures, users
from services.core import audit, pdf
from services.core.cccd import check_cccd, check_phone
from services.core.clock import LOCAL_TZ, format_date, format_datetime, now
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.exports import to_excel
from services.core.roles import CLERK, LEADER, Actor
from services.core.text import nfc
from services.core.units import get_unit
from services.dossiers.flow import STATUS_LABELS
from services.dossiers.intake import active_procedure

MAX_ITEMS = 30
MAX_ITEM = 300
MAX_BOOK_DAYS = 366
DEFAULT_ACTION = "Bổ sung giấy tờ này"


def request_counter_supplement(
    conn: Connection,
    actor: Actor,
    *,
    procedure_code: str,
    applicant_name: str,
    items: Sequence[dict],
    applicant_cccd: str = "",
    applicant_phone: str = "",
    at: datetime | None = None,
) -> int:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ at the counter: every missing or wrong paper at once with what to do.
    Nothing is received, so no dossier code is used and no deadline starts."""
    actor.require(CLERK)
    if actor.unit_id is None:
        raise PermissionDenied("Tài khoản một cửa chưa được gán phường/xã.")
    procedure = active_procedure(conn, procedure_code)
    name = " ".join(nfc(applicant_name).split())
    if not name or len(name) > 120:
        raise ValidationError("Họ và tên người nộp không được để trống (tối đa 120 ký tự).")
    cleaned = clean_items(items)
    slip_id = conn.execute(
        insert(counter_supplement_slips).values(
            unit_id=actor.unit_id,
            procedure_id=procedure["id"],
            applicant_name=name,
            applicant_cccd=check_cccd(applicant_cccd) if applicant_cccd.strip() else "",
            applicant_phone=check_phone(applicant_phone, required=False),
            items=json.dumps(cleaned, ensure_ascii=False),
            requested_at=at or now(),
            requested_by=actor.user_id,
            username=actor.username,
        )
    ).inserted_primary_key[0]
    audit.record(conn, actor, action="supplement_slip", entity="counter_supplement_slip", entity_id=slip_id,
                 unit_id=actor.unit_id)  # fmt: skip
    return slip_id


def clean_items(items: Sequence[dict]) -> list[dict]:
    cleaned = []
    for item in items or []:
        name = " ".join(nfc(item.get("name", "")).split())
        if not name:
            continue
        action = " ".join(nfc(item.get("action", "")).split()) or DEFAULT_ACTION
        if len(name) > MAX_ITEM or len(action) > MAX_ITEM:
            raise ValidationError(f"Mỗi giấy tờ và nội dung cần bổ sung ghi tối đa {MAX_ITEM} ký tự.")
        cleaned.append({"name": name, "action": action})
    if not cleaned:
        raise ValidationError("Liệt kê ít nhất một giấy tờ còn thiếu hoặc cần sửa (đầy đủ trong một lần).")
    if len(cleaned) > MAX_ITEMS:
        raise ValidationError(f"Tối đa {MAX_ITEMS} giấy tờ trên một phiếu.")
    return cleaned


def counter_supplement_pdf(conn: Connection, actor: Actor, *, slip_id: int) -> bytes:
    row = conn.execute(select(counter_supplement_slips).where(counter_supplement_slips.c.id == slip_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy phiếu yêu cầu bổ sung.")
    actor.require_unit(row.unit_id)
    unit = get_unit(conn, row.unit_id)
    procedure = conn.scalar(select(procedures.c.name).where(procedures.c.id == row.procedure_id))
    clerk = conn.scalar(select(users.c.full_name).where(users.c.id == row.requested_by)) or row.username
    doc = pdf.new_form(unit_name=unit["name"], title="Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    pdf.paragraph(doc, f"Bộ phận Một cửa – Trung tâm Phục vụ Hành chính công {unit['name']} đã nhận hồ sơ của:")
    cccd = f" – CCCD {row.applicant_cccd}" if row.applicant_cccd else ""
    pdf.line(doc, "Ông/Bà", f"{row.applicant_name}{cccd}")
    if row.applicant_phone:
        pdf.line(doc, "Điện thoại", row.applicant_phone)
    pdf.line(doc, "Đề nghị giải quyết thủ tục", procedure)
    pdf.paragraph(doc, "Hồ sơ chưa đầy đủ, hợp lệ. Đề nghị Ông/Bà bổ sung, hoàn thiện các nội dung sau:", bold=True)
    items = json.loads(row.items)
    pdf.table(doc, ["STT", "Giấy tờ", "Nội dung cần bổ sung, hoàn thiện"],
              [[i, item["name"], item["action"]] for i, item in enumerate(items, 1)], widths=[12, 78, 84])  # fmt: skip
    pdf.paragraph(doc, "Hồ sơ chưa được tiếp nhận; thời hạn giải quyết tính từ khi nhận đủ hồ sơ hợp lệ.", size=10)
    pdf.line(doc, "Người hướng dẫn", clerk)
    pdf.line(doc, "Ngày", format_date(row.requested_at))
    pdf.signatures(doc, "Người nộp hồ sơ", "Cán bộ tiếp nhận", right_name=clerk)
    return pdf.finish(doc)


# --- tracking book -----------------------------------------------------------------------------------------------

BOOK_COLUMNS = [
    "STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Tiếp nhận", "Hẹn trả", "Hẹn lại", "Có kết quả", "Trả kết quả",
    "Tình trạng", "Đúng hạn / trễ hạn",
]  # fmt: skip


def tracking_book(conn: Connection, actor: Actor, *, unit_id: int, start: date, end: date) -> list[dict]:
    """Sổ theo dõi hồ sơ: every dossier the unit received from `start` to `end` (inclusive, local days)."""
    if not actor.city_wide:
        actor.require(CLERK, LEADER)
    actor.require_unit(unit_id)
    if end < start:
        raise ValidationError("Ngày kết thúc phải từ ngày bắt đầu trở đi.")
    if (end - start).days > MAX_BOOK_DAYS:
        raise ValidationError(f"Mỗi lần xem tối đa {MAX_BOOK_DAYS} ngày.")
    begin = datetime.combine(start, time(0), tzinfo=LOCAL_TZ)
    finish = datetime.combine(end + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)
    query = (
        select(dossiers, procedures.c.name.label("procedure_name"))
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .where(dossiers.c.receiving_unit_id == unit_id)
        .where(dossiers.c.received_at >= begin, dossiers.c.received_at < finish)
        .order_by(dossiers.c.received_at, dossiers.c.id)
    )
    return [_book_row(index, row._mapping) for index, row in enumerate(conn.execute(query), 1)]


def _book_row(index: int, row) -> dict:
    return {
        "STT": index,
        "Mã hồ sơ": row["code"],
        "Thủ tục": row["procedure_name"],
        "Người nộp": row["applicant_name"],
        "Tiếp nhận": row["received_at"],
        "Hẹn trả": row["due_at"],
        "Hẹn lại": row["rescheduled_due_at"],
        "Có kết quả": row["result_ready_at"] or (row["finished_at"] if row["status"] != "withdrawn" else None),
        "Trả kết quả": row["returned_at"],
        "Tình trạng": STATUS_LABELS.get(row["status"], row["status"]),
        "Đúng hạn / trễ hạn": timeliness(row),
    }


def timeliness(row) -> str:
    if row["status"] == "withdrawn":
        return "Rút hồ sơ (không tính)"
    if row["finished_at"] is None:
        return "Trễ hạn" if row["counted_late"] else "Đang giải quyết"
    late = row["is_late"] if row["is_late"] is not None else row["finished_at"] > row["due_at"]
    return "Trễ hạn" if late or row["counted_late"] else "Đúng hạn"


def tracking_book_excel(conn: Connection, actor: Actor, *, unit_id: int, start: date, end: date) -> bytes:
    return to_excel({"Sổ theo dõi hồ sơ": tracking_book(conn, actor, unit_id=unit_id, start=start, end=end)})


def tracking_book_pdf(conn: Connection, actor: Actor, *, unit_id: int, start: date, end: date) -> bytes:
    rows = tracking_book(conn, actor, unit_id=unit_id, start=start, end=end)
    unit = get_unit(conn, unit_id)
    doc = pdf.new_form(
        unit_name=unit["name"], title="Sổ theo dõi hồ sơ", subtitle=f"Từ {format_date(start)} đến {format_date(end)}"
    )
    table_rows = [
        [r["STT"], r["Mã hồ sơ"], r["Thủ tục"], r["Người nộp"], format_datetime(r["Tiếp nhận"]),
         format_datetime(r["Hẹn trả"]), format_datetime(r["Trả kết quả"]) if r["Trả kết quả"] else "",
         r["Đúng hạn / trễ hạn"]]
        for r in rows
    ]  # fmt: skip
    headers = ["STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Tiếp nhận", "Hẹn trả", "Trả kết quả", "Kết quả"]
    pdf.table(doc, headers, table_rows, widths=(8, 34, 30, 26, 20, 20, 20, 16))
    pdf.paragraph(doc, f"Tổng số: {len(rows)} hồ sơ.", bold=True)
    return pdf.finish(doc)
