"""Same-day decisions at the counter for `at_counter` procedures (marriage, birth, death, certified copies): the
clerk or the ward leader records the decision, the scanned result is attached and the dossier is ready to return."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select

from db.schema import dossiers, procedures
from services.core import audit
from services.core.clock import now
from services.core.errors import PermissionDenied, ValidationError
from services.core.files import FileStore, check_uploads
from services.core.roles import CLERK, LEADER, Actor
from services.core.text import nfc
from services.dossiers import files as dossier_files
from services.dossiers.flow import STATUS_LABELS, load, transition

DECIDABLE = ("received", "in_progress")


def pending_at_counter(conn: Connection, actor: Actor) -> list[dict]:
    """Open at_counter dossiers of the actor's unit, the most urgent first."""
    _require_counter_staff(actor)
    query = (
        select(dossiers, procedures.c.name.label("procedure_name"))
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .where(
            dossiers.c.processing_unit_id == actor.unit_id,
            procedures.c.mode == "at_counter",
            dossiers.c.status.in_(DECIDABLE),
        )
        .order_by(dossiers.c.due_at, dossiers.c.id)
    )
    return [{**row._mapping, "status_label": STATUS_LABELS[row.status]} for row in conn.execute(query)]


def record_decision(
    conn: Connection,
    actor: Actor,
    *,
    dossier_id: int,
    expected_version: int,
    approve: bool,
    note: str = "",
    result_files: Sequence[tuple[str, bytes]] = (),
    result_electronic: bool = False,
    store: FileStore | None = None,
    at: datetime | None = None,
) -> dict:
    """Approve (result ready, scanned result attached) or refuse with a reason; returns the updated dossier."""
    _require_counter_staff(actor)
    at = at or now()
    dossier = load(conn, dossier_id, for_update=True)
    _check_scope(conn, actor, dossier)
    note = nfc(note)
    late = at > dossier["due_at"]
    if not approve:
        if not note:
            raise ValidationError("Phải ghi rõ lý do từ chối giải quyết.")
        updated = transition(
            conn, actor, dossier, "reject", expected_version=expected_version, note=note, at=at,
            finished_at=at, is_late=late,
        )  # fmt: skip
    else:
        checked = check_uploads(list(result_files))
        if result_electronic and not checked:
            raise ValidationError("Kết quả điện tử cần tải lên bản điện tử (bản quét) của kết quả.")
        updated = transition(
            conn, actor, dossier, "complete", expected_version=expected_version, note=note, at=at,
            result_ready_at=at, finished_at=at, is_late=late, result_electronic=result_electronic,
        )  # fmt: skip
        prefix = f"dossiers/results/{dossier['code']}"
        dossier_files.attach_files(
            conn, actor, store, dossier_id=dossier_id, prefix=prefix, checked=checked, kind="result", at=at
        )
    audit.record(
        conn, actor, action="approve" if approve else "reject", entity="dossier", entity_id=dossier_id,
        unit_id=actor.unit_id, code=dossier["code"],
    )  # fmt: skip
    return updated


def _require_counter_staff(actor: Actor) -> None:
    actor.require(CLERK, LEADER)
    if actor.unit_id is None:
        raise PermissionDenied("Tài khoản chưa được gán phường/xã.")


def _check_scope(conn: Connection, actor: Actor, dossier: dict) -> None:
    if dossier["processing_unit_id"] != actor.unit_id:
        raise PermissionDenied("Hồ sơ này không thuộc phạm vi của bạn.")
    mode = conn.scalar(select(procedures.c.mode).where(procedures.c.id == dossier["procedure_id"]))
    if mode != "at_counter":
        raise ValidationError("Hồ sơ này do phòng chuyên môn giải quyết, không quyết định tại bộ phận một cửa.")
    if dossier["status"] not in DECIDABLE:
        raise ValidationError(f"Hồ sơ đang ở trạng thái “{STATUS_LABELS[dossier['status']]}”, không thể quyết định.")
