"""Copying a tested unit's configuration (the pilot ward's) to other units: a preview of every difference, then the
apply, recorded per unit with who and when.

After a copy, each chosen section of the target equals the source's: what the target has and the source has not is
removed, or switched off where tickets and dossiers still refer to it (groups, counters, priority categories).
Departments are matched by code, else by kind, since each unit has its own department rows; an item whose
department the target lacks is not copied and is listed as skipped. The procedure catalog is city-wide (one row per
procedure for all units), so the per-unit procedure settings are the routing tables copied here.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, delete, func, insert, select, update

from db.schema import (
    calendar_overrides,
    config_copies,
    departments,
    feedback_routes,
    office_sessions,
    procedures,
    queue_counter_groups,
    queue_counters,
    queue_groups,
    queue_hours,
    queue_priorities,
    queue_settings,
    routing_rules,
    units,
)
from services.core import audit
from services.core.clock import LOCAL_TZ, format_date, now
from services.core.errors import Conflict, ValidationError
from services.core.roles import ADMIN, Actor
from services.core.working_time import WEEKDAY_LABELS
from services.feedback.classifier import CATEGORIES
from services.feedback.routing import LEADER_LABEL
from services.queue.setup import DEFAULT_SETTINGS, SETTING_LIMITS

ACTION_LABELS = {"add": "Thêm", "change": "Sửa", "remove": "Bỏ"}
HOURS_ITEM = "Giờ cấp số — "
OVERRIDE_KINDS = {"day_off": "Nghỉ", "working_day": "Làm việc (làm bù)"}


@dataclass(frozen=True)
class Change:
    section: str
    action: str  # add | change | remove
    item: str
    before: str
    after: str


@dataclass
class UnitPreview:
    unit_id: int
    code: str
    name: str
    changes: list[Change] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class CopyPreview:
    source: dict
    sections: list[str]
    units: list[UnitPreview]

    @property
    def change_count(self) -> int:
        return sum(len(u.changes) for u in self.units)

    @property
    def fingerprint(self) -> str:
        """Changes if anything in the source or the targets changed since the preview."""
        payload = [(u.unit_id, [list(c.__dict__.values()) for c in u.changes], u.skipped) for u in self.units]
        return hashlib.sha256(json.dumps([self.sections, payload], ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CopyResult:
    batch: str
    units: int
    changes: int


@dataclass
class _Lookup:
    """Names and department rows of the whole city, read once per preview."""

    units: dict[int, dict]
    departments: dict[int, dict]

    @classmethod
    def load(cls, conn: Connection) -> _Lookup:
        return cls(
            units={r.id: dict(r._mapping) for r in conn.execute(select(units.c.id, units.c.code, units.c.name))},
            departments={r.id: dict(r._mapping) for r in conn.execute(select(departments))},
        )

    def department_in(self, department_id: int, unit_id: int) -> dict | None:
        """The target unit's active department that matches the source's: the same code, else the same kind."""
        source = self.departments[department_id]
        own = sorted(
            (d for d in self.departments.values() if d["unit_id"] == unit_id and d["active"]), key=lambda d: d["id"]
        )
        return next((d for d in own if d["code"] == source["code"]), None) or next(
            (d for d in own if d["kind"] == source["kind"]), None
        )

    def department_name(self, department_id: int | None) -> str:
        return LEADER_LABEL if department_id is None else self.departments[department_id]["name"]


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    read: Callable[[Connection, int], dict]  # item → value
    adapt: Callable[[dict, int, int, _Lookup], tuple[dict, list[str]]]  # (items, source, target) → items, skipped
    write: Callable[[Connection, int, dict, str], None]  # makes the target's items these
    show: Callable[[object, _Lookup], str]
    absent: str = "—"  # how a missing item reads in the preview


def _same(items: dict, _source_id: int, _target_id: int, _lookup: _Lookup) -> tuple[dict, list[str]]:
    return items, []


# Office hours ------------------------------------------------------------------------------------------------


def _read_office_hours(conn: Connection, unit_id: int) -> dict:
    """Weekday → sessions, only when the unit has hours of its own (else it follows the city default)."""
    rows = conn.execute(
        select(office_sessions).where(office_sessions.c.unit_id == unit_id).order_by(office_sessions.c.starts)
    ).all()
    return _weekly(rows)


def _weekly(rows) -> dict:
    if not rows:
        return {}
    days: dict[int, list] = {weekday: [] for weekday in range(7)}
    for row in rows:
        days[row.weekday].append((row.starts, row.ends))
    return {WEEKDAY_LABELS[weekday]: tuple(sessions) for weekday, sessions in days.items()}


def _write_office_hours(conn: Connection, unit_id: int, items: dict, _by: str) -> None:
    conn.execute(delete(office_sessions).where(office_sessions.c.unit_id == unit_id))
    rows = _session_rows(unit_id, items)
    if rows:
        conn.execute(insert(office_sessions), rows)


def _session_rows(unit_id: int, items: dict) -> list[dict]:
    return [
        {"unit_id": unit_id, "weekday": WEEKDAY_LABELS.index(day), "starts": starts, "ends": ends}
        for day, sessions in items.items()
        for starts, ends in sessions
    ]


def _show_sessions(value, _lookup: _Lookup) -> str:
    return ", ".join(f"{starts}–{ends}" for starts, ends in value) or "nghỉ"


# Calendar overrides -------------------------------------------------------------------------------------------


def _today() -> date:
    return now().astimezone(LOCAL_TZ).date()


def _read_overrides(conn: Connection, unit_id: int) -> dict:
    """The unit's own days off and working days from today on; past ones are history, not configuration."""
    query = (
        select(calendar_overrides)
        .where(calendar_overrides.c.unit_id == unit_id, calendar_overrides.c.day >= _today())
        .order_by(calendar_overrides.c.day)
    )
    return {format_date(r.day): (r.day.isoformat(), r.kind, r.note) for r in conn.execute(query)}


def _write_overrides(conn: Connection, unit_id: int, items: dict, by: str) -> None:
    conn.execute(
        delete(calendar_overrides).where(calendar_overrides.c.unit_id == unit_id, calendar_overrides.c.day >= _today())
    )
    rows = [
        {"unit_id": unit_id, "day": date.fromisoformat(day), "kind": kind, "note": note, "created_by": by}
        | {"created_at": now()}
        for day, kind, note in items.values()
    ]
    if rows:
        conn.execute(insert(calendar_overrides), rows)


def _show_override(value, _lookup: _Lookup) -> str:
    _, kind, note = value
    return f"{OVERRIDE_KINDS.get(kind, kind)} — {note}" if note else OVERRIDE_KINDS.get(kind, kind)


# Service groups and counters ----------------------------------------------------------------------------------


def _read_groups_and_counters(conn: Connection, unit_id: int) -> dict:
    """Active ones only: an inactive group or counter is not part of a unit's working set-up."""
    groups = conn.execute(
        select(queue_groups)
        .where(queue_groups.c.unit_id == unit_id, queue_groups.c.active.is_(True))
        .order_by(queue_groups.c.letter)
    ).all()
    letters = {g.id: g.letter for g in groups}
    items = {f"Nhóm {g.letter}": ("group", g.letter, g.name) for g in groups}
    counters = conn.execute(
        select(queue_counters)
        .where(queue_counters.c.unit_id == unit_id, queue_counters.c.active.is_(True))
        .order_by(queue_counters.c.number)
    ).all()
    links: dict[int, list[str]] = {c.id: [] for c in counters}
    link_rows = select(queue_counter_groups).where(queue_counter_groups.c.counter_id.in_(list(links) or [0]))
    for link in conn.execute(link_rows):
        if link.group_id in letters:
            links[link.counter_id].append(letters[link.group_id])
    for c in counters:
        items[f"Quầy {c.number}"] = ("counter", c.number, c.name, tuple(sorted(links[c.id])))
    return items


def _write_groups_and_counters(conn: Connection, unit_id: int, items: dict, _by: str) -> None:
    wanted_groups = {value[1]: value[2] for value in items.values() if value[0] == "group"}
    group_ids = _upsert_active(
        conn, queue_groups, unit_id, queue_groups.c.letter, {k: {"name": v} for k, v in wanted_groups.items()}
    )
    wanted_counters = {value[1]: value for value in items.values() if value[0] == "counter"}
    counter_ids = _upsert_active(
        conn, queue_counters, unit_id, queue_counters.c.number, {n: {"name": v[2]} for n, v in wanted_counters.items()}
    )
    if counter_ids:
        conn.execute(delete(queue_counter_groups).where(queue_counter_groups.c.counter_id.in_(counter_ids.values())))
        links = [
            {"counter_id": counter_ids[number], "group_id": group_ids[letter]}
            for number, value in wanted_counters.items()
            for letter in value[3]
        ]
        if links:
            conn.execute(insert(queue_counter_groups), links)


def _upsert_active(conn: Connection, table, unit_id: int, key_column, wanted: dict) -> dict:
    """Rows keyed by key_column get these values and become active; the unit's other rows are switched off
    (tickets and calls refer to them, so they are never deleted). Returns key → id of the wanted rows."""
    existing = {
        getattr(row, key_column.name): row.id for row in conn.execute(select(table).where(table.c.unit_id == unit_id))
    }
    ids = {}
    for key, values in wanted.items():
        if key in existing:
            conn.execute(update(table).where(table.c.id == existing[key]).values(**values, active=True))
            ids[key] = existing[key]
        else:
            row = {"unit_id": unit_id, key_column.name: key, **values, "active": True}
            ids[key] = conn.execute(insert(table).values(**row)).inserted_primary_key[0]
    stale = [row_id for key, row_id in existing.items() if key not in wanted]
    if stale:
        conn.execute(update(table).where(table.c.id.in_(stale)).values(active=False))
    return ids


def _show_queue_item(value, _lookup: _Lookup) -> str:
    if value[0] == "group":
        return value[2]
    return f"{value[2] or 'Quầy'} — nhóm {', '.join(value[3]) or '—'}"


# Ticket hours, priority categories and limits -----------------------------------------------------------------


def _read_queue_rules(conn: Connection, unit_id: int) -> dict:
    hours = conn.execute(
        select(queue_hours).where(queue_hours.c.unit_id == unit_id).order_by(queue_hours.c.starts)
    ).all()
    items = {f"{HOURS_ITEM}{day}": ("hours", sessions) for day, sessions in _weekly(hours).items()}
    settings = conn.execute(select(queue_settings).where(queue_settings.c.unit_id == unit_id)).first()
    for name, (_, _, label) in SETTING_LIMITS.items():
        items[label] = ("setting", name, getattr(settings, name) if settings else DEFAULT_SETTINGS[name])
    priorities = conn.execute(
        select(queue_priorities)
        .where(queue_priorities.c.unit_id == unit_id, queue_priorities.c.active.is_(True))
        .order_by(queue_priorities.c.sort_order, queue_priorities.c.id)
    ).all()
    for order, row in enumerate(priorities):
        items[f"Ưu tiên: {row.name}"] = ("priority", row.name, order)
    return items


def _write_queue_rules(conn: Connection, unit_id: int, items: dict, by: str) -> None:
    conn.execute(delete(queue_hours).where(queue_hours.c.unit_id == unit_id))
    hours = {item.removeprefix(HOURS_ITEM): value[1] for item, value in items.items() if value[0] == "hours"}
    rows = _session_rows(unit_id, hours)
    if rows:
        conn.execute(insert(queue_hours), rows)
    settings = {value[1]: value[2] for value in items.values() if value[0] == "setting"}
    stamp = {**DEFAULT_SETTINGS, **settings, "updated_at": now(), "updated_by": by}
    if conn.execute(update(queue_settings).where(queue_settings.c.unit_id == unit_id).values(**stamp)).rowcount == 0:
        conn.execute(insert(queue_settings).values(unit_id=unit_id, **stamp))
    wanted = {value[1]: {"sort_order": value[2]} for value in items.values() if value[0] == "priority"}
    _upsert_active(conn, queue_priorities, unit_id, queue_priorities.c.name, wanted)


def _show_queue_rule(value, lookup: _Lookup) -> str:
    if value[0] == "hours":
        return _show_sessions(value[1], lookup)
    if value[0] == "setting":
        return str(value[2])
    return f"thứ tự {value[2] + 1}"


# Routing of dossiers received anywhere (land in this unit) ----------------------------------------------------


def _read_routing(conn: Connection, unit_id: int) -> dict:
    query = (
        select(routing_rules, procedures.c.name)
        .join(procedures, procedures.c.id == routing_rules.c.procedure_id)
        .where(routing_rules.c.land_unit_id == unit_id)
    )
    return {r.name: (r.procedure_id, r.processing_unit_id, r.department_id) for r in conn.execute(query)}


def _adapt_routing(items: dict, source_id: int, unit_id: int, lookup: _Lookup) -> tuple[dict, list[str]]:
    """A rule sending the source's land to the source itself sends the target's land to the target's matching
    department; a rule naming another unit (a branch office) is kept as it is."""
    adapted, skipped = {}, []
    for item, (procedure_id, processing_unit_id, department_id) in items.items():
        if processing_unit_id != source_id:
            adapted[item] = (procedure_id, processing_unit_id, department_id)
            continue
        match = lookup.department_in(department_id, unit_id)
        if match is None:
            wanted = lookup.departments[department_id]
            skipped.append(f"Định tuyến “{item}”: đơn vị chưa có phòng “{wanted['name']}” (mã {wanted['code']}).")
            continue
        adapted[item] = (procedure_id, unit_id, match["id"])
    return adapted, skipped


def _write_routing(conn: Connection, unit_id: int, items: dict, by: str) -> None:
    conn.execute(delete(routing_rules).where(routing_rules.c.land_unit_id == unit_id))
    rows = [
        {
            "procedure_id": procedure_id,
            "land_unit_id": unit_id,
            "processing_unit_id": processing_unit_id,
            "department_id": department_id,
            "updated_by": by,
            "updated_at": now(),
        }
        for procedure_id, processing_unit_id, department_id in items.values()
    ]
    if rows:
        conn.execute(insert(routing_rules), rows)


def _show_route(value, lookup: _Lookup) -> str:
    _, processing_unit_id, department_id = value
    return f"{lookup.units[processing_unit_id]['name']} — {lookup.department_name(department_id)}"


# Feedback handlers ---------------------------------------------------------------------------------------------


def _read_feedback_routes(conn: Connection, unit_id: int) -> dict:
    query = select(feedback_routes).where(feedback_routes.c.unit_id == unit_id)
    return {CATEGORIES.get(r.category, r.category): (r.category, r.department_id) for r in conn.execute(query)}


def _adapt_feedback_routes(items: dict, _source_id: int, unit_id: int, lookup: _Lookup) -> tuple[dict, list[str]]:
    adapted, skipped = {}, []
    for item, (category, department_id) in items.items():
        if department_id is None:
            adapted[item] = (category, None)
            continue
        match = lookup.department_in(department_id, unit_id)
        if match is None:
            skipped.append(f"Phản ánh “{item}”: đơn vị chưa có phòng “{lookup.department_name(department_id)}”.")
            continue
        adapted[item] = (category, match["id"])
    return adapted, skipped


def _write_feedback_routes(conn: Connection, unit_id: int, items: dict, by: str) -> None:
    conn.execute(delete(feedback_routes).where(feedback_routes.c.unit_id == unit_id))
    rows = [
        {"unit_id": unit_id, "category": category, "department_id": department_id, "updated_by": by}
        | {"updated_at": now()}
        for category, department_id in items.values()
    ]
    if rows:
        conn.execute(insert(feedback_routes), rows)


def _show_feedback_route(value, lookup: _Lookup) -> str:
    return lookup.department_name(value[1])


SECTIONS = {
    section.key: section
    for section in (
        Section(
            "office_hours",
            "Giờ làm việc",
            _read_office_hours,
            _same,
            _write_office_hours,
            _show_sessions,
            "theo giờ chung của thành phố",
        ),
        Section(
            "calendar_overrides",
            "Ngày nghỉ, ngày làm bù riêng (từ hôm nay)",
            _read_overrides,
            _same,
            _write_overrides,
            _show_override,
        ),
        Section(
            "queue_groups",
            "Nhóm dịch vụ và quầy",
            _read_groups_and_counters,
            _same,
            _write_groups_and_counters,
            _show_queue_item,
        ),
        Section(
            "queue_rules",
            "Giờ cấp số, đối tượng ưu tiên, giới hạn hàng chờ",
            _read_queue_rules,
            _same,
            _write_queue_rules,
            _show_queue_rule,
        ),
        Section(
            "routing",
            "Định tuyến hồ sơ tiếp nhận không phụ thuộc địa giới (đất tại đơn vị)",
            _read_routing,
            _adapt_routing,
            _write_routing,
            _show_route,
            "quy tắc mặc định",
        ),
        Section(
            "feedback_routes",
            "Nơi xử lý phản ánh theo lĩnh vực",
            _read_feedback_routes,
            _adapt_feedback_routes,
            _write_feedback_routes,
            _show_feedback_route,
            "mặc định",
        ),
    )
}
SECTION_LABELS = {key: section.label for key, section in SECTIONS.items()}


# Preview, apply, history ---------------------------------------------------------------------------------------


def preview_copy(
    conn: Connection, actor: Actor, *, source_unit_id: int, target_unit_ids: list[int], sections: list[str]
) -> CopyPreview:
    """Every difference the copy would make in each target unit; writes nothing."""
    actor.require(ADMIN)
    lookup = _Lookup.load(conn)
    chosen = _checked_sections(sections)
    targets = _checked_targets(lookup, source_unit_id, target_unit_ids)
    source_items = {key: SECTIONS[key].read(conn, source_unit_id) for key in chosen}
    return CopyPreview(
        source=lookup.units[source_unit_id],
        sections=chosen,
        units=[_unit_preview(conn, lookup, source_unit_id, unit_id, source_items) for unit_id in targets],
    )


def _checked_sections(sections: list[str]) -> list[str]:
    unknown = set(sections or []) - set(SECTIONS)
    if unknown:
        raise ValidationError(f"Nhóm cấu hình không hợp lệ: {', '.join(sorted(unknown))}.")
    chosen = [key for key in SECTIONS if key in set(sections or [])]
    if not chosen:
        raise ValidationError("Chọn ít nhất một nhóm cấu hình để sao chép.")
    return chosen


def _checked_targets(lookup: _Lookup, source_unit_id: int, target_unit_ids: list[int]) -> list[int]:
    if source_unit_id not in lookup.units:
        raise ValidationError("Đơn vị nguồn không tồn tại.")
    targets = sorted(set(target_unit_ids or []), key=lambda i: lookup.units.get(i, {}).get("name", ""))
    if not targets:
        raise ValidationError("Chọn ít nhất một đơn vị nhận cấu hình.")
    if source_unit_id in targets:
        raise ValidationError("Đơn vị nguồn không thể đồng thời là đơn vị nhận cấu hình.")
    if any(unit_id not in lookup.units for unit_id in targets):
        raise ValidationError("Có đơn vị nhận không tồn tại.")
    return targets


def _unit_preview(
    conn: Connection, lookup: _Lookup, source_unit_id: int, unit_id: int, source_items: dict[str, dict]
) -> UnitPreview:
    unit = lookup.units[unit_id]
    preview = UnitPreview(unit_id, unit["code"], unit["name"])
    for key, items in source_items.items():
        section = SECTIONS[key]
        wanted, skipped = section.adapt(items, source_unit_id, unit_id, lookup)
        preview.changes += _differences(section, section.read(conn, unit_id), wanted, lookup)
        preview.skipped += skipped
    return preview


def _differences(section: Section, current: dict, wanted: dict, lookup: _Lookup) -> list[Change]:
    changes = []
    for item in [*wanted, *(k for k in current if k not in wanted)]:
        before, after = current.get(item), wanted.get(item)
        if before == after:
            continue
        action = "add" if before is None else ("remove" if after is None else "change")
        shown = [_show(section, item, value, lookup) for value in (before, after)]
        changes.append(Change(section.key, action, item, *shown))
    return changes


def _show(section: Section, item: str, value, lookup: _Lookup) -> str:
    if value is not None:
        return section.show(value, lookup)
    return "theo giờ làm việc" if item.startswith(HOURS_ITEM) else section.absent


def apply_copy(
    conn: Connection,
    actor: Actor,
    *,
    source_unit_id: int,
    target_unit_ids: list[int],
    sections: list[str],
    expected_fingerprint: str | None = None,
) -> CopyResult:
    """Writes what preview_copy showed; when the configuration changed since (fingerprint), nothing is written."""
    preview = preview_copy(
        conn, actor, source_unit_id=source_unit_id, target_unit_ids=target_unit_ids, sections=sections
    )
    if expected_fingerprint is not None and preview.fingerprint != expected_fingerprint:
        raise Conflict("Cấu hình đã thay đổi từ lúc xem trước; hãy bấm “Xem trước” lại rồi áp dụng.")
    return _apply(conn, preview, actor)


def _apply(conn: Connection, preview: CopyPreview, actor: Actor | None) -> CopyResult:
    batch, at = uuid.uuid4().hex, now()
    username = actor.username if actor else "system"
    source_id = preview.source["id"]
    lookup = _Lookup.load(conn)
    source_items = {key: SECTIONS[key].read(conn, source_id) for key in preview.sections}
    for unit in preview.units:
        for key, items in source_items.items():
            wanted, _ = SECTIONS[key].adapt(items, source_id, unit.unit_id, lookup)
            SECTIONS[key].write(conn, unit.unit_id, wanted, username)
        conn.execute(
            insert(config_copies).values(
                batch=batch,
                at=at,
                user_id=actor.user_id if actor else None,
                username=username,
                source_unit_id=source_id,
                target_unit_id=unit.unit_id,
                sections=",".join(preview.sections),
                change_count=len(unit.changes),
                changes=json.dumps([c.__dict__ for c in unit.changes] + [{"skipped": s} for s in unit.skipped]),
            )
        )
        audit.record(
            conn,
            actor,
            action="copy_config",
            entity="unit",
            entity_id=unit.unit_id,
            unit_id=unit.unit_id,
            source=preview.source["code"],
            sections=preview.sections,
            changes=len(unit.changes),
        )
    return CopyResult(batch=batch, units=len(preview.units), changes=preview.change_count)


def copy_history(conn: Connection, actor: Actor, *, limit: int = 500) -> list[dict]:
    """Who copied what from which unit to which, newest first."""
    actor.require(ADMIN)
    source, target = units.alias("source"), units.alias("target")
    query = (
        select(
            config_copies,
            source.c.name.label("source_name"),
            target.c.name.label("target_name"),
            target.c.code.label("target_code"),
        )
        .join(source, source.c.id == config_copies.c.source_unit_id)
        .join(target, target.c.id == config_copies.c.target_unit_id)
        .order_by(config_copies.c.id.desc())
        .limit(limit)
    )
    return [
        dict(row._mapping) | {"changes": json.loads(row.changes), "sections": row.sections.split(",")}
        for row in conn.execute(query)
    ]


def last_copies(conn: Connection) -> dict[int, dict]:
    """The latest copy into each unit, for the readiness page."""
    latest = select(config_copies.c.target_unit_id, func.max(config_copies.c.id).label("id")).group_by(
        config_copies.c.target_unit_id
    )
    rows = conn.execute(select(config_copies).where(config_copies.c.id.in_(select(latest.subquery().c.id))))
    return {row.target_unit_id: dict(row._mapping) for row in rows}
