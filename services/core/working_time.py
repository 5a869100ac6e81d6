"""Working-time arithmetic for legal deadlines: office sessions, public holidays, swapped days, the 15:00 rule.

Pure functions over a WorkingCalendar value; nothing here reads the database or the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise

import holidays

from services.core.clock import LOCAL_TZ
from services.core.errors import ValidationError

HOURS_PER_WORKING_DAY = 8
NEAR_DUE_SECONDS = 24 * 3600
MAX_SEARCH_DAYS = 3 * 366
DEADLINE_KINDS = {
    "same_day": "Trong ngày",
    "working_days": "Ngày làm việc",
    "working_hours": "Giờ làm việc",
    "calendar_days": "Ngày (lịch)",
}
HHMM = re.compile(r"(\d{1,2}):(\d{2})")
WEEKDAY_LABELS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]

Session = tuple[time, time]

SAMPLE_SESSIONS: dict[int, tuple[Session, ...]] = {
    weekday: ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))) for weekday in range(5)
}


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


@lru_cache(maxsize=16)
def public_holiday_names(year: int) -> dict[date, str]:
    """Vietnam's public holidays of the year with their Vietnamese names, days off in lieu included."""
    return dict(sorted(holidays.country_holidays("VN", years=year, language="vi").items()))


@lru_cache(maxsize=64)
def government_working_weekends(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("VN", years=year)
    return frozenset(d for d in calendar.weekend_workdays if d.year == year)


@dataclass(frozen=True)
class WorkingCalendar:
    """Office sessions by weekday (0 = Monday) plus local overrides of the national calendar."""

    sessions: dict[int, tuple[Session, ...]] = field(default_factory=lambda: dict(SAMPLE_SESSIONS))
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    def __post_init__(self):
        validate_sessions(self.sessions)

    def is_working_day(self, day: date) -> bool:
        return bool(self._sessions_of(day))

    def is_swapped_working_day(self, day: date) -> bool:
        """A day made a working day by the government (làm bù) or by a local override."""
        return day not in self.extra_days_off and (
            day in self.extra_working_days or day in government_working_weekends(day.year)
        )

    def _sessions_of(self, day: date) -> tuple[Session, ...]:
        if day in self.extra_days_off:
            return ()
        if self.is_swapped_working_day(day):
            return self._swapped_day_sessions(day)
        if day in public_holidays(day.year):
            return ()
        return self.sessions.get(day.weekday(), ())

    def _swapped_day_sessions(self, day: date) -> tuple[Session, ...]:
        """A swapped working day works full weekday hours, even on a Saturday that is open only in the morning."""
        if day.weekday() < 5 and self.sessions.get(day.weekday()):
            return self.sessions[day.weekday()]
        return next((self.sessions[w] for w in range(5) if self.sessions.get(w)), ()) or next(
            (s for s in self.sessions.values() if s), ()
        )

    def sessions_on(self, day: date) -> list[tuple[datetime, datetime]]:
        return [(_at(day, start), _at(day, end)) for start, end in sorted(self._sessions_of(day))]

    def close_of(self, day: date) -> datetime:
        return self.sessions_on(day)[-1][1]

    def next_working_day(self, day: date) -> date:
        for candidate in _days_from(day + timedelta(days=1)):
            if self.is_working_day(candidate):
                return candidate
        raise ValidationError("Lịch làm việc không có ngày làm việc nào trong ba năm tới.")

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add(self, start: datetime, seconds: float) -> datetime:
        """The earliest moment by which `seconds` of office time have elapsed since `start`."""
        start = _local(start)
        remaining = timedelta(seconds=seconds)
        if remaining <= timedelta(0):
            return start
        for seg_start, seg_end in self._segments_from(start):
            if remaining <= seg_end - seg_start:
                return seg_start + remaining
            remaining -= seg_end - seg_start
        raise ValidationError("Thời hạn vượt quá ba năm làm việc; kiểm tra lại cấu hình.")

    def between(self, start: datetime, end: datetime) -> float:
        """Office seconds from start to end; negative when end is before start."""
        start, end = _local(start), _local(end)
        if end < start:
            return -self.between(end, start)
        total = timedelta(0)
        for seg_start, seg_end in self._segments_from(start):
            if seg_start >= end:
                break
            total += min(seg_end, end) - seg_start
        return total.total_seconds()

    def _segments_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        start = _local(start)
        for day in _days_from(start.date()):
            for seg_start, seg_end in self.sessions_on(day):
                if seg_end > start:
                    yield max(seg_start, start), seg_end


def _days_from(day: date) -> Iterator[date]:
    for offset in range(MAX_SEARCH_DAYS):
        yield day + timedelta(days=offset)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LOCAL_TZ)


def _local(moment: datetime) -> datetime:
    """Office hours are local: a naive time is read as Vietnam time, never as the server's zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(LOCAL_TZ)


def validate_sessions(sessions: dict[int, tuple[Session, ...]]) -> None:
    if not any(sessions.values()):
        raise ValidationError("Phải có ít nhất một buổi làm việc trong tuần.")
    for weekday, day_sessions in sessions.items():
        if weekday not in range(7):
            raise ValidationError("Thứ trong tuần không hợp lệ.")
        ordered = sorted(day_sessions)
        for start, end in ordered:
            if start >= end:
                raise ValidationError(f"{WEEKDAY_LABELS[weekday]}: giờ kết thúc phải sau giờ bắt đầu.")
        for (_, end), (next_start, _) in pairwise(ordered):
            if next_start < end:
                raise ValidationError(f"{WEEKDAY_LABELS[weekday]}: các buổi làm việc bị chồng lên nhau.")


@dataclass(frozen=True)
class Deadline:
    kind: str
    amount: int
    cutoff: time | None = None

    def __post_init__(self):
        if self.kind not in DEADLINE_KINDS:
            raise ValidationError("Loại thời hạn không hợp lệ.")
        if self.kind != "same_day" and (not isinstance(self.amount, int) or self.amount <= 0):
            raise ValidationError("Thời hạn giải quyết phải là số nguyên lớn hơn 0.")


def describe_deadline(kind: str, amount: int | None, cutoff: str | None = None) -> str:
    """The deadline as staff read it: "Trong ngày (nhận sau 15:00: ngày làm việc tiếp theo)", "5 ngày làm việc"."""
    if kind == "same_day":
        return f"Trong ngày (nhận sau {cutoff}: ngày làm việc tiếp theo)" if cutoff else "Trong ngày"
    return f"{amount} {DEADLINE_KINDS.get(kind, kind).lower()}"


def due_at(calendar: WorkingCalendar, deadline: Deadline, received_at: datetime) -> datetime:
    received = _local(received_at)
    if deadline.kind == "same_day":
        return _same_day_due(calendar, received, deadline.cutoff)
    if deadline.kind == "working_days":
        return calendar.add(received, deadline.amount * HOURS_PER_WORKING_DAY * 3600)
    if deadline.kind == "working_hours":
        return calendar.add(received, deadline.amount * 3600)
    target = calendar.working_day_on_or_after(received.date() + timedelta(days=deadline.amount))
    return calendar.close_of(target)


def _same_day_due(calendar: WorkingCalendar, received: datetime, cutoff: time | None) -> datetime:
    """Due at today's close; after the cutoff (15:00 itself is not after), at or after close, or on a day off:
    the next working day's close. Compared by the minute, as printed on the receipt."""
    day = received.date()
    if calendar.is_working_day(day):
        close = calendar.close_of(day)
        minute = received.time().replace(second=0, microsecond=0)
        after_cutoff = cutoff is not None and minute > cutoff
        if received < close and not after_cutoff:
            return close
    return calendar.close_of(calendar.next_working_day(day))


def extend_by_pause(calendar: WorkingCalendar, due: datetime, paused_from: datetime, resumed_at: datetime) -> datetime:
    """A supplement request stops the clock: the appointment moves later by the office time it was paused."""
    return calendar.add(due, calendar.between(paused_from, resumed_at))


def remaining_seconds(calendar: WorkingCalendar, due: datetime, at: datetime) -> float:
    return calendar.between(at, due)


def is_overdue(due: datetime, at: datetime) -> bool:
    return at > due


def is_near_due(calendar: WorkingCalendar, due: datetime, at: datetime) -> bool:
    return not is_overdue(due, at) and remaining_seconds(calendar, due, at) <= NEAR_DUE_SECONDS


def parse_hhmm(value: str) -> time:
    match = HHMM.fullmatch((value or "").strip()) if isinstance(value, str) else None
    try:
        return time(int(match[1]), int(match[2]))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"Giờ '{value}' không hợp lệ (định dạng HH:MM, ví dụ 07:30).") from exc


def format_hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")
