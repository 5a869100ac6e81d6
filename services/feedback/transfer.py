"""Passing a feedback item to another unit (any of the 94): who may, with what reason, what happens to the deadline,
and the history both units and the citizen see.

The deadline after a transfer is a setting ([feedback] transfer_clock, MOTCUA_FEEDBACK_TRANSFER_CLOCK):
- "restart" (default): the receiving unit gets the full deadline of the item's kind from the moment of transfer
  (same day for an emergency). Decision 960/QĐ-UBND (2021) counts the deadline from receipt by the body that
  handles the item; a unit that was wrongly sent the item could not have started. [practice, to confirm]
- "keep": the original deadline stands, so the citizen's waiting time does not grow with each hand-over.
Either way the item goes to the receiving unit's triage queue, where its leader or a department head confirms the
handler; the sending unit keeps read access to the item's history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select

from db.schema import feedback, feedback_details, feedback_transfers, units
from services.core.clock import format_datetime, now
from services.core.errors import PermissionDenied, ValidationError
from services.core.roles import ADMIN, CITY_LEADER, Actor
from services.feedback.desk import can_handle, can_triage, require_read
from services.feedback.emergency import emergency_due
from services.feedback.items import STATUS_LABELS, add_event, change, clean_text, events_of, load_item
from services.feedback.routing import due_for, handler_for, handler_label

CLOCK_RULES = {
    "restart": "Tính lại thời hạn từ lúc đơn vị mới nhận",
    "keep": "Giữ nguyên thời hạn ban đầu",
}
TRANSFERABLE = ("triage", "assigned")
MIN_REASON = 10


def can_transfer(actor: Actor, item: dict) -> bool:
    return item["status"] in TRANSFERABLE and (can_handle(actor, item) or can_triage(actor, item))


def transfer(
    conn: Connection,
    actor: Actor,
    *,
    feedback_id: int,
    to_unit_id: int,
    reason: str,
    expected_version: int,
    clock: str = "restart",
    at: datetime | None = None,
) -> dict:
    at = at or now()
    item = load_item(conn, feedback_id)
    require_read(actor, item)
    if not (can_handle(actor, item) or can_triage(actor, item)):
        raise PermissionDenied("Chỉ người xử lý hoặc người phân loại của đơn vị được chuyển phản ánh.")
    if item["status"] not in TRANSFERABLE:
        raise ValidationError(f"Phản ánh đang ở trạng thái “{STATUS_LABELS[item['status']]}”; không chuyển được.")
    if clock not in CLOCK_RULES:
        raise ValidationError("Quy tắc thời hạn khi chuyển không hợp lệ.")
    target = conn.execute(select(units.c.id, units.c.name, units.c.active).where(units.c.id == to_unit_id)).first()
    if target is None or not target.active:
        raise ValidationError("Vui lòng chọn đơn vị nhận đang hoạt động.")
    if target.id == item["unit_id"]:
        raise ValidationError("Phản ánh đã thuộc đơn vị này; hãy chọn đơn vị khác.")
    reason = clean_text(reason)
    if len(reason) < MIN_REASON:
        raise ValidationError(f"Vui lòng ghi lý do chuyển (ít nhất {MIN_REASON} ký tự).")
    due = _new_due(conn, item, target.id, clock, at)
    source = conn.scalar(select(units.c.name).where(units.c.id == item["unit_id"]))
    change(
        conn,
        item,
        expected_version=expected_version,
        unit_id=target.id,
        department_id=handler_for(conn, unit_id=target.id, category=item["category"]),
        status="triage",
        due_at=due,
        escalated_at=None,
        updated_at=at,
    )
    conn.execute(
        insert(feedback_transfers).values(
            feedback_id=item["id"],
            from_unit_id=item["unit_id"],
            to_unit_id=target.id,
            reason=reason[:2000],
            clock=clock,
            user_id=actor.user_id,
            username=actor.username,
            at=at,
        )
    )
    note = f"Từ {source} đến {target.name}. Lý do: {reason[:2000]}"
    add_event(conn, actor, item["id"], "transfer", item["status"], "triage", note=note, at=at)
    return {"unit": target.name, "due_at": due, "status": "triage"}


def _new_due(conn: Connection, item: dict, unit_id: int, clock: str, at: datetime) -> datetime:
    if clock == "keep":
        return item["due_at"]
    emergency = conn.scalar(select(feedback_details.c.emergency).where(feedback_details.c.feedback_id == item["id"]))
    if emergency:
        return emergency_due(conn, unit_id=unit_id, start=at)
    return due_for(conn, unit_id=unit_id, kind=item["kind"], start=at)


def transfers_of(conn: Connection, feedback_id: int) -> list[dict]:
    source, target = units.alias("source"), units.alias("target")
    rows = conn.execute(
        select(feedback_transfers, source.c.name.label("from_unit"), target.c.name.label("to_unit"))
        .join(source, source.c.id == feedback_transfers.c.from_unit_id)
        .join(target, target.c.id == feedback_transfers.c.to_unit_id)
        .where(feedback_transfers.c.feedback_id == feedback_id)
        .order_by(feedback_transfers.c.id)
    )
    return [{**dict(row._mapping), "at_text": format_datetime(row.at)} for row in rows]


def _require_involved(conn: Connection, actor: Actor, item: dict) -> None:
    """The current unit, any unit the item passed through, or city-wide readers."""
    if actor.has(ADMIN, CITY_LEADER) or actor.unit_id == item["unit_id"]:
        return
    units_passed = {t["from_unit_id"] for t in transfers_of(conn, item["id"])}
    if actor.unit_id not in units_passed:
        raise PermissionDenied("Bạn không có quyền xem phản ánh này.")


def transferred_out(conn: Connection, actor: Actor, *, unit_id: int) -> list[dict]:
    """Items the unit passed to another unit: where each is now and its status."""
    actor.require_unit(unit_id)
    rows = conn.execute(
        select(
            feedback.c.id,
            feedback.c.code,
            feedback.c.title,
            feedback.c.status,
            feedback.c.due_at,
            feedback.c.department_id,
            units.c.name.label("current_unit"),
            feedback_transfers.c.at,
            feedback_transfers.c.reason,
        )
        .join(feedback, feedback.c.id == feedback_transfers.c.feedback_id)
        .join(units, units.c.id == feedback.c.unit_id)
        .where(feedback_transfers.c.from_unit_id == unit_id)
        .order_by(feedback_transfers.c.at.desc())
        .limit(200)
    )
    return [
        {
            "id": row.id,
            "code": row.code,
            "title": row.title,
            "status_label": STATUS_LABELS[row.status],
            "current_unit": row.current_unit,
            "handler": handler_label(conn, row.department_id),
            "due": format_datetime(row.due_at),
            "transferred": format_datetime(row.at),
            "reason": row.reason,
        }
        for row in rows
    ]


def history(conn: Connection, actor: Actor, *, feedback_id: int) -> dict:
    """The item's trail and transfers, for the sending unit as well as the current one."""
    item = load_item(conn, feedback_id)
    _require_involved(conn, actor, item)
    return {
        "code": item["code"],
        "title": item["title"],
        "status_label": STATUS_LABELS[item["status"]],
        "unit": conn.scalar(select(units.c.name).where(units.c.id == item["unit_id"])),
        "events": events_of(conn, item["id"], public_only=False),
        "transfers": transfers_of(conn, item["id"]),
    }


def transfer_targets(conn: Connection, actor: Actor, *, feedback_id: int) -> dict:
    """What the desk's transfer form needs: may this actor transfer, to which units, under which clock rule."""
    item = load_item(conn, feedback_id)
    require_read(actor, item)
    query = select(units.c.id, units.c.name).where(units.c.active.is_(True), units.c.id != item["unit_id"])
    return {
        "can_transfer": can_transfer(actor, item),
        "units": {row.id: row.name for row in conn.execute(query.order_by(units.c.name))},
    }
