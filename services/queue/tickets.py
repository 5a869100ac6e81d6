"""Queue tickets: citizens take numbers on their phone, clerks call them, the hall display and phones follow.

Issuing serializes per unit (SQLite: BEGIN IMMEDIATE; PostgreSQL: the unit row is locked) and draws the number
from a per-group daily counter with UPDATE … RETURNING. Calling takes a ticket with a conditional update
(`… WHERE status = 'waiting'`), so two counters pressing "call next" at once never get the same citizen.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.schema import (
    dossiers,
    queue_calls,
    queue_counter_groups,
    queue_counters,
    queue_day_counters,
    queue_groups,
    queue_tickets,
    units,
)
from services.core import audit
from services.core.clock import LOCAL_TZ, now
from services.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from services.core.roles import CLERK, Actor
from services.core.units import unit_by_code
from services.queue.rules import (
    Waiting,
    closed_message,
    estimate_wait_seconds,
    in_call_order,
    is_issuing_open,
    normalize_phone,
    people_ahead,
    pick_next,
    service_day,
    spoken_call,
    ticket_code,
)
from services.queue.setup import (
    counters_of,
    get_counter,
    get_group,
    get_settings,
    issuing_calendar,
    list_groups,
    list_priorities,
)

ACTIVE = ("waiting", "called", "serving")
AT_COUNTER = ("called", "serving")
STATUS_LABELS = {
    "waiting": "Đang chờ",
    "called": "Đang gọi",
    "serving": "Đang phục vụ",
    "done": "Đã phục vụ",
    "no_show": "Vắng mặt",
    "cancelled": "Đã hủy",
}
RECENT_CALLS_ON_DISPLAY = 8
BROWSER_ID_LENGTH = 64


# Citizens: take a number --------------------------------------------------------------------------------------


def public_unit(conn: Connection, unit_code: str) -> dict:
    try:
        unit = unit_by_code(conn, unit_code)
    except NotFound:
        raise NotFound(
            "Đường dẫn lấy số không đúng: không có phường/xã này. Vui lòng quét lại mã QR tại trung tâm."
        ) from None
    if not unit["active"]:
        raise NotFound("Phường/xã này hiện không cấp số thứ tự trực tuyến.")
    return unit


def ticket_form(conn: Connection, *, unit_code: str, browser_id: str = "", at: datetime | None = None) -> dict:
    """What the public ticket page shows: the unit's open groups and priorities, or why no number can be taken."""
    at = at or now()
    unit = public_unit(conn, unit_code)
    calendar = issuing_calendar(conn, unit["id"])
    groups = list_groups(conn, unit["id"], active_only=True)
    is_open = is_issuing_open(calendar, at) and bool(groups)
    message = "" if is_open else (closed_message(calendar, at) if groups else "Trung tâm chưa mở cấp số trực tuyến.")
    return {
        "unit": unit,
        "groups": groups,
        "priorities": list_priorities(conn, unit["id"], active_only=True),
        "open": is_open,
        "closed_message": message,
        "my_tickets": browser_tickets(conn, unit_id=unit["id"], browser_id=browser_id, at=at),
    }


def browser_tickets(conn: Connection, *, unit_id: int, browser_id: str, at: datetime) -> list[dict]:
    if not browser_id:
        return []
    mine = (_active_today(unit_id, service_day(at)), queue_tickets.c.browser_id == browser_id)
    rows = conn.execute(select(queue_tickets.c.code, queue_tickets.c.token).where(*mine).order_by(queue_tickets.c.id))
    return [dict(row._mapping) for row in rows]


def issue_ticket(
    conn: Connection,
    *,
    unit_code: str,
    group_id: int | None,
    phone: str = "",
    priority_id: int | None = None,
    browser_id: str = "",
    at: datetime | None = None,
) -> dict:
    """A citizen takes a number; every check runs before anything is written."""
    at = at or now()
    unit = public_unit(conn, unit_code)
    _lock_unit(conn, unit["id"])
    calendar = issuing_calendar(conn, unit["id"])
    if not is_issuing_open(calendar, at):
        raise ValidationError(closed_message(calendar, at))
    group = _open_group(conn, unit["id"], group_id)
    phone = normalize_phone(phone)
    priority = _priority(conn, unit["id"], priority_id)
    browser_id = (browser_id or "")[:BROWSER_ID_LENGTH]
    _check_caps(conn, unit["id"], service_day(at), phone, browser_id, get_settings(conn, unit["id"]))
    return insert_ticket(conn, group=group, phone=phone, priority=priority, browser_id=browser_id, at=at)


def insert_ticket(conn: Connection, *, group: dict, phone: str, priority: dict | None, browser_id: str, at: datetime):
    """Writes a ticket that passed every check (the demo seeder writes past ones directly)."""
    day = service_day(at)
    number = _next_number(conn, group["id"], day)
    ticket = {
        "unit_id": group["unit_id"],
        "group_id": group["id"],
        "origin_group_id": group["id"],
        "day": day,
        "number": number,
        "code": ticket_code(group["letter"], number),
        "token": secrets.token_urlsafe(18),
        "phone": phone,
        "browser_id": browser_id,
        "priority_id": priority["id"] if priority else None,
        "priority_name": priority["name"] if priority else "",
        "status": "waiting",
        "issued_at": at,
        "issued_hour": at.astimezone(LOCAL_TZ).hour,
        "queued_at": at,
        "call_count": 0,
    }
    ticket["id"] = conn.execute(insert(queue_tickets).values(**ticket)).inserted_primary_key[0]
    return ticket


def _lock_unit(conn: Connection, unit_id: int) -> None:
    """Caps are counted then a ticket is written: one issuer per unit at a time (SQLite's write lock does this)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(units.c.id).where(units.c.id == unit_id).with_for_update())


def _open_group(conn: Connection, unit_id: int, group_id: int | None) -> dict:
    if not group_id:
        raise ValidationError("Vui lòng chọn nhóm thủ tục cần giải quyết.")
    try:
        group = get_group(conn, int(group_id))
    except (NotFound, ValueError):
        raise ValidationError("Nhóm thủ tục đã chọn không tồn tại.") from None
    if group["unit_id"] != unit_id:
        raise ValidationError("Nhóm thủ tục đã chọn không thuộc trung tâm này.")
    if not group["active"]:
        raise ValidationError(f"Nhóm “{group['name']}” hiện tạm ngừng cấp số. Vui lòng chọn nhóm khác.")
    return group


def _priority(conn: Connection, unit_id: int, priority_id: int | None) -> dict | None:
    if not priority_id:
        return None
    found = [p for p in list_priorities(conn, unit_id, active_only=True) if p["id"] == int(priority_id)]
    if not found:
        raise ValidationError("Đối tượng ưu tiên đã chọn không hợp lệ.")
    return found[0]


def _active_today(unit_id: int, day):
    return (queue_tickets.c.unit_id == unit_id) & (queue_tickets.c.day == day) & queue_tickets.c.status.in_(ACTIVE)


def _check_caps(conn: Connection, unit_id: int, day, phone: str, browser_id: str, settings: dict) -> None:
    def count(column, value) -> int:
        return conn.scalar(select(func.count()).where(_active_today(unit_id, day), column == value))

    limit = settings["max_active_per_phone"]
    if phone and count(queue_tickets.c.phone, phone) >= limit:
        raise ValidationError(
            f"Số điện thoại {phone} đã có {limit} số thứ tự đang chờ hôm nay; "
            "vui lòng chờ được phục vụ trước khi lấy thêm số."
        )
    limit = settings["max_active_per_browser"]
    if browser_id and count(queue_tickets.c.browser_id, browser_id) >= limit:
        raise ValidationError(
            f"Điện thoại này đã lấy {limit} số thứ tự đang chờ; vui lòng chờ được phục vụ trước khi lấy thêm số."
        )


def _next_number(conn: Connection, group_id: int, day) -> int:
    """Today's next number of the group: one atomic UPDATE … RETURNING on the group's row for the day."""
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(dialect_insert(queue_day_counters).values(group_id=group_id, day=day, last=0).on_conflict_do_nothing())
    return conn.scalar(
        update(queue_day_counters)
        .where(queue_day_counters.c.group_id == group_id, queue_day_counters.c.day == day)
        .values(last=queue_day_counters.c.last + 1)
        .returning(queue_day_counters.c.last)
    )


def cancel_ticket(conn: Connection, *, token: str, at: datetime | None = None) -> None:
    """The citizen gives up a number that is still waiting."""
    ticket = _ticket_by_token(conn, token)
    done = conn.execute(
        update(queue_tickets)
        .where(queue_tickets.c.id == ticket["id"], queue_tickets.c.status == "waiting")
        .values(status="cancelled", finished_at=at or now())
    )
    if done.rowcount != 1:
        raise ValidationError("Chỉ hủy được số đang chờ.")


# Citizens: follow a number ------------------------------------------------------------------------------------


def _ticket_by_token(conn: Connection, token: str) -> dict:
    row = conn.execute(select(queue_tickets).where(queue_tickets.c.token == (token or "")[:40])).first()
    if row is None:
        raise NotFound("Không tìm thấy số thứ tự này. Vui lòng kiểm tra lại đường dẫn.")
    return dict(row._mapping)


def ticket_status(conn: Connection, *, token: str, at: datetime | None = None) -> dict:
    """What the citizen's phone shows; polled every few seconds, so it stays a handful of indexed queries."""
    at = at or now()
    ticket = _ticket_by_token(conn, token)
    group = get_group(conn, ticket["group_id"])
    status = ticket["status"]
    if status == "waiting" and ticket["day"] != service_day(at):
        status = "expired"
    result = {
        "code": ticket["code"],
        "status": status,
        "group": f"{group['letter']} – {group['name']}",
        "priority": ticket["priority_name"],
        "issued_at": ticket["issued_at"].astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y"),
        "ahead": None,
        "wait_minutes": None,
        "counter": None,
    }
    if status == "waiting":
        result.update(_wait_estimate(conn, ticket, at))
    if status in AT_COUNTER and ticket["counter_id"]:
        number = select(queue_counters.c.number).where(queue_counters.c.id == ticket["counter_id"])
        result["counter"] = conn.scalar(number)
    result["message"] = _citizen_message(status, result)
    return result


def _wait_estimate(conn: Connection, ticket: dict, at: datetime) -> dict:
    settings = get_settings(conn, ticket["unit_id"])
    waiting = _waiting(conn, ticket["unit_id"], ticket["day"], [ticket["group_id"]])
    ahead = people_ahead(waiting, ticket["id"], at, settings["fairness_minutes"])
    recent = conn.scalars(
        select(queue_tickets.c.service_seconds)
        .where(queue_tickets.c.group_id == ticket["group_id"], queue_tickets.c.service_seconds.is_not(None))
        .order_by(queue_tickets.c.finished_at.desc())
        .limit(20)
    ).all()
    seconds = estimate_wait_seconds(ahead, list(recent), _counters_serving(conn, ticket["group_id"]))
    return {"ahead": ahead, "wait_minutes": round(seconds / 60)}


def _counters_serving(conn: Connection, group_id: int) -> int:
    return conn.scalar(
        select(func.count())
        .select_from(queue_counter_groups.join(queue_counters))
        .where(queue_counter_groups.c.group_id == group_id, queue_counters.c.active.is_(True))
    )


def _citizen_message(status: str, result: dict) -> str:
    if status == "waiting":
        if result["ahead"] == 0:
            return "Sắp đến lượt của ông/bà. Vui lòng có mặt gần quầy."
        return f"Còn {result['ahead']} người trước ông/bà, chờ khoảng {max(result['wait_minutes'], 1)} phút."
    return {
        "called": f"Mời đến quầy {result['counter']}",
        "serving": f"Đang được phục vụ tại quầy {result['counter']}",
        "done": "Đã phục vụ xong. Cảm ơn ông/bà!",
        "no_show": "Số đã bị bỏ qua vì vắng mặt khi được gọi. Vui lòng đến quầy để được hỗ trợ.",
        "cancelled": "Số thứ tự đã hủy.",
        "expired": "Số thứ tự đã hết hạn (chỉ có giá trị trong ngày lấy số).",
    }[status]


# The hall display ---------------------------------------------------------------------------------------------


def display_board(conn: Connection, *, unit_code: str, at: datetime | None = None) -> dict:
    """Every counter with the number it serves, and the last calls; the display speaks calls it has not seen."""
    at = at or now()
    unit = public_unit(conn, unit_code)
    day = service_day(at)
    current = {
        row.counter_id: row
        for row in conn.execute(
            select(queue_tickets.c.counter_id, queue_tickets.c.code, queue_tickets.c.status).where(
                queue_tickets.c.unit_id == unit["id"],
                queue_tickets.c.day == day,
                queue_tickets.c.status.in_(AT_COUNTER),
            )
        )
    }
    counters = [
        {
            "number": counter["number"],
            "name": counter["name"],
            "code": current[counter["id"]].code if counter["id"] in current else "",
            "status": current[counter["id"]].status if counter["id"] in current else "",
        }
        for counter in counters_of(conn, unit["id"], active_only=True)
    ]
    calls = conn.execute(
        select(queue_calls.c.id, queue_calls.c.code, queue_calls.c.counter_number, queue_calls.c.at)
        .where(queue_calls.c.unit_id == unit["id"], queue_calls.c.at >= _start_of(day))
        .order_by(queue_calls.c.id.desc())
        .limit(RECENT_CALLS_ON_DISPLAY)
    ).all()
    waiting = conn.execute(
        select(queue_groups.c.letter, queue_groups.c.name, func.count(queue_tickets.c.id))
        .select_from(queue_groups.outerjoin(queue_tickets, _waiting_today_in_group(day)))
        .where(queue_groups.c.unit_id == unit["id"], queue_groups.c.active.is_(True))
        .group_by(queue_groups.c.letter, queue_groups.c.name)
        .order_by(queue_groups.c.letter)
    ).all()
    return {
        "unit": unit["name"],
        "counters": counters,
        "calls": [
            {
                "id": c.id,
                "code": c.code,
                "counter": c.counter_number,
                "time": c.at.astimezone(LOCAL_TZ).strftime("%H:%M"),
                "speech": spoken_call(c.code, c.counter_number),
            }
            for c in calls
        ],
        "waiting": [{"letter": w[0], "name": w[1], "count": w[2]} for w in waiting],
        "time": at.astimezone(LOCAL_TZ).strftime("%H:%M"),
    }


def _waiting_today_in_group(day):
    return (
        (queue_tickets.c.group_id == queue_groups.c.id)
        & (queue_tickets.c.day == day)
        & (queue_tickets.c.status == "waiting")
    )


def _start_of(day) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ)


# Clerks at a counter ------------------------------------------------------------------------------------------


def my_counters(conn: Connection, actor: Actor) -> list[dict]:
    actor.require(CLERK)
    return counters_of(conn, actor.unit_id, active_only=True) if actor.unit_id else []


def _own_counter(conn: Connection, actor: Actor, counter_id: int) -> dict:
    actor.require(CLERK)
    counter = get_counter(conn, counter_id)
    if counter["unit_id"] != actor.unit_id:
        raise PermissionDenied("Quầy này thuộc đơn vị khác.")
    if not counter["active"]:
        raise ValidationError(f"Quầy {counter['number']} đang ngừng hoạt động.")
    return counter


def _current(conn: Connection, counter_id: int) -> dict | None:
    row = conn.execute(
        select(queue_tickets)
        .where(queue_tickets.c.counter_id == counter_id, queue_tickets.c.status.in_(AT_COUNTER))
        .order_by(queue_tickets.c.called_at.desc())
    ).first()
    return dict(row._mapping) if row else None


def _require_current(conn: Connection, counter: dict, *statuses: str) -> dict:
    ticket = _current(conn, counter["id"])
    if ticket is None or ticket["status"] not in statuses:
        raise ValidationError(f"Quầy {counter['number']} chưa gọi số nào.")
    return ticket


def _waiting(conn: Connection, unit_id: int, day, group_ids: list[int]) -> list[Waiting]:
    rows = conn.execute(
        select(queue_tickets.c.id, queue_tickets.c.queued_at, queue_tickets.c.priority_id).where(
            queue_tickets.c.unit_id == unit_id,
            queue_tickets.c.day == day,
            queue_tickets.c.status == "waiting",
            queue_tickets.c.group_id.in_(group_ids),
        )
    )
    return [Waiting(row.id, row.queued_at, row.priority_id is not None) for row in rows]


def _free_the_counter(conn: Connection, counter: dict, at: datetime) -> None:
    """Calling a new number finishes the one being served; a called citizen must first be served or marked absent."""
    current = _current(conn, counter["id"])
    if current is None:
        return
    if current["status"] == "called":
        raise Conflict(
            f"Quầy {counter['number']} đang mời số {current['code']}: hãy bắt đầu phục vụ hoặc báo vắng mặt trước."
        )
    _finish(conn, current, at)


def call_next(conn: Connection, actor: Actor, *, counter_id: int, at: datetime | None = None) -> dict | None:
    """The next citizen for this counter's groups (priority and fairness rules), or None when nobody waits."""
    at = at or now()
    counter = _own_counter(conn, actor, counter_id)
    _free_the_counter(conn, counter, at)
    waiting = _waiting(conn, counter["unit_id"], service_day(at), counter["group_ids"])
    fairness = get_settings(conn, counter["unit_id"])["fairness_minutes"]
    while (chosen := pick_next(waiting, at, fairness)) is not None:
        if _take(conn, actor, counter, chosen.id, ("waiting",), at):
            return _ticket(conn, chosen.id)
        waiting.remove(chosen)  # another counter took it a moment ago
    return None


def call_ticket(conn: Connection, actor: Actor, *, counter_id: int, ticket_id: int, at: datetime | None = None):
    """Call a chosen number out of turn (a citizen marked absent came back, or a staff decision)."""
    at = at or now()
    counter = _own_counter(conn, actor, counter_id)
    ticket = _ticket(conn, ticket_id)
    if ticket["unit_id"] != counter["unit_id"] or ticket["day"] != service_day(at):
        raise ValidationError("Số thứ tự này không thuộc hàng chờ hôm nay của đơn vị.")
    _free_the_counter(conn, counter, at)
    if not _take(conn, actor, counter, ticket_id, ("waiting", "no_show"), at):
        raise Conflict(f"Số {ticket['code']} vừa được quầy khác gọi hoặc không còn chờ.")
    return _ticket(conn, ticket_id)


def _take(conn: Connection, actor: Actor, counter: dict, ticket_id: int, from_statuses, at: datetime) -> bool:
    """The conditional update that makes calling race-free: it succeeds for exactly one counter."""
    ticket = _ticket(conn, ticket_id)
    taken = conn.execute(
        update(queue_tickets)
        .where(queue_tickets.c.id == ticket_id, queue_tickets.c.status.in_(from_statuses))
        .values(
            status="called",
            counter_id=counter["id"],
            clerk_id=actor.user_id,
            called_at=at,
            call_count=queue_tickets.c.call_count + 1,
            finished_at=None,
            wait_seconds=func.coalesce(queue_tickets.c.wait_seconds, int((at - ticket["issued_at"]).total_seconds())),
        )
    )
    if taken.rowcount != 1:
        return False
    announce_call(conn, counter, ticket["code"], ticket_id, at)
    return True


def announce_call(conn: Connection, counter: dict, code: str, ticket_id: int, at: datetime) -> None:
    conn.execute(
        insert(queue_calls).values(
            unit_id=counter["unit_id"],
            ticket_id=ticket_id,
            counter_id=counter["id"],
            code=code,
            counter_number=counter["number"],
            at=at,
        )
    )


def recall(conn: Connection, actor: Actor, *, counter_id: int, at: datetime | None = None) -> dict:
    at = at or now()
    counter = _own_counter(conn, actor, counter_id)
    ticket = _require_current(conn, counter, "called")
    conn.execute(
        update(queue_tickets)
        .where(queue_tickets.c.id == ticket["id"])
        .values(call_count=queue_tickets.c.call_count + 1, called_at=at)
    )
    announce_call(conn, counter, ticket["code"], ticket["id"], at)
    return _ticket(conn, ticket["id"])


def mark_no_show(conn: Connection, actor: Actor, *, counter_id: int, at: datetime | None = None) -> dict:
    counter = _own_counter(conn, actor, counter_id)
    ticket = _require_current(conn, counter, "called")
    _set(conn, ticket["id"], status="no_show", finished_at=at or now())
    return _ticket(conn, ticket["id"])


def start_service(conn: Connection, actor: Actor, *, counter_id: int, at: datetime | None = None) -> dict:
    counter = _own_counter(conn, actor, counter_id)
    ticket = _require_current(conn, counter, "called")
    _set(conn, ticket["id"], status="serving", started_at=at or now(), clerk_id=actor.user_id)
    return _ticket(conn, ticket["id"])


def finish_service(conn: Connection, actor: Actor, *, counter_id: int, at: datetime | None = None) -> dict:
    counter = _own_counter(conn, actor, counter_id)
    ticket = _require_current(conn, counter, "called", "serving")
    _finish(conn, ticket, at or now())
    return _ticket(conn, ticket["id"])


def _finish(conn: Connection, ticket: dict, at: datetime) -> None:
    started = ticket["started_at"] or ticket["called_at"] or at
    _set(conn, ticket["id"], status="done", started_at=started, finished_at=at, service_seconds=_seconds(started, at))


def transfer_ticket(
    conn: Connection, actor: Actor, *, counter_id: int, group_id: int, at: datetime | None = None
) -> dict:
    """Send the citizen at this counter to another group's line; they keep their place by their original time."""
    counter = _own_counter(conn, actor, counter_id)
    ticket = _require_current(conn, counter, "called", "serving")
    group = get_group(conn, group_id)
    if group["unit_id"] != counter["unit_id"] or not group["active"]:
        raise ValidationError("Nhóm dịch vụ chuyển đến không hợp lệ.")
    if group["id"] == ticket["group_id"]:
        raise ValidationError("Số thứ tự đã ở nhóm này.")
    _set(conn, ticket["id"], status="waiting", group_id=group["id"], counter_id=None, started_at=None)
    audit.record(
        conn,
        actor,
        action="transfer",
        entity="queue_ticket",
        entity_id=ticket["id"],
        unit_id=counter["unit_id"],
        code=ticket["code"],
        to_group=group["letter"],
    )
    return _ticket(conn, ticket["id"])


def ticket_for_intake(conn: Connection, actor: Actor, *, counter_id: int, at: datetime | None = None) -> dict:
    """The citizen at the counter is about to file a dossier: service starts now if it had not."""
    counter = _own_counter(conn, actor, counter_id)
    ticket = _require_current(conn, counter, "called", "serving")
    if ticket["status"] == "called":
        _set(conn, ticket["id"], status="serving", started_at=at or now(), clerk_id=actor.user_id)
    return _ticket(conn, ticket["id"])


def link_ticket_to_dossier(conn: Connection, actor: Actor, *, ticket_id: int, dossier_id: int) -> None:
    """Intake calls this after saving a dossier started from a served ticket."""
    actor.require(CLERK)
    ticket = _ticket(conn, ticket_id)
    if ticket["unit_id"] != actor.unit_id:
        raise PermissionDenied("Số thứ tự này thuộc đơn vị khác.")
    receiving_unit = conn.scalar(select(dossiers.c.receiving_unit_id).where(dossiers.c.id == dossier_id))
    if receiving_unit is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    if receiving_unit != actor.unit_id:
        raise PermissionDenied("Hồ sơ này do đơn vị khác tiếp nhận.")
    if ticket["dossier_id"] not in (None, dossier_id):
        raise Conflict(f"Số {ticket['code']} đã gắn với một hồ sơ khác.")
    _set(conn, ticket_id, dossier_id=dossier_id)
    audit.record(
        conn,
        actor,
        action="link_dossier",
        entity="queue_ticket",
        entity_id=ticket_id,
        unit_id=actor.unit_id,
        dossier_id=dossier_id,
    )


def counter_board(conn: Connection, actor: Actor, *, counter_id: int, at: datetime | None = None) -> dict:
    """The clerk's view: the number at my counter, my groups' line in call order, numbers I may call out of turn."""
    at = at or now()
    counter = _own_counter(conn, actor, counter_id)
    day = service_day(at)
    fairness = get_settings(conn, counter["unit_id"])["fairness_minutes"]
    groups = {g["id"]: g for g in list_groups(conn, counter["unit_id"])}
    rows = {
        row.id: dict(row._mapping)
        for row in conn.execute(
            select(queue_tickets).where(
                queue_tickets.c.unit_id == counter["unit_id"],
                queue_tickets.c.day == day,
                queue_tickets.c.status.in_(("waiting", "no_show")),
            )
        )
    }
    mine = _waiting(conn, counter["unit_id"], day, counter["group_ids"])
    line = [_line_entry(rows[w.id], groups, at) for w in in_call_order(mine, at, fairness)]
    callable_ = sorted(rows.values(), key=lambda r: r["code"])
    return {
        "counter": counter,
        "current": _current(conn, counter_id),
        "line": line,
        "callable": [{"id": r["id"], "code": r["code"], "status": STATUS_LABELS[r["status"]]} for r in callable_],
        "groups": [g for g in groups.values() if g["active"]],
        "fairness_minutes": fairness,
    }


def _line_entry(ticket: dict, groups: dict, at: datetime) -> dict:
    return {
        "code": ticket["code"],
        "group": groups[ticket["group_id"]]["name"],
        "priority": ticket["priority_name"],
        "waited_minutes": int((at - ticket["queued_at"]).total_seconds() // 60),
        "issued": ticket["issued_at"].astimezone(LOCAL_TZ).strftime("%H:%M"),
    }


# Helpers ------------------------------------------------------------------------------------------------------


def _ticket(conn: Connection, ticket_id: int) -> dict:
    row = conn.execute(select(queue_tickets).where(queue_tickets.c.id == ticket_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy số thứ tự.")
    return dict(row._mapping)


def _set(conn: Connection, ticket_id: int, **values) -> None:
    conn.execute(update(queue_tickets).where(queue_tickets.c.id == ticket_id).values(**values))


def _seconds(start: datetime, end: datetime) -> int:
    return max(int((end - start).total_seconds()), 0)
