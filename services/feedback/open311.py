"""Open311 GeoReport v2 on top of citizen feedback: client systems and their API keys, the service list (the feedback
categories), requests created by other systems (through the same classification, routing and deadlines as /gop-y,
with the source recorded), the request list and one request with its status, and the service request updates
extension (mySociety's `servicerequestupdates`) through which a ward system pushes its answer back.

Errors are Open311Error(status, description): the web layer turns them into [{"code": status, "description": …}].
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from db.schema import feedback, feedback_details, open311_clients, open311_updates, units
from services.core import audit
from services.core.clock import now
from services.core.errors import DomainError, ValidationError
from services.core.files import FileStore
from services.core.roles import ADMIN, Actor
from services.feedback.classifier import CATEGORIES, KEYWORDS
from services.feedback.items import (
    REJECT_REASONS,
    STATUS_LABELS,
    NewFeedback,
    add_event,
    change,
    load_item,
    redact_contacts,
    submit_feedback,
)
from services.feedback.location import parse_coordinates, suggest_unit
from services.feedback.routing import handler_label

JURISDICTION = "danang.gov.vn"  # the city; a ward is chosen by its unit code as jurisdiction_id
MAX_DESCRIPTION = 4000  # the standard's limit
MAX_RANGE_DAYS = 90
DEFAULT_LIMIT = 1000
OPEN = frozenset({"triage", "assigned", "info_requested"})


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass(frozen=True)
class Client:
    id: int
    name: str


# ---- client systems -----------------------------------------------------------------------------------------------


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_client(conn: Connection, actor: Actor | None, *, name: str) -> str:
    """A new client system; its key is returned once and only its hash is kept. actor None: manage.py."""
    if actor is not None:
        actor.require(ADMIN)
    name = (name or "").strip()
    if not 2 <= len(name) <= 120:
        raise ValidationError("Tên hệ thống phải từ 2 đến 120 ký tự.")
    if conn.scalar(select(open311_clients.c.id).where(open311_clients.c.name == name)) is not None:
        raise ValidationError(f"Đã có hệ thống tên “{name}”.")
    key = secrets.token_urlsafe(32)
    client_id = conn.execute(
        insert(open311_clients).values(
            name=name,
            key_hash=_hash(key),
            key_hint=key[:6],
            active=True,
            created_by=actor.username if actor else "manage.py",
            created_at=now(),
        )
    ).inserted_primary_key[0]
    audit.record(conn, actor, action="create_open311_client", entity="open311_client", entity_id=str(client_id))
    return key


def set_client_active(conn: Connection, actor: Actor | None, *, name: str, active: bool) -> None:
    if actor is not None:
        actor.require(ADMIN)
    result = conn.execute(update(open311_clients).where(open311_clients.c.name == name).values(active=active))
    if result.rowcount != 1:
        raise ValidationError(f"Không có hệ thống tên “{name}”.")
    audit.record(conn, actor, action="set_open311_client", entity="open311_client", entity_id=name, active=active)


def list_clients(conn: Connection, actor: Actor) -> list[dict]:
    actor.require(ADMIN)
    query = select(open311_clients.c.name, open311_clients.c.key_hint, open311_clients.c.active)
    return [dict(row._mapping) for row in conn.execute(query.order_by(open311_clients.c.name))]


def client_for_key(conn: Connection, key: str | None, *, required: bool) -> Client | None:
    if not key:
        if required:
            raise Open311Error(403, "Thiếu api_key.")
        return None
    row = conn.execute(
        select(open311_clients.c.id, open311_clients.c.name).where(
            open311_clients.c.key_hash == _hash(key), open311_clients.c.active.is_(True)
        )
    ).first()
    if row is None:
        raise Open311Error(403, "api_key không hợp lệ hoặc đã bị thu hồi.")
    return Client(row.id, row.name)


# ---- services -----------------------------------------------------------------------------------------------------


def check_jurisdiction(conn: Connection, jurisdiction_id: str | None) -> int | None:
    """None: the whole city. A unit code picks one ward; anything else is not found."""
    value = (jurisdiction_id or "").strip()
    if not value or value.lower() == JURISDICTION:
        return None
    unit_id = conn.scalar(select(units.c.id).where(units.c.code == value.upper(), units.c.active.is_(True)))
    if unit_id is None:
        raise Open311Error(404, f"jurisdiction_id “{value[:40]}” không tồn tại.")
    return unit_id


def service_list() -> list[dict]:
    return [
        {
            "service_code": code,
            "service_name": name,
            "description": f"Phản ánh, kiến nghị về {name.lower()}",
            "metadata": False,
            "type": "realtime",
            "keywords": ", ".join(KEYWORDS.get(code, ())[:6]),
            "group": "phan_anh_kien_nghi",
        }
        for code, name in CATEGORIES.items()
    ]


def service_definition(service_code: str) -> dict:
    if service_code not in CATEGORIES:
        raise Open311Error(404, f"service_code “{service_code[:40]}” không tồn tại.")
    return {"service_code": service_code, "attributes": []}


# ---- create -------------------------------------------------------------------------------------------------------


def create_request(
    conn: Connection,
    client: Client,
    *,
    store: FileStore,
    fields: dict,
    photos: list[tuple[str, bytes]] = (),
    at: datetime | None = None,
) -> dict:
    """Same path as /gop-y: classified, routed, given its deadline (same day for emergencies); the source is kept."""
    at = at or now()
    service_code = (fields.get("service_code") or "").strip()
    if not service_code:
        raise Open311Error(400, "Thiếu service_code.")
    if service_code not in CATEGORIES:
        raise Open311Error(404, f"service_code “{service_code[:40]}” không tồn tại.")
    address = (fields.get("address_string") or "").strip()
    try:
        latitude, longitude = parse_coordinates(fields.get("lat"), fields.get("long"))
    except ValidationError as exc:
        raise Open311Error(400, exc.message) from None
    if latitude is None and not address:
        raise Open311Error(400, "Cần lat/long hoặc address_string.")
    description = (fields.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description dài quá {MAX_DESCRIPTION} ký tự.")
    media_url = (fields.get("media_url") or "").strip()
    if media_url and (len(media_url) > 500 or not re.match(r"^https?://[^\s<>\"]+$", media_url)):
        raise Open311Error(400, "media_url phải là địa chỉ http(s) hợp lệ, tối đa 500 ký tự.")
    unit_id = _unit_for(conn, fields.get("jurisdiction_id"), address)
    name = " ".join(part for part in (fields.get("first_name"), fields.get("last_name")) if part).strip()
    item = NewFeedback(
        unit_id=unit_id,
        title=_title(description),
        content=description,
        address=address,
        contact_name=name,
        contact_phone=fields.get("phone") or "",
        contact_email=fields.get("email") or "",
        hide_name=True,
        latitude=latitude,
        longitude=longitude,
    )
    token = secrets.token_urlsafe(12)
    origin = {"source": "open311", "client_id": client.id, "media_url": media_url, "token": token}
    try:
        created = submit_feedback(conn, store=store, item=item, photos=list(photos), at=at, origin=origin)
    except DomainError as exc:
        raise Open311Error(400, exc.message) from None
    note = f"Nhận qua Open311 từ “{client.name}” (service_code {service_code})"
    add_event(conn, None, created["id"], "open311_in", None, created["status"], note=note, at=at, public=False)
    return {
        "service_request_id": str(created["id"]),
        "token": token,
        "service_notice": "Phản ánh đã được tiếp nhận và chuyển tới đơn vị xử lý.",
        "account_id": None,
    }


def _title(description: str) -> str:
    first = (description.splitlines() or [""])[0].strip()
    return (first[:117] + "…") if len(first) > 120 else first


def _unit_for(conn: Connection, jurisdiction_id: str | None, address: str) -> int:
    unit_id = check_jurisdiction(conn, jurisdiction_id)
    if unit_id is not None:
        return unit_id
    suggestion = suggest_unit(conn, address=address)
    if suggestion is None:
        raise Open311Error(400, "Thiếu jurisdiction_id (mã phường/xã) và address_string không nêu tên phường/xã.")
    return suggestion["unit_id"]


# ---- read ---------------------------------------------------------------------------------------------------------


def parse_datetime(value: str | None, name: str) -> datetime | None:
    """ISO 8601 with a time zone (Z or ±HH:MM), as the standard requires."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} không đúng định dạng ISO 8601 (ví dụ 2026-06-22T09:00:00+07:00).") from None
    if parsed.tzinfo is None:
        raise Open311Error(400, f"{name} phải có múi giờ (Z hoặc +07:00).")
    return parsed


def list_requests(conn: Connection, client: Client | None, *, params: dict, at: datetime | None = None) -> list[dict]:
    """Without a key only answered items (the public board); with a key every item. Never contact details."""
    at = at or now()
    query = _request_query(conn, client)
    ids = [part.strip() for part in (params.get("service_request_id") or "").split(",") if part.strip()]
    if ids:
        numeric = [int(part) for part in ids[:100] if part.isdigit()]
        rows = conn.execute(query.where(feedback.c.id.in_(numeric)).order_by(feedback.c.id))
        return [_request(conn, dict(row._mapping)) for row in rows]
    start = parse_datetime(params.get("start_date"), "start_date")
    end = parse_datetime(params.get("end_date"), "end_date")
    end = end or (start + timedelta(days=MAX_RANGE_DAYS) if start else at)
    start = start or end - timedelta(days=MAX_RANGE_DAYS)
    if end < start:
        raise Open311Error(400, "end_date phải sau start_date.")
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        raise Open311Error(400, f"Khoảng thời gian không quá {MAX_RANGE_DAYS} ngày.")
    query = query.where(feedback.c.received_at >= start, feedback.c.received_at <= end)
    codes = [code.strip() for code in (params.get("service_code") or "").split(",") if code.strip()]
    if codes:
        unknown = [code for code in codes if code not in CATEGORIES]
        if unknown:
            raise Open311Error(404, f"service_code “{unknown[0][:40]}” không tồn tại.")
        query = query.where(feedback.c.category.in_(codes))
    statuses = {s.strip().lower() for s in (params.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status chỉ nhận open hoặc closed.")
    if statuses == {"open"}:
        query = query.where(feedback.c.status.in_(OPEN))
    elif statuses == {"closed"}:
        query = query.where(feedback.c.status.not_in(OPEN))
    unit_id = check_jurisdiction(conn, params.get("jurisdiction_id"))
    if unit_id is not None:
        query = query.where(feedback.c.unit_id == unit_id)
    rows = conn.execute(query.order_by(feedback.c.received_at.desc(), feedback.c.id.desc()).limit(DEFAULT_LIMIT))
    return [_request(conn, dict(row._mapping)) for row in rows]


def get_request(conn: Connection, client: Client | None, *, service_request_id: str) -> list[dict]:
    row = None
    if service_request_id.isdigit():
        row = conn.execute(_request_query(conn, client).where(feedback.c.id == int(service_request_id))).first()
    if row is None:
        raise Open311Error(404, f"service_request_id “{service_request_id[:40]}” không tồn tại.")
    return [_request(conn, dict(row._mapping))]


def request_for_token(conn: Connection, *, token: str) -> list[dict]:
    feedback_id = conn.scalar(select(feedback_details.c.feedback_id).where(feedback_details.c.token == token))
    if feedback_id is None:
        raise Open311Error(404, "token không tồn tại.")
    return [{"service_request_id": str(feedback_id), "token": token}]


def _request_query(conn: Connection, client: Client | None):
    query = select(
        feedback,
        units.c.name.label("unit_name"),
        units.c.code.label("unit_code"),
        feedback_details.c.latitude,
        feedback_details.c.longitude,
        feedback_details.c.media_url,
    ).join(units, units.c.id == feedback.c.unit_id)
    query = query.outerjoin(feedback_details, feedback_details.c.feedback_id == feedback.c.id)
    return query if client is not None else query.where(feedback.c.status == "answered")


def _request(conn: Connection, item: dict) -> dict:
    status = "open" if item["status"] in OPEN else "closed"
    return {
        "service_request_id": str(item["id"]),
        "status": status,
        "status_notes": _status_notes(item),
        "service_name": CATEGORIES.get(item["category"], item["category"]),
        "service_code": item["category"],
        "description": redact_contacts(item["content"]),
        "agency_responsible": f"{handler_label(conn, item['department_id'])}, {item['unit_name']}",
        "service_notice": "",
        "requested_datetime": _iso(item["received_at"]),
        "updated_datetime": _iso(item["updated_at"]),
        "expected_datetime": _iso(item["due_at"]),
        "address": redact_contacts(item["address"]),
        "address_id": "",
        "zipcode": "",
        "lat": item["latitude"],
        "long": item["longitude"],
        "media_url": item["media_url"] or "",
        "jurisdiction_id": item["unit_code"],  # extension: the ward, as accepted on POST
    }


def _status_notes(item: dict) -> str:
    if item["status"] == "answered":
        return redact_contacts(item["answer"])
    if item["status"] == "rejected":
        return f"{REJECT_REASONS.get(item['reject_reason'] or '', '')}. {redact_contacts(item['reject_note'])}".strip()
    return STATUS_LABELS[item["status"]]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


# ---- updates pushed by a client system (mySociety's servicerequestupdates extension) ---------------------------


def post_update(conn: Connection, client: Client, *, fields: dict, at: datetime | None = None) -> list[dict]:
    """A ward system's answer (status closed) or status note; the same update_id is applied once."""
    at = at or now()
    update_id = (fields.get("update_id") or "").strip()[:64]
    request_id = (fields.get("service_request_id") or "").strip()
    status = (fields.get("status") or "").strip().lower()
    description = (fields.get("description") or "").strip()
    if not update_id or not request_id:
        raise Open311Error(400, "Thiếu update_id hoặc service_request_id.")
    if status not in {"open", "closed"}:
        raise Open311Error(400, "status chỉ nhận open hoặc closed.")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description dài quá {MAX_DESCRIPTION} ký tự.")
    item = (
        conn.execute(select(feedback).where(feedback.c.id == int(request_id))).first() if request_id.isdigit() else None
    )
    if item is None:
        raise Open311Error(404, f"service_request_id “{request_id[:40]}” không tồn tại.")
    existing = conn.scalar(
        select(open311_updates.c.id).where(
            open311_updates.c.client_id == client.id, open311_updates.c.update_id == update_id
        )
    )
    if existing is None:
        try:
            with conn.begin_nested():
                existing = conn.execute(
                    insert(open311_updates).values(
                        client_id=client.id, update_id=update_id, feedback_id=item.id, status=status, at=at
                    )
                ).inserted_primary_key[0]
        except IntegrityError:  # the same update raced in from another request: already applied
            return [{"update_id": update_id}]
        _apply(conn, client, load_item(conn, item.id), status, description, at)
    return [{"update_id": update_id}]


def _apply(conn: Connection, client: Client, item: dict, status: str, description: str, at: datetime) -> None:
    note = f"{client.name}: {description}" if description else client.name
    if status == "closed" and item["status"] in OPEN:
        if len(description) < 20:
            raise Open311Error(400, "Trả lời (description) cần ít nhất 20 ký tự.")
        change(conn, item, status="answered", answer=description, answered_at=at, paused_at=None, updated_at=at)
        add_event(conn, None, item["id"], "answer", item["status"], "answered", note=f"Trả lời từ {client.name}", at=at)
        return
    add_event(conn, None, item["id"], "external_update", item["status"], item["status"], note=note[:2000], at=at)
