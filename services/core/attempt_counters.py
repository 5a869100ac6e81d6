"""Atomic attempt counters in the database, shared by every server process: sign-in, status lookups, queue tickets.

An attempt is counted *before* it is evaluated (`take`), with one INSERT … ON CONFLICT DO NOTHING and one
UPDATE … RETURNING, so twelve concurrent attempts see counts 1…12 and only those within the limit go on; a read,
then a write, lets them all through on PostgreSQL. A successful attempt gives its count back (`give_back`) or
clears the counter (`clear`), so only failures add up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, case, delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.schema import attempt_counters as counters


def take(conn: Connection, *, scope: str, key: str, limit: int, window: timedelta, at: datetime) -> bool:
    """Counts one attempt in the fixed window that started with the first one; False once `limit` is used."""
    return count(conn, scope=scope, key=key, window=window, at=at) <= limit


def count(conn: Connection, *, scope: str, key: str, window: timedelta, at: datetime) -> int:
    """Counts one attempt and returns how many the window now holds, this one included."""
    key = key[:160]
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        dialect_insert(counters).values(scope=scope, key=key, window_start=at, count=0).on_conflict_do_nothing()
    )
    expired = counters.c.window_start <= at - window
    return conn.execute(
        update(counters)
        .where(counters.c.scope == scope, counters.c.key == key)
        .values(
            count=case((expired, 1), else_=counters.c.count + 1),
            window_start=case((expired, at), else_=counters.c.window_start),
        )
        .returning(counters.c.count)
    ).scalar_one()


def give_back(conn: Connection, *, scope: str, key: str) -> None:
    conn.execute(
        update(counters)
        .where(counters.c.scope == scope, counters.c.key == key[:160], counters.c.count > 0)
        .values(count=counters.c.count - 1)
    )


def clear(conn: Connection, *, scope: str, key: str) -> None:
    conn.execute(delete(counters).where(counters.c.scope == scope, counters.c.key == key[:160]))


def clear_scope_key_prefix(conn: Connection, *, scope: str, prefix: str) -> None:
    """Every counter of the scope whose key starts with `prefix` (e.g. one account from every address)."""
    conn.execute(delete(counters).where(counters.c.scope == scope, counters.c.key.startswith(prefix, autoescape=True)))


def forget_old(conn: Connection, *, older_than: datetime) -> None:
    conn.execute(delete(counters).where(counters.c.window_start < older_than))
