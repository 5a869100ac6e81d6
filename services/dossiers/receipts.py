"""Printed forms of the counter: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, and Phiếu từ chối tiếp nhận."""

from __future__ import annotations

from sqlalchemy import Connection, select

from db.schema import dossier_documents, dossier_parties, procedures, users
from services.core import pdf
from services.core.clock import format_date, format_datetime, now
from services.core.roles import Actor
from services.core.units import get_unit
from services.dossiers.flow import load, require_read
from services.dossiers.intake import CHANNELS, VNEID_SUPPORT, get_refusal
from services.dossiers.public_status import status_url


def receipt_pdf(conn: Connection, actor: Actor, *, dossier_id: int, public_base_url: str, token_secret: str) -> bytes:
    """The citizen's receipt with the appointment and a QR code to the public status page; reprintable any time."""
    dossier = load(conn, dossier_id)
    require_read(actor, dossier)
    unit = get_unit(conn, dossier["receiving_unit_id"])
    procedure = conn.execute(select(procedures).where(procedures.c.id == dossier["procedure_id"])).first()
    doc = pdf.new_form(
        unit_name=unit["name"], title="Giấy tiếp nhận hồ sơ và hẹn trả kết quả", subtitle=f"Mã hồ sơ: {dossier['code']}"
    )
    url = status_url(public_base_url, token_secret, dossier_id)
    pdf.qr(doc, url, size_mm=30, caption="Quét để tra cứu hồ sơ")
    pdf.line(doc, "Bộ phận tiếp nhận", f"Bộ phận Một cửa – Trung tâm Phục vụ Hành chính công {unit['name']}")
    _parties(conn, doc, dossier_id)
    pdf.line(doc, "Thủ tục", procedure.name)
    pdf.line(doc, "Kênh nộp", CHANNELS.get(dossier["channel"], ""))
    pdf.paragraph(doc, "Thành phần hồ sơ đã nhận:", bold=True)
    pdf.table(doc, ["STT", "Tên giấy tờ", "Loại", "Số bản"], _documents(conn, dossier_id), widths=[12, 118, 26, 18])
    pdf.line(doc, "Thời gian tiếp nhận", format_datetime(dossier["received_at"]))
    pdf.line(doc, "Thời gian hẹn trả kết quả", format_datetime(dossier["due_at"]))
    if dossier["verification"]:
        pdf.paragraph(doc, "Hồ sơ cần xác minh: thời hạn giải quyết theo trường hợp có xác minh.")
    if dossier["vneid_support"] != "none":
        pdf.line(doc, "Hỗ trợ VNeID", VNEID_SUPPORT[dossier["vneid_support"]])
    pdf.line(doc, "Nơi trả kết quả", f"Bộ phận Một cửa – {unit['name']}")
    pdf.paragraph(doc, f"Tra cứu trực tuyến: {url}", size=8)
    pdf.paragraph(doc, "Khi nhận kết quả, vui lòng mang theo giấy tiếp nhận này và căn cước công dân.", size=10)
    pdf.signatures(doc, "Người nộp hồ sơ", "Cán bộ tiếp nhận", right_name=_user_name(conn, dossier["received_by"]))
    return pdf.finish(doc)


def _parties(conn: Connection, doc, dossier_id: int) -> None:
    rows = conn.execute(
        select(dossier_parties).where(dossier_parties.c.dossier_id == dossier_id).order_by(dossier_parties.c.id)
    ).all()
    for row in rows:
        label = "Người nộp hồ sơ" if row.role == "applicant" else "Bên còn lại"
        birth = f", sinh ngày {format_date(row.birth_date)}" if row.birth_date else ""
        pdf.line(doc, label, f"{row.full_name}{birth} – CCCD {row.cccd}")
        if row.role == "applicant":
            pdf.line(doc, "Điện thoại", row.phone)
            if row.address:
                pdf.line(doc, "Địa chỉ", row.address)


def _documents(conn: Connection, dossier_id: int) -> list[list]:
    rows = conn.execute(
        select(dossier_documents)
        .where(dossier_documents.c.dossier_id == dossier_id, dossier_documents.c.received.is_(True))
        .order_by(dossier_documents.c.id)
    ).all()
    return [[i, row.name, "Bản chính" if row.original else "Bản sao", row.copies] for i, row in enumerate(rows, 1)]


def _user_name(conn: Connection, user_id: int | None) -> str:
    return conn.scalar(select(users.c.full_name).where(users.c.id == user_id)) or "" if user_id else ""


def refusal_pdf(conn: Connection, actor: Actor, *, refusal_id: int) -> bytes:
    refusal = get_refusal(conn, actor, refusal_id)
    unit = get_unit(conn, refusal["unit_id"])
    procedure = conn.scalar(select(procedures.c.name).where(procedures.c.id == refusal["procedure_id"]))
    doc = pdf.new_form(unit_name=unit["name"], title="Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    pdf.paragraph(
        doc,
        f"Bộ phận Một cửa – Trung tâm Phục vụ Hành chính công {unit['name']} tiếp nhận hồ sơ của:",
    )
    cccd = f" – CCCD {refusal['applicant_cccd']}" if refusal["applicant_cccd"] else ""
    pdf.line(doc, "Ông/Bà", f"{refusal['applicant_name']}{cccd}")
    pdf.line(doc, "Đề nghị giải quyết thủ tục", procedure)
    pdf.paragraph(doc, "Sau khi xem xét, hồ sơ không đủ điều kiện tiếp nhận vì các lý do sau:", bold=True)
    for index, reason in enumerate(refusal["reasons"], 1):
        pdf.paragraph(doc, f"{index}. {reason}")
    pdf.paragraph(doc, "Xin thông báo để Ông/Bà biết và hoàn thiện hồ sơ theo quy định.")
    pdf.line(doc, "Ngày", format_date(refusal["refused_at"] or now()))
    pdf.signatures(doc, "Người nộp hồ sơ", "Cán bộ tiếp nhận", right_name=_user_name(conn, refusal["refused_by"]))
    return pdf.finish(doc)
