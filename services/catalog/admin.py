"""Admin use cases of the catalog and the working calendar: procedures with their history, weekly office sessions,
local calendar overrides. Every change is checked here, saved whole or not at all, and leaves a trace."""

from __future__ import annotations

import json
import math
import numbers
import re
from datetime import date, time

from sqlalchemy import Connection, delete, insert, select, update

from db.schema import calendar_overrides, office_sessions, procedure_history, procedures
from services.catalog.procedures import MODES, calendar_for_unit, get_procedure_by_id, office_sessions_of
from services.core import audit
from services.core.clock import format_date, local_today, now
from services.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from services.core.roles import ADMIN, CITY_LEADER, LEADER, Actor
from services.core.text import nfc
from services.core.units import DEPARTMENT_KINDS, get_unit
from services.core.working_time import (
    DEADLINE_KINDS,
    WEEKDAY_LABELS,
    Session,
    format_hhmm,
    government_working_weekends,
    parse_hhmm,
    public_holiday_names,
    validate_sessions,
)

CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")
MAX_AMOUNT = {"working_days": 250, "working_hours": 2000, "calendar_days": 365}
MAX_FEE = 100_000_000
MAX_COPIES = 50
OVERRIDE_KINDS = {"day_off": "Ngày nghỉ thêm", "working_day": "Ngày làm việc bù"}
OVERRIDE_YEARS_AROUND_TODAY = 5

FIELD_LABELS = {
    "code": "Mã",
    "name": "Tên thủ tục",
    "sector": "Lĩnh vực",
    "deadline_kind": "Loại thời hạn",
    "deadline_amount": "Thời hạn",
    "cutoff": "Giờ chốt nhận trong ngày",
    "verification_deadline_kind": "Loại thời hạn khi cần xác minh",
    "verification_deadline_amount": "Thời hạn khi cần xác minh",
    "documents": "Thành phần hồ sơ",
    "mode": "Cách giải quyết",
    "department_kind": "Phòng chuyên môn xử lý",
    "fee": "Lệ phí (đồng)",
    "parties": "Số người nộp",
    "active": "Đang áp dụng",
    "is_sample": "Giá trị mẫu",
}
EDITABLE_FIELDS = tuple(f for f in FIELD_LABELS if f not in ("code", "is_sample"))
DEFAULTS = {
    "sector": "",
    "cutoff": None,
    "verification_deadline_kind": None,
    "verification_deadline_amount": None,
    "department_kind": None,
    "fee": 0,
    "parties": 1,
    "active": True,
}


# --- validation (pure) ------------------------------------------------------------------------------------------


def validate_code(code) -> str:
    code = (code or "").strip() if isinstance(code, str) else ""
    if not CODE_PATTERN.fullmatch(code):
        raise ValidationError("Mã thủ tục gồm 2–40 ký tự: chữ thường không dấu, số và dấu gạch dưới, bắt đầu bằng chữ.")
    return code


def validate_procedure(values: dict, *, office_hours: dict[int, tuple[Session, ...]]) -> dict:
    """Every field of a procedure, checked and normalised; raises on the first problem, in Vietnamese."""
    missing = [FIELD_LABELS[f] for f in EDITABLE_FIELDS if f not in values and f not in DEFAULTS]
    if missing:
        raise ValidationError("Thiếu thông tin: " + ", ".join(missing) + ".")
    values = {**DEFAULTS, **values}
    kind = _choice(values["deadline_kind"], DEADLINE_KINDS, "Loại thời hạn không hợp lệ.")
    mode = _choice(values["mode"], MODES, "Cách giải quyết không hợp lệ.")
    return {
        "name": _text(values["name"], "Tên thủ tục", 200, required=True),
        "sector": _text(values["sector"], "Lĩnh vực", 80, required=True),
        "deadline_kind": kind,
        "deadline_amount": 0 if kind == "same_day" else _amount(values["deadline_amount"], kind, "Thời hạn"),
        "cutoff": _cutoff(values["cutoff"], office_hours) if kind == "same_day" else None,
        **_verification(values["verification_deadline_kind"], values["verification_deadline_amount"]),
        "documents": validate_documents(values["documents"]),
        "mode": mode,
        "department_kind": _department_kind(values["department_kind"], mode),
        "fee": _integer(values["fee"], "Lệ phí", minimum=0, maximum=MAX_FEE),
        "parties": _integer(values["parties"], "Số người nộp", minimum=1, maximum=2),
        "active": _boolean(values["active"], "Đang áp dụng"),
    }


def validate_documents(rows) -> list[dict]:
    """The checklist: each {name, original, copies >= 1}; rows left entirely blank in the editor are dropped."""
    if not isinstance(rows, list | tuple):
        raise ValidationError("Thành phần hồ sơ không hợp lệ.")
    documents = [_document(row, position) for position, row in enumerate(rows, start=1) if not _blank_row(row)]
    if not documents:
        raise ValidationError("Thủ tục phải có ít nhất một giấy tờ trong thành phần hồ sơ.")
    names = [d["name"].casefold() for d in documents]
    if len(set(names)) != len(names):
        raise ValidationError("Thành phần hồ sơ có hai giấy tờ trùng tên.")
    return documents


def _document(row: dict, position: int) -> dict:
    name = _text(row.get("name"), f"Tên giấy tờ dòng {position}", 200, required=True)
    copies = _integer(row.get("copies"), f"Số bản của “{name}”", minimum=1, maximum=MAX_COPIES)
    return {"name": name, "original": bool(_present(row.get("original")) and row.get("original")), "copies": copies}


def _blank_row(row) -> bool:
    return isinstance(row, dict) and not any(_present(row.get(key)) for key in ("name", "copies"))


def _present(value) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return not (isinstance(value, str) and not value.strip())


def _text(value, label: str, max_length: int, *, required: bool) -> str:
    text = nfc(value) if isinstance(value, str) else ""
    if required and not text:
        raise ValidationError(f"{label} không được để trống.")
    if len(text) > max_length:
        raise ValidationError(f"{label} dài quá {max_length} ký tự.")
    return text


def _choice(value, options: dict, message: str) -> str:
    if value not in options:
        raise ValidationError(message)
    return value


def _integer(value, label: str, *, minimum: int, maximum: int) -> int:
    number = _as_int(value)
    if number is None:
        raise ValidationError(f"{label} phải là số nguyên.")
    if not minimum <= number <= maximum:
        raise ValidationError(f"{label} phải từ {minimum:,} đến {maximum:,}.".replace(",", "."))
    return number


def _as_int(value) -> int | None:
    if isinstance(value, bool) or not _present(value):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def _amount(value, kind: str, label: str) -> int:
    number = _as_int(value)
    if number is None or number <= 0:
        raise ValidationError(f"{label} phải là số nguyên lớn hơn 0.")
    if number > MAX_AMOUNT[kind]:
        raise ValidationError(f"{label} quá lớn (tối đa {MAX_AMOUNT[kind]} {DEADLINE_KINDS[kind].lower()}).")
    return number


def _boolean(value, label: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{label}: giá trị không hợp lệ.")
    return value


def _cutoff(value, office_hours: dict[int, tuple[Session, ...]]) -> str | None:
    if not _present(value):
        return None
    cutoff = parse_hhmm(value)
    weekdays = [w for w in range(5) if office_hours.get(w)] or list(office_hours)
    if not any(start <= cutoff <= end for w in weekdays for start, end in office_hours[w]):
        raise ValidationError(
            f"Giờ chốt {format_hhmm(cutoff)} nằm ngoài giờ làm việc mặc định của thành phố "
            f"({_describe_sessions(office_hours[weekdays[0]])})."
        )
    return format_hhmm(cutoff)


def _verification(kind, amount) -> dict:
    if not _present(kind):
        return {"verification_deadline_kind": None, "verification_deadline_amount": None}
    if kind not in MAX_AMOUNT:
        raise ValidationError("Thời hạn khi cần xác minh phải tính theo ngày làm việc, giờ làm việc hoặc ngày lịch.")
    return {
        "verification_deadline_kind": kind,
        "verification_deadline_amount": _amount(amount, kind, "Thời hạn khi cần xác minh"),
    }


def _department_kind(value, mode: str) -> str | None:
    if not _present(value):
        if mode != "at_counter":
            raise ValidationError("Thủ tục chuyển phòng chuyên môn hoặc liên thông phải chọn phòng chuyên môn xử lý.")
        return None
    return _choice(value, DEPARTMENT_KINDS, "Phòng chuyên môn xử lý không hợp lệ.")


def _describe_sessions(sessions) -> str:
    return ", ".join(f"{format_hhmm(start)}–{format_hhmm(end)}" for start, end in sessions)


def changes_between(old: dict, new: dict) -> dict[str, list]:
    return {field: [old.get(field), value] for field, value in new.items() if old.get(field) != value}


def describe_changes(changes: dict[str, list]) -> str:
    """One history entry as staff read it: "Thời hạn: 0 → 2; Giá trị mẫu: có → không"."""
    return "; ".join(
        f"{FIELD_LABELS.get(field, field)}: {_shown(field, old)} → {_shown(field, new)}"
        for field, (old, new) in changes.items()
    )


def _shown(field: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    labels = {"mode": MODES, "department_kind": DEPARTMENT_KINDS}.get(field, DEADLINE_KINDS)
    if field.endswith("deadline_kind") or field in ("mode", "department_kind"):
        return labels.get(value, value)
    if field == "documents":
        return ", ".join(describe_document(d) for d in value)
    return str(value)


def describe_document(document: dict) -> str:
    kind = "bản chính" if document.get("original") else "bản sao"
    return f"{document.get('name')} ({kind} × {document.get('copies')})"


# --- procedures -------------------------------------------------------------------------------------------------


def create_procedure(conn: Connection, actor: Actor, *, code: str, **fields) -> int:
    actor.require(ADMIN)
    code = validate_code(code)
    _reject_unknown(fields)
    values = validate_procedure(fields, office_hours=office_sessions_of(conn, None))
    if conn.scalar(select(procedures.c.id).where(procedures.c.code == code)):
        raise Conflict(f"Đã có thủ tục mã '{code}'.")
    row = {**values, "code": code, "is_sample": False, "version": 1, "updated_at": now(), "updated_by": actor.username}
    row["documents"] = json.dumps(values["documents"], ensure_ascii=False)
    new_id = conn.execute(insert(procedures).values(**row)).inserted_primary_key[0]
    _record_history(conn, actor, new_id, {"code": [None, code], **changes_between({}, values)})
    return new_id


def update_procedure(
    conn: Connection, actor: Actor, *, procedure_id: int, expected_version: int | None = None, **fields
):
    """Saves the fields given and confirms the sample values; returns {field: [old, new]} ({} when nothing changed).

    Dossiers keep the appointment computed at receipt, so a new deadline applies only to dossiers received later."""
    actor.require(ADMIN)
    _reject_unknown(fields)
    current = get_procedure_by_id(conn, procedure_id)
    if expected_version is not None and expected_version != current["version"]:
        raise Conflict("Thủ tục vừa được người khác sửa. Hãy tải lại trang rồi sửa lại.")
    merged = {field: current[field] for field in EDITABLE_FIELDS} | fields
    values = validate_procedure(merged, office_hours=office_sessions_of(conn, None))
    changes = changes_between(current, {**values, "is_sample": False})
    if not changes:
        return {}
    stored = {field: new for field, (_, new) in changes.items()}
    if "documents" in stored:
        stored["documents"] = json.dumps(values["documents"], ensure_ascii=False)
    saved = conn.execute(
        update(procedures)
        .where(procedures.c.id == procedure_id, procedures.c.version == current["version"])
        .values(**stored, version=current["version"] + 1, updated_at=now(), updated_by=actor.username)
    )
    if saved.rowcount != 1:
        raise Conflict("Thủ tục vừa được người khác sửa. Hãy tải lại trang rồi sửa lại.")
    _record_history(conn, actor, procedure_id, changes)
    return changes


def confirm_procedure(conn: Connection, actor: Actor, *, procedure_id: int, expected_version: int | None = None):
    """The admin has checked the sample values against the ward's procedure texts and keeps them as they are."""
    return update_procedure(conn, actor, procedure_id=procedure_id, expected_version=expected_version)


def procedure_history_of(conn: Connection, actor: Actor, *, procedure_id: int) -> list[dict]:
    actor.require(ADMIN)
    get_procedure_by_id(conn, procedure_id)
    query = (
        select(procedure_history)
        .where(procedure_history.c.procedure_id == procedure_id)
        .order_by(procedure_history.c.id.desc())
    )
    return [{**row._mapping, "changes": json.loads(row.changes)} for row in conn.execute(query)]


def _reject_unknown(fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError("Không sửa được trường: " + ", ".join(sorted(unknown)) + ".")


def _record_history(conn: Connection, actor: Actor, procedure_id: int, changes: dict) -> None:
    detail = json.dumps(changes, ensure_ascii=False, default=str)
    conn.execute(
        insert(procedure_history).values(procedure_id=procedure_id, at=now(), username=actor.username, changes=detail)
    )
    audit.record(conn, actor, action="update", entity="procedure", entity_id=procedure_id, fields=sorted(changes))


# --- office sessions --------------------------------------------------------------------------------------------


def office_hours(conn: Connection, actor: Actor, *, unit_id: int | None) -> dict:
    """The weekly sessions in force for a unit (or the city default) and where they come from."""
    _require_calendar_reader(actor, unit_id)
    own = _has_own_sessions(conn, unit_id)
    city = own if unit_id is None else _has_own_sessions(conn, None)
    source = "unit" if unit_id is not None and own else ("city" if city else "sample")
    sessions = office_sessions_of(conn, unit_id)
    return {
        "source": source,
        "sessions": {w: [(format_hhmm(a), format_hhmm(b)) for a, b in items] for w, items in sessions.items()},
    }


def set_office_sessions(conn: Connection, actor: Actor, *, unit_id: int | None, sessions: list[dict]) -> None:
    """Replaces the unit's (or the city default's) weekly sessions: [{weekday, starts, ends}, ...]."""
    _require_calendar_editor(conn, actor, unit_id)
    parsed = parse_sessions(sessions)
    before = office_hours(conn, actor, unit_id=unit_id)["sessions"]
    conn.execute(delete(office_sessions).where(_owner(unit_id)))
    rows = [
        {"unit_id": unit_id, "weekday": w, "starts": format_hhmm(a), "ends": format_hhmm(b)}
        for w, items in sorted(parsed.items())
        for a, b in items
    ]
    conn.execute(insert(office_sessions), rows)
    after = office_hours(conn, actor, unit_id=unit_id)["sessions"]
    audit.record(
        conn,
        actor,
        action="update",
        entity="office_sessions",
        entity_id=unit_id or "city",
        unit_id=unit_id,
        before=before,
        after=after,
    )


def parse_sessions(sessions: list[dict]) -> dict[int, tuple[Session, ...]]:
    """Weekday and HH:MM strings to times; format, order, overlap and emptiness checked."""
    parsed: dict[int, list[Session]] = {}
    for item in sessions:
        weekday = _as_int(item.get("weekday"))
        if weekday is None or weekday not in range(7):
            raise ValidationError("Thứ trong tuần không hợp lệ.")
        parsed.setdefault(weekday, []).append(
            (_session_time(item.get("starts"), weekday), _session_time(item.get("ends"), weekday))
        )
    result = {weekday: tuple(sorted(items)) for weekday, items in parsed.items()}
    validate_sessions(result)
    return result


def _session_time(value, weekday: int) -> time:
    try:
        return parse_hhmm(value)
    except ValidationError as exc:
        raise ValidationError(f"{WEEKDAY_LABELS[weekday]}: {exc.message[0].lower()}{exc.message[1:]}") from exc


def reset_office_sessions(conn: Connection, actor: Actor, *, unit_id: int) -> None:
    """The unit goes back to the city default sessions."""
    _require_calendar_editor(conn, actor, unit_id)
    if unit_id is None:
        raise ValidationError("Giờ mặc định của thành phố không thể bỏ; hãy sửa trực tiếp.")
    conn.execute(delete(office_sessions).where(_owner(unit_id)))
    audit.record(conn, actor, action="reset", entity="office_sessions", entity_id=unit_id, unit_id=unit_id)


def _has_own_sessions(conn: Connection, unit_id: int | None) -> bool:
    return conn.scalar(select(office_sessions.c.id).where(_owner(unit_id)).limit(1)) is not None


def _owner(unit_id: int | None):
    return office_sessions.c.unit_id.is_(None) if unit_id is None else office_sessions.c.unit_id == unit_id


# --- calendar overrides -----------------------------------------------------------------------------------------


def list_calendar_overrides(conn: Connection, actor: Actor, *, unit_id: int | None, year: int | None = None):
    """City-wide overrides, plus the unit's own when a unit is given; oldest day first."""
    _require_calendar_reader(actor, unit_id)
    scope = calendar_overrides.c.unit_id.is_(None)
    if unit_id is not None:
        scope = scope | (calendar_overrides.c.unit_id == unit_id)
    query = select(calendar_overrides).where(scope).order_by(calendar_overrides.c.day, calendar_overrides.c.id)
    if year is not None:
        query = query.where(calendar_overrides.c.day.between(date(year, 1, 1), date(year, 12, 31)))
    return [dict(row._mapping) for row in conn.execute(query)]


def add_calendar_override(
    conn: Connection, actor: Actor, *, unit_id: int | None, day: date, kind: str, note: str
) -> int:
    """A day off or a swapped working day decided locally (city-wide when unit_id is None)."""
    _require_calendar_editor(conn, actor, unit_id)
    kind = _choice(kind, OVERRIDE_KINDS, "Loại ngày không hợp lệ.")
    note = _text(note, "Lý do (số văn bản, sự kiện)", 200, required=True)
    _check_override_day(day)
    if _override_on(conn, unit_id, day):
        raise Conflict(f"Ngày {format_date(day)} đã có điều chỉnh ở phạm vi này; hãy xóa điều chỉnh cũ trước.")
    _check_override_changes_something(conn, unit_id, day, kind)
    new_id = conn.execute(
        insert(calendar_overrides).values(
            unit_id=unit_id, day=day, kind=kind, note=note, created_by=actor.username, created_at=now()
        )
    ).inserted_primary_key[0]
    audit.record(
        conn,
        actor,
        action="create",
        entity="calendar_override",
        entity_id=new_id,
        unit_id=unit_id,
        day=day.isoformat(),
        kind=kind,
        note=note,
    )
    return new_id


def remove_calendar_override(conn: Connection, actor: Actor, *, override_id: int) -> None:
    row = conn.execute(select(calendar_overrides).where(calendar_overrides.c.id == override_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy ngày điều chỉnh (có thể đã bị xóa).")
    _require_calendar_editor(conn, actor, row.unit_id)
    conn.execute(delete(calendar_overrides).where(calendar_overrides.c.id == override_id))
    audit.record(
        conn,
        actor,
        action="delete",
        entity="calendar_override",
        entity_id=override_id,
        unit_id=row.unit_id,
        day=row.day.isoformat(),
        kind=row.kind,
    )


def _check_override_day(day) -> None:
    if not isinstance(day, date):
        raise ValidationError("Ngày không hợp lệ.")
    if abs(day.year - local_today().year) > OVERRIDE_YEARS_AROUND_TODAY:
        raise ValidationError(f"Chỉ điều chỉnh được ngày trong vòng {OVERRIDE_YEARS_AROUND_TODAY} năm quanh năm nay.")


def _override_on(conn: Connection, unit_id: int | None, day: date) -> bool:
    owner = calendar_overrides.c.unit_id.is_(None) if unit_id is None else calendar_overrides.c.unit_id == unit_id
    return conn.scalar(select(calendar_overrides.c.id).where(owner, calendar_overrides.c.day == day)) is not None


def _check_override_changes_something(conn: Connection, unit_id: int | None, day: date, kind: str) -> None:
    working = calendar_for_unit(conn, unit_id).is_working_day(day)
    if kind == "day_off" and not working:
        raise ValidationError(f"Ngày {format_date(day)} đã là ngày nghỉ; không cần thêm.")
    if kind == "working_day" and working:
        raise ValidationError(f"Ngày {format_date(day)} đã là ngày làm việc; không cần thêm.")


# --- national calendar and permissions --------------------------------------------------------------------------


def national_calendar(year: int) -> dict:
    """Public holidays (with days off in lieu) and the Saturdays the government made working days."""
    return {
        "holidays": list(public_holiday_names(year).items()),
        "working_weekends": sorted(government_working_weekends(year)),
    }


def _require_calendar_reader(actor: Actor, unit_id: int | None) -> None:
    actor.require(ADMIN, CITY_LEADER, LEADER)
    if unit_id is not None and not actor.can_read_unit(unit_id):
        raise PermissionDenied("Bạn chỉ xem được lịch làm việc của đơn vị mình.")


def _require_calendar_editor(conn: Connection, actor: Actor, unit_id: int | None) -> None:
    """Admin: the city default and any unit; a ward leader: only the own unit."""
    allowed = actor.has(ADMIN) or (actor.has(LEADER) and unit_id is not None and unit_id == actor.unit_id)
    if not allowed:
        raise PermissionDenied("Chỉ quản trị viên hoặc lãnh đạo của chính đơn vị được sửa lịch làm việc của đơn vị.")
    if unit_id is not None:
        get_unit(conn, unit_id)
