"""The queue rules as pure functions: calling order, fairness limit, daily reset, wait estimate, input checks."""

from datetime import UTC, datetime, time, timedelta

import pytest

from services.core.clock import LOCAL_TZ
from services.core.errors import ValidationError
from services.core.working_time import WorkingCalendar
from services.queue.rules import (
    Waiting,
    estimate_wait_seconds,
    is_issuing_open,
    normalize_letter,
    normalize_phone,
    p90,
    people_ahead,
    pick_next,
    service_day,
    spoken_call,
    ticket_code,
)

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=LOCAL_TZ)
LIMIT = 20


def ticket(id_: int, minutes: int, priority: bool = False) -> Waiting:
    return Waiting(id_, T0 + timedelta(minutes=minutes), priority)


def test_nobody_waiting_means_nobody_is_called():
    assert pick_next([], T0, LIMIT) is None


def test_ordinary_tickets_are_called_first_come_first_served():
    assert pick_next([ticket(2, 3), ticket(1, 1)], T0 + timedelta(minutes=5), LIMIT).id == 1


def test_a_priority_ticket_goes_before_ordinary_ones_that_have_not_waited_too_long():
    line = [ticket(1, 0), ticket(2, 5, priority=True)]
    assert pick_next(line, T0 + timedelta(minutes=10), LIMIT).id == 2


def test_an_ordinary_ticket_waiting_past_the_limit_beats_newer_priority_tickets():
    line = [ticket(1, 0), ticket(2, 5, priority=True)]
    assert pick_next(line, T0 + timedelta(minutes=LIMIT), LIMIT).id == 1


def test_an_overdue_ordinary_ticket_still_waits_for_older_priority_tickets():
    line = [ticket(1, 2), ticket(2, 0, priority=True)]
    assert pick_next(line, T0 + timedelta(minutes=30), LIMIT).id == 2


def test_priority_tickets_among_themselves_are_first_come_first_served():
    line = [ticket(1, 4, priority=True), ticket(2, 1, priority=True)]
    assert pick_next(line, T0 + timedelta(minutes=5), LIMIT).id == 2


def test_people_ahead_follow_the_calling_order():
    line = [ticket(1, 0), ticket(2, 1), ticket(3, 2, priority=True)]
    at = T0 + timedelta(minutes=3)
    assert [people_ahead(line, i, at, LIMIT) for i in (1, 2, 3)] == [1, 2, 0]


@pytest.mark.parametrize(
    "moment, day",
    [
        (datetime(2026, 3, 10, 23, 59, tzinfo=LOCAL_TZ), "2026-03-10"),
        (datetime(2026, 3, 10, 17, 0, tzinfo=UTC), "2026-03-11"),  # 00:00 in Đà Nẵng
        (datetime(2026, 3, 10, 16, 59, tzinfo=UTC), "2026-03-10"),  # 23:59 in Đà Nẵng
    ],
)
def test_numbers_restart_at_local_midnight_not_utc_midnight(moment, day):
    assert service_day(moment).isoformat() == day


def test_ticket_codes_have_a_letter_and_three_digits():
    assert [ticket_code("A", 15), ticket_code("B", 1), ticket_code("C", 1234)] == ["A015", "B001", "C1234"]


def test_the_display_speaks_the_number_naturally():
    assert spoken_call("A015", 3) == "Mời số A 15 đến quầy 3"


@pytest.mark.parametrize(
    "ahead, recent, counters, expected",
    [
        (0, [600], 1, 0),
        (3, [], 1, 900),  # no history: five minutes each
        (4, [120, 180, 900], 2, 360),  # the median resists one long case
        (2, [300], 0, 600),
    ],
)
def test_the_wait_estimate(ahead, recent, counters, expected):
    assert estimate_wait_seconds(ahead, recent, counters) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("", ""), ("0905 123 456", "0905123456"), ("+84905123456", "0905123456"), ("0905.123.456", "0905123456")],
)
def test_phone_numbers_are_normalized(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["09051234567", "905123456", "1905123456"])
def test_phone_numbers_of_the_wrong_length_are_refused(raw):
    with pytest.raises(ValidationError, match="10 chữ số"):
        normalize_phone(raw)


def test_group_letters_are_one_plain_capital():
    assert normalize_letter(" b ") == "B"
    with pytest.raises(ValidationError):
        normalize_letter("Đ")


def test_issuing_is_open_only_inside_a_session():
    calendar = WorkingCalendar(sessions={1: ((time(7, 30), time(11, 0)),)})
    assert is_issuing_open(calendar, datetime(2026, 3, 10, 7, 30, tzinfo=LOCAL_TZ))
    assert not is_issuing_open(calendar, datetime(2026, 3, 10, 11, 0, tzinfo=LOCAL_TZ))


def test_the_90th_percentile_is_the_nearest_rank():
    assert p90([]) is None
    assert p90([5]) == 5
    assert p90(list(range(1, 11))) == 9
    assert p90(list(range(1, 12))) == 10
