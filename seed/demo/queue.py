"""Demo queue for Ngũ Hành Sơn: the sample set-up and a morning's worth of tickets today (served, at counters,
waiting), so the counter page, the hall display and the statistics show something after `make run`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select, update

from db.schema import queue_tickets, units, users
from services.core.clock import now
from services.queue import tickets as queue
from services.queue.rules import service_day
from services.queue.setup import counters_of, list_groups, list_priorities, seed_sample_queue

DEMO_UNIT = "NGUHANHSON"
DEMO_CLERK = "motcua.nhs"
# (group letter, minutes ago issued, priority?, outcome): outcome is done | no_show | serving | called | waiting
DEMO_TICKETS = [
    ("A", 95, False, "done"),
    ("A", 90, False, "done"),
    ("B", 88, False, "done"),
    ("A", 80, True, "done"),
    ("C", 70, False, "no_show"),
    ("B", 62, False, "done"),
    ("A", 55, False, "done"),
    ("A", 40, False, "serving"),
    ("B", 35, False, "called"),
    ("A", 30, False, "waiting"),
    ("A", 22, True, "waiting"),
    ("B", 18, False, "waiting"),
    ("A", 12, False, "waiting"),
    ("C", 6, False, "waiting"),
]


def seed_queue_demo(conn: Connection) -> None:
    unit_id = conn.scalar(select(units.c.id).where(units.c.code == DEMO_UNIT))
    if unit_id is None:
        return
    seed_sample_queue(conn, None, unit_id=unit_id)
    at = now()
    today = select(func.count()).where(queue_tickets.c.unit_id == unit_id, queue_tickets.c.day == service_day(at))
    if conn.scalar(today):
        return
    clerk_id = conn.scalar(select(users.c.id).where(users.c.username == DEMO_CLERK))
    groups = {g["letter"]: g for g in list_groups(conn, unit_id)}
    priority = list_priorities(conn, unit_id)[0]
    counters = counters_of(conn, unit_id)
    for index, (letter, minutes, is_priority, outcome) in enumerate(DEMO_TICKETS):
        issued = at - timedelta(minutes=minutes)
        ticket = queue.insert_ticket(
            conn,
            group=groups[letter],
            phone=f"09051234{index:02d}",
            priority=priority if is_priority else None,
            browser_id="",
            at=issued,
        )
        counter = next(c for c in counters if groups[letter]["id"] in c["group_ids"])
        _play(conn, ticket, counter, clerk_id, outcome, issued)


def _play(conn: Connection, ticket: dict, counter: dict, clerk_id: int, outcome: str, issued: datetime) -> None:
    if outcome == "waiting":
        return
    called = issued + timedelta(minutes=7)
    queue.announce_call(conn, counter, ticket["code"], ticket["id"], called)
    values = {
        "status": outcome,
        "counter_id": counter["id"],
        "clerk_id": clerk_id,
        "called_at": called,
        "call_count": 1,
        "wait_seconds": 7 * 60,
    }
    if outcome in ("done", "serving"):
        values["started_at"] = called + timedelta(minutes=1)
    if outcome == "done":
        values["finished_at"] = called + timedelta(minutes=6)
        values["service_seconds"] = 5 * 60
    if outcome == "no_show":
        values["finished_at"] = called + timedelta(minutes=2)
    conn.execute(update(queue_tickets).where(queue_tickets.c.id == ticket["id"]).values(**values))
