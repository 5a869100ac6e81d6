"""Postal transfers (bưu chính công ích) of paper between units and to citizens.

Three kinds of shipment: the paper dossier from the receiving unit to the processing unit, the result back from
the processing unit to the receiving unit, and the result to the citizen's address. Every dossier inside must be at
the sending unit (services.whereabouts); the other end confirms receipt once. A shipment not confirmed within the
configured number of working days is flagged on both sides. Every move writes a dossier event with `to_unit_id`, so
it is on the control slip and (public steps) on the citizen's timeline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from db.schema import dossiers, postal_settings, postal_shipment_items, postal_shipments, procedures, units
from services.catalog.procedures import calendar_for_unit
from services.core import audit
from services.core.clock import format_datetime, now
from services.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from services.core.roles import ADMIN, CLERK, DEPARTMENT_HEAD, LEADER, SPECIALIST, Actor
from services.core.text import nfc
from services.core.working_time import Deadline, due_at
from services.dossiers import flow as dossier_flow
from services.dossiers.returns import is_late
from services.dossiers.whereabouts import PAPER, RESULT, whereabouts_of

CARRIERS = {
    "vnpost": "Bưu điện Việt Nam (VNPost) – bưu chính công ích",
    "viettelpost": "Viettel Post",
    "other": "Đơn vị chuyển phát khác",
}
KINDS = {
    "dossier": "Hồ sơ giấy gửi đơn vị xử lý",
    "result": "Kết quả gửi về nơi tiếp nhận",
    "citizen": "Kết quả gửi đến địa chỉ công dân",
}
STATUSES = {"sent": "Đang chuyển", "received": "Đã nhận", "delivered": "Đã phát cho công dân"}
DEFAULT_CONFIRM_DAYS = 3  # sample value until an admin sets it
MAX_CONFIRM_DAYS = 30
MAX_DOSSIERS = 200
TRACKING = re.compile(r"^[A-Z0-9-]{6,40}$")
PAPER_STATUSES = ("received", "assigned", "in_progress", "supplement_requested")
RESULT_STATUSES = ("result_ready", "rejected")
POSTAL_ROLES = (CLERK, SPECIALIST, DEPARTMENT_HEAD)
CLOCK_SKEW = timedelta(minutes=5)
MAX_BACKDATE = timedelta(days=30)


# --- settings ------------------------------------------------------------------------------------------------------


def get_settings(conn: Connection) -> dict:
    row = conn.execute(select(postal_settings).where(postal_settings.c.id == 1)).first()
    if row is None:
        return {"confirm_within_days": DEFAULT_CONFIRM_DAYS, "is_sample": True, "updated_by": "", "updated_at": None}
    return dict(row._mapping)


def set_confirm_days(conn: Connection, actor: Actor, *, days: int) -> None:
    """How many working days the other end has to confirm a shipment before it is flagged on both sides."""
    actor.require(ADMIN)
    if not isinstance(days, int) or not 1 <= days <= MAX_CONFIRM_DAYS:
        raise ValidationError(f"Số ngày làm việc để xác nhận phải từ 1 đến {MAX_CONFIRM_DAYS}.")
    values = dict(confirm_within_days=days, is_sample=False, updated_by=actor.username, updated_at=now())
    if conn.execute(update(postal_settings).where(postal_settings.c.id == 1).values(**values)).rowcount == 0:
        conn.execute(insert(postal_settings).values(id=1, **values))
    audit.record(conn, actor, action="set_postal_confirm_days", entity="postal_settings", entity_id=1, days=days)


# --- checks ----------------------------------------------------------------------------------------------------------


def _require_postal_staff(actor: Actor) -> None:
    actor.require(*POSTAL_ROLES)
    if actor.unit_id is None:
        raise PermissionDenied("Tài khoản chưa được gán phường/xã.")


def clean_tracking_number(value: str) -> str:
    number = re.sub(r"\s+", "", value or "").upper()
    if not TRACKING.match(number):
        raise ValidationError(
            "Số hiệu bưu gửi gồm 6–40 chữ cái không dấu, chữ số hoặc dấu gạch ngang (ví dụ EB123456789VN)."
        )
    return number


def _check_sent_at(sent_at: datetime | None, at: datetime) -> datetime:
    if sent_at is None:
        return at
    if sent_at.tzinfo is None:
        raise ValidationError("Thời điểm gửi không hợp lệ.")
    if sent_at > at + CLOCK_SKEW:
        raise ValidationError("Thời điểm gửi không được ở tương lai.")
    if sent_at < at - MAX_BACKDATE:
        raise ValidationError("Thời điểm gửi quá xa trong quá khứ (tối đa 30 ngày trước).")
    return sent_at.replace(microsecond=0)


def _load_dossiers(conn: Connection, actor: Actor, dossier_ids: Sequence[int]) -> list[dict]:
    ids = list(dict.fromkeys(int(i) for i in dossier_ids or []))
    if not ids:
        raise ValidationError("Chọn ít nhất một hồ sơ cho chuyến gửi.")
    if len(ids) > MAX_DOSSIERS:
        raise ValidationError(f"Một chuyến gửi tối đa {MAX_DOSSIERS} hồ sơ.")
    loaded = [dossier_flow.load(conn, dossier_id, for_update=True) for dossier_id in ids]
    for dossier in loaded:
        if not dossier_flow.can_read(actor, dossier):
            raise PermissionDenied(f"Hồ sơ {dossier['code']} không thuộc phạm vi của bạn.")
    return loaded


def _unit_name(conn: Connection, unit_id: int | None) -> str:
    if unit_id is None:
        return ""
    return conn.scalar(select(units.c.name).where(units.c.id == unit_id)) or ""


def _require_here(conn: Connection, actor: Actor, loaded: list[dict], kinds: tuple[str, ...]) -> None:
    places = whereabouts_of(conn, loaded, kinds)
    what = "Hồ sơ giấy" if kinds == PAPER else "Kết quả của hồ sơ"
    for dossier in loaded:
        place = places[dossier["id"]]
        if place.unit_id == actor.unit_id:
            continue
        if place.in_transit:
            where = f"đang gửi qua bưu chính (số hiệu {place.shipment['tracking_number']})"
        elif place.delivered:
            where = "đã phát cho công dân"
        else:
            where = f"đang ở {_unit_name(conn, place.unit_id)}"
        raise ValidationError(f"{what} {dossier['code']} không ở đơn vị gửi: {where}.")


def _destination(actor: Actor, kind: str, loaded: list[dict]) -> int | None:
    """The receiving end follows from the dossiers: their processing unit, their receiving unit, or the citizen."""
    _require_statuses(loaded, PAPER_STATUSES if kind == "dossier" else RESULT_STATUSES)
    if kind == "citizen":
        if len(loaded) != 1:
            raise ValidationError("Mỗi chuyến gửi đến địa chỉ công dân chỉ gồm một hồ sơ.")
        return None
    if kind == "dossier":
        return _common_end(actor, loaded, "processing_unit_id", "đơn vị xử lý")
    return _common_end(actor, loaded, "receiving_unit_id", "nơi tiếp nhận")


def _require_statuses(loaded: list[dict], statuses: tuple[str, ...]) -> None:
    for dossier in loaded:
        if dossier["status"] not in statuses:
            label = dossier_flow.STATUS_LABELS.get(dossier["status"], dossier["status"])
            raise ValidationError(f"Hồ sơ {dossier['code']} đang “{label}”, không gửi được theo loại chuyến này.")


def _common_end(actor: Actor, loaded: list[dict], column: str, end: str) -> int:
    for dossier in loaded:
        if dossier[column] in (None, actor.unit_id):
            raise ValidationError(
                f"Hồ sơ {dossier['code']} không cần gửi: {end} là đơn vị của bạn hoặc chưa được xác định."
            )
    targets = {dossier[column] for dossier in loaded}
    if len(targets) > 1:
        raise ValidationError(f"Các hồ sơ trong một chuyến gửi phải cùng {end}.")
    return targets.pop()


# --- sending -----------------------------------------------------------------------------------------------------


def send_shipment(
    conn: Connection,
    actor: Actor,
    *,
    kind: str,
    carrier: str,
    tracking_number: str,
    dossier_ids: Sequence[int],
    sent_at: datetime | None = None,
    to_address: str = "",
    note: str = "",
    at: datetime | None = None,
) -> int:
    """Records a shipment handed to the carrier; each dossier inside gets its hand-over event."""
    _require_postal_staff(actor)
    at = (at or now()).replace(microsecond=0)
    if kind not in KINDS:
        raise ValidationError("Loại chuyến gửi không hợp lệ.")
    if carrier not in CARRIERS:
        raise ValidationError("Chọn đơn vị chuyển phát.")
    number = clean_tracking_number(tracking_number)
    sent_at = _check_sent_at(sent_at, at)
    loaded = _load_dossiers(conn, actor, dossier_ids)
    to_unit_id = _destination(actor, kind, loaded)
    _require_here(conn, actor, loaded, PAPER if kind == "dossier" else RESULT)
    address = _address(kind, to_address, loaded)
    _refuse_duplicate(conn, carrier, number)
    confirm_due = _confirm_due(conn, to_unit_id or actor.unit_id, sent_at)
    shipment_id = _insert_shipment(
        conn,
        dict(
            kind=kind,
            carrier=carrier,
            tracking_number=number,
            from_unit_id=actor.unit_id,
            to_unit_id=to_unit_id,
            to_address=address,
            status="sent",
            sent_at=sent_at,
            sent_by=actor.username,
            confirm_due_at=confirm_due,
            recipient="",
            note=nfc(note)[:2000],
            created_at=at,
        ),
    )
    conn.execute(insert(postal_shipment_items), [{"shipment_id": shipment_id, "dossier_id": d["id"]} for d in loaded])
    text = f"{CARRIERS[carrier]}, số hiệu {number}"
    for dossier in loaded:
        _record_sending(conn, actor, dossier, kind, to_unit_id, confirm_due, text, sent_at)
    audit.record(
        conn,
        actor,
        action="send_shipment",
        entity="postal_shipment",
        entity_id=shipment_id,
        unit_id=actor.unit_id,
        kind=kind,
        tracking_number=number,
        dossiers=[d["code"] for d in loaded],
    )
    return shipment_id


def _address(kind: str, to_address: str, loaded: list[dict]) -> str:
    if kind != "citizen":
        return ""
    address = " ".join(nfc(to_address or loaded[0]["applicant_address"]).split())
    if len(address) < 10:
        raise ValidationError("Ghi đầy đủ địa chỉ nhận kết quả của công dân (số nhà, đường, phường/xã).")
    if len(address) > 300:
        raise ValidationError("Địa chỉ nhận quá dài (tối đa 300 ký tự).")
    return address


def _refuse_duplicate(conn: Connection, carrier: str, number: str) -> None:
    taken = conn.execute(
        select(postal_shipments.c.id, postal_shipments.c.sent_at).where(
            postal_shipments.c.carrier == carrier, postal_shipments.c.tracking_number == number
        )
    ).first()
    if taken:
        raise Conflict(
            f"Số hiệu {number} của {CARRIERS[carrier]} đã được ghi nhận cho chuyến gửi lúc "
            f"{format_datetime(taken.sent_at)}. Kiểm tra lại số hiệu trên biên nhận bưu gửi."
        )


def _insert_shipment(conn: Connection, values: dict) -> int:
    """The pre-check gives the clear message; the unique constraint settles two counters typing the same number."""
    try:
        with conn.begin_nested():
            return conn.execute(insert(postal_shipments).values(**values)).inserted_primary_key[0]
    except IntegrityError as exc:
        raise Conflict(f"Số hiệu {values['tracking_number']} vừa được ghi nhận cho một chuyến gửi khác.") from exc


def _confirm_due(conn: Connection, unit_id: int, sent_at: datetime) -> datetime:
    days = get_settings(conn)["confirm_within_days"]
    return due_at(calendar_for_unit(conn, unit_id), Deadline("working_days", days), sent_at)


def _record_sending(conn, actor, dossier, kind, to_unit_id, confirm_due, text, sent_at) -> None:
    event = {"to_unit_id": to_unit_id, "step_due_at": confirm_due}
    if kind == "dossier":
        dossier_flow.record(conn, actor, dossier, "ship_dossier", note=text, public=True, at=sent_at, event=event)
    elif kind == "citizen":
        dossier_flow.record(conn, actor, dossier, "mail_result", note=text, public=True, at=sent_at, event=event)
    elif dossier["status"] == "result_ready":
        dossier_flow.transition(conn, actor, dossier, "ship_result", note=text, at=sent_at, event=event)
    else:
        dossier_flow.record(conn, actor, dossier, "ship_result", note=text, public=True, at=sent_at, event=event)


# --- the other end ------------------------------------------------------------------------------------------------


def _load_shipment(conn: Connection, shipment_id: int) -> dict:
    row = conn.execute(select(postal_shipments).where(postal_shipments.c.id == shipment_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy chuyến gửi.")
    return dict(row._mapping)


def _items(conn: Connection, shipment_id: int) -> list[dict]:
    ids = conn.scalars(
        select(postal_shipment_items.c.dossier_id)
        .where(postal_shipment_items.c.shipment_id == shipment_id)
        .order_by(postal_shipment_items.c.id)
    ).all()
    return [dossier_flow.load(conn, dossier_id, for_update=True) for dossier_id in ids]


def _mark_confirmed(conn: Connection, shipment: dict, status: str, actor: Actor, at: datetime, recipient="") -> None:
    """Conditional on 'sent', so a second confirmation (or two people at once) changes nothing."""
    result = conn.execute(
        update(postal_shipments)
        .where(postal_shipments.c.id == shipment["id"], postal_shipments.c.status == "sent")
        .values(status=status, confirmed_at=at, confirmed_by=actor.username, recipient=recipient)
    )
    if result.rowcount != 1:
        fresh = _load_shipment(conn, shipment["id"])
        raise Conflict(
            f"Chuyến gửi số hiệu {fresh['tracking_number']} đã được xác nhận lúc "
            f"{format_datetime(fresh['confirmed_at'])} ({fresh['confirmed_by']}); không xác nhận lại."
        )


def confirm_receipt(conn: Connection, actor: Actor, *, shipment_id: int, at: datetime | None = None) -> dict:
    """The receiving end opens the envelope: the paper (or result) is now at this unit."""
    _require_postal_staff(actor)
    at = (at or now()).replace(microsecond=0)
    shipment = _load_shipment(conn, shipment_id)
    if shipment["to_unit_id"] is None:
        raise ValidationError("Chuyến gửi đến công dân được xác nhận bằng “Đã phát cho công dân”.")
    if shipment["to_unit_id"] != actor.unit_id:
        raise PermissionDenied("Chỉ đơn vị nhận mới xác nhận đã nhận chuyến gửi này.")
    loaded = _items(conn, shipment_id)
    _require_all_readable(actor, loaded)
    _mark_confirmed(conn, shipment, "received", actor, at)
    text = f"Nhận bưu gửi số hiệu {shipment['tracking_number']}"
    event = {"to_unit_id": actor.unit_id, "step_due_at": shipment["confirm_due_at"]}
    for dossier in loaded:
        if shipment["kind"] == "dossier":
            dossier_flow.record(conn, actor, dossier, "receive_paper", note=text, public=True, at=at, event=event)
        elif dossier["status"] == "result_in_transit":
            dossier_flow.transition(conn, actor, dossier, "receive_result", note=text, at=at, event=event)
        else:
            dossier_flow.record(conn, actor, dossier, "receive_result", note=text, public=True, at=at, event=event)
    audit.record(
        conn, actor, action="confirm_shipment", entity="postal_shipment", entity_id=shipment_id, unit_id=actor.unit_id
    )
    return _load_shipment(conn, shipment_id)


def _require_all_readable(actor: Actor, loaded: list[dict]) -> None:
    hidden = [dossier["code"] for dossier in loaded if not dossier_flow.can_read(actor, dossier)]
    if hidden:
        raise PermissionDenied(
            f"Chuyến gửi có hồ sơ ngoài phạm vi của bạn ({', '.join(hidden[:3])}); "
            "cán bộ một cửa của đơn vị xác nhận chuyến này."
        )


def confirm_delivery(
    conn: Connection, actor: Actor, *, shipment_id: int, recipient: str, at: datetime | None = None
) -> dict:
    """The post office's proof of delivery reached the sender: the result counts as returned to the citizen."""
    _require_postal_staff(actor)
    at = (at or now()).replace(microsecond=0)
    shipment = _load_shipment(conn, shipment_id)
    if shipment["kind"] != "citizen":
        raise ValidationError("Chỉ chuyến gửi kết quả đến địa chỉ công dân mới xác nhận “Đã phát”.")
    if shipment["from_unit_id"] != actor.unit_id:
        raise PermissionDenied("Chỉ đơn vị đã gửi mới xác nhận bưu gửi đã phát cho công dân.")
    name = " ".join(nfc(recipient).split())
    if not name:
        raise ValidationError("Ghi tên người đã ký nhận theo phiếu báo phát của bưu điện.")
    (dossier,) = _items(conn, shipment_id)
    _require_all_readable(actor, [dossier])
    _mark_confirmed(conn, shipment, "delivered", actor, at, recipient=name[:200])
    ready_at = dossier["result_ready_at"] or dossier["finished_at"] or at
    collected = f"Bưu chính: {CARRIERS[shipment['carrier']]}, số hiệu {shipment['tracking_number']}, ký nhận: {name}"
    dossier_flow.transition(
        conn,
        actor,
        dossier,
        "return_result",
        note=collected[:300],
        at=at,
        event={"step_due_at": dossier["due_at"]},
        returned_at=at,
        finished_at=dossier["finished_at"] or ready_at,
        is_late=is_late(dossier, ready_at),
        collected_by=collected[:200],
    )
    audit.record(
        conn, actor, action="confirm_delivery", entity="postal_shipment", entity_id=shipment_id, unit_id=actor.unit_id
    )
    return _load_shipment(conn, shipment_id)


# --- lists ------------------------------------------------------------------------------------------------------


def shippable(conn: Connection, actor: Actor, *, kind: str) -> list[dict]:
    """Dossiers this user could put in a shipment of `kind` now: the right state, at this unit, within scope."""
    _require_postal_staff(actor)
    if kind not in KINDS:
        raise ValidationError("Loại chuyến gửi không hợp lệ.")
    unit = actor.unit_id
    if kind == "dossier":
        condition = (dossiers.c.receiving_unit_id == unit) & dossiers.c.status.in_(PAPER_STATUSES)
        condition &= dossiers.c.processing_unit_id != unit
    elif kind == "result":
        condition = (dossiers.c.processing_unit_id == unit) & (dossiers.c.receiving_unit_id != unit)
        condition &= dossiers.c.status.in_(RESULT_STATUSES)
    else:
        condition = or_(dossiers.c.processing_unit_id == unit, dossiers.c.receiving_unit_id == unit)
        condition &= dossiers.c.status.in_(RESULT_STATUSES)
    query = (
        select(dossiers, procedures.c.name.label("procedure_name"))
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .where(condition, dossiers.c.processing_unit_id.is_not(None))
        .order_by(dossiers.c.received_at)
        .limit(500)
    )
    rows = [dict(r._mapping) for r in conn.execute(query)]
    rows = [row for row in rows if dossier_flow.can_read(actor, row)]
    places = whereabouts_of(conn, rows, PAPER if kind == "dossier" else RESULT)
    return [row for row in rows if places[row["id"]].unit_id == unit]


def shipments(
    conn: Connection,
    actor: Actor,
    *,
    direction: str,
    open_only: bool = False,
    at: datetime | None = None,
    limit: int = 200,
) -> list[dict]:
    """Incoming (to this unit) or outgoing (from this unit) shipments, newest first, with the overdue flag."""
    actor.require(*POSTAL_ROLES, LEADER)
    if actor.unit_id is None:
        raise PermissionDenied("Tài khoản chưa được gán phường/xã.")
    if direction not in ("incoming", "outgoing"):
        raise ValidationError("Hướng chuyến gửi không hợp lệ.")
    column = postal_shipments.c.to_unit_id if direction == "incoming" else postal_shipments.c.from_unit_id
    query = select(postal_shipments).where(column == actor.unit_id)
    if open_only:
        query = query.where(postal_shipments.c.status == "sent")
    rows = [dict(r._mapping) for r in conn.execute(query.order_by(postal_shipments.c.id.desc()).limit(limit))]
    return _described(conn, actor, rows, at or now())


def _described(conn: Connection, actor: Actor, rows: list[dict], at: datetime) -> list[dict]:
    if not rows:
        return []
    unit_names = dict(conn.execute(select(units.c.id, units.c.name)).all())
    items = conn.execute(
        select(postal_shipment_items.c.shipment_id, dossiers)
        .join(dossiers, dossiers.c.id == postal_shipment_items.c.dossier_id)
        .where(postal_shipment_items.c.shipment_id.in_([row["id"] for row in rows]))
        .order_by(postal_shipment_items.c.id)
    )
    by_shipment: dict[int, list[dict]] = {}
    for item in items:
        by_shipment.setdefault(item.shipment_id, []).append(dict(item._mapping))
    described = []
    for row in rows:
        inside = by_shipment.get(row["id"], [])
        if not any(dossier_flow.can_read(actor, dossier) for dossier in inside):
            continue
        described.append(_describe(row, inside, unit_names, at))
    return described


def _describe(row: dict, inside: list[dict], unit_names: dict, at: datetime) -> dict:
    return {
        **row,
        "kind_label": KINDS[row["kind"]],
        "carrier_label": CARRIERS.get(row["carrier"], row["carrier"]),
        "status_label": STATUSES[row["status"]],
        "from_unit": unit_names.get(row["from_unit_id"], ""),
        "to": unit_names.get(row["to_unit_id"], "") if row["to_unit_id"] else "Công dân: " + row["to_address"],
        "overdue": is_overdue(row, at),
        "dossier_codes": [dossier["code"] for dossier in inside],
        "dossier_ids": [dossier["id"] for dossier in inside],
    }


def is_overdue(shipment: dict, at: datetime) -> bool:
    return shipment["status"] == "sent" and at > shipment["confirm_due_at"]


def open_shipments_of(conn: Connection, dossier_ids: Sequence[int], at: datetime | None = None) -> dict[int, dict]:
    """For tracking lists: each dossier's shipment still in the post, with its overdue flag."""
    if not dossier_ids:
        return {}
    query = (
        select(postal_shipment_items.c.dossier_id, postal_shipments)
        .join(postal_shipments, postal_shipments.c.id == postal_shipment_items.c.shipment_id)
        .where(postal_shipment_items.c.dossier_id.in_(list(dossier_ids)), postal_shipments.c.status == "sent")
    )
    at = at or now()
    return {row.dossier_id: {**row._mapping, "overdue": is_overdue(row._mapping, at)} for row in conn.execute(query)}


def shipment_detail(conn: Connection, actor: Actor, *, shipment_id: int, at: datetime | None = None) -> dict:
    """A shipment for someone at either end (city roles: any), with its dossiers."""
    shipment = _load_shipment(conn, shipment_id)
    ends = {shipment["from_unit_id"], shipment["to_unit_id"]}
    if not (actor.city_wide or actor.unit_id in ends):
        raise NotFound("Không tìm thấy chuyến gửi.")
    described = _described(conn, actor, [shipment], at or now())
    if not described:
        raise NotFound("Không tìm thấy chuyến gửi.")
    query = (
        select(dossiers, procedures.c.name.label("procedure_name"))
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .join(postal_shipment_items, postal_shipment_items.c.dossier_id == dossiers.c.id)
        .where(postal_shipment_items.c.shipment_id == shipment_id)
        .order_by(postal_shipment_items.c.id)
    )
    return {**described[0], "dossiers": [dict(row._mapping) for row in conn.execute(query)]}
