"""Dossier codes (mã hồ sơ): a pattern editable by the admin and a per-unit daily sequence that is race-free.

The sequence lives in `dossier_counters` (unit, local day): the row is created with INSERT … ON CONFLICT DO
NOTHING and bumped with UPDATE … RETURNING inside the intake transaction, so concurrent intakes queue on the row
lock (PostgreSQL) or the write lock (SQLite), and a rolled-back intake gives its number back: no gaps.
"""

from __future__ import annotations

import string
from datetime import datetime

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.schema import dossier_counters, intake_settings
from services.core import audit
from services.core.clock import local, now
from services.core.errors import ValidationError
from services.core.roles import ADMIN, Actor

DEFAULT_PATTERN = "{unit}-{yymmdd}-{seq:04d}"
PATTERN_KEY = "code_pattern"
FIELDS = {"unit", "yymmdd", "yyyymmdd", "seq"}
MAX_CODE_LENGTH = 40


def format_code(pattern: str, *, unit_code: str, day: datetime, seq: int) -> str:
    moment = local(day)
    return pattern.format(unit=unit_code, yymmdd=moment.strftime("%y%m%d"), yyyymmdd=moment.strftime("%Y%m%d"), seq=seq)


def check_pattern(pattern: str) -> str:
    """A pattern must name the unit, the day and the sequence, or codes would collide between units or days."""
    pattern = (pattern or "").strip()
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
        sample = format_code(pattern, unit_code="NGUHANHSON", day=now(), seq=9999)
    except (ValueError, KeyError, IndexError) as exc:
        raise ValidationError(f"Mẫu mã hồ sơ không hợp lệ: {exc}.") from None
    if names - FIELDS:
        raise ValidationError("Mẫu mã hồ sơ chỉ dùng các trường {unit}, {yymmdd}, {yyyymmdd}, {seq}.")
    if "unit" not in names or "seq" not in names or not names & {"yymmdd", "yyyymmdd"}:
        raise ValidationError("Mẫu mã hồ sơ phải có {unit}, {seq} và ngày ({yymmdd} hoặc {yyyymmdd}).")
    if len(sample) > MAX_CODE_LENGTH:
        raise ValidationError(f"Mã hồ sơ theo mẫu này dài quá {MAX_CODE_LENGTH} ký tự.")
    return pattern


def current_pattern(conn: Connection) -> str:
    stored = conn.scalar(select(intake_settings.c.value).where(intake_settings.c.key == PATTERN_KEY))
    return stored or DEFAULT_PATTERN


def set_pattern(conn: Connection, actor: Actor, *, pattern: str) -> str:
    actor.require(ADMIN)
    pattern = check_pattern(pattern)
    old = current_pattern(conn)
    values = {"value": pattern, "updated_at": now(), "updated_by": actor.username}
    _upsert(conn, intake_settings, {"key": PATTERN_KEY, **values}, ["key"], values)
    audit.record(conn, actor, action="update", entity="code_pattern", entity_id=PATTERN_KEY, old=old, new=pattern)
    return pattern


def next_code(conn: Connection, *, unit_id: int, unit_code: str, at: datetime) -> str:
    day = local(at).strftime("%y%m%d")
    _insert_ignore(conn, dossier_counters, {"unit_id": unit_id, "day": day, "last": 0}, ["unit_id", "day"])
    seq = conn.execute(
        update(dossier_counters)
        .where(dossier_counters.c.unit_id == unit_id, dossier_counters.c.day == day)
        .values(last=dossier_counters.c.last + 1)
        .returning(dossier_counters.c.last)
    ).scalar_one()
    return format_code(current_pattern(conn), unit_code=unit_code, day=at, seq=seq)


def _dialect_insert(conn: Connection, table):
    return (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table)


def _insert_ignore(conn: Connection, table, values: dict, keys: list[str]) -> None:
    conn.execute(_dialect_insert(conn, table).values(**values).on_conflict_do_nothing(index_elements=keys))


def _upsert(conn: Connection, table, values: dict, keys: list[str], changes: dict) -> None:
    statement = _dialect_insert(conn, table).values(**values)
    conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))
