"""The transactional outbox: notifications are written in the caller's transaction (so a rolled-back change sends
nothing) and delivered later by the sender process (services.notify_sender). Consents and opt-outs live here too.

API for other features (all in the caller's transaction):
- `enqueue(conn, event=..., channel=..., recipient=..., payload=...)` — one message; skipped for an opted-out address.
- `consent(conn, subject_kind=..., subject_id=..., email=..., phone=...)` — the citizen agreed to hear about it.
- `notify_subject(conn, subject_kind=..., subject_id=..., event=..., payload=...)` — every consented channel.
- `opt_out(conn, address=...)`, `is_opted_out(conn, address)`; the links are signed (`optout_token`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.schema import notify_attempts, notify_consents, notify_optouts, notify_outbox
from services.core import audit
from services.core.clock import now
from services.core.errors import NotFound, ValidationError
from services.core.roles import ADMIN, Actor

CHANNELS = {"email": "Thư điện tử", "sms": "Tin nhắn SMS", "zalo": "Zalo"}
PHONE_CHANNELS = ("sms", "zalo")
STATUS_LABELS = {
    "pending": "Chờ gửi",
    "sending": "Đang gửi",
    "sent": "Đã gửi",
    "failed": "Gửi lỗi (hết lượt thử)",
    "skipped": "Không gửi (đã từ chối nhận)",
}


def _normalized(address: str) -> str:
    address = (address or "").strip().lower()
    return address if "@" in address else "".join(ch for ch in address if ch.isdigit())


def address_key(address: str) -> str:
    """Opt-outs are stored as a hash of the normalised address: enough to match, nothing to leak."""
    return hashlib.sha256(f"motcua-optout:{_normalized(address)}".encode()).hexdigest()


def is_opted_out(conn: Connection, address: str) -> bool:
    query = select(notify_optouts.c.id).where(notify_optouts.c.address_key == address_key(address))
    return conn.scalar(query) is not None


def opted_out_among(conn: Connection, addresses: list[str]) -> set[str]:
    keys = {address_key(address): address for address in addresses}
    if not keys:
        return set()
    found = conn.scalars(select(notify_optouts.c.address_key).where(notify_optouts.c.address_key.in_(list(keys))))
    return {keys[key] for key in found}


def opt_out(conn: Connection, *, address: str, channel: str, at: datetime | None = None) -> None:
    """Idempotent; also drops what is still waiting for that address."""
    at = at or now()
    statement = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(notify_optouts).values(
        address_key=address_key(address), channel=channel, created_at=at
    )
    conn.execute(statement.on_conflict_do_nothing(index_elements=["address_key"]))
    conn.execute(
        update(notify_outbox)
        .where(notify_outbox.c.recipient == address, notify_outbox.c.status == "pending")
        .values(status="skipped", last_error="Người nhận đã từ chối nhận thông báo.")
    )


def optout_token(secret: str, outbox_id: int) -> str:
    return f"{outbox_id}.{_signature(secret, outbox_id)}"


def _signature(secret: str, outbox_id: int) -> str:
    digest = hmac.new(secret.encode(), f"notify-optout:{outbox_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:15]).decode()


def opt_out_by_token(conn: Connection, *, secret: str, token: str, at: datetime | None = None) -> str:
    """The opt-out link of a message: returns the (masked) address that will get nothing more."""
    head, _, signature = (token or "").strip().partition(".")
    if not head.isdigit() or not hmac.compare_digest(signature, _signature(secret, int(head))):
        raise NotFound("Liên kết từ chối nhận thông báo không hợp lệ hoặc đã hỏng.")
    row = conn.execute(select(notify_outbox).where(notify_outbox.c.id == int(head))).first()
    if row is None:
        raise NotFound("Liên kết từ chối nhận thông báo không hợp lệ hoặc đã hỏng.")
    opt_out(conn, address=row.recipient, channel=row.channel, at=at)
    return mask(row.recipient)


def mask(address: str) -> str:
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:2]}***@{domain}"
    return f"{'*' * max(len(address) - 3, 0)}{address[-3:]}"


def enqueue(
    conn: Connection,
    *,
    event: str,
    channel: str,
    recipient: str,
    payload: dict,
    subject_kind: str = "",
    subject_id: int | None = None,
    code: str = "",
    dedupe_key: str | None = None,
    at: datetime | None = None,
) -> int | None:
    """One message for the sender; None when the address opted out or `dedupe_key` was already used."""
    if channel not in CHANNELS:
        raise ValidationError(f"Kênh thông báo “{channel}” không được hỗ trợ.")
    recipient = (recipient or "").strip()
    if not recipient or is_opted_out(conn, recipient):
        return None
    at = at or now()
    values = dict(
        created_at=at,
        event=event,
        channel=channel,
        recipient=recipient[:200],
        subject_kind=subject_kind,
        subject_id=subject_id,
        code=code[:40],
        payload=json.dumps(payload, ensure_ascii=False, default=str),
        dedupe_key=dedupe_key,
        status="pending",
        attempts=0,
        next_attempt_at=at,
        subject="",
        body="",
        last_error="",
    )
    statement = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(notify_outbox).values(**values)
    if dedupe_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    return conn.execute(statement.returning(notify_outbox.c.id)).scalar()


def consent(
    conn: Connection,
    *,
    subject_kind: str,
    subject_id: int,
    email: str = "",
    phone: str = "",
    channels: tuple[str, ...] = ("email", "sms"),
    at: datetime | None = None,
) -> list[str]:
    """Records which channels the citizen agreed to for this subject; returns them."""
    at = at or now()
    addresses = {"email": email.strip(), "sms": phone.strip(), "zalo": phone.strip()}
    chosen = [channel for channel in channels if addresses.get(channel)]
    for channel in chosen:
        table = notify_consents
        statement = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table).values(
            subject_kind=subject_kind, subject_id=subject_id, channel=channel, address=addresses[channel],
            consented_at=at,
        )  # fmt: skip
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["subject_kind", "subject_id", "channel"], set_={"address": addresses[channel]}
            )
        )
    return chosen


def consents_of(conn: Connection, subject_kind: str, subject_id: int) -> list[dict]:
    query = select(notify_consents).where(
        notify_consents.c.subject_kind == subject_kind, notify_consents.c.subject_id == subject_id
    )
    return [dict(row._mapping) for row in conn.execute(query.order_by(notify_consents.c.id))]


def copy_consents(conn: Connection, *, source: tuple[str, int], target: tuple[str, int], at: datetime) -> None:
    for row in consents_of(conn, *source):
        addresses = {"email": row["address"]} if row["channel"] == "email" else {"phone": row["address"]}
        consent(conn, subject_kind=target[0], subject_id=target[1], channels=(row["channel"],), at=at, **addresses)


def notify_subject(
    conn: Connection,
    *,
    subject_kind: str,
    subject_id: int,
    event: str,
    payload: dict,
    code: str = "",
    at: datetime | None = None,
) -> list[int]:
    """A message on every channel the citizen consented to for this dossier / submission; opted-out ones skipped."""
    ids = []
    for row in consents_of(conn, subject_kind, subject_id):
        new_id = enqueue(
            conn,
            event=event,
            channel=row["channel"],
            recipient=row["address"],
            payload=payload,
            subject_kind=subject_kind,
            subject_id=subject_id,
            code=code,
            at=at,
        )
        if new_id is not None:
            ids.append(new_id)
    return ids


# --- the admin's delivery log ---


def delivery_log(
    conn: Connection,
    actor: Actor,
    *,
    status: str = "",
    channel: str = "",
    event: str = "",
    search: str = "",
    limit: int = 200,
) -> list[dict]:
    actor.require(ADMIN)
    query = select(notify_outbox).order_by(notify_outbox.c.id.desc()).limit(min(limit, 1000))
    if status:
        query = query.where(notify_outbox.c.status == status)
    if channel:
        query = query.where(notify_outbox.c.channel == channel)
    if event:
        query = query.where(notify_outbox.c.event == event)
    if search.strip():
        pattern = f"%{search.strip()[:60]}%"
        query = query.where(or_(notify_outbox.c.code.like(pattern), notify_outbox.c.recipient.like(pattern)))
    return [dict(row._mapping) for row in conn.execute(query)]


def delivery_counts(conn: Connection, actor: Actor) -> dict[str, int]:
    actor.require(ADMIN)
    rows = conn.execute(select(notify_outbox.c.status, func.count()).group_by(notify_outbox.c.status))
    return {status: count for status, count in rows}


def attempts_of(conn: Connection, actor: Actor, outbox_id: int) -> list[dict]:
    actor.require(ADMIN)
    query = select(notify_attempts).where(notify_attempts.c.outbox_id == outbox_id).order_by(notify_attempts.c.id)
    return [dict(row._mapping) for row in conn.execute(query)]


def resend(conn: Connection, actor: Actor, *, outbox_id: int, at: datetime | None = None) -> None:
    """A failed (or already sent) message goes back to the queue for one more round of attempts."""
    actor.require(ADMIN)
    at = at or now()
    row = conn.execute(select(notify_outbox).where(notify_outbox.c.id == outbox_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy thông báo.")
    if row.status in ("pending", "sending"):
        raise ValidationError("Thông báo này đang chờ gửi; không cần gửi lại.")
    if is_opted_out(conn, row.recipient):
        raise ValidationError("Người nhận đã từ chối nhận thông báo; không thể gửi lại.")
    conn.execute(
        update(notify_outbox)
        .where(notify_outbox.c.id == outbox_id)
        .values(status="pending", attempts=0, next_attempt_at=at, lease_owner=None, lease_until=None)
    )
    audit.record(conn, actor, action="resend", entity="notification", entity_id=outbox_id, unit_id=None)


def due_filter(at: datetime):
    """Rows a sender may take: pending and due, or left 'sending' by a sender whose lease ran out (it crashed)."""
    return or_(
        and_(notify_outbox.c.status == "pending", notify_outbox.c.next_attempt_at <= at),
        and_(notify_outbox.c.status == "sending", notify_outbox.c.lease_until < at),
    )


def backoff(attempts: int, *, base: float, cap: float) -> timedelta:
    """Exponential: base, 2·base, 4·base … capped."""
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))
