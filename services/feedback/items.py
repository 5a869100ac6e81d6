"""Citizen feedback, the citizen's side: submit (classified, routed, given a deadline), follow by code, add the
information staff asked for, rate the answer (reopen once), the public board of answers, and the statistics the
operations center shows. Staff actions live in services/feedback/desk.py.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from db.schema import feedback, feedback_events, feedback_photos, feedback_rate_limits, units
from services.catalog.procedures import calendar_for_unit
from services.core.clock import LOCAL_TZ, format_date, format_datetime, now
from services.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from services.core.files import IMAGE_TYPES, FileStore, check_upload, new_storage_key
from services.core.roles import ADMIN, CITY_LEADER, Actor
from services.core.text import nfc
from services.core.working_time import extend_by_pause
from services.feedback.classifier import CATEGORIES, classify, fold
from services.feedback.routing import due_for, handler_for, handler_label

STATUS_LABELS = {
    "triage": "Chờ phân loại",
    "assigned": "Đang xử lý",
    "info_requested": "Chờ người gửi bổ sung thông tin",
    "answered": "Đã trả lời",
    "rejected": "Không xử lý",
}
OPEN_STATUSES = frozenset({"triage", "assigned"})  # the clock runs; info_requested pauses it
REJECT_REASONS = {
    "spam": "Nội dung quảng cáo, spam hoặc không có thông tin phản ánh",
    "duplicate": "Trùng với phản ánh đã tiếp nhận",
    "out_of_scope": "Không thuộc thẩm quyền giải quyết của phường/xã",
}
ACTION_LABELS = {
    "submit": "Tiếp nhận phản ánh",
    "triage": "Phân loại và chuyển xử lý",
    "reassign": "Chuyển đơn vị xử lý",
    "request_info": "Đề nghị người gửi bổ sung thông tin",
    "add_info": "Người gửi bổ sung thông tin",
    "answer": "Trả lời phản ánh",
    "reject": "Không xử lý",
    "escalate": "Chuyển lãnh đạo do quá hạn",
    "rate": "Người gửi đánh giá kết quả",
    "reopen": "Mở lại theo đề nghị của người gửi",
}

MAX_TITLE = 200
MAX_CONTENT = 5000
MIN_CONTENT = 10
MAX_ADDRESS = 300
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 8 * 1024 * 1024
RATE_WINDOW_SECONDS = 600
BROWSER_LIMIT = 3  # submissions per browser per window
IP_LIMIT = 10  # per address: offices and phones behind one NAT share it
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PHONE_PATTERN = re.compile(r"^(\+?84|0)\d{9,10}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class NewFeedback:
    unit_id: int | None
    title: str
    content: str
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    hide_name: bool = True


class TooManySubmissions(ValidationError):
    pass


def clean_text(value: str | None) -> str:
    return CONTROL_CHARS.sub("", nfc(value or "").replace("\r\n", "\n"))


def public_units(conn: Connection) -> list[dict]:
    query = select(units.c.id, units.c.name).where(units.c.active.is_(True)).order_by(units.c.name)
    return [dict(row._mapping) for row in conn.execute(query)]


def _validated(conn: Connection, item: NewFeedback) -> NewFeedback:
    title, content, address = clean_text(item.title), clean_text(item.content), clean_text(item.address)
    name, phone, email = (
        clean_text(item.contact_name),
        re.sub(r"[\s.\-]", "", item.contact_phone or ""),
        clean_text(item.contact_email),
    )
    if not title:
        raise ValidationError("Vui lòng nhập tiêu đề phản ánh.")
    if len(title) > MAX_TITLE:
        raise ValidationError(f"Tiêu đề quá dài ({len(title)} ký tự; tối đa {MAX_TITLE}).")
    if len(content) < MIN_CONTENT:
        raise ValidationError(f"Vui lòng mô tả nội dung phản ánh (ít nhất {MIN_CONTENT} ký tự).")
    if len(content) > MAX_CONTENT:
        raise ValidationError(f"Nội dung quá dài ({len(content)} ký tự; tối đa {MAX_CONTENT}).")
    if len(address) > MAX_ADDRESS:
        raise ValidationError(f"Địa chỉ quá dài (tối đa {MAX_ADDRESS} ký tự).")
    if len(name) > 120:
        raise ValidationError("Họ tên quá dài (tối đa 120 ký tự).")
    if phone and not PHONE_PATTERN.match(phone):
        raise ValidationError("Số điện thoại không hợp lệ (ví dụ 0905123456).")
    if email and (len(email) > 160 or not EMAIL_PATTERN.match(email)):
        raise ValidationError("Địa chỉ email không hợp lệ.")
    _require_active_unit(conn, item.unit_id)
    return NewFeedback(item.unit_id, title, content, address, name, phone, email, bool(item.hide_name))


def _require_active_unit(conn: Connection, unit_id: int | None) -> None:
    active = unit_id is not None and conn.scalar(select(units.c.active).where(units.c.id == unit_id))
    if not active:
        raise ValidationError("Vui lòng chọn phường/xã nơi xảy ra sự việc.")


def check_photos(photos: list[tuple[str, bytes]]) -> list:
    photos = [(name, data) for name, data in photos if data]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(f"Chỉ gửi được tối đa {MAX_PHOTOS} ảnh.")
    return [check_upload(name, data, allowed=IMAGE_TYPES, max_bytes=MAX_PHOTO_BYTES) for name, data in photos]


def count_submission(conn: Connection, client_key: str, limit: int, at: datetime) -> None:
    """A fixed-window counter in the database (every instance sees it), incremented atomically."""
    window = int(at.timestamp()) // RATE_WINDOW_SECONDS * RATE_WINDOW_SECONDS
    conn.execute(delete(feedback_rate_limits).where(feedback_rate_limits.c.window_start < window - 86400))
    count = _increment(conn, client_key, window)
    if count is None:
        try:
            with conn.begin_nested():
                conn.execute(insert(feedback_rate_limits).values(client_key=client_key, window_start=window, count=1))
            count = 1
        except IntegrityError:
            count = _increment(conn, client_key, window)
    if count > limit:
        raise TooManySubmissions(
            "Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau "
            f"{RATE_WINDOW_SECONDS // 60} phút."
        )


def _increment(conn: Connection, client_key: str, window: int) -> int | None:
    table = feedback_rate_limits
    return conn.execute(
        update(table)
        .where(table.c.client_key == client_key, table.c.window_start == window)
        .values(count=table.c.count + 1)
        .returning(table.c.count)
    ).scalar()


def submit_feedback(
    conn: Connection,
    *,
    store: FileStore,
    item: NewFeedback,
    photos: list[tuple[str, bytes]] = (),
    browser_key: str = "",
    ip_key: str = "",
    at: datetime | None = None,
) -> dict:
    """Checks everything first; the photos are stored last and removed again if anything fails after that."""
    at = at or now()
    item = _validated(conn, item)
    checked = check_photos(list(photos))
    for key, limit in ((browser_key, BROWSER_LIMIT), (ip_key, IP_LIMIT)):
        if key:
            count_submission(conn, key, limit, at)
    result = classify(conn, f"{item.title}. {item.content}")
    kind = "urgent" if result.urgent else "standard"
    status = "triage" if result.needs_triage else "assigned"
    feedback_id, code = _insert(conn, item, result, kind, status, at)
    add_event(conn, None, feedback_id, "submit", None, status, note="", at=at)
    save_photos(conn, store, feedback_id, "citizen", checked, at)
    return {"id": feedback_id, "code": code, "status": status, "category": result.category, "urgent": result.urgent}


def _insert(conn, item: NewFeedback, result, kind: str, status: str, at: datetime) -> tuple[int, str]:
    values = dict(
        unit_id=item.unit_id,
        address=item.address,
        title=item.title,
        content=item.content,
        search_text=fold(f"{item.title} {item.content} {item.address}"),
        category=result.category,
        urgent=result.urgent,
        kind=kind,
        confidence=result.confidence,
        status=status,
        department_id=handler_for(conn, unit_id=item.unit_id, category=result.category),
        contact_name=item.contact_name,
        contact_phone=item.contact_phone,
        contact_email=item.contact_email,
        hide_name=item.hide_name,
        received_at=at,
        due_at=due_for(conn, unit_id=item.unit_id, kind=kind, start=at),
        info_request="",
        answer="",
        reject_note="",
        rating_comment="",
        reopen_count=0,
        version=1,
        updated_at=at,
    )
    for _ in range(5):
        code = new_code()
        if conn.scalar(select(feedback.c.id).where(feedback.c.code == code)) is None:
            return conn.execute(insert(feedback).values(code=code, **values)).inserted_primary_key[0], code
    raise Conflict("Không tạo được mã phản ánh; vui lòng gửi lại.")


def new_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"PA-{body[:4]}-{body[4:]}"


def normalize_code(code: str | None) -> str:
    compact = re.sub(r"[^A-Z0-9]", "", (code or "").upper())
    compact = compact.removeprefix("PA")
    return f"PA-{compact[:4]}-{compact[4:]}" if len(compact) == 8 else ""


def save_photos(conn: Connection, store: FileStore, feedback_id: int, source: str, checked: list, at: datetime) -> None:
    stored: list[str] = []
    try:
        for photo in checked:
            key = new_storage_key(f"feedback/{feedback_id}", photo)
            store.put(key, photo.data, photo.content_type)
            stored.append(key)
            conn.execute(
                insert(feedback_photos).values(
                    feedback_id=feedback_id,
                    source=source,
                    storage_key=key,
                    filename=photo.filename,
                    content_type=photo.content_type,
                    size=photo.size,
                    sha256=photo.sha256,
                    created_at=at,
                )
            )
    except Exception:
        for key in stored:
            store.delete(key)
        raise


def add_event(
    conn, actor: Actor | None, feedback_id: int, action: str, from_status, to_status, *, note="", at=None, public=True
) -> None:
    conn.execute(
        insert(feedback_events).values(
            feedback_id=feedback_id,
            at=at or now(),
            user_id=actor.user_id if actor else None,
            username=actor.username if actor else "",
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note,
            public=public,
        )
    )


def load_item(conn: Connection, feedback_id: int) -> dict:
    row = conn.execute(select(feedback).where(feedback.c.id == feedback_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy phản ánh.")
    return dict(row._mapping)


def load_by_code(conn: Connection, code: str) -> dict:
    normalized = normalize_code(code)
    row = conn.execute(select(feedback).where(feedback.c.code == normalized)).first() if normalized else None
    if row is None:
        raise NotFound("Không tìm thấy phản ánh với mã này. Vui lòng kiểm tra lại mã (dạng PA-XXXX-XXXX).")
    return dict(row._mapping)


def change(conn: Connection, item: dict, *, expected_version: int | None = None, **values) -> dict:
    """Optimistic locking: a second person acting on a stale copy gets a clear message instead of overwriting."""
    version = item["version"] if expected_version is None else expected_version
    result = conn.execute(
        update(feedback)
        .where(feedback.c.id == item["id"], feedback.c.version == version)
        .values(**{"updated_at": now(), **values}, version=version + 1)
    )
    if result.rowcount != 1:
        raise Conflict("Phản ánh vừa được người khác cập nhật. Vui lòng tải lại trang rồi thao tác lại.")
    return load_item(conn, item["id"])


def is_overdue(item: dict, at: datetime) -> bool:
    return item["status"] in OPEN_STATUSES and item["due_at"] < at


def answered_on_time(item: dict) -> bool | None:
    if item["answered_at"] is None:
        return None
    return item["answered_at"] <= item["due_at"]


def photos_of(conn: Connection, feedback_id: int, source: str | None = None) -> list[dict]:
    query = select(feedback_photos).where(feedback_photos.c.feedback_id == feedback_id)
    if source:
        query = query.where(feedback_photos.c.source == source)
    return [dict(row._mapping) for row in conn.execute(query.order_by(feedback_photos.c.id))]


def events_of(conn: Connection, feedback_id: int, *, public_only: bool) -> list[dict]:
    query = select(feedback_events).where(feedback_events.c.feedback_id == feedback_id)
    if public_only:
        query = query.where(feedback_events.c.public.is_(True))
    return [
        {**dict(row._mapping), "label": ACTION_LABELS.get(row.action, row.action), "at_text": format_datetime(row.at)}
        for row in conn.execute(query.order_by(feedback_events.c.id))
    ]


def unit_name(conn: Connection, unit_id: int) -> str:
    return conn.scalar(select(units.c.name).where(units.c.id == unit_id)) or ""


# ---- the citizen's follow page -------------------------------------------------------------------------------


def citizen_view(conn: Connection, *, code: str, at: datetime | None = None) -> dict:
    """What the holder of the code sees: their own item, its public trail and the answer; never staff names."""
    at = at or now()
    item = load_by_code(conn, code)
    return {
        "code": item["code"],
        "title": item["title"],
        "content": item["content"],
        "address": item["address"],
        "unit": unit_name(conn, item["unit_id"]),
        "category": CATEGORIES.get(item["category"], item["category"]),
        "status": item["status"],
        "status_label": STATUS_LABELS[item["status"]],
        "handler": handler_label(conn, item["department_id"]) if item["status"] != "triage" else "",
        "received": format_datetime(item["received_at"]),
        "due": format_datetime(item["due_at"]),
        "overdue": is_overdue(item, at),
        "info_request": item["info_request"] if item["status"] == "info_requested" else "",
        "answer": item["answer"],
        "answered": format_datetime(item["answered_at"]),
        "on_time": answered_on_time(item),
        "reject_reason": REJECT_REASONS.get(item["reject_reason"] or "", ""),
        "reject_note": item["reject_note"],
        "can_rate": can_rate(item),
        "can_reopen": item["reopen_count"] == 0,
        "rating": item["rating"],
        "events": [
            {"label": e["label"], "at": e["at_text"], "note": e["note"]}
            for e in events_of(conn, item["id"], public_only=True)
        ],
        "answer_photos": [p["id"] for p in photos_of(conn, item["id"], "answer")],
        "citizen_photos": [p["id"] for p in photos_of(conn, item["id"], "citizen")],
        "version": item["version"],
    }


def status_summary(conn: Connection, *, code: str) -> dict:
    """The small JSON the follow page polls."""
    item = load_by_code(conn, code)
    return {"status": item["status"], "status_label": STATUS_LABELS[item["status"]], "version": item["version"]}


def can_rate(item: dict) -> bool:
    return item["status"] == "answered" and (item["rated_at"] is None or item["rated_at"] < item["answered_at"])


def rate_answer(conn: Connection, *, code: str, satisfied: bool, comment: str = "", at: datetime | None = None) -> dict:
    """'Not satisfied' sends the item back to its handler once, with a fresh standard deadline."""
    at = at or now()
    item = load_by_code(conn, code)
    if not can_rate(item):
        raise ValidationError("Phản ánh này chưa có câu trả lời mới để đánh giá.")
    comment = clean_text(comment)[:1000]
    rating = "satisfied" if satisfied else "unsatisfied"
    values = dict(rating=rating, rating_comment=comment, rated_at=at)
    add_event(conn, None, item["id"], "rate", "answered", "answered", note=_rating_note(rating, comment), at=at)
    if not satisfied and item["reopen_count"] == 0:
        due = due_for(conn, unit_id=item["unit_id"], kind="standard", start=at)
        values.update(status="assigned", reopen_count=1, due_at=due, answered_at=None, escalated_at=None)
        add_event(conn, None, item["id"], "reopen", "answered", "assigned", at=at)
    item = change(conn, item, updated_at=at, **values)
    return {"status": item["status"], "reopened": item["status"] == "assigned"}


def _rating_note(rating: str, comment: str) -> str:
    label = "Hài lòng" if rating == "satisfied" else "Chưa hài lòng"
    return f"{label}. {comment}".strip(". ") if comment else label


def add_information(
    conn: Connection, *, store: FileStore, code: str, text: str, photos=(), at: datetime | None = None
) -> dict:
    """The citizen answers the staff's question: the paused office time is added back to the deadline."""
    at = at or now()
    item = load_by_code(conn, code)
    if item["status"] != "info_requested":
        raise ValidationError("Phản ánh này không ở trạng thái chờ bổ sung thông tin.")
    text = clean_text(text)
    if len(text) < 3:
        raise ValidationError("Vui lòng nhập thông tin bổ sung.")
    if len(text) > MAX_CONTENT:
        raise ValidationError(f"Thông tin bổ sung quá dài (tối đa {MAX_CONTENT} ký tự).")
    checked = check_photos(list(photos))
    due = extend_by_pause(calendar_for_unit(conn, item["unit_id"]), item["due_at"], item["paused_at"] or at, at)
    content = f"{item['content']}\n\n[Bổ sung {format_datetime(at)}]\n{text}"
    if len(content) > 4 * MAX_CONTENT:
        raise ValidationError("Phản ánh đã được bổ sung quá nhiều lần.")
    change(
        conn,
        item,
        status="assigned",
        due_at=due,
        paused_at=None,
        content=content,
        updated_at=at,
        search_text=fold(f"{item['title']} {content} {item['address']}"),
    )
    add_event(conn, None, item["id"], "add_info", "info_requested", "assigned", note=text, at=at)
    save_photos(conn, store, item["id"], "citizen", checked, at)
    return {"status": "assigned"}


def photo_for_citizen(conn: Connection, *, photo_id: int, code: str | None) -> dict:
    """Answer photos are public; a citizen's own photos only with the item's code."""
    row = conn.execute(
        select(feedback_photos, feedback.c.code, feedback.c.status)
        .join(feedback, feedback.c.id == feedback_photos.c.feedback_id)
        .where(feedback_photos.c.id == photo_id)
    ).first()
    if row is None:
        raise NotFound("Không tìm thấy ảnh.")
    public = row.source == "answer" and row.status == "answered"
    if not public and row.code != normalize_code(code):
        raise PermissionDenied("Ảnh này chỉ người gửi phản ánh xem được.")
    return dict(row._mapping)


# ---- the public board -------------------------------------------------------------------------------------------

PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
EMAIL_IN_TEXT = re.compile(r"[\w.+\-]+@[\w\-]+\.[\w.\-]+")
BOARD_PAGE_SIZE = 20


def redact_contacts(text: str) -> str:
    """Citizens sometimes type their phone or email into the content; the board never shows them."""
    return EMAIL_IN_TEXT.sub("[đã ẩn email]", PHONE_IN_TEXT.sub("[đã ẩn số điện thoại]", text or ""))


def public_board(
    conn: Connection, *, query: str = "", unit_id: int | None = None, category: str = "", page: int = 1
) -> dict:
    conditions = [feedback.c.status == "answered"]
    for word in fold(query).split()[:8]:
        conditions.append(feedback.c.search_text.contains(word, autoescape=True))
    if unit_id:
        conditions.append(feedback.c.unit_id == unit_id)
    if category in CATEGORIES:
        conditions.append(feedback.c.category == category)
    total = conn.scalar(select(func.count()).select_from(feedback).where(*conditions))
    page = max(1, min(int(page or 1), max(1, (total + BOARD_PAGE_SIZE - 1) // BOARD_PAGE_SIZE)))
    rows = conn.execute(
        select(feedback, units.c.name.label("unit_name"))
        .join(units, units.c.id == feedback.c.unit_id)
        .where(*conditions)
        .order_by(feedback.c.answered_at.desc(), feedback.c.id.desc())
        .limit(BOARD_PAGE_SIZE)
        .offset((page - 1) * BOARD_PAGE_SIZE)
    )
    items = [_board_entry(conn, dict(row._mapping)) for row in rows]
    return {"items": items, "total": total, "page": page, "pages": max(1, -(-total // BOARD_PAGE_SIZE))}


def _board_entry(conn: Connection, item: dict) -> dict:
    return {
        "code": item["code"],
        "title": redact_contacts(item["title"]),
        "content": redact_contacts(item["content"]),
        "address": redact_contacts(item["address"]),
        "unit": item["unit_name"],
        "category": CATEGORIES.get(item["category"], item["category"]),
        "sender": "Ẩn danh" if item["hide_name"] or not item["contact_name"] else item["contact_name"],
        "received": format_date(item["received_at"]),
        "answered": format_date(item["answered_at"]),
        "on_time": answered_on_time(item),
        "answer": redact_contacts(item["answer"]),
        "handler": handler_label(conn, item["department_id"]),
        "photos": [p["id"] for p in photos_of(conn, item["id"], "answer")],
    }


# ---- statistics for the operations center -----------------------------------------------------------------------

STAT_DEFINITIONS = {
    "received": "Số phản ánh tiếp nhận trong kỳ (theo ngày gửi).",
    "answered": "Số phản ánh nhận trong kỳ đã được trả lời.",
    "overdue": "Phản ánh nhận trong kỳ, chưa trả lời và đã quá hạn xử lý tại thời điểm xem "
    "(không tính thời gian chờ người gửi bổ sung).",
    "on_time_rate": "Tỷ lệ trả lời đúng hạn = số trả lời trước hạn / số đã trả lời (phản ánh nhận trong kỳ).",
}


def feedback_stats(conn: Connection, actor: Actor, *, unit_id: int | None, start: date, end: date) -> dict:
    """Counts over feedback received between start and end (local dates, inclusive); unit_id None = whole city."""
    if unit_id is None:
        actor.require(ADMIN, CITY_LEADER)
    else:
        actor.require_unit(unit_id)
    if end < start:
        raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.")
    at = now()
    rows = [dict(row._mapping) for row in conn.execute(_period_query(unit_id, start, end))]
    answered = [row for row in rows if row["answered_at"] is not None]
    on_time = [row for row in answered if answered_on_time(row)]
    by_category = dict.fromkeys(CATEGORIES, 0)
    for row in rows:
        by_category[row["category"]] = by_category.get(row["category"], 0) + 1
    return {
        "unit_id": unit_id,
        "start": start,
        "end": end,
        "received": len(rows),
        "answered": len(answered),
        "answered_on_time": len(on_time),
        "overdue": sum(1 for row in rows if is_overdue(row, at)),
        "open": sum(1 for row in rows if row["status"] in OPEN_STATUSES | {"info_requested"}),
        "awaiting_triage": sum(1 for row in rows if row["status"] == "triage"),
        "rejected": sum(1 for row in rows if row["status"] == "rejected"),
        "urgent": sum(1 for row in rows if row["urgent"]),
        "by_category": by_category,
        "on_time_rate": len(on_time) / len(answered) if answered else None,
        "definitions": STAT_DEFINITIONS,
    }


def _period_query(unit_id: int | None, start: date, end: date):
    begin = datetime.combine(start, time.min, tzinfo=LOCAL_TZ)
    finish = datetime.combine(end + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)
    query = select(
        feedback.c.category,
        feedback.c.status,
        feedback.c.urgent,
        feedback.c.due_at,
        feedback.c.answered_at,
    ).where(feedback.c.received_at >= begin, feedback.c.received_at < finish)
    return query.where(feedback.c.unit_id == unit_id) if unit_id is not None else query
