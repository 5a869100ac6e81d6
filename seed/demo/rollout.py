"""Demo data for the rollout screens: the pilot's QR poster printed, and its queue set-up copied to Hội An."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from db.schema import config_copies, poster_downloads, units
from services.accounts.accounts import load_actor
from services.core.clock import now
from services.rollout import config_copy

PILOT_UNIT = "NGUHANHSON"
COPIED_TO = "HOIAN"


def seed_rollout_demo(conn: Connection) -> None:
    """Idempotent: adds only what is missing."""
    pilot, copied_to = _unit_id(conn, PILOT_UNIT), _unit_id(conn, COPIED_TO)
    if pilot is None or copied_to is None:
        return
    if conn.scalar(select(poster_downloads.c.id).where(poster_downloads.c.unit_id == pilot).limit(1)) is None:
        conn.execute(insert(poster_downloads).values(unit_id=pilot, at=now(), user_id=None, username="seed"))
    admin = load_actor(conn, "admin")
    if admin is not None and conn.scalar(select(config_copies.c.id).limit(1)) is None:
        config_copy.apply_copy(
            conn, admin, source_unit_id=pilot, target_unit_ids=[copied_to], sections=["queue_groups", "queue_rules"]
        )


def _unit_id(conn: Connection, code: str) -> int | None:
    return conn.scalar(select(units.c.id).where(units.c.code == code))
