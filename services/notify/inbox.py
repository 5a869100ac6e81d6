"""The in-app notification list of a staff member (for the home screen): near-due alerts, newest first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select, update

from db.schema import dossiers, staff_alerts
from services.core.clock import now
from services.core.errors import NotFound
from services.core.roles import Actor


def list_for_user(conn: Connection, actor: Actor, *, unread_only: bool = False, limit: int = 50) -> list[dict]:
    """[{id, kind, title, body, created_at, read_at, dossier_id, dossier_code}] of the signed-in user only."""
    query = (
        select(staff_alerts, dossiers.c.code.label("dossier_code"))
        .join(dossiers, dossiers.c.id == staff_alerts.c.dossier_id)
        .where(staff_alerts.c.user_id == actor.user_id)
        .order_by(staff_alerts.c.id.desc())
        .limit(min(limit, 200))
    )
    if unread_only:
        query = query.where(staff_alerts.c.read_at.is_(None))
    return [dict(row._mapping) for row in conn.execute(query)]


def unread_count(conn: Connection, actor: Actor) -> int:
    query = select(func.count()).where(staff_alerts.c.user_id == actor.user_id, staff_alerts.c.read_at.is_(None))
    return conn.scalar(query) or 0


def mark_read(conn: Connection, actor: Actor, *, alert_id: int, at: datetime | None = None) -> None:
    result = conn.execute(
        update(staff_alerts)
        .where(staff_alerts.c.id == alert_id, staff_alerts.c.user_id == actor.user_id)
        .values(read_at=at or now())
    )
    if result.rowcount != 1:
        raise NotFound("Không tìm thấy thông báo.")
