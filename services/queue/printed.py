"""Printed queue tickets for citizens without a phone: issued by a clerk or by the entrance kiosk, on 80 mm paper.

The ticket is an ordinary queue ticket (same daily counter, same line), so it is in the counter's line at once;
its QR opens the same ticket page a phone would, so a relative can follow the number.
The kiosk is a light web page that needs the unit's kiosk key (set by the unit's queue manager, shown once).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from datetime import datetime

from fpdf import FPDF
from sqlalchemy import Connection, delete, insert, select

from db.schema import queue_kiosk_keys
from services.core import audit
from services.core.clock import LOCAL_TZ, now
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.pdf import FONT, FONT_DIR, qr_png
from services.core.roles import CLERK, Actor
from services.core.text import nfc
from services.core.units import get_unit
from services.queue import tickets as queue
from services.queue.rules import closed_message, is_issuing_open
from services.queue.setup import issuing_calendar, list_groups, list_priorities, require_manager

PAPER_WIDTH_MM = 80
PAPER_HEIGHT_MM = 110
KIOSK_KEY_BYTES = 24
MAX_KEY_LENGTH = 100


# Issuing ------------------------------------------------------------------------------------------------------


def issue_at_counter(
    conn: Connection, actor: Actor, *, group_id: int | None, priority_id: int | None = None, at: datetime | None = None
) -> dict:
    """A clerk takes a number for a citizen at the counter; it joins the line like any other ticket."""
    actor.require(CLERK)
    if actor.unit_id is None:
        raise PermissionDenied("Tài khoản chưa được gán phường/xã.")
    ticket = _issue(conn, actor.unit_id, group_id, priority_id, at or now())
    audit.record(
        conn, actor, action="issue_printed", entity="queue_ticket", entity_id=ticket["id"], unit_id=actor.unit_id
    )
    return ticket


def kiosk_issue(
    conn: Connection,
    *,
    unit_code: str,
    key: str,
    group_id: int | None,
    priority_id: int | None = None,
    at: datetime | None = None,
) -> dict:
    """The entrance kiosk takes a number, within the unit's issuing hours, with the unit's kiosk key."""
    at = at or now()
    unit = kiosk_unit(conn, unit_code=unit_code, key=key)
    calendar = issuing_calendar(conn, unit["id"])
    if not is_issuing_open(calendar, at):
        raise ValidationError(closed_message(calendar, at))
    return _issue(conn, unit["id"], group_id, priority_id, at)


def _issue(conn: Connection, unit_id: int, group_id: int | None, priority_id: int | None, at: datetime) -> dict:
    # The same checks and atomic number as a phone ticket, without the per-phone and per-browser caps.
    queue._lock_unit(conn, unit_id)
    group = queue._open_group(conn, unit_id, group_id)
    priority = queue._priority(conn, unit_id, priority_id)
    return queue.insert_ticket(conn, group=group, phone="", priority=priority, browser_id="", at=at)


def counter_ticket_options(conn: Connection, actor: Actor) -> dict:
    actor.require(CLERK)
    return {
        "groups": list_groups(conn, actor.unit_id, active_only=True),
        "priorities": list_priorities(conn, actor.unit_id, active_only=True),
    }


# Kiosk key ----------------------------------------------------------------------------------------------------


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def set_kiosk_key(conn: Connection, actor: Actor, *, unit_id: int) -> str:
    """A new kiosk key for the unit (the old one stops working); returned once, stored only as a hash."""
    require_manager(actor, unit_id)
    key = secrets.token_urlsafe(KIOSK_KEY_BYTES)
    conn.execute(delete(queue_kiosk_keys).where(queue_kiosk_keys.c.unit_id == unit_id))
    conn.execute(
        insert(queue_kiosk_keys).values(
            unit_id=unit_id, key_hash=_hash(key), created_at=now(), created_by=actor.username
        )
    )
    audit.record(conn, actor, action="set_kiosk_key", entity="queue_kiosk_keys", entity_id=unit_id, unit_id=unit_id)
    return key


def kiosk_key_set_at(conn: Connection, actor: Actor, *, unit_id: int) -> datetime | None:
    require_manager(actor, unit_id)
    return conn.scalar(select(queue_kiosk_keys.c.created_at).where(queue_kiosk_keys.c.unit_id == unit_id))


def kiosk_unit(conn: Connection, *, unit_code: str, key: str) -> dict:
    """The unit whose kiosk key this is; one message for a wrong unit and a wrong key (nothing to probe)."""
    refused = PermissionDenied("Máy lấy số chưa được kích hoạt hoặc khóa không đúng. Vui lòng báo cán bộ một cửa.")
    try:
        unit = queue.public_unit(conn, unit_code)
    except NotFound:
        raise refused from None
    stored = conn.scalar(select(queue_kiosk_keys.c.key_hash).where(queue_kiosk_keys.c.unit_id == unit["id"]))
    given = _hash((key or "")[:MAX_KEY_LENGTH])
    if stored is None or not hmac.compare_digest(stored, given):
        raise refused
    return unit


def kiosk_form(conn: Connection, *, unit_code: str, key: str, at: datetime | None = None) -> dict:
    at = at or now()
    unit = kiosk_unit(conn, unit_code=unit_code, key=key)
    calendar = issuing_calendar(conn, unit["id"])
    groups = list_groups(conn, unit["id"], active_only=True)
    is_open = is_issuing_open(calendar, at) and bool(groups)
    return {
        "unit": unit,
        "groups": groups,
        "priorities": list_priorities(conn, unit["id"], active_only=True),
        "open": is_open,
        "closed_message": "" if is_open else closed_message(calendar, at),
    }


# The printed ticket -------------------------------------------------------------------------------------------


def ticket_pdf(conn: Connection, *, token: str, base_url: str, at: datetime | None = None) -> bytes:
    """An 80 mm thermal-printer slip: number, group, time, people ahead, and the QR of the ticket page."""
    status = queue.ticket_status(conn, token=token, at=at)
    ticket = queue._ticket_by_token(conn, token)
    unit = get_unit(conn, ticket["unit_id"])
    link = f"{base_url.rstrip('/')}/so/{token}"
    return render_ticket(
        unit_name=unit["name"],
        code=status["code"],
        group=status["group"],
        priority=status["priority"],
        issued_at=ticket["issued_at"],
        ahead=status["ahead"],
        link=link,
    )


def render_ticket(
    *, unit_name: str, code: str, group: str, priority: str, issued_at: datetime, ahead: int | None, link: str
) -> bytes:
    doc = FPDF(format=(PAPER_WIDTH_MM, PAPER_HEIGHT_MM))
    doc.set_margins(4, 4, 4)
    doc.set_auto_page_break(False)
    doc.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    doc.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    doc.add_page()

    def text(value: str, size: float, style: str = "", height: float = 5) -> None:
        doc.set_font(FONT, style, size)
        doc.multi_cell(0, height, nfc(value), align="C", new_x="LMARGIN", new_y="NEXT")

    text(f"UBND {unit_name}".upper(), 9, "B", 4.5)
    text("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", 8, "", 4.5)
    doc.ln(2)
    text("SỐ THỨ TỰ", 11, "B")
    text(code, 40, "B", 17)
    text(group, 10, "", 5)
    if priority:
        text(f"Ưu tiên: {priority}", 9, "B")
    local = issued_at.astimezone(LOCAL_TZ)
    text(f"Lấy số lúc {local:%H:%M} ngày {local:%d/%m/%Y}", 9)
    text(f"Số người chờ trước: {ahead if ahead is not None else '—'}", 10, "B")
    size = 30
    doc.image(io.BytesIO(qr_png(link, box_size=4)), x=(PAPER_WIDTH_MM - size) / 2, y=doc.get_y() + 2, w=size, h=size)
    doc.set_y(doc.get_y() + size + 3)
    text("Quét mã để theo dõi số trên điện thoại", 8, "", 4)
    text("Vui lòng chú ý màn hình và loa gọi số.", 8, "", 4)
    return bytes(doc.output())
