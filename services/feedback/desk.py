"""The staff desk for citizen feedback: triage (each confirmation becomes training data), the handler's queue by
deadline, answer, reject, ask for more information, escalate overdue items to the leader, likely duplicates.

Ward leaders act on every item of their unit; department staff on the items routed to their department; the
leader and department heads triage. Admin and city leaders read every unit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select

from db.schema import feedback, feedback_examples, feedback_photos
from services.core.clock import format_datetime, now
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.files import FileStore
from services.core.roles import ADMIN, CITY_LEADER, DEPARTMENT_HEAD, DEPARTMENT_ROLES, LEADER, Actor
from services.feedback.classifier import CATEGORIES
from services.feedback.items import (
    MAX_CONTENT,
    OPEN_STATUSES,
    REJECT_REASONS,
    STATUS_LABELS,
    add_event,
    answered_on_time,
    change,
    check_photos,
    clean_text,
    events_of,
    is_overdue,
    load_item,
    normalize_code,
    photos_of,
    save_photos,
    unit_name,
)
from services.feedback.routing import KINDS, check_handler, department_names, due_for, handler_label

DESK_ROLES = (ADMIN, CITY_LEADER, LEADER, DEPARTMENT_HEAD, *DEPARTMENT_ROLES)
VIEWS = {
    "queue": "Hàng chờ xử lý của tôi",
    "triage": "Chờ phân loại",
    "open": "Tất cả đang xử lý",
    "answered": "Đã trả lời",
    "rejected": "Không xử lý",
    "all": "Tất cả",
}
DUPLICATE_DAYS = 30
DUPLICATE_THRESHOLD = 0.35
MIN_ANSWER = 20


# ---- permissions --------------------------------------------------------------------------------------------------


def require_read(actor: Actor, item: dict) -> None:
    actor.require(*DESK_ROLES)
    actor.require_unit(item["unit_id"])


def can_handle(actor: Actor, item: dict) -> bool:
    """The leader of the unit, or staff of the department the item is routed to."""
    if item["unit_id"] != actor.unit_id:
        return False
    if actor.has(LEADER):
        return True
    return (
        actor.has(*DEPARTMENT_ROLES)
        and item["department_id"] is not None
        and (item["department_id"] == actor.department_id)
    )


def can_triage(actor: Actor, item: dict) -> bool:
    return item["unit_id"] == actor.unit_id and actor.has(LEADER, DEPARTMENT_HEAD)


def _require_handler(actor: Actor, item: dict) -> None:
    require_read(actor, item)
    if not can_handle(actor, item):
        raise PermissionDenied("Phản ánh này được giao cho đơn vị khác xử lý; bạn chỉ xem được.")


def _require_status(item: dict, *statuses: str) -> None:
    if item["status"] not in statuses:
        raise ValidationError(f"Phản ánh đang ở trạng thái “{STATUS_LABELS[item['status']]}”; không thực hiện được.")


# ---- lists --------------------------------------------------------------------------------------------------------


def desk_items(conn: Connection, actor: Actor, *, unit_id: int, view: str = "queue", at: datetime | None = None):
    """Rows for the desk, earliest deadline first for open items, newest first for closed ones."""
    actor.require(*DESK_ROLES)
    actor.require_unit(unit_id)
    if view not in VIEWS:
        raise ValidationError("Danh sách không hợp lệ.")
    at = at or now()
    query = select(feedback).where(feedback.c.unit_id == unit_id)
    query = _view_filter(query, actor, view)
    closed = view in {"answered", "rejected", "all"}
    query = query.order_by(feedback.c.updated_at.desc() if closed else feedback.c.due_at, feedback.c.id).limit(500)
    names = department_names(conn, unit_id)
    return [_row(dict(row._mapping), names, at) for row in conn.execute(query)]


def _view_filter(query, actor: Actor, view: str):
    if view == "triage":
        return query.where(feedback.c.status == "triage")
    if view == "open":
        return query.where(feedback.c.status.in_(OPEN_STATUSES | {"info_requested"}))
    if view in {"answered", "rejected"}:
        return query.where(feedback.c.status == view)
    if view == "all":
        return query
    open_items = query.where(feedback.c.status.in_({"assigned", "info_requested"}))
    if actor.has(LEADER):
        return open_items.where((feedback.c.department_id.is_(None)) | (feedback.c.escalated_at.is_not(None)))
    if actor.has(*DEPARTMENT_ROLES) and actor.department_id:
        return open_items.where(feedback.c.department_id == actor.department_id)
    return open_items.where(feedback.c.id.is_(None))


def _row(item: dict, names: dict[int, str], at: datetime) -> dict:
    return {
        "id": item["id"],
        "code": item["code"],
        "title": item["title"],
        "category": item["category"],
        "category_label": CATEGORIES.get(item["category"], item["category"]),
        "urgent": item["urgent"],
        "kind": item["kind"],
        "status": item["status"],
        "status_label": STATUS_LABELS[item["status"]],
        "handler": names.get(item["department_id"], "UBND phường/xã (Lãnh đạo)"),
        "received_at": item["received_at"],
        "due_at": item["due_at"],
        "overdue": is_overdue(item, at),
        "escalated": item["escalated_at"] is not None,
        "confidence": item["confidence"],
    }


def item_detail(conn: Connection, actor: Actor, *, feedback_id: int, at: datetime | None = None) -> dict:
    at = at or now()
    item = load_item(conn, feedback_id)
    require_read(actor, item)
    return {
        **item,
        "unit": unit_name(conn, item["unit_id"]),
        "category_label": CATEGORIES.get(item["category"], item["category"]),
        "status_label": STATUS_LABELS[item["status"]],
        "kind_label": KINDS.get(item["kind"], item["kind"]),
        "handler": handler_label(conn, item["department_id"]),
        "overdue": is_overdue(item, at),
        "on_time": answered_on_time(item),
        "can_handle": can_handle(actor, item) and item["status"] in OPEN_STATUSES | {"info_requested"},
        "can_triage": can_triage(actor, item) and item["status"] in OPEN_STATUSES | {"info_requested"},
        "can_escalate": can_handle(actor, item) and is_overdue(item, at) and item["escalated_at"] is None,
        "handlers": {None: "UBND phường/xã (Lãnh đạo)", **department_names(conn, item["unit_id"])},
        "events": events_of(conn, item["id"], public_only=False),
        "photos": photos_of(conn, item["id"]),
        "duplicates": likely_duplicates(conn, item, at=at),
    }


# ---- triage -------------------------------------------------------------------------------------------------------


def triage(
    conn: Connection,
    actor: Actor,
    *,
    feedback_id: int,
    category: str,
    department_id: int | None,
    kind: str,
    expected_version: int,
    at: datetime | None = None,
) -> dict:
    """Confirms or corrects the category and handler; the confirmed text becomes a training example."""
    at = at or now()
    item = load_item(conn, feedback_id)
    require_read(actor, item)
    if not can_triage(actor, item):
        raise PermissionDenied("Chỉ lãnh đạo hoặc trưởng phòng của đơn vị được phân loại phản ánh.")
    _require_status(item, "triage", "assigned", "info_requested")
    if category not in CATEGORIES:
        raise ValidationError("Lĩnh vực phản ánh không hợp lệ.")
    if kind not in KINDS:
        raise ValidationError("Loại phản ánh không hợp lệ.")
    check_handler(conn, unit_id=item["unit_id"], department_id=department_id)
    values = dict(category=category, department_id=department_id, kind=kind, urgent=kind == "urgent", updated_at=at)
    if kind != item["kind"]:
        values["due_at"] = due_for(conn, unit_id=item["unit_id"], kind=kind, start=item["received_at"])
    to_status = "assigned" if item["status"] == "triage" else item["status"]
    values["status"] = to_status
    action = "triage" if item["status"] == "triage" else "reassign"
    updated = change(conn, item, expected_version=expected_version, **values)
    note = f"{CATEGORIES[category]} → {handler_label(conn, department_id)}"
    add_event(conn, actor, feedback_id, action, item["status"], to_status, note=note, at=at)
    remember_example(conn, actor, item=updated, at=at)
    return {"status": updated["status"], "due_at": updated["due_at"]}


def remember_example(conn: Connection, actor: Actor, *, item: dict, at: datetime) -> None:
    """One example per item: a later correction replaces the earlier label."""
    text = f"{item['title']}. {item['content']}"
    values = dict(
        text=text,
        category=item["category"],
        urgent=item["kind"] == "urgent",
        confirmed_by=actor.username,
        created_at=at,
    )
    # Delete and insert (not update) so the model cache key (count, last id) changes and every instance retrains.
    conn.execute(delete(feedback_examples).where(feedback_examples.c.feedback_id == item["id"]))
    conn.execute(insert(feedback_examples).values(feedback_id=item["id"], **values))


# ---- handling -----------------------------------------------------------------------------------------------------


def answer(
    conn: Connection,
    actor: Actor,
    *,
    store: FileStore,
    feedback_id: int,
    text: str,
    photos: list[tuple[str, bytes]] = (),
    expected_version: int,
    at: datetime | None = None,
) -> dict:
    at = at or now()
    item = load_item(conn, feedback_id)
    _require_handler(actor, item)
    _require_status(item, "assigned", "triage")
    text = clean_text(text)
    if len(text) < MIN_ANSWER:
        raise ValidationError(f"Nội dung trả lời quá ngắn (ít nhất {MIN_ANSWER} ký tự).")
    if len(text) > MAX_CONTENT:
        raise ValidationError(f"Nội dung trả lời quá dài (tối đa {MAX_CONTENT} ký tự).")
    checked = check_photos(list(photos))
    change(
        conn,
        item,
        expected_version=expected_version,
        status="answered",
        answer=text,
        answered_at=at,
        answered_by=actor.user_id,
        updated_at=at,
    )
    add_event(conn, actor, feedback_id, "answer", item["status"], "answered", at=at)
    save_photos(conn, store, feedback_id, "answer", checked, at)
    return {"status": "answered", "on_time": at <= item["due_at"]}


def reject(
    conn: Connection,
    actor: Actor,
    *,
    feedback_id: int,
    reason: str,
    note: str = "",
    duplicate_of: str | None = None,
    expected_version: int,
    at: datetime | None = None,
) -> dict:
    at = at or now()
    item = load_item(conn, feedback_id)
    if not (can_handle(actor, item) or can_triage(actor, item)):
        require_read(actor, item)
        raise PermissionDenied("Phản ánh này được giao cho đơn vị khác xử lý; bạn chỉ xem được.")
    _require_status(item, "triage", "assigned", "info_requested")
    if reason not in REJECT_REASONS:
        raise ValidationError("Vui lòng chọn lý do không xử lý.")
    note = clean_text(note)[:2000]
    original_id = _duplicate_target(conn, item, duplicate_of) if reason == "duplicate" else None
    if reason != "duplicate" and len(note) < 10:
        raise ValidationError("Vui lòng ghi rõ lý do để người gửi hiểu (ít nhất 10 ký tự).")
    change(
        conn,
        item,
        expected_version=expected_version,
        status="rejected",
        reject_reason=reason,
        reject_note=note,
        duplicate_of=original_id,
        paused_at=None,
        updated_at=at,
    )
    add_event(conn, actor, feedback_id, "reject", item["status"], "rejected", note=REJECT_REASONS[reason], at=at)
    return {"status": "rejected"}


def _duplicate_target(conn: Connection, item: dict, code: str | None) -> int:
    row = conn.execute(select(feedback.c.id, feedback.c.unit_id).where(feedback.c.code == normalize_code(code))).first()
    if row is None or row.id == item["id"] or row.unit_id != item["unit_id"]:
        raise ValidationError("Vui lòng nhập mã phản ánh gốc (cùng phường/xã) mà phản ánh này trùng lặp.")
    return row.id


def request_information(
    conn: Connection, actor: Actor, *, feedback_id: int, question: str, expected_version: int, at=None
) -> dict:
    """Stops the clock until the citizen answers on the follow page."""
    at = at or now()
    item = load_item(conn, feedback_id)
    _require_handler(actor, item)
    _require_status(item, "assigned", "triage")
    question = clean_text(question)
    if len(question) < 10:
        raise ValidationError("Vui lòng ghi rõ thông tin cần người gửi bổ sung (ít nhất 10 ký tự).")
    change(
        conn,
        item,
        expected_version=expected_version,
        status="info_requested",
        info_request=question[:2000],
        paused_at=at,
        updated_at=at,
    )
    add_event(conn, actor, feedback_id, "request_info", item["status"], "info_requested", note=question[:2000], at=at)
    return {"status": "info_requested"}


def escalate(conn: Connection, actor: Actor, *, feedback_id: int, expected_version: int, at=None) -> dict:
    """An overdue item goes to the unit's leader, who sees it in their own queue from then on."""
    at = at or now()
    item = load_item(conn, feedback_id)
    _require_handler(actor, item)
    if not is_overdue(item, at):
        raise ValidationError("Chỉ chuyển lãnh đạo những phản ánh đã quá hạn xử lý.")
    if item["escalated_at"] is not None:
        raise ValidationError("Phản ánh này đã được chuyển lãnh đạo.")
    change(conn, item, expected_version=expected_version, escalated_at=at, updated_at=at)
    add_event(
        conn,
        actor,
        feedback_id,
        "escalate",
        item["status"],
        item["status"],
        note=f"Quá hạn từ {format_datetime(item['due_at'])}",
        at=at,
        public=False,
    )
    return {"escalated": True}


# ---- duplicates ---------------------------------------------------------------------------------------------------


def trigrams(folded: str) -> set[str]:
    text = f" {folded} "
    return {text[i : i + 3] for i in range(len(text) - 2)}


def similarity(a: str, b: str) -> float:
    left, right = trigrams(a), trigrams(b)
    return len(left & right) / len(left | right) if left and right else 0.0


def likely_duplicates(conn: Connection, item: dict, *, at: datetime | None = None, limit: int = 5) -> list[dict]:
    """Same unit, received within DUPLICATE_DAYS of it, similar folded text."""
    at = at or now()
    since = item["received_at"] - timedelta(days=DUPLICATE_DAYS)
    rows = conn.execute(
        select(
            feedback.c.id,
            feedback.c.code,
            feedback.c.title,
            feedback.c.status,
            feedback.c.search_text,
            feedback.c.received_at,
        )
        .where(
            feedback.c.unit_id == item["unit_id"],
            feedback.c.id != item["id"],
            feedback.c.received_at >= since,
            feedback.c.received_at <= item["received_at"] + timedelta(days=DUPLICATE_DAYS),
        )
        .order_by(feedback.c.received_at.desc())
        .limit(500)
    )
    scored = [(similarity(item["search_text"], row.search_text), row) for row in rows]
    matches = sorted((pair for pair in scored if pair[0] >= DUPLICATE_THRESHOLD), key=lambda pair: -pair[0])
    return [
        {
            "id": row.id,
            "code": row.code,
            "title": row.title,
            "status_label": STATUS_LABELS[row.status],
            "received": format_datetime(row.received_at),
            "similarity": round(score, 2),
        }
        for score, row in matches[:limit]
    ]


def photo_bytes(conn: Connection, actor: Actor, *, store: FileStore, photo_id: int) -> bytes:
    photo = conn.execute(select(feedback_photos).where(feedback_photos.c.id == photo_id)).first()
    if photo is None:
        raise NotFound("Không tìm thấy ảnh.")
    require_read(actor, load_item(conn, photo.feedback_id))
    return store.get(photo.storage_key)
