"""The append-only audit log: written in the same transaction as the change it records."""

from __future__ import annotations

import json

from sqlalchemy import Connection, insert, select

from db.schema import audit_log
from services.core.clock import now
from services.core.roles import ADMIN, CITY_LEADER, LEADER, Actor


def record(conn: Connection, actor: Actor | None, *, action: str, entity: str, entity_id="", unit_id=None, **detail):
    conn.execute(
        insert(audit_log).values(
            at=now(),
            user_id=actor.user_id if actor else None,
            username=actor.username if actor else "system",
            unit_id=unit_id,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )
    )


def recent(conn: Connection, actor: Actor, *, limit: int = 200) -> list[dict]:
    actor.require(ADMIN, CITY_LEADER, LEADER)  # the audit page's roles; clerks and departments may not read it
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if not actor.city_wide:
        query = query.where(audit_log.c.unit_id == actor.unit_id)
    return [dict(row._mapping) for row in conn.execute(query)]
