"""Queue set-up of each unit: service groups, counters, ticket-issuing hours, priority categories, limits, QR poster.

Admins set up any unit, a ward leader only their own; clerks and the public pages read it.
"""

from __future__ import annotations

import io

from sqlalchemy import Connection, delete, insert, select, update

from db.schema import queue_counter_groups, queue_counters, queue_groups, queue_hours, queue_priorities, queue_settings
from services.catalog.procedures import calendar_for_unit
from services.core import audit, pdf
from services.core.clock import now
from services.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from services.core.roles import ADMIN, LEADER, Actor
from services.core.text import nfc
from services.core.units import get_unit
from services.core.working_time import WEEKDAY_LABELS, Session, WorkingCalendar, parse_hhmm, validate_sessions
from services.queue.rules import normalize_letter

DEFAULT_SETTINGS = {"fairness_minutes": 20, "max_active_per_phone": 10, "max_active_per_browser": 5}
SETTING_LIMITS = {
    "fairness_minutes": (1, 240, "Thời gian chờ tối đa trước khi được ưu tiên"),
    "max_active_per_phone": (1, 50, "Số phiếu đang chờ tối đa cho một số điện thoại"),
    "max_active_per_browser": (1, 50, "Số phiếu đang chờ tối đa cho một trình duyệt"),
}
SAMPLE_GROUPS = [("A", "Hộ tịch – Chứng thực"), ("B", "Đất đai – Xây dựng"), ("C", "Lĩnh vực khác")]
SAMPLE_PRIORITIES = [
    "Người cao tuổi",
    "Người khuyết tật",
    "Phụ nữ mang thai",
    "Người có con nhỏ dưới 36 tháng tuổi",
]
SAMPLE_COUNTERS = [(1, "Hộ tịch – Chứng thực", "A"), (2, "Hộ tịch – Chứng thực", "AC"), (3, "Đất đai – Xây dựng", "BC")]
SAMPLE_HOURS = "07:30-11:00, 13:30-16:30"


def require_manager(actor: Actor, unit_id: int) -> None:
    """Admins manage every unit's queue; a ward leader only their own."""
    actor.require(ADMIN, LEADER)
    if not actor.has(ADMIN) and actor.unit_id != unit_id:
        raise PermissionDenied("Bạn chỉ được cấu hình hàng chờ của đơn vị mình.")


# Settings -----------------------------------------------------------------------------------------------------


def get_settings(conn: Connection, unit_id: int) -> dict:
    row = conn.execute(select(queue_settings).where(queue_settings.c.unit_id == unit_id)).first()
    return {**DEFAULT_SETTINGS, **(dict(row._mapping) if row else {"unit_id": unit_id})}


def save_settings(conn: Connection, actor: Actor, *, unit_id: int, **values: int) -> None:
    require_manager(actor, unit_id)
    checked = {name: _checked_setting(name, values.get(name)) for name in SETTING_LIMITS}
    stamp = {"updated_at": now(), "updated_by": actor.username}
    if conn.scalar(select(queue_settings.c.unit_id).where(queue_settings.c.unit_id == unit_id)) is None:
        conn.execute(insert(queue_settings).values(unit_id=unit_id, **checked, **stamp))
    else:
        conn.execute(update(queue_settings).where(queue_settings.c.unit_id == unit_id).values(**checked, **stamp))
    audit.record(conn, actor, action="update", entity="queue_settings", entity_id=unit_id, unit_id=unit_id, **checked)


def _checked_setting(name: str, value) -> int:
    low, high, label = SETTING_LIMITS[name]
    if not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(f"{label} phải là số nguyên từ {low} đến {high}.")
    return value


# Groups -------------------------------------------------------------------------------------------------------


def list_groups(conn: Connection, unit_id: int, *, active_only: bool = False) -> list[dict]:
    query = select(queue_groups).where(queue_groups.c.unit_id == unit_id).order_by(queue_groups.c.letter)
    if active_only:
        query = query.where(queue_groups.c.active.is_(True))
    return [dict(row._mapping) for row in conn.execute(query)]


def get_group(conn: Connection, group_id: int) -> dict:
    row = conn.execute(select(queue_groups).where(queue_groups.c.id == group_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy nhóm dịch vụ.")
    return dict(row._mapping)


def create_group(conn: Connection, actor: Actor, *, unit_id: int, letter: str, name: str) -> int:
    require_manager(actor, unit_id)
    letter, name = normalize_letter(letter), _required_name(name, "Tên nhóm dịch vụ")
    taken = select(queue_groups.c.id).where(queue_groups.c.unit_id == unit_id, queue_groups.c.letter == letter)
    if conn.scalar(taken):
        raise Conflict(f"Đơn vị đã có nhóm ký hiệu {letter}.")
    new_id = conn.execute(
        insert(queue_groups).values(unit_id=unit_id, letter=letter, name=name, active=True)
    ).inserted_primary_key[0]
    audit.record(conn, actor, action="create", entity="queue_group", entity_id=new_id, unit_id=unit_id, name=name)
    return new_id


def update_group(conn: Connection, actor: Actor, *, group_id: int, name: str, active: bool) -> None:
    group = get_group(conn, group_id)
    require_manager(actor, group["unit_id"])
    name = _required_name(name, "Tên nhóm dịch vụ")
    conn.execute(update(queue_groups).where(queue_groups.c.id == group_id).values(name=name, active=active))
    audit.record(
        conn, actor, action="update", entity="queue_group", entity_id=group_id, unit_id=group["unit_id"], active=active
    )


def _required_name(value: str, label: str) -> str:
    value = nfc(value)
    if not value:
        raise ValidationError(f"{label} không được để trống.")
    if len(value) > 160:
        raise ValidationError(f"{label} quá dài (tối đa 160 ký tự).")
    return value


# Counters -----------------------------------------------------------------------------------------------------


def list_counters(conn: Connection, actor: Actor, unit_id: int, *, active_only: bool = False) -> list[dict]:
    actor.require_unit(unit_id)
    return counters_of(conn, unit_id, active_only=active_only)


def counters_of(conn: Connection, unit_id: int, *, active_only: bool = False) -> list[dict]:
    query = select(queue_counters).where(queue_counters.c.unit_id == unit_id).order_by(queue_counters.c.number)
    if active_only:
        query = query.where(queue_counters.c.active.is_(True))
    counters = [dict(row._mapping) | {"group_ids": []} for row in conn.execute(query)]
    by_id = {counter["id"]: counter for counter in counters}
    links = select(queue_counter_groups).where(queue_counter_groups.c.counter_id.in_(list(by_id) or [0]))
    for link in conn.execute(links):
        by_id[link.counter_id]["group_ids"].append(link.group_id)
    return counters


def get_counter(conn: Connection, counter_id: int) -> dict:
    row = conn.execute(select(queue_counters).where(queue_counters.c.id == counter_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy quầy.")
    group_ids = conn.scalars(select(queue_counter_groups.c.group_id).where(queue_counter_groups.c.counter_id == row.id))
    return dict(row._mapping) | {"group_ids": list(group_ids)}


def save_counter(
    conn: Connection,
    actor: Actor,
    *,
    unit_id: int,
    number: int,
    name: str,
    group_ids: list[int],
    active: bool = True,
    counter_id: int | None = None,
) -> int:
    """Creates a counter, or updates one when counter_id is given."""
    require_manager(actor, unit_id)
    if not isinstance(number, int) or not 1 <= number <= 99:
        raise ValidationError("Số quầy phải từ 1 đến 99.")
    _check_groups_of_unit(conn, unit_id, group_ids)
    values = {"number": number, "name": nfc(name)[:160], "active": active}
    taken = select(queue_counters.c.id).where(queue_counters.c.unit_id == unit_id, queue_counters.c.number == number)
    if conn.scalar(taken) not in (None, counter_id):
        raise Conflict(f"Đơn vị đã có quầy số {number}.")
    if counter_id is None:
        counter_id = conn.execute(insert(queue_counters).values(unit_id=unit_id, **values)).inserted_primary_key[0]
    else:
        if get_counter(conn, counter_id)["unit_id"] != unit_id:
            raise PermissionDenied("Quầy này thuộc đơn vị khác.")
        conn.execute(update(queue_counters).where(queue_counters.c.id == counter_id).values(**values))
        conn.execute(delete(queue_counter_groups).where(queue_counter_groups.c.counter_id == counter_id))
    conn.execute(insert(queue_counter_groups), [{"counter_id": counter_id, "group_id": g} for g in set(group_ids)])
    audit.record(
        conn, actor, action="save", entity="queue_counter", entity_id=counter_id, unit_id=unit_id, number=number
    )
    return counter_id


def _check_groups_of_unit(conn: Connection, unit_id: int, group_ids: list[int]) -> None:
    if not group_ids:
        raise ValidationError("Chọn ít nhất một nhóm dịch vụ cho quầy.")
    found = set(conn.scalars(select(queue_groups.c.id).where(queue_groups.c.id.in_(group_ids))))
    own = set(conn.scalars(select(queue_groups.c.id).where(queue_groups.c.unit_id == unit_id)))
    if found != set(group_ids) or not found <= own:
        raise ValidationError("Nhóm dịch vụ không thuộc đơn vị này.")


# Issuing hours ------------------------------------------------------------------------------------------------


def parse_day_hours(text: str, weekday: int) -> tuple[Session, ...]:
    """'07:30-11:00, 13:30-16:30' → sessions; an empty text means closed that day."""
    sessions = []
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        if part.count("-") != 1:
            raise ValidationError(f"{WEEKDAY_LABELS[weekday]}: ghi giờ theo dạng 07:30-11:00, 13:30-16:30.")
        start, end = (parse_hhmm(value) for value in part.split("-"))
        sessions.append((start, end))
    return tuple(sorted(sessions))


def format_day_hours(sessions: tuple[Session, ...]) -> str:
    return ", ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in sessions)


def configured_hours(conn: Connection, unit_id: int) -> dict[int, tuple[Session, ...]]:
    rows = conn.execute(select(queue_hours).where(queue_hours.c.unit_id == unit_id).order_by(queue_hours.c.starts))
    hours: dict[int, list[Session]] = {}
    for row in rows:
        hours.setdefault(row.weekday, []).append((parse_hhmm(row.starts), parse_hhmm(row.ends)))
    return {weekday: tuple(items) for weekday, items in hours.items()}


def set_issuing_hours(conn: Connection, actor: Actor, *, unit_id: int, hours: dict[int, str]) -> None:
    require_manager(actor, unit_id)
    parsed = {weekday: parse_day_hours(text, weekday) for weekday, text in hours.items()}
    validate_sessions(parsed)
    conn.execute(delete(queue_hours).where(queue_hours.c.unit_id == unit_id))
    rows = [
        {"unit_id": unit_id, "weekday": weekday, "starts": f"{start:%H:%M}", "ends": f"{end:%H:%M}"}
        for weekday, sessions in parsed.items()
        for start, end in sessions
    ]
    conn.execute(insert(queue_hours), rows)
    audit.record(conn, actor, action="update", entity="queue_hours", entity_id=unit_id, unit_id=unit_id, hours=hours)


def issuing_calendar(conn: Connection, unit_id: int) -> WorkingCalendar:
    """Ticket hours on the unit's working days: holidays and local days off close the queue too.
    Without ticket hours of its own the unit issues numbers during its office hours."""
    office = calendar_for_unit(conn, unit_id)
    hours = configured_hours(conn, unit_id)
    if not hours:
        return office
    return WorkingCalendar(
        sessions=hours, extra_days_off=office.extra_days_off, extra_working_days=office.extra_working_days
    )


def issuing_hours_text(conn: Connection, unit_id: int) -> dict[int, str]:
    sessions = issuing_calendar(conn, unit_id).sessions
    return {weekday: format_day_hours(sessions.get(weekday, ())) for weekday in range(7)}


# Priority categories ------------------------------------------------------------------------------------------


def list_priorities(conn: Connection, unit_id: int, *, active_only: bool = False) -> list[dict]:
    query = select(queue_priorities).where(queue_priorities.c.unit_id == unit_id)
    if active_only:
        query = query.where(queue_priorities.c.active.is_(True))
    query = query.order_by(queue_priorities.c.sort_order, queue_priorities.c.id)
    return [dict(row._mapping) for row in conn.execute(query)]


def create_priority(conn: Connection, actor: Actor, *, unit_id: int, name: str) -> int:
    require_manager(actor, unit_id)
    name = _required_name(name, "Tên đối tượng ưu tiên")
    order = len(list_priorities(conn, unit_id))
    new_id = conn.execute(
        insert(queue_priorities).values(unit_id=unit_id, name=name, active=True, sort_order=order)
    ).inserted_primary_key[0]
    audit.record(conn, actor, action="create", entity="queue_priority", entity_id=new_id, unit_id=unit_id, name=name)
    return new_id


def set_priority_active(conn: Connection, actor: Actor, *, priority_id: int, active: bool) -> None:
    row = conn.execute(select(queue_priorities).where(queue_priorities.c.id == priority_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy đối tượng ưu tiên.")
    require_manager(actor, row.unit_id)
    conn.execute(update(queue_priorities).where(queue_priorities.c.id == priority_id).values(active=active))
    audit.record(
        conn, actor, action="update", entity="queue_priority", entity_id=priority_id, unit_id=row.unit_id, active=active
    )


# The whole set-up, for the admin page -------------------------------------------------------------------------


def queue_setup(conn: Connection, actor: Actor, *, unit_id: int) -> dict:
    require_manager(actor, unit_id)
    return {
        "unit": get_unit(conn, unit_id),
        "settings": get_settings(conn, unit_id),
        "groups": list_groups(conn, unit_id),
        "counters": counters_of(conn, unit_id),
        "hours": issuing_hours_text(conn, unit_id),
        "hours_configured": bool(configured_hours(conn, unit_id)),
        "priorities": list_priorities(conn, unit_id),
    }


def seed_sample_queue(conn: Connection, actor: Actor | None, *, unit_id: int) -> bool:
    """The sample set-up (groups A/B/C, three counters, four priority categories); only on a unit without groups."""
    if list_groups(conn, unit_id):
        return False
    group_ids = {}
    for letter, name in SAMPLE_GROUPS:
        group_ids[letter] = conn.execute(
            insert(queue_groups).values(unit_id=unit_id, letter=letter, name=name, active=True)
        ).inserted_primary_key[0]
    for number, name, letters in SAMPLE_COUNTERS:
        counter_id = conn.execute(
            insert(queue_counters).values(unit_id=unit_id, number=number, name=name, active=True)
        ).inserted_primary_key[0]
        conn.execute(
            insert(queue_counter_groups), [{"counter_id": counter_id, "group_id": group_ids[x]} for x in letters]
        )
    conn.execute(
        insert(queue_priorities),
        [
            {"unit_id": unit_id, "name": name, "active": True, "sort_order": i}
            for i, name in enumerate(SAMPLE_PRIORITIES)
        ],
    )
    sample = {weekday: parse_day_hours(SAMPLE_HOURS, weekday) for weekday in range(5)}
    conn.execute(
        insert(queue_hours),
        [
            {"unit_id": unit_id, "weekday": day, "starts": f"{s:%H:%M}", "ends": f"{e:%H:%M}"}
            for day, sessions in sample.items()
            for s, e in sessions
        ],
    )
    audit.record(conn, actor, action="seed", entity="queue_setup", entity_id=unit_id, unit_id=unit_id)
    return True


def apply_sample_setup(conn: Connection, actor: Actor, *, unit_id: int) -> None:
    require_manager(actor, unit_id)
    if not seed_sample_queue(conn, actor, unit_id=unit_id):
        raise Conflict("Đơn vị đã có nhóm dịch vụ; cấu hình mẫu chỉ áp dụng cho đơn vị chưa cấu hình.")


# Links and the QR poster --------------------------------------------------------------------------------------


def ticket_page_url(base_url: str, unit_code: str) -> str:
    return f"{base_url.rstrip('/')}/lay-so/{unit_code}"


def display_url(base_url: str, unit_code: str) -> str:
    return f"{base_url.rstrip('/')}/man-hinh/{unit_code}"


def poster_pdf(conn: Connection, actor: Actor, *, unit_id: int, base_url: str) -> bytes:
    """An A4 poster for the center's door: scan the QR to take a number."""
    require_manager(actor, unit_id)
    unit = get_unit(conn, unit_id)
    url = ticket_page_url(base_url, unit["code"])
    doc = pdf.new_form(unit_name=unit["name"], title="Lấy số thứ tự bằng điện thoại")
    pdf.paragraph(doc, "Quét mã QR bằng camera điện thoại để lấy số thứ tự, không cần cài ứng dụng.", size=14)
    doc.ln(4)
    size = 120
    doc.image(io.BytesIO(pdf.qr_png(url, box_size=12)), x=(doc.w - size) / 2, y=doc.get_y(), w=size, h=size)
    doc.set_y(doc.get_y() + size + 4)
    pdf.paragraph(doc, url, bold=True, size=12)
    groups = ", ".join(f"{g['letter']} – {g['name']}" for g in list_groups(conn, unit_id, active_only=True))
    if groups:
        pdf.paragraph(doc, f"Nhóm dịch vụ: {groups}.")
    hours = issuing_hours_text(conn, unit_id)
    opening = "; ".join(f"{WEEKDAY_LABELS[d]}: {text}" for d, text in hours.items() if text)
    pdf.paragraph(doc, f"Giờ cấp số: {opening}.")
    priorities = ", ".join(p["name"].lower() for p in list_priorities(conn, unit_id, active_only=True))
    if priorities:
        pdf.paragraph(doc, f"Được gọi trước ({priorities}): chọn khi lấy số và xuất trình giấy tờ tại quầy.")
    return pdf.finish(doc)
