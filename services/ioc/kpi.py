"""Service KPIs of the operations center (DOMAIN.md §6, Decision 766), computed by grouping in the database.

A unit's dossiers are those it processes (the receiving unit until a dossier is dispatched). A period is a range of
local dates, both ends included; "now" figures (in progress, overdue, near-due) are taken at the end of the period,
or at the present moment while the period is still running.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, and_, case, exists, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from db.schema import (
    calendar_overrides,
    departments,
    dossier_files,
    dossiers,
    office_sessions,
    procedures,
    units,
    users,
)
from db.tables.ioc import KPI_UNIT
from services.catalog.procedures import calendar_for_unit
from services.core.clock import LOCAL_TZ, now
from services.core.errors import PermissionDenied, ValidationError
from services.core.roles import ADMIN, CITY_LEADER, LEADER, Actor
from services.core.working_time import NEAR_DUE_SECONDS, WorkingCalendar, is_near_due

d = dossiers.c
PROCESSING_STATUSES = ("awaiting_dispatch", "received", "assigned", "in_progress", "supplement_requested")
MAX_PERIOD_DAYS = 731
ONLINE_CHANNEL = 2
DIGITIZATION_FULL_POINTS_AT = 0.8
ONLINE_FULL_POINTS_AT = 0.5
SATISFACTION_FULL_POINTS_AT = 0.9
COUNT_NAMES = (
    "received",
    "online",
    "vneid",
    "returned",
    "finished",
    "in_progress",
    "overdue",
    "late",
    "digitized",
    "not_satisfied",
)

UNIT_NOTE = " Hồ sơ tính cho đơn vị giải quyết (đơn vị tiếp nhận khi hồ sơ chưa được điều phối)."
DEFINITIONS: dict[str, tuple[str, str]] = {
    "received": ("Tiếp nhận", "Số hồ sơ có thời điểm tiếp nhận trong kỳ." + UNIT_NOTE),
    "returned": ("Đã trả kết quả", "Số hồ sơ đã trả kết quả cho công dân trong kỳ (theo thời điểm trả)."),
    "in_progress": (
        "Đang giải quyết",
        "Số hồ sơ đã tiếp nhận nhưng chưa có kết quả hoặc quyết định từ chối tại cuối kỳ (hoặc tại thời điểm "
        "hiện tại nếu kỳ chưa kết thúc); không tính hồ sơ công dân đã rút.",
    ),
    "overdue": (
        "Quá hạn",
        "Số hồ sơ đang giải quyết mà thời hạn hẹn trả đã qua; hồ sơ đang tạm dừng chờ công dân bổ sung "
        "không tính (đồng hồ đang dừng).",
    ),
    "near_due": (
        "Sắp đến hạn (24 giờ làm việc)",
        "Số hồ sơ đang giải quyết, chưa quá hạn, còn không quá 24 giờ làm việc đến thời hạn hẹn trả, tính theo "
        "lịch làm việc của đơn vị (giờ hành chính, ngày nghỉ, lễ). Hồ sơ đang chờ bổ sung không tính.",
    ),
    "on_time_rate": (
        "Tỷ lệ đúng hạn",
        "Hồ sơ giải quyết trong kỳ (có kết quả hoặc từ chối trong kỳ) cộng hồ sơ đang giải quyết cuối kỳ, trừ "
        "hồ sơ trễ hạn, chia cho tổng số đó. Trễ hạn: có kết quả sau thời hạn hẹn trả, hoặc đang giải quyết đã "
        "quá hạn, hoặc bị yêu cầu bổ sung từ lần thứ hai, hoặc đã có phiếu xin lỗi hẹn lại (QĐ 766/QĐ-TTg).",
    ),
    "avg_processing_hours": (
        "Thời gian giải quyết trung bình",
        "Trung bình của (thời điểm có kết quả − thời điểm tiếp nhận − thời gian tạm dừng chờ công dân bổ "
        "sung) của các hồ sơ có kết quả trong kỳ, tính bằng giờ đồng hồ.",
    ),
    "digitization_rate": (
        "Tỷ lệ số hóa",
        "Hồ sơ có kết quả trong kỳ đã được quét (số hóa) thành phần hồ sơ đầu vào VÀ có kết quả điện tử, chia "
        "cho số hồ sơ có kết quả trong kỳ. Đạt điểm tối đa khi ≥ 80 %.",
    ),
    "online_rate": (
        "Tỷ lệ trực tuyến",
        "Hồ sơ nộp trực tuyến (kênh 2) chia cho số hồ sơ tiếp nhận trong kỳ. Đạt điểm tối đa khi ≥ 50 %.",
    ),
    "vneid": (
        "Hỗ trợ VNeID",
        "Số hồ sơ tiếp nhận trong kỳ có hỗ trợ công dân tạo hoặc kích hoạt tài khoản định danh điện tử VNeID.",
    ),
    "satisfaction": (
        "Mức độ hài lòng",
        "100 % − tỷ lệ trễ hạn (như ở Tỷ lệ đúng hạn) − tỷ lệ hồ sơ có kết quả trong kỳ bị công dân đánh giá "
        "“không hài lòng”. Đạt điểm tối đa khi ≥ 90 %.",
    ),
    "score": (
        "Điểm ước tính",
        "Điểm theo QĐ 766/QĐ-TTg cho 82/100 điểm tính được từ hệ thống: tiến độ 20 × tỷ lệ đúng hạn; số hóa "
        "22 × min(tỷ lệ số hóa / 80 %, 1); trực tuyến 22 × min(tỷ lệ trực tuyến / 50 %, 1); hài lòng 18 × "
        "min(mức hài lòng / 90 %, 1). Nhóm công khai, minh bạch (18 điểm) không tính.",
    ),
}


@dataclass(frozen=True)
class Window:
    """The period in UTC instants, and the moment the "now" figures are taken at."""

    start: date
    end: date
    start_at: datetime
    end_at: datetime
    asof: datetime


def window(start: date, end: date, at: datetime | None = None) -> Window:
    if end < start:
        raise ValidationError("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ValidationError("Kỳ báo cáo dài tối đa hai năm.")
    start_at = datetime.combine(start, time(0), tzinfo=LOCAL_TZ)
    end_at = datetime.combine(end + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)
    return Window(start, end, start_at, end_at, min(end_at, at or now()))


def require_scope(actor: Actor, unit_id: int | None) -> None:
    """Leaders read their own unit; city leaders and admins any unit or the whole city (unit_id None)."""
    actor.require(LEADER, CITY_LEADER, ADMIN)
    if unit_id is None and not actor.city_wide:
        raise PermissionDenied("Chỉ lãnh đạo thành phố và quản trị xem được số liệu toàn thành phố.")
    if unit_id is not None:
        actor.require_unit(unit_id)


# --- conditions -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cohorts:
    received: ColumnElement
    finished: ColumnElement
    returned: ColumnElement
    open_unfinished: ColumnElement  # no result yet
    open_finished_later: ColumnElement  # had no result yet at the end of a past period
    overdue: ColumnElement
    late_finished: ColumnElement
    late_open: ColumnElement

    @property
    def open(self) -> ColumnElement:
        return or_(self.open_unfinished, self.open_finished_later)

    @property
    def any(self) -> ColumnElement:
        return or_(self.received, self.finished, self.returned, self.open_unfinished, self.open_finished_later)


def cohorts(w: Window) -> Cohorts:
    counted_late = or_(d.supplement_count > 1, d.apology_count > 0)
    overdue = and_(d.due_at < w.asof, d.paused_at.is_(None))
    return Cohorts(
        received=and_(d.received_at >= w.start_at, d.received_at < w.end_at),
        finished=and_(d.finished_at >= w.start_at, d.finished_at < w.end_at, d.status != "withdrawn"),
        returned=and_(d.returned_at >= w.start_at, d.returned_at < w.end_at),
        open_unfinished=and_(d.finished_at.is_(None), d.status.in_(PROCESSING_STATUSES), d.received_at < w.asof),
        open_finished_later=and_(d.finished_at >= w.asof, d.received_at < w.asof, d.status != "withdrawn"),
        overdue=overdue,
        late_finished=or_(func.coalesce(d.is_late, d.finished_at > d.due_at), counted_late),
        late_open=or_(overdue, counted_late),
    )


def scope_condition(unit_id: int | None) -> ColumnElement:
    return literal(True) if unit_id is None else KPI_UNIT == unit_id


def count(condition: ColumnElement) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))


def seconds_between(conn: Connection, start: ColumnElement, end: ColumnElement) -> ColumnElement:
    if conn.dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400


def _local_day(conn: Connection, column: ColumnElement) -> ColumnElement:
    if conn.dialect.name == "postgresql":
        return func.date(func.timezone(str(LOCAL_TZ), column))
    return func.date(column, "+7 hours")  # SQLite stores naive UTC; Vietnam has kept UTC+7 with no DST since 1975


def measures(conn: Connection, c: Cohorts) -> list[ColumnElement]:
    has_scan = exists().where(dossier_files.c.dossier_id == d.id, dossier_files.c.kind == "scan")
    digitized = case((and_(c.finished, d.result_electronic.is_(True)), case((has_scan, 1), else_=0)), else_=0)
    processing = seconds_between(conn, d.received_at, d.finished_at) - d.paused_seconds
    return [
        count(c.received).label("received"),
        count(and_(c.received, d.channel == ONLINE_CHANNEL)).label("online"),
        count(and_(c.received, d.vneid_support != "none")).label("vneid"),
        count(c.returned).label("returned"),
        count(c.finished).label("finished"),
        count(c.open).label("in_progress"),
        count(and_(c.open, c.overdue)).label("overdue"),
        count(or_(and_(c.finished, c.late_finished), and_(c.open, c.late_open))).label("late"),
        func.sum(digitized).label("digitized"),
        count(and_(c.finished, d.rating == "not_satisfied")).label("not_satisfied"),
        func.sum(case((c.finished, processing), else_=0)).label("processing_seconds"),
    ]


# --- derived figures (pure) --------------------------------------------------------------------------------------


def ratio(part: float, whole: float) -> float | None:
    return None if not whole else part / whole


def derive(counts: dict) -> dict:
    """Rates from the grouped counts; None where the denominator is zero (shown as "—", never as 0 %)."""
    counts = {name: int(counts.get(name) or 0) for name in COUNT_NAMES} | {
        "processing_seconds": float(counts.get("processing_seconds") or 0)
    }
    processed = counts["finished"] + counts["in_progress"]
    late_rate = ratio(counts["late"], processed)
    dislike_rate = ratio(counts["not_satisfied"], counts["finished"]) or 0.0
    hours = ratio(counts["processing_seconds"], counts["finished"])
    figures = {
        **counts,
        "processed": processed,
        "on_time_rate": None if late_rate is None else 1 - late_rate,
        "avg_processing_hours": None if hours is None else hours / 3600,
        "digitization_rate": ratio(counts["digitized"], counts["finished"]),
        "online_rate": ratio(counts["online"], counts["received"]),
        "satisfaction": None if late_rate is None else max(0.0, 1 - late_rate - dislike_rate),
    }
    figures["score"] = score(figures)
    return figures


def score(figures: dict) -> float | None:
    if figures["on_time_rate"] is None:
        return None
    return (
        20 * figures["on_time_rate"]
        + 22 * _capped(figures["digitization_rate"], DIGITIZATION_FULL_POINTS_AT)
        + 22 * _capped(figures["online_rate"], ONLINE_FULL_POINTS_AT)
        + 18 * _capped(figures["satisfaction"], SATISFACTION_FULL_POINTS_AT)
    )


def _capped(rate: float | None, full_at: float) -> float:
    return 0.0 if rate is None else min(rate / full_at, 1.0)


# --- near-due: a SQL pre-filter on due_at, then the exact working-time check ------------------------------------


@dataclass(frozen=True)
class Calendars:
    """The working calendar of each unit: its own when it has sessions or overrides, else the city default."""

    default: WorkingCalendar
    own: dict[int, WorkingCalendar]

    def of(self, unit_id: int) -> WorkingCalendar:
        return self.own.get(unit_id, self.default)

    def near_due_bound(self, at: datetime) -> datetime:
        """Whatever the unit, a dossier due after this moment has more than 24 working hours left (one working second
        more than 24 hours, because every moment from a session's end to the next session's start is as far away)."""
        return max(calendar.add(at, NEAR_DUE_SECONDS + 1) for calendar in (self.default, *self.own.values()))


def load_calendars(conn: Connection, unit_id: int | None) -> Calendars:
    if unit_id is not None:
        return Calendars(calendar_for_unit(conn, unit_id), {})
    configured = set(conn.scalars(select(office_sessions.c.unit_id).where(office_sessions.c.unit_id.is_not(None))))
    configured |= set(
        conn.scalars(select(calendar_overrides.c.unit_id).where(calendar_overrides.c.unit_id.is_not(None)))
    )
    return Calendars(calendar_for_unit(conn, None), {unit: calendar_for_unit(conn, unit) for unit in configured})


def near_due_count(conn: Connection, unit_id: int | None, w: Window) -> int:
    calendars = load_calendars(conn, unit_id)
    c = cohorts(w)
    rows = conn.execute(
        select(KPI_UNIT.label("unit_id"), d.due_at).where(
            scope_condition(unit_id),
            c.open,
            d.paused_at.is_(None),
            d.due_at >= w.asof,
            d.due_at <= calendars.near_due_bound(w.asof),
        )
    )
    return sum(1 for row in rows if is_near_due(calendars.of(row.unit_id), row.due_at, w.asof))


# --- the KPI services -------------------------------------------------------------------------------------------


def summary(
    conn: Connection, actor: Actor, *, unit_id: int | None, start: date, end: date, at: datetime | None = None
) -> dict:
    require_scope(actor, unit_id)
    w = window(start, end, at)
    c = cohorts(w)
    row = conn.execute(select(*measures(conn, c)).where(scope_condition(unit_id), c.any)).one()
    return {**derive(dict(row._mapping)), "near_due": near_due_count(conn, unit_id, w), "asof": w.asof}


def by_day(
    conn: Connection, actor: Actor, *, unit_id: int | None, start: date, end: date, at: datetime | None = None
) -> list[dict]:
    """Per local day: dossiers received, returned, and given a result (of which late)."""
    require_scope(actor, unit_id)
    w = window(start, end, at)
    c = cohorts(w)
    days = {w.start + timedelta(days=i): _empty_day() for i in range((w.end - w.start).days + 1)}
    for column, condition, extra in (
        (d.received_at, c.received, {"received": func.count()}),
        (d.returned_at, c.returned, {"returned": func.count()}),
        (d.finished_at, c.finished, {"finished": func.count(), "finished_late": count(c.late_finished)}),
    ):
        day = _local_day(conn, column).label("day")
        query = select(day, *(v.label(k) for k, v in extra.items())).where(scope_condition(unit_id), condition)
        for row in conn.execute(query.group_by(day)):
            days[_as_date(row.day)].update({k: int(row._mapping[k] or 0) for k in extra})
    return [{"day": day, **values} for day, values in sorted(days.items())]


def _empty_day() -> dict:
    return {"received": 0, "returned": 0, "finished": 0, "finished_late": 0}


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


BREAKDOWNS = {
    "procedure": ("Thủ tục", procedures.c.id, procedures.c.name, ""),
    "department": ("Phòng chuyên môn", departments.c.id, departments.c.name, "Chưa chuyển phòng chuyên môn"),
    "officer": ("Cán bộ xử lý", users.c.id, users.c.full_name, "Chưa phân công"),
}


def breakdown(
    conn: Connection,
    actor: Actor,
    *,
    unit_id: int | None,
    start: date,
    end: date,
    by: str,
    at: datetime | None = None,
) -> list[dict]:
    """The same figures grouped by procedure, department or officer (assignee), largest first."""
    require_scope(actor, unit_id)
    if by not in BREAKDOWNS:
        raise ValidationError("Cách nhóm số liệu không hợp lệ.")
    _, key, name, missing = BREAKDOWNS[by]
    c = cohorts(window(start, end, at))
    source = (
        dossiers.join(procedures, procedures.c.id == d.procedure_id)
        .outerjoin(departments, departments.c.id == d.department_id)
        .outerjoin(users, users.c.id == d.assignee_id)
    )
    query = (
        select(key.label("key"), name.label("name"), *measures(conn, c))
        .select_from(source)
        .where(scope_condition(unit_id), c.any)
        .group_by(key, name)
    )
    rows = [{**derive(_counts(row)), "key": row.key, "name": row.name or missing} for row in conn.execute(query)]
    return sorted(rows, key=lambda r: (-r["received"], -r["processed"], r["name"]))


def _counts(row) -> dict:
    return {k: v for k, v in row._mapping.items() if k not in ("key", "name", "unit_id")}


def ranking(conn: Connection, actor: Actor, *, start: date, end: date, at: datetime | None = None) -> list[dict]:
    """The 94 units ranked by the estimated Decision 766 score; units without dossiers come last."""
    actor.require(CITY_LEADER, ADMIN)
    c = cohorts(window(start, end, at))
    query = select(KPI_UNIT.label("unit_id"), *measures(conn, c)).where(c.any).group_by(KPI_UNIT)
    figures = {row.unit_id: derive(_counts(row)) for row in conn.execute(query)}
    empty = derive({})
    rows = [
        {"unit_id": u.id, "unit": u.name, **figures.get(u.id, empty)}
        for u in conn.execute(select(units.c.id, units.c.name).where(units.c.active.is_(True)))
    ]
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), -r["processed"], r["unit"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["score"] is not None else None
    return rows


def dashboard(
    conn: Connection, actor: Actor, *, unit_id: int | None, start: date, end: date, at: datetime | None = None
) -> dict:
    """Everything the IOC's KPI tabs show for one unit (or the city) and period; the ranking for city roles only."""
    scope = dict(unit_id=unit_id, start=start, end=end, at=at)
    return {
        "summary": summary(conn, actor, **scope),
        "by_day": by_day(conn, actor, **scope),
        **{f"by_{key}": breakdown(conn, actor, by=key, **scope) for key in BREAKDOWNS},
        "ranking": ranking(conn, actor, start=start, end=end, at=at) if actor.city_wide else None,
    }
