"""The printed forms of department processing: control slip, supplement request, apology with a new date, refusal."""

from __future__ import annotations

import json

from sqlalchemy import Connection, select

from db.schema import apologies, supplement_requests
from services.core.clock import format_date, format_datetime, local_today
from services.core.errors import NotFound
from services.core.pdf import finish, line, new_form, paragraph, signatures, table
from services.core.roles import Actor
from services.dossiers import flow as dossier_flow
from services.processing.dossier_view import dossier_names, hand_overs


def _readable(conn: Connection, actor: Actor, dossier_id: int) -> tuple[dict, dict]:
    dossier = dossier_flow.load(conn, dossier_id)
    dossier_flow.require_read(actor, dossier)
    return dossier, dossier_names(conn, dossier)


def _head(dossier: dict, names: dict, title: str, subtitle: str = ""):
    doc = new_form(unit_name=names["processing_unit"] or names["receiving_unit"], title=title, subtitle=subtitle)
    line(doc, "Mã hồ sơ", dossier["code"])
    line(doc, "Thủ tục", names["procedure"])
    line(doc, "Người nộp", dossier["applicant_name"])
    return doc


def control_slip_pdf(conn: Connection, actor: Actor, *, dossier_id: int) -> bytes:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: every hand-over, who to whom, when, the step's due, on time."""
    dossier, names = _readable(conn, actor, dossier_id)
    doc = _head(dossier, names, "Phiếu kiểm soát quá trình giải quyết hồ sơ")
    line(doc, "Tiếp nhận lúc", format_datetime(dossier["received_at"]))
    line(doc, "Hẹn trả kết quả", format_datetime(dossier["due_at"]))
    if dossier["paused_seconds"]:
        line(doc, "Thời gian tạm dừng chờ bổ sung", f"{dossier['paused_seconds'] // 60} phút làm việc")
    rows = [
        [
            index,
            row["label"],
            row["from"],
            row["to"],
            format_datetime(row["at"]),
            format_datetime(row["step_due_at"]),
            {True: "Đúng hạn", False: "Trễ hạn", None: ""}[row["on_time"]],
        ]
        for index, row in enumerate(hand_overs(conn, dossier), start=1)
    ]
    headers = ["STT", "Bước", "Bên giao", "Bên nhận", "Thời điểm", "Hạn", "Kết quả"]
    table(doc, headers, rows, widths=(8, 26, 28, 34, 22, 22, 18))
    if dossier["counted_late"]:
        paragraph(doc, "Hồ sơ tính là trễ hạn (yêu cầu bổ sung lần thứ hai hoặc đã xin lỗi, hẹn lại).", bold=True)
    return finish(doc)


def supplement_request_pdf(conn: Connection, actor: Actor, *, dossier_id: int, request_id: int) -> bytes:
    dossier, names = _readable(conn, actor, dossier_id)
    request = conn.execute(
        select(supplement_requests).where(
            supplement_requests.c.id == request_id, supplement_requests.c.dossier_id == dossier_id
        )
    ).first()
    if request is None:
        raise NotFound("Không tìm thấy phiếu yêu cầu bổ sung.")
    doc = _head(dossier, names, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", f"Lần {request.seq}")
    line(doc, "Ngày tiếp nhận", format_datetime(dossier["received_at"]))
    paragraph(
        doc,
        f"Sau khi xem xét, {names['department'] or 'cơ quan giải quyết'} đề nghị ông/bà bổ sung, hoàn thiện "
        "các giấy tờ sau và nộp tại Bộ phận Một cửa:",
    )
    for index, item in enumerate(json.loads(request.items), start=1):
        paragraph(doc, f"{index}. {item}")
    if request.note:
        line(doc, "Ghi chú", request.note)
    paragraph(
        doc,
        "Thời gian chờ bổ sung không tính vào thời hạn giải quyết; ngày hẹn trả kết quả được lùi tương ứng "
        "khi ông/bà nộp đủ giấy tờ.",
        size=10,
    )
    line(doc, "Ngày lập phiếu", format_date(request.requested_at))
    signatures(doc, "Người nộp hồ sơ", "Người lập phiếu", right_name=request.requested_by)
    return finish(doc)


def apology_pdf(conn: Connection, actor: Actor, *, dossier_id: int, apology_id: int) -> bytes:
    dossier, names = _readable(conn, actor, dossier_id)
    row = conn.execute(
        select(apologies).where(apologies.c.id == apology_id, apologies.c.dossier_id == dossier_id)
    ).first()
    if row is None:
        raise NotFound("Không tìm thấy phiếu xin lỗi.")
    doc = _head(dossier, names, "Phiếu xin lỗi và hẹn lại ngày trả kết quả")
    line(doc, "Ngày hẹn trả trước đây", format_datetime(row.old_due_at))
    paragraph(doc, f"{names['processing_unit']} thành thật xin lỗi ông/bà vì hồ sơ chưa giải quyết kịp hạn.")
    line(doc, "Lý do", row.reason)
    line(doc, "Ngày giờ hẹn trả kết quả mới", format_datetime(row.new_due_at))
    paragraph(doc, "Rất mong ông/bà thông cảm.")
    line(doc, "Ngày lập phiếu", format_date(row.created_at))
    signatures(doc, "Người nhận phiếu", "Đại diện cơ quan giải quyết", right_name=row.username)
    return finish(doc)


def refusal_pdf(conn: Connection, actor: Actor, *, dossier_id: int) -> bytes:
    """The refusal letter returned to the citizen as the result, with the reasons recorded on rejection."""
    dossier, names = _readable(conn, actor, dossier_id)
    event = next((e for e in reversed(dossier_flow.events(conn, dossier_id)) if e["action"] == "reject"), None)
    if event is None:
        raise NotFound("Hồ sơ chưa bị từ chối giải quyết.")
    doc = _head(dossier, names, "Thông báo từ chối giải quyết hồ sơ")
    line(doc, "Ngày tiếp nhận", format_datetime(dossier["received_at"]))
    paragraph(doc, f"{names['processing_unit']} không giải quyết hồ sơ nêu trên vì lý do sau:")
    paragraph(doc, event["note"])
    paragraph(doc, "Xin thông báo để ông/bà biết.")
    line(doc, "Ngày", format_date(event["at"]) or format_date(local_today()))
    signatures(doc, "Người nhận", "Người có thẩm quyền", right_name="")
    return finish(doc)
