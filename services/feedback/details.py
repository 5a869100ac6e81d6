"""What the feedback table does not hold about an item: where it came from (the portal, an Open311 system, a sync
from an upstream server), the emergency safety net's verdict, the coordinates and the unit suggested for it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from db.schema import feedback, feedback_details, feedback_events, open311_clients, units
from services.feedback.emergency import emergency_due
from services.feedback.location import suggest_unit

SOURCE_LABELS = {"gop-y": "Cổng góp ý /gop-y", "open311": "Hệ thống khác qua Open311", "sync": "Đồng bộ từ cấp trên"}


def record_details(conn: Connection, *, feedback_id: int, item, classification, at: datetime, origin: dict) -> None:
    """Written with the item; an emergency moves the deadline to the same day and says so on the trail."""
    suggestion = suggest_unit(conn, address=item.address)
    conn.execute(
        insert(feedback_details).values(
            feedback_id=feedback_id,
            source=origin.get("source", "gop-y"),
            client_id=origin.get("client_id"),
            upstream=origin.get("upstream", ""),
            media_url=origin.get("media_url", "")[:500],
            token=origin.get("token"),
            emergency=classification.emergency[:200],
            latitude=item.latitude,
            longitude=item.longitude,
            suggested_unit_id=suggestion["unit_id"] if suggestion else None,
            suggestion_basis=suggestion["basis"] if suggestion else "",
        )
    )
    if classification.emergency:
        _handle_same_day(conn, feedback_id, item.unit_id, classification.emergency, at)


def _handle_same_day(conn: Connection, feedback_id: int, unit_id: int, label: str, at: datetime) -> None:
    due = conn.scalar(select(feedback.c.due_at).where(feedback.c.id == feedback_id))
    same_day = min(due, emergency_due(conn, unit_id=unit_id, start=at))
    conn.execute(update(feedback).where(feedback.c.id == feedback_id).values(due_at=same_day, kind="urgent"))
    conn.execute(
        insert(feedback_events).values(
            feedback_id=feedback_id,
            at=at,
            username="",
            action="emergency",
            from_status=None,
            to_status=conn.scalar(select(feedback.c.status).where(feedback.c.id == feedback_id)),
            note=label,
            public=True,
        )
    )


def details_of(conn: Connection, feedback_id: int) -> dict:
    """Empty values for items submitted before these details existed."""
    suggested = units.alias("suggested")
    row = conn.execute(
        select(feedback_details, suggested.c.name.label("suggested_unit"), open311_clients.c.name.label("client"))
        .outerjoin(suggested, suggested.c.id == feedback_details.c.suggested_unit_id)
        .outerjoin(open311_clients, open311_clients.c.id == feedback_details.c.client_id)
        .where(feedback_details.c.feedback_id == feedback_id)
    ).first()
    if row is None:
        return {
            "source": "gop-y",
            "source_label": SOURCE_LABELS["gop-y"],
            "emergency": "",
            "latitude": None,
            "longitude": None,
            "suggested_unit_id": None,
            "suggested_unit": "",
            "suggestion_basis": "",
            "client": "",
            "upstream": "",
            "media_url": "",
        }
    values = dict(row._mapping)
    source = SOURCE_LABELS.get(values["source"], values["source"])
    if values["client"]:
        source = f"{source}: {values['client']}"
    elif values["upstream"]:
        source = f"{source}: {values['upstream']}"
    return {**values, "source_label": source, "suggested_unit": values["suggested_unit"] or ""}


def desk_details(conn: Connection, actor, *, feedback_id: int) -> dict:
    """The details for the staff desk: same read rule as the item itself."""
    from services.feedback.desk import require_read
    from services.feedback.items import load_item

    require_read(actor, load_item(conn, feedback_id))
    return details_of(conn, feedback_id)
