"""What a citizen sees about a dossier without signing in: reached by the signed link of the receipt's QR code, or
by the dossier code plus the last 4 digits of the phone, with failed attempts counted in the database.

Nothing here reveals whether a code exists: a wrong code and a wrong phone get the same answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select

from db.schema import dossiers, procedures, public_lookup_attempts, units
from services.core.clock import format_datetime, now
from services.core.errors import DomainError
from services.dossiers.flow import EVENT_LABELS, STATUS_LABELS
from services.dossiers.whereabouts import public_timeline

MAX_FAILURES = 5
WINDOW = timedelta(minutes=10)
KEEP_ATTEMPTS = timedelta(days=2)
GENERIC_MISS = "Không tìm thấy hồ sơ khớp với mã hồ sơ và 4 số cuối điện thoại đã nhập. Vui lòng kiểm tra lại."
TOO_MANY = "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau 10 phút hoặc quét mã QR trên giấy hẹn."
FINISHED_FOR_CITIZEN = {"result_ready", "returned", "rejected"}


class LookupRefused(DomainError):
    """Wrong code or phone, or too many attempts: the message is the same whatever was wrong."""


def sign_token(secret: str, dossier_id: int) -> str:
    return f"{dossier_id}.{_signature(secret, dossier_id)}"


def _signature(secret: str, dossier_id: int) -> str:
    digest = hmac.new(secret.encode(), f"dossier-status:{dossier_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def dossier_id_from_token(secret: str, token: str) -> int | None:
    head, _, signature = (token or "").strip().partition(".")
    if not head.isdigit() or not signature:
        return None
    return int(head) if hmac.compare_digest(signature, _signature(secret, int(head))) else None


def status_url(base_url: str, secret: str, dossier_id: int) -> str:
    return f"{base_url.rstrip('/')}/tra-cuu?t={sign_token(secret, dossier_id)}"


def token_in(text: str) -> str | None:
    """The token from a scanned receipt QR: the whole URL or just the token."""
    text = (text or "").strip()
    if "t=" in text:
        text = text.split("t=", 1)[1].split("&", 1)[0]
    head, dot, rest = text.partition(".")
    return text if head.isdigit() and dot and rest else None


def mask_name(full_name: str) -> str:
    """“Nguyễn Văn An” → “Nguyễn V. A.”: enough for the citizen to recognise, not enough to identify."""
    parts = full_name.split()
    if len(parts) <= 1:
        return (parts[0][0] + ".") if parts else ""
    return " ".join([parts[0], *(part[0] + "." for part in parts[1:])])


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure: str
    applicant: str
    status: str
    status_label: str
    finished: bool
    received_at: str
    due_at: str
    returned_at: str
    collect_at: str
    timeline: list[dict]

    def as_json(self) -> dict:
        return {**self.__dict__}


def status_by_token(conn: Connection, *, secret: str, token: str) -> PublicStatus:
    dossier_id = dossier_id_from_token(secret, token)
    if dossier_id is None:
        raise LookupRefused("Đường dẫn tra cứu không hợp lệ hoặc đã bị sửa. Vui lòng quét lại mã QR trên giấy hẹn.")
    status = _public_status(conn, select(dossiers).where(dossiers.c.id == dossier_id))
    if status is None:
        raise LookupRefused("Đường dẫn tra cứu không hợp lệ hoặc đã bị sửa. Vui lòng quét lại mã QR trên giấy hẹn.")
    return status


@dataclass(frozen=True)
class LookupOutcome:
    """Returned, not raised, so the failed attempt is committed with the caller's transaction."""

    token: str | None
    message: str = ""
    throttled: bool = False


def lookup_by_code(
    conn: Connection, *, secret: str, code: str, phone_last4: str, client_key: str, at: datetime | None = None
) -> LookupOutcome:
    """Checks code + last 4 phone digits; on success the outcome holds the signed token to show the status with."""
    at = at or now()
    code = (code or "").strip().upper()[:40]
    client_key = (client_key or "unknown")[:80]
    if _recent_failures(conn, client_key, code, at) >= MAX_FAILURES:
        return LookupOutcome(None, TOO_MANY, throttled=True)
    row = conn.execute(select(dossiers.c.id, dossiers.c.applicant_phone).where(dossiers.c.code == code)).first()
    digits = "".join(ch for ch in (phone_last4 or "") if ch.isdigit())
    matched = row is not None and len(digits) == 4 and row.applicant_phone.endswith(digits)
    _remember(conn, client_key, code, at, matched)
    return LookupOutcome(sign_token(secret, row.id)) if matched else LookupOutcome(None, GENERIC_MISS)


def _recent_failures(conn: Connection, client_key: str, code: str, at: datetime) -> int:
    """Failures from this client, or on this code from anywhere (so rotating addresses does not help)."""
    since = at - WINDOW
    failed = select(func.count()).where(
        public_lookup_attempts.c.at > since, public_lookup_attempts.c.succeeded.is_(False)
    )
    by_client = conn.scalar(failed.where(public_lookup_attempts.c.client_key == client_key))
    by_code = conn.scalar(failed.where(public_lookup_attempts.c.code == code))
    return max(by_client, by_code)


def _remember(conn: Connection, client_key: str, code: str, at: datetime, succeeded: bool) -> None:
    conn.execute(delete(public_lookup_attempts).where(public_lookup_attempts.c.at < at - KEEP_ATTEMPTS))
    conn.execute(insert(public_lookup_attempts).values(client_key=client_key, code=code, at=at, succeeded=succeeded))


def _public_status(conn: Connection, query) -> PublicStatus | None:
    row = conn.execute(query).first()
    if row is None:
        return None
    dossier = dict(row._mapping)
    procedure = conn.scalar(select(procedures.c.name).where(procedures.c.id == dossier["procedure_id"]))
    unit = conn.scalar(select(units.c.name).where(units.c.id == dossier["receiving_unit_id"]))
    return PublicStatus(
        code=dossier["code"],
        procedure=procedure,
        applicant=mask_name(dossier["applicant_name"]),
        status=dossier["status"],
        status_label=STATUS_LABELS.get(dossier["status"], dossier["status"]),
        finished=dossier["status"] in FINISHED_FOR_CITIZEN,
        received_at=format_datetime(dossier["received_at"]),
        due_at=format_datetime(dossier["due_at"]),
        returned_at=format_datetime(dossier["returned_at"]),
        collect_at=f"Bộ phận Một cửa – Trung tâm Phục vụ Hành chính công {unit}",
        timeline=public_timeline(conn, dossier["id"], EVENT_LABELS),
    )
