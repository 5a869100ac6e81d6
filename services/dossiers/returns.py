"""Returning the result at the counter (trả kết quả): find the dossier by code, receipt QR or CCCD, check who
collects it, record the citizen's rating, and settle whether the dossier was late."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from db.schema import dossier_documents, dossier_parties, dossiers, procedures
from services.core import audit
from services.core.cccd import check_cccd
from services.core.clock import now
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.roles import CLERK, LEADER, Actor
from services.core.text import nfc
from services.dossiers import files as dossier_files
from services.dossiers.flow import STATUS_LABELS, events, load, transition
from services.dossiers.public_status import dossier_id_from_token, token_in

RETURNABLE = ("result_ready", "rejected")
RATINGS = {"satisfied": "Hài lòng", "not_satisfied": "Không hài lòng"}
MAX_RESULTS = 20


def find_for_return(conn: Connection, actor: Actor, *, query: str, token_secret: str) -> list[dict]:
    """By dossier code, by the receipt's QR content (URL or token), or by a party's CCCD; own unit only."""
    _require_counter(actor)
    text = (query or "").strip()
    if not text:
        raise ValidationError("Nhập mã hồ sơ, nội dung mã QR trên giấy hẹn hoặc số CCCD.")
    token = token_in(text)
    if token:
        dossier_id = dossier_id_from_token(token_secret, token)
        if dossier_id is None:
            raise ValidationError("Mã QR không hợp lệ (không phải giấy hẹn của hệ thống hoặc đã bị sửa).")
        return _own(actor, _summaries(conn, dossiers.c.id == dossier_id))
    compact = text.replace(" ", "")
    if compact.isdigit() and len(compact) == 12:
        party_of = select(dossier_parties.c.dossier_id).where(dossier_parties.c.cccd == compact)
        condition = dossiers.c.id.in_(party_of) & (dossiers.c.receiving_unit_id == actor.unit_id)
        return _summaries(conn, condition)
    return _own(actor, _summaries(conn, dossiers.c.code == text.upper()))


def _own(actor: Actor, found: list[dict]) -> list[dict]:
    if any(row["receiving_unit_id"] != actor.unit_id for row in found):
        raise PermissionDenied("Hồ sơ này được tiếp nhận tại đơn vị khác; kết quả trả tại nơi đã tiếp nhận.")
    return found


def _summaries(conn: Connection, condition) -> list[dict]:
    query = (
        select(dossiers, procedures.c.name.label("procedure_name"))
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .where(condition)
        .order_by(dossiers.c.received_at.desc())
        .limit(MAX_RESULTS)
    )
    return [
        {**row._mapping, "status_label": STATUS_LABELS[row.status], "returnable": row.status in RETURNABLE}
        for row in conn.execute(query)
    ]


def return_details(conn: Connection, actor: Actor, *, dossier_id: int) -> dict:
    """Everything the clerk checks before handing over: parties, documents, result files, public timeline."""
    _require_counter(actor)
    dossier = load(conn, dossier_id)
    _require_receiving_unit(actor, dossier)
    parties = conn.execute(select(dossier_parties).where(dossier_parties.c.dossier_id == dossier_id)).all()
    documents = conn.execute(select(dossier_documents).where(dossier_documents.c.dossier_id == dossier_id)).all()
    procedure = conn.scalar(select(procedures.c.name).where(procedures.c.id == dossier["procedure_id"]))
    return {
        **dossier,
        "procedure_name": procedure,
        "status_label": STATUS_LABELS[dossier["status"]],
        "returnable": dossier["status"] in RETURNABLE,
        "late": is_late(dossier),
        "parties": [dict(row._mapping) for row in parties],
        "documents": [dict(row._mapping) for row in documents],
        "files": dossier_files.list_files(conn, dossier_id),
        "events": events(conn, dossier_id),
    }


def return_result(
    conn: Connection,
    actor: Actor,
    *,
    dossier_id: int,
    expected_version: int,
    collector_name: str,
    collector_cccd: str,
    authorization: str = "",
    rating: str | None = None,
    rating_comment: str = "",
    at: datetime | None = None,
) -> dict:
    """Hands the result over. The collector must be a party of the dossier, or hold an authorization that is noted.
    Late means the result was not ready by the appointment; a citizen collecting later does not make it late."""
    actor.require(CLERK)
    at = at or now()
    dossier = load(conn, dossier_id, for_update=True)
    _require_receiving_unit(actor, dossier)
    name = " ".join(nfc(collector_name).split())
    if not name:
        raise ValidationError("Nhập họ và tên người nhận kết quả.")
    cccd = check_cccd(collector_cccd, label="Số CCCD người nhận")
    authorization = nfc(authorization)
    if cccd not in _party_cccds(conn, dossier_id) and not authorization:
        raise ValidationError(
            "Người nhận không phải người nộp hồ sơ: ghi số, ngày của giấy ủy quyền trước khi trả kết quả."
        )
    if rating is not None and rating not in RATINGS:
        raise ValidationError("Mức đánh giá không hợp lệ.")
    ready_at = dossier["result_ready_at"] or dossier["finished_at"] or at
    late = is_late(dossier, ready_at)
    collected = f"{name} – CCCD {cccd}" + (f" – ủy quyền: {authorization}" if authorization else "")
    updated = transition(
        conn,
        actor,
        dossier,
        "return_result",
        expected_version=expected_version,
        at=at,
        returned_at=at,
        finished_at=dossier["finished_at"] or ready_at,
        is_late=late,
        collected_by=collected[:200],
        rating=rating,
        rating_comment=nfc(rating_comment)[:2000],
    )
    audit.record(
        conn, actor, action="return", entity="dossier", entity_id=dossier_id, unit_id=actor.unit_id, rating=rating
    )
    return updated


def is_late(dossier: dict, ready_at: datetime | None = None) -> bool:
    """Late when the result was not ready by the appointment (as already settled, or judged from `ready_at`)."""
    if dossier["is_late"] is not None:
        return bool(dossier["is_late"])
    ready_at = ready_at or dossier["result_ready_at"] or dossier["finished_at"]
    return ready_at is not None and ready_at > dossier["due_at"]


def _party_cccds(conn: Connection, dossier_id: int) -> set[str]:
    return set(conn.scalars(select(dossier_parties.c.cccd).where(dossier_parties.c.dossier_id == dossier_id)))


def _require_counter(actor: Actor) -> None:
    actor.require(CLERK, LEADER)
    if actor.unit_id is None:
        raise PermissionDenied("Tài khoản chưa được gán phường/xã.")


def _require_receiving_unit(actor: Actor, dossier: dict) -> None:
    if dossier["receiving_unit_id"] != actor.unit_id:
        raise PermissionDenied("Hồ sơ này được tiếp nhận tại đơn vị khác; kết quả trả tại nơi đã tiếp nhận.")


def file_content(conn: Connection, actor: Actor, store, *, file_id: int) -> tuple[str, str, bytes]:
    row = dossier_files.file_row(conn, file_id)
    dossier = load(conn, row["dossier_id"])
    if not (dossier["receiving_unit_id"] == actor.unit_id or dossier["processing_unit_id"] == actor.unit_id):
        raise NotFound("Không tìm thấy tệp.")
    return row["filename"], row["content_type"], store.get(row["storage_key"])
