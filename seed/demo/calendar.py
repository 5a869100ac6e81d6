"""Demo office hours: the city default written out as rows holding the sample hours, so the calendar page shows
what a ward checks and edits (without rows the app already computes with the same sample hours)."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from db.schema import office_sessions
from services.core.working_time import SAMPLE_SESSIONS, format_hhmm


def seed_calendar_demo(conn: Connection) -> None:
    city_rows = select(office_sessions.c.id).where(office_sessions.c.unit_id.is_(None)).limit(1)
    if conn.scalar(city_rows) is not None:
        return
    rows = [
        {"unit_id": None, "weekday": w, "starts": format_hhmm(a), "ends": format_hhmm(b)}
        for w, items in SAMPLE_SESSIONS.items()
        for a, b in items
    ]
    conn.execute(insert(office_sessions), rows)
