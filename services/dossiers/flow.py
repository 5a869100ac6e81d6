"""The dossier state machine (pure) and the one way every feature changes a dossier's state.

`transition()` checks the move, bumps the version (optimistic locking: a second person acting on a stale copy gets
a clear message), and writes the dossier event that the control slip and the public timeline are built from, all
in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from db.schema import dossier_events, dossiers
from services.core.clock import now
from services.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from services.core.roles import CLERK, DEPARTMENT_HEAD, LEADER, SPECIALIST, Actor
from services.dossiers.whereabouts import result_at_counter_problem

STATUS_LABELS = {
    "awaiting_dispatch": "Chờ điều phối đơn vị xử lý",
    "received": "Đã tiếp nhận",
    "assigned": "Đã chuyển phòng chuyên môn",
    "in_progress": "Đang xử lý",
    "supplement_requested": "Chờ công dân bổ sung",
    "result_ready": "Có kết quả, chờ trả",
    "result_in_transit": "Kết quả đang chuyển về nơi tiếp nhận",
    "returned": "Đã trả kết quả",
    "rejected": "Từ chối giải quyết",
    "withdrawn": "Công dân rút hồ sơ",
}
OPEN_STATUSES = frozenset(STATUS_LABELS) - {"returned", "withdrawn"}
FINISHED_STATUSES = frozenset({"result_ready", "result_in_transit", "returned", "rejected", "withdrawn"})
PAUSED_STATUSES = frozenset({"supplement_requested"})

ACTION_LABELS = {
    "receive": "Tiếp nhận hồ sơ",
    "dispatch": "Điều phối đến đơn vị xử lý",
    "transfer": "Chuyển phòng chuyên môn",
    "assign": "Phân công chuyên viên",
    "start": "Bắt đầu xử lý",
    "request_supplement": "Yêu cầu bổ sung hồ sơ",
    "receive_supplement": "Nhận hồ sơ bổ sung",
    "complete": "Có kết quả giải quyết",
    "ship_result": "Gửi kết quả về nơi tiếp nhận",
    "receive_result": "Nhận kết quả tại nơi tiếp nhận",
    "return_result": "Trả kết quả cho công dân",
    "reject": "Từ chối giải quyết",
    "withdraw": "Công dân rút hồ sơ",
}

# Events that add to the record without moving the state (written with record()).
RECORD_LABELS = {
    "note": "Ghi chú",
    "site_appraisal": "Thẩm định thực địa",
    "apologize": "Xin lỗi và hẹn lại ngày trả kết quả",
    "ship_dossier": "Gửi hồ sơ giấy qua bưu chính đến đơn vị xử lý",
    "receive_paper": "Nhận hồ sơ giấy qua bưu chính",
    "mail_result": "Gửi kết quả qua bưu chính đến địa chỉ công dân",
}
EVENT_LABELS = {**ACTION_LABELS, "receive_unrouted": "Tiếp nhận hồ sơ", **RECORD_LABELS}

# (status, action) -> next status. Actions that only add to the record (notes, apology, site appraisal) stay out.
TRANSITIONS: dict[tuple[str | None, str], str] = {
    (None, "receive"): "received",
    (None, "receive_unrouted"): "awaiting_dispatch",
    ("awaiting_dispatch", "dispatch"): "received",
    ("received", "transfer"): "assigned",
    ("assigned", "assign"): "in_progress",
    ("in_progress", "assign"): "in_progress",
    ("supplement_requested", "assign"): "supplement_requested",
    ("received", "start"): "in_progress",
    ("received", "request_supplement"): "supplement_requested",
    ("in_progress", "request_supplement"): "supplement_requested",
    ("supplement_requested", "receive_supplement"): "in_progress",
    ("received", "complete"): "result_ready",
    ("in_progress", "complete"): "result_ready",
    ("result_ready", "ship_result"): "result_in_transit",
    ("result_in_transit", "receive_result"): "result_ready",
    ("result_ready", "return_result"): "returned",
    ("rejected", "return_result"): "returned",
    **{(status, "reject"): "rejected" for status in ("received", "assigned", "in_progress", "supplement_requested")},
    **{
        (status, "withdraw"): "withdrawn"
        for status in ("awaiting_dispatch", "received", "assigned", "in_progress", "supplement_requested")
    },
}


class InvalidTransition(DomainError):
    pass


def next_status(status: str | None, action: str) -> str:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        label = ACTION_LABELS.get(action, action)
        state = STATUS_LABELS.get(status or "", "chưa tiếp nhận")
        raise InvalidTransition(f"Không thể “{label}” khi hồ sơ đang ở trạng thái “{state}”.") from None


def allowed_actions(status: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == status]


def load(conn: Connection, dossier_id: int, *, for_update: bool = False) -> dict:
    query = select(dossiers).where(dossiers.c.id == dossier_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    return dict(row._mapping)


def transition(
    conn: Connection,
    actor: Actor | None,
    dossier: dict,
    action: str,
    *,
    expected_version: int | None = None,
    note: str = "",
    public: bool = True,
    at: datetime | None = None,
    event: dict[str, Any] | None = None,
    **changes: Any,
) -> dict:
    """Moves `dossier` (as loaded) by `action`, applying `changes` to its row; returns the updated row."""
    to_status = next_status(dossier["status"], action)
    if action == "return_result" and (problem := result_at_counter_problem(conn, dossier)):
        raise InvalidTransition(problem)
    return _write(conn, actor, dossier, action, to_status, expected_version, note, public, at, event, changes)


def record(
    conn: Connection,
    actor: Actor | None,
    dossier: dict,
    action: str,
    *,
    expected_version: int | None = None,
    note: str = "",
    public: bool = False,
    at: datetime | None = None,
    event: dict[str, Any] | None = None,
    **changes: Any,
) -> dict:
    """An event that does not change the state (note, apology, appraisal, shipment), still version-checked."""
    return _write(conn, actor, dossier, action, dossier["status"], expected_version, note, public, at, event, changes)


def _write(conn, actor, dossier, action, to_status, expected_version, note, public, at, event, changes) -> dict:
    at = at or now()
    version = dossier["version"] if expected_version is None else expected_version
    result = conn.execute(
        update(dossiers)
        .where(dossiers.c.id == dossier["id"], dossiers.c.version == version)
        .values(status=to_status, version=version + 1, updated_at=at, **changes)
    )
    if result.rowcount != 1:
        raise Conflict("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang rồi thao tác lại.")
    add_event(
        conn, actor, dossier["id"], action, dossier["status"], to_status, at=at, note=note, public=public, event=event
    )
    return {**dossier, **changes, "status": to_status, "version": version + 1, "updated_at": at}


def add_event(
    conn: Connection,
    actor: Actor | None,
    dossier_id: int,
    action: str,
    from_status: str | None,
    to_status: str | None,
    *,
    at: datetime,
    note: str = "",
    public: bool = True,
    event: dict[str, Any] | None = None,
) -> None:
    """Only for the event that creates a dossier; every later change goes through transition() or record()."""
    conn.execute(
        insert(dossier_events).values(
            dossier_id=dossier_id,
            at=at,
            action=action,
            from_status=from_status,
            to_status=to_status,
            user_id=actor.user_id if actor else None,
            username=actor.username if actor else "system",
            unit_id=actor.unit_id if actor else None,
            public=public,
            note=note,
            **(event or {}),
        )
    )


def events(conn: Connection, dossier_id: int, *, public_only: bool = False) -> list[dict]:
    query = select(dossier_events).where(dossier_events.c.dossier_id == dossier_id).order_by(dossier_events.c.id)
    if public_only:
        query = query.where(dossier_events.c.public.is_(True))
    return [dict(r._mapping) for r in conn.execute(query)]


def can_read(actor: Actor, dossier: dict) -> bool:
    """City roles: everything. Clerks and leaders: dossiers their unit received or processes. Specialists: their
    department's dossiers in their unit."""
    if actor.city_wide:
        return True
    units_involved = {dossier["receiving_unit_id"], dossier.get("processing_unit_id")}
    if actor.has(CLERK, LEADER) and actor.unit_id in units_involved:
        return True
    return (
        actor.has(SPECIALIST, DEPARTMENT_HEAD)
        and actor.unit_id == dossier.get("processing_unit_id")
        and actor.department_id is not None
        and actor.department_id == dossier.get("department_id")
    )


def require_read(actor: Actor, dossier: dict) -> None:
    if not can_read(actor, dossier):
        raise PermissionDenied("Hồ sơ này không thuộc phạm vi của bạn.")
