"""The shipment manifest (Bảng kê hồ sơ gửi qua bưu chính công ích): goes in the envelope and is signed at both ends."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from db.schema import dossier_documents
from services.core.clock import format_datetime
from services.core.pdf import finish, line, new_form, paragraph, qr, signatures, table
from services.core.roles import Actor
from services.transfers.postal import shipment_detail


def manifest_pdf(conn: Connection, actor: Actor, *, shipment_id: int) -> bytes:
    shipment = shipment_detail(conn, actor, shipment_id=shipment_id)
    doc = new_form(
        unit_name=shipment["from_unit"],
        title="Bảng kê hồ sơ gửi qua bưu chính công ích",
        subtitle=shipment["kind_label"],
    )
    qr(doc, f"{shipment['carrier']}:{shipment['tracking_number']}", size_mm=26, caption="Số hiệu bưu gửi")
    line(doc, "Đơn vị chuyển phát", shipment["carrier_label"])
    line(doc, "Số hiệu bưu gửi", shipment["tracking_number"])
    line(doc, "Nơi gửi", shipment["from_unit"])
    line(doc, "Nơi nhận", shipment["to"])
    line(doc, "Gửi lúc", format_datetime(shipment["sent_at"]))
    line(doc, "Hạn xác nhận đã nhận", format_datetime(shipment["confirm_due_at"]))
    what = "Hồ sơ giấy" if shipment["kind"] == "dossier" else "Kết quả giải quyết"
    rows = [
        [
            index,
            dossier["code"],
            dossier["procedure_name"],
            dossier["applicant_name"],
            what,
            _papers(conn, shipment, dossier),
        ]
        for index, dossier in enumerate(shipment["dossiers"], start=1)
    ]
    table(doc, ["STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Nội dung", "Số giấy tờ"], rows, (10, 40, 50, 34, 24, 16))
    paragraph(doc, f"Tổng số: {len(rows)} hồ sơ.", bold=True)
    if shipment["note"]:
        line(doc, "Ghi chú", shipment["note"])
    paragraph(
        doc,
        "Bên nhận kiểm đếm, ký nhận và xác nhận “Đã nhận” trên phần mềm ngay khi nhận được bưu gửi.",
        size=10,
    )
    signatures(doc, "Bên gửi", "Bên nhận", left_name=shipment["sent_by"], right_name=shipment["confirmed_by"] or "")
    return finish(doc)


def _papers(conn: Connection, shipment: dict, dossier: dict) -> str:
    """Sheets received at the counter, so the other end can count them; a result is counted by its own papers."""
    if shipment["kind"] != "dossier":
        return ""
    count = conn.scalar(
        select(func.coalesce(func.sum(dossier_documents.c.copies), 0)).where(
            dossier_documents.c.dossier_id == dossier["id"], dossier_documents.c.received.is_(True)
        )
    )
    return str(count)
