"""Extension by written notice (gia hạn): for a procedure whose law allows it (the construction permit: up to 10 days
after the due date, Construction Law 2014 Art. 102(1) as amended by Law 62/2020), the handler or the unit's leader
notifies the applicant in writing with the reason; the legal deadline moves and, unlike an apology, the dossier is
not counted late. Whether the 10 days are calendar or working days is not confirmed: calendar days here."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select

from db.schema import extensions, procedures
from services.catalog import steps as legal_steps
from services.core.clock import format_datetime, now
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.pdf import finish, line, new_form, paragraph, signatures
from services.core.roles import Actor
from services.dossiers import flow as dossier_flow
from services.processing.actions import APOLOGY_STATUSES, _clean_text, _load, is_handler, is_unit_leader


def extension_limit(conn: Connection, dossier: dict) -> tuple[int, datetime]:
    """(allowed days, latest new deadline): counted from the due moment before the first extension."""
    days = conn.scalar(select(procedures.c.max_extension_days).where(procedures.c.id == dossier["procedure_id"]))
    if not days:
        raise ValidationError("Thủ tục này không có quy định gia hạn bằng văn bản; nếu trễ hạn, lập phiếu xin lỗi.")
    first = conn.scalar(
        select(extensions.c.old_due_at).where(extensions.c.dossier_id == dossier["id"]).order_by(extensions.c.id)
    )
    return days, (first or dossier["due_at"]) + timedelta(days=days)


def may_extend(conn: Connection, actor: Actor, dossier: dict) -> bool:
    """Offered on the dossier page while the dossier is open and before its due moment, where the procedure allows."""
    allowed = conn.scalar(select(procedures.c.max_extension_days).where(procedures.c.id == dossier["procedure_id"]))
    who = is_handler(actor, dossier) or is_unit_leader(actor, dossier)
    return bool(allowed) and who and dossier["status"] in APOLOGY_STATUSES and now() <= dossier["due_at"]


def extensions_of(conn: Connection, dossier_id: int) -> list[dict]:
    rows = conn.execute(select(extensions).where(extensions.c.dossier_id == dossier_id).order_by(extensions.c.id))
    return [dict(row._mapping) for row in rows]


def extend(
    conn: Connection,
    actor: Actor,
    *,
    dossier_id: int,
    expected_version: int,
    reason: str,
    new_due_at: datetime,
    at: datetime | None = None,
) -> int:
    at = (at or now()).replace(microsecond=0)
    dossier = _load(conn, actor, dossier_id, expected_version)
    if not (is_handler(actor, dossier) or is_unit_leader(actor, dossier)):
        raise PermissionDenied("Chỉ chuyên viên thụ lý, trưởng phòng hoặc lãnh đạo đơn vị gia hạn được hồ sơ.")
    if dossier["status"] not in APOLOGY_STATUSES:
        raise dossier_flow.InvalidTransition("Chỉ gia hạn hồ sơ đang giải quyết.")
    reason = _clean_text(reason, "lý do gia hạn")
    days, limit = extension_limit(conn, dossier)
    if new_due_at is None or new_due_at.tzinfo is None:
        raise ValidationError("Vui lòng chọn thời hạn mới.")
    if new_due_at <= dossier["due_at"]:
        raise ValidationError(f"Thời hạn mới phải sau thời hạn hiện tại ({format_datetime(dossier['due_at'])}).")
    if new_due_at > limit:
        raise ValidationError(
            f"Chỉ được gia hạn tối đa {days} ngày sau thời hạn giải quyết, tức chậm nhất {format_datetime(limit)} "
            "(khoản 1 Điều 102 Luật Xây dựng 2014, sửa đổi năm 2020)."
        )
    if at > dossier["due_at"]:
        raise ValidationError("Phải thông báo gia hạn trước khi hết thời hạn giải quyết.")
    dossier_flow.record(
        conn, actor, dossier, "extend", expected_version=expected_version, public=True, at=at,
        note=f"Gia hạn đến {format_datetime(new_due_at)}. Lý do: {reason}", event={"step_due_at": new_due_at},
        due_at=new_due_at, extension_count=dossier["extension_count"] + 1,
    )  # fmt: skip
    legal_steps.extend_last_step(conn, dossier_id, new_due_at=new_due_at)
    return conn.execute(
        insert(extensions).values(
            dossier_id=dossier_id, reason=reason, old_due_at=dossier["due_at"], new_due_at=new_due_at,
            created_at=at, username=actor.username,
        )
    ).inserted_primary_key[0]  # fmt: skip


def extension_pdf(conn: Connection, actor: Actor, *, dossier_id: int, extension_id: int) -> bytes:
    """Thông báo gia hạn: the written notice the applicant receives."""
    dossier = dossier_flow.load(conn, dossier_id)
    dossier_flow.require_read(actor, dossier)
    row = conn.execute(
        select(extensions).where(extensions.c.id == extension_id, extensions.c.dossier_id == dossier_id)
    ).first()
    if row is None:
        raise NotFound("Không tìm thấy thông báo gia hạn.")
    from services.processing.dossier_view import dossier_names  # the dossier view offers this action: imported late

    names = dossier_names(conn, dossier)
    unit = names["processing_unit"] or names["receiving_unit"]
    doc = new_form(unit_name=unit, title="Thông báo gia hạn giải quyết hồ sơ")
    line(doc, "Mã hồ sơ", dossier["code"])
    line(doc, "Thủ tục", names["procedure"])
    line(doc, "Người nộp", dossier["applicant_name"])
    line(doc, "Thời hạn giải quyết", format_datetime(row.old_due_at))
    line(doc, "Gia hạn đến", format_datetime(row.new_due_at))
    line(doc, "Lý do", row.reason)
    paragraph(doc, "Việc gia hạn được thông báo bằng văn bản theo quy định; đây không phải phiếu xin lỗi, hẹn lại.")
    signatures(doc, "Người nộp hồ sơ", "Người thông báo", right_name=row.username)
    return finish(doc)
