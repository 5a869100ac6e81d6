"""Queue rules as pure functions: who is called next, the daily reset, the wait estimate, input checks.

Nothing here reads the database or the clock; the services pass the values in.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.core.clock import LOCAL_TZ
from services.core.errors import ValidationError
from services.core.working_time import WEEKDAY_LABELS, WorkingCalendar

DEFAULT_SERVICE_SECONDS = 5 * 60
RECENT_SERVICES_FOR_ETA = 20
PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
GROUP_LETTER = re.compile(r"^[A-Z]$")


@dataclass(frozen=True)
class Waiting:
    """A ticket in line, as much as the calling rule needs to know."""

    id: int
    queued_at: datetime
    priority: bool


def call_order_key(ticket: Waiting, at: datetime, fairness_minutes: int) -> tuple[int, datetime, int]:
    """Priority tickets go first; an ordinary ticket that has waited past the limit joins them by its own
    place in line, so it beats every priority ticket issued after it."""
    overdue = at - ticket.queued_at >= timedelta(minutes=fairness_minutes)
    return (0 if ticket.priority or overdue else 1, ticket.queued_at, ticket.id)


def pick_next(waiting: list[Waiting], at: datetime, fairness_minutes: int) -> Waiting | None:
    if not waiting:
        return None
    return min(waiting, key=lambda ticket: call_order_key(ticket, at, fairness_minutes))


def in_call_order(waiting: list[Waiting], at: datetime, fairness_minutes: int) -> list[Waiting]:
    return sorted(waiting, key=lambda ticket: call_order_key(ticket, at, fairness_minutes))


def people_ahead(waiting: list[Waiting], ticket_id: int, at: datetime, fairness_minutes: int) -> int:
    ordered = [ticket.id for ticket in in_call_order(waiting, at, fairness_minutes)]
    return ordered.index(ticket_id) if ticket_id in ordered else 0


def service_day(moment: datetime) -> date:
    """Numbers restart every day: the day is the local (Asia/Ho_Chi_Minh) date, not the UTC one."""
    return moment.astimezone(LOCAL_TZ).date()


def ticket_code(letter: str, number: int) -> str:
    return f"{letter}{number:03d}"


def spoken_call(code: str, counter_number: int) -> str:
    """What the hall display says: digits without leading zeros read naturally ("A 15", not "A không một năm")."""
    letter, digits = code[:1], code[1:].lstrip("0") or "0"
    return f"Mời số {letter} {digits} đến quầy {counter_number}"


def estimate_wait_seconds(ahead: int, recent_service_seconds: list[int], counters: int) -> int:
    """People ahead × a typical service time, shared by the counters serving the group."""
    if ahead <= 0:
        return 0
    recent = [s for s in recent_service_seconds[:RECENT_SERVICES_FOR_ETA] if s > 0]
    typical = statistics.median(recent) if recent else DEFAULT_SERVICE_SECONDS
    return round(ahead * typical / max(counters, 1))


def normalize_phone(raw: str) -> str:
    """'' when left empty; otherwise a Vietnamese number of 10 digits starting with 0 (+84 accepted)."""
    value = PHONE_SEPARATORS.sub("", raw or "")
    if not value:
        return ""
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) == 11:
        value = "0" + value[2:]
    if not value.isdigit():
        raise ValidationError("Số điện thoại chỉ được gồm chữ số (ví dụ 0905123456).")
    if len(value) != 10 or not value.startswith("0"):
        raise ValidationError("Số điện thoại phải có 10 chữ số và bắt đầu bằng 0 (ví dụ 0905123456).")
    return value


def normalize_letter(raw: str) -> str:
    letter = (raw or "").strip().upper()
    if not GROUP_LETTER.match(letter):
        raise ValidationError("Ký hiệu nhóm phải là một chữ cái in hoa không dấu (A, B, C …).")
    return letter


def is_issuing_open(calendar: WorkingCalendar, at: datetime) -> bool:
    local = at.astimezone(LOCAL_TZ)
    return any(start <= local < end for start, end in calendar.sessions_on(local.date()))


def next_opening(calendar: WorkingCalendar, at: datetime) -> datetime | None:
    local = at.astimezone(LOCAL_TZ)
    for offset in range(15):
        for start, _ in calendar.sessions_on(local.date() + timedelta(days=offset)):
            if start > local:
                return start
    return None


def closed_message(calendar: WorkingCalendar, at: datetime) -> str:
    opening = next_opening(calendar, at)
    if opening is None:
        return "Hiện ngoài giờ cấp số thứ tự."
    weekday = WEEKDAY_LABELS[opening.weekday()]
    when = f"{opening:%H:%M} {weekday}, {opening:%d/%m/%Y}"
    return f"Hiện ngoài giờ cấp số thứ tự. Trung tâm cấp số trở lại lúc {when}."


def p90(values: list[float]) -> float | None:
    """The nearest-rank 90th percentile, as the SQL of the statistics computes it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[(9 * len(ordered) + 9) // 10 - 1]
