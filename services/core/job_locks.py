"""A lock row per long job (staff import, configuration copy, trial report, large export), so that a second click,
a second tab or a second administrator cannot start the same job while it runs.

The row is taken with one INSERT (the primary key decides, race-free on SQLite and PostgreSQL) in its own short
transaction, and removed when the job ends; a row past its expiry (a crashed job) is taken over.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from db.schema import job_locks
from services.core.clock import format_datetime, now
from services.core.errors import Conflict

DEFAULT_TTL = timedelta(minutes=15)
MAX_NAME = 120


def acquire(
    conn: Connection, *, name: str, holder: str, label: str, ttl: timedelta = DEFAULT_TTL, at: datetime | None = None
) -> None:
    """Takes the lock or raises Conflict saying who runs the job since when. Call in its own transaction."""
    at = at or now()
    name = name[:MAX_NAME]
    taken = conn.execute(
        update(job_locks)
        .where(job_locks.c.name == name, job_locks.c.expires_at < at)
        .values(holder=holder, started_at=at, expires_at=at + ttl)
    )
    if taken.rowcount == 1:
        return
    try:
        with conn.begin_nested():
            conn.execute(insert(job_locks).values(name=name, holder=holder, started_at=at, expires_at=at + ttl))
    except IntegrityError:
        row = conn.execute(select(job_locks).where(job_locks.c.name == name)).one()
        raise Conflict(
            f"{label} đang chạy (do {row.holder} bắt đầu lúc {format_datetime(row.started_at)}). "
            "Vui lòng chờ xong rồi thử lại."
        ) from None


def release(conn: Connection, *, name: str, holder: str) -> None:
    conn.execute(delete(job_locks).where(job_locks.c.name == name[:MAX_NAME], job_locks.c.holder == holder))


def is_running(conn: Connection, *, name: str, at: datetime | None = None) -> bool:
    expires = conn.scalar(select(job_locks.c.expires_at).where(job_locks.c.name == name[:MAX_NAME]))
    return expires is not None and expires >= (at or now())
