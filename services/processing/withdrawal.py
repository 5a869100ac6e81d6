"""Withdrawal (rút hồ sơ) at the citizen's request, before the result: reason, the citizen's signature confirmed by
the clerk, a printed slip. The dossier closes as withdrawn and counts in no on-time or late figure (services.kpi
leaves status "withdrawn" out). Source and what is unconfirmed: docs/rules.md."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select

from db.schema import withdrawals
from services.core import audit
from services.core.clock import format_datetime, now
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.pdf import finish, line, new_form, paragraph, signatures
from services.core.roles import CLERK, LEADER, Actor
from services.core.text import nfc
from services.dossiers import flow as dossier_flow
from services.processing.dossier_view import dossier_names

WITHDRAWABLE = frozenset(source for (source, action) in dossier_flow.TRANSITIONS if action == "withdraw")
MAX_TEXT = 2000


def withdraw(
    conn: Connection,
    actor: Actor,
    *,
    dossier_id: int,
    expected_version: int,
    reason: str,
    requested_by: str,
    signature_confirmed: bool,
    at: datetime | None = None,
) -> int:
    """The counter clerk (or leader) of the receiving unit closes the dossier as withdrawn; returns the slip id."""
    actor.require(CLERK, LEADER)
    at = (at or now()).replace(microsecond=0)
    dossier = dossier_flow.load(conn, dossier_id, for_update=True)
    if actor.unit_id != dossier["receiving_unit_id"]:
        raise PermissionDenied("Chỉ bộ phận một cửa nơi tiếp nhận hồ sơ mới nhận yêu cầu rút hồ sơ.")
    if dossier["status"] not in WITHDRAWABLE:
        label = dossier_flow.STATUS_LABELS[dossier["status"]]
        raise ValidationError(f"Không thể rút hồ sơ đang ở trạng thái “{label}”: chỉ rút được trước khi có kết quả.")
    reason, requested_by = _text(reason, "lý do rút hồ sơ"), _text(requested_by, "họ tên người đề nghị rút hồ sơ")
    if not signature_confirmed:
        raise ValidationError("Công dân phải ký vào phiếu rút hồ sơ; xác nhận chữ ký trước khi ghi nhận.")
    dossier_flow.transition(
        conn, actor, dossier, "withdraw", expected_version=expected_version, at=at,
        note=f"Lý do: {reason}", finished_at=at, is_late=None, paused_at=None,
    )  # fmt: skip
    slip_id = conn.execute(
        insert(withdrawals).values(
            dossier_id=dossier_id, reason=reason, requested_by=requested_by[:200], signature_confirmed=True,
            created_at=at, username=actor.username,
        )
    ).inserted_primary_key[0]  # fmt: skip
    audit.record(conn, actor, action="withdraw", entity="dossier", entity_id=dossier_id, unit_id=actor.unit_id)
    return slip_id


def _text(value: str, label: str) -> str:
    text = " ".join(nfc(value or "").split())
    if not text:
        raise ValidationError(f"Vui lòng nhập {label}.")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"{label.capitalize()} quá dài (tối đa {MAX_TEXT} ký tự).")
    return text


def withdrawal_pdf(conn: Connection, actor: Actor, *, dossier_id: int) -> bytes:
    """Phiếu xác nhận rút hồ sơ, signed by the citizen and the clerk."""
    dossier = dossier_flow.load(conn, dossier_id)
    dossier_flow.require_read(actor, dossier)
    row = conn.execute(select(withdrawals).where(withdrawals.c.dossier_id == dossier_id)).first()
    if row is None:
        raise NotFound("Hồ sơ này chưa được rút.")
    names = dossier_names(conn, dossier)
    doc = new_form(unit_name=names["receiving_unit"], title="Phiếu xác nhận rút hồ sơ")
    line(doc, "Mã hồ sơ", dossier["code"])
    line(doc, "Thủ tục", names["procedure"])
    line(doc, "Người nộp", dossier["applicant_name"])
    line(doc, "Người đề nghị rút", row.requested_by)
    line(doc, "Tiếp nhận lúc", format_datetime(dossier["received_at"]))
    line(doc, "Rút hồ sơ lúc", format_datetime(row.created_at))
    line(doc, "Lý do", row.reason)
    paragraph(doc, "Hồ sơ được dừng giải quyết theo đề nghị của công dân; không tính vào số hồ sơ đúng hạn, trễ hạn.")
    signatures(doc, "Người đề nghị rút hồ sơ", "Cán bộ tiếp nhận", left_name=row.requested_by)
    return finish(doc)
