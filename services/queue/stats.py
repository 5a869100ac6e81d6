"""Queue statistics for the operations center: volumes, waits and service times, no-shows, by hour.

Aggregates run in SQL on both databases; the 90th percentile is the nearest-rank one, taken with window
functions (ROW_NUMBER over COUNT), which SQLite and PostgreSQL both have.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, and_, func, select

from db.schema import queue_counters, queue_groups, queue_tickets, units, users
from services.core.clock import local_today
from services.core.errors import ValidationError
from services.core.roles import ADMIN, CITY_LEADER, LEADER, Actor

MAX_DAYS = 366
T = queue_tickets.c


def queue_stats(conn: Connection, actor: Actor, *, unit_id: int | None, start: date, end: date) -> dict:
    """unit_id None = the whole city (city roles; a ward leader gets their own unit). Times are in seconds."""
    actor.require(ADMIN, CITY_LEADER, LEADER)
    if unit_id is None and not actor.city_wide:
        unit_id = actor.unit_id
    if unit_id is not None:
        actor.require_unit(unit_id)
    if end < start or (end - start).days > MAX_DAYS:
        raise ValidationError("Khoảng thời gian thống kê không hợp lệ (tối đa một năm, ngày đầu trước ngày cuối).")
    scope = and_(T.day >= start, T.day <= end, *([T.unit_id == unit_id] if unit_id is not None else []))
    totals = _aggregate(conn, scope, None).get(None) or _empty()
    return {
        "unit_id": unit_id,
        "start": start,
        "end": end,
        **totals,
        "waiting_now": _waiting_now(conn, unit_id),
        "by_group": _labelled(_aggregate(conn, scope, T.group_id), _group_labels(conn)),
        "by_counter": _labelled(_aggregate(conn, scope, T.counter_id), _counter_labels(conn)),
        "by_clerk": _labelled(_aggregate(conn, scope, T.clerk_id), _clerk_labels(conn)),
        "by_hour": _labelled(_aggregate(conn, scope, T.issued_hour), lambda hour: f"{hour:02d}:00"),
    }


def _aggregate(conn: Connection, scope, key) -> dict:
    """Per key (None: all together): counts, average and 90th-percentile wait and service seconds, no-show rate."""
    query = select(
        *_key_column(key),
        func.count().label("issued"),
        func.count().filter(T.status == "done").label("served"),
        func.count().filter(T.status == "no_show").label("no_show"),
        func.count().filter(T.called_at.is_not(None)).label("called"),
        func.avg(T.wait_seconds).label("avg_wait"),
        func.avg(T.service_seconds).label("avg_service"),
    ).where(scope)
    if key is not None:
        query = query.where(key.is_not(None)).group_by(key)
    result = {_key_of(row, key): _figures(row) for row in conn.execute(query)}
    for field, column in (("p90_wait", T.wait_seconds), ("p90_service", T.service_seconds)):
        for k, value in _p90(conn, scope, key, column).items():
            result[k][field] = value
    return result


def _key_column(key) -> list:
    return [] if key is None else [key.label("key")]


def _key_of(row, key):
    return None if key is None else row.key


def _figures(row) -> dict:
    figures = dict(row._mapping)
    figures.pop("key", None)
    figures["avg_wait"] = _rounded(figures["avg_wait"])
    figures["avg_service"] = _rounded(figures["avg_service"])
    figures["no_show_rate"] = round(figures["no_show"] / figures["called"], 4) if figures["called"] else None
    return figures | {"p90_wait": None, "p90_service": None}


def _p90(conn: Connection, scope, key, value) -> dict:
    partition = {} if key is None else {"partition_by": key}
    ranked = (
        select(
            *_key_column(key),
            value.label("value"),
            func.row_number().over(order_by=value, **partition).label("rank"),
            func.count().over(**partition).label("n"),
        )
        .where(scope, value.is_not(None), *([] if key is None else [key.is_not(None)]))
        .subquery()
    )
    nearest_rank = (ranked.c.n * 9 + 9) // 10
    rows = conn.execute(select(ranked).where(ranked.c.rank == nearest_rank))
    return {_key_of(row, key): row.value for row in rows}


def _empty() -> dict:
    return {
        "issued": 0,
        "served": 0,
        "no_show": 0,
        "called": 0,
        "avg_wait": None,
        "avg_service": None,
        "no_show_rate": None,
        "p90_wait": None,
        "p90_service": None,
    }


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _labelled(figures: dict, label_of) -> list[dict]:
    return [{"key": key, "label": label_of(key), **values} for key, values in sorted(figures.items())]


def _waiting_now(conn: Connection, unit_id: int | None) -> int:
    query = select(func.count()).where(T.status == "waiting", T.day == local_today())
    if unit_id is not None:
        query = query.where(T.unit_id == unit_id)
    return conn.scalar(query)


def _group_labels(conn: Connection):
    rows = conn.execute(
        select(queue_groups.c.id, queue_groups.c.letter, queue_groups.c.name, units.c.name.label("unit")).join(units)
    )
    labels = {row.id: f"{row.unit} · {row.letter} – {row.name}" for row in rows}
    return lambda key: labels.get(key, str(key))


def _counter_labels(conn: Connection):
    rows = conn.execute(select(queue_counters.c.id, queue_counters.c.number, units.c.name.label("unit")).join(units))
    labels = {row.id: f"{row.unit} · Quầy {row.number}" for row in rows}
    return lambda key: labels.get(key, str(key))


def _clerk_labels(conn: Connection):
    labels = dict(conn.execute(select(users.c.id, users.c.full_name)).all())
    return lambda key: labels.get(key, str(key))
