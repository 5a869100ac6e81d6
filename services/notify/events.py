"""What each change tells the citizen: dossier events (called by dossier_flow for every event it writes), feedback
answers and queue calls. Runs in the caller's transaction and only writes outbox rows, never sends.

Consent: dossiers and online submissions notify the channels the citizen agreed to (notify_consents); a feedback
item e-mails its answer to the address the citizen gave for that purpose; a queue ticket texts the phone number
the citizen typed on the ticket form for that purpose. Opt-outs always win (notify_outbox.enqueue).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from db.schema import dossiers, procedures, queue_counters, queue_tickets, units
from services.core.clock import format_datetime, now
from services.notify import outbox as notify_outbox

# dossier_flow action -> notification event
DOSSIER_EVENTS = {
    "receive": "received",
    "receive_unrouted": "received",
    "request_supplement": "supplement_requested",
    "complete": "result_ready",
    "receive_result": "result_ready",
    "apologize": "apology",
    "ship_dossier": "postal_sent",
    "receive_paper": "postal_arrived",
    "mail_result": "result_mailed",
    "return_result": "returned",
    "reject": "rejected",
}
QUEUE_SOON_AHEAD = 2


def on_dossier_event(conn: Connection, dossier_id: int, action: str, *, at: datetime, note: str = "") -> None:
    event = DOSSIER_EVENTS.get(action)
    if event is None or not notify_outbox.consents_of(conn, "dossier", dossier_id):
        return
    row = conn.execute(
        select(dossiers, procedures.c.name.label("procedure_name"), units.c.name.label("unit_name"))
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .join(units, units.c.id == dossiers.c.receiving_unit_id)
        .where(dossiers.c.id == dossier_id)
    ).first()
    if row is None:
        return
    routed_elsewhere = row.processing_unit_id not in (None, row.receiving_unit_id)
    if action == "complete" and routed_elsewhere:
        return  # the result still has to travel back; "receive_result" tells the citizen
    payload = {
        "code": row.code,
        "procedure": row.procedure_name,
        "unit": row.unit_name,
        "received": format_datetime(row.received_at),
        "due": format_datetime(row.due_at),
        "at": format_datetime(at),
        "note": note,
    }
    notify_outbox.notify_subject(
        conn, subject_kind="dossier", subject_id=dossier_id, event=event, payload=payload, code=row.code, at=at
    )


def subscribe_dossier(
    conn: Connection,
    dossier_id: int,
    *,
    email: str = "",
    phone: str = "",
    channels: tuple[str, ...] = ("email", "sms"),
    at: datetime | None = None,
) -> list[str]:
    """For counter intake: the citizen agreed at the counter; records the consent and sends the "received" message
    (the receive event itself was written before the consent existed). Returns the channels recorded."""
    at = at or now()
    chosen = notify_outbox.consent(
        conn, subject_kind="dossier", subject_id=dossier_id, email=email, phone=phone, channels=channels, at=at
    )
    if chosen:
        on_dossier_event(conn, dossier_id, "receive", at=at)
    return chosen


def on_feedback_answered(conn: Connection, item: dict, *, at: datetime | None = None) -> None:
    email = (item.get("contact_email") or "").strip()
    if not email:
        return
    notify_outbox.enqueue(
        conn,
        event="feedback_answered",
        channel="email",
        recipient=email,
        payload={"code": item["code"], "title": item["title"], "link_path": f"/gop-y/theo-doi?ma={item['code']}"},
        subject_kind="feedback",
        subject_id=item["id"],
        code=item["code"],
        dedupe_key=f"feedback:{item['id']}:answered:{item.get('version', 0)}",
        at=at or now(),
    )


def on_ticket_called(conn: Connection, ticket_id: int, *, at: datetime | None = None) -> None:
    """The called citizen, and the one who now has two numbers ahead in the same group (once each)."""
    at = at or now()
    ticket = conn.execute(select(queue_tickets).where(queue_tickets.c.id == ticket_id)).first()
    if ticket is None:
        return
    unit_name = conn.scalar(select(units.c.name).where(units.c.id == ticket.unit_id)) or ""
    counter = conn.scalar(select(queue_counters.c.number).where(queue_counters.c.id == ticket.counter_id))
    _ticket_sms(conn, ticket, "queue_called", {"counter": counter or "", "unit": unit_name}, at, ticket.call_count)
    waiting = conn.execute(
        select(queue_tickets)
        .where(
            queue_tickets.c.group_id == ticket.group_id,
            queue_tickets.c.day == ticket.day,
            queue_tickets.c.status == "waiting",
        )
        .order_by(queue_tickets.c.priority_id.is_(None), queue_tickets.c.queued_at)
        .limit(QUEUE_SOON_AHEAD + 1)
    ).all()
    if len(waiting) > QUEUE_SOON_AHEAD:
        _ticket_sms(conn, waiting[QUEUE_SOON_AHEAD], "queue_soon", {"unit": unit_name}, at, 0)


def _ticket_sms(conn: Connection, ticket, event: str, extra: dict, at: datetime, round_: int) -> None:
    if not ticket.phone:
        return
    notify_outbox.enqueue(
        conn,
        event=event,
        channel="sms",
        recipient=ticket.phone,
        payload={"code": ticket.code, "link_path": f"/so/{ticket.token}", **extra},
        subject_kind="ticket",
        subject_id=ticket.id,
        code=ticket.code,
        dedupe_key=f"ticket:{ticket.id}:{event}:{round_}",
        at=at,
    )
