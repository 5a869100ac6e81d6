"""The queue rules as pure functions: calling order, fairness limit, daily reset, wait estimate, input checks."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from services.core.clock import LOCAL_TZ
from services.core.errors import ValidationError
from services.core.working_time import WorkingCalendar
from services.queue.rules import (
    Waiting,
    closed_message,
    estimate_wait_seconds,
    is_issuing_open,
    next_opening,
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


# Limits written out, checked at the edge and one past it.


def test_an_ordinary_ticket_joins_the_priority_line_at_exactly_the_fairness_limit_not_a_minute_before():
    ordinary, priority = ticket(1, 0), ticket(2, 5, priority=True)
    assert pick_next([priority, ordinary], T0 + timedelta(minutes=LIMIT) - timedelta(seconds=1), LIMIT).id == 2
    assert pick_next([priority, ordinary], T0 + timedelta(minutes=LIMIT), LIMIT).id == 1


def test_equal_times_are_broken_by_the_ticket_number():
    assert pick_next([ticket(7, 0), ticket(3, 0)], T0, LIMIT).id == 3


def test_a_ticket_no_longer_in_line_has_nobody_ahead():
    assert people_ahead([ticket(1, 0), ticket(2, 1)], 99, T0, LIMIT) == 0


@pytest.mark.parametrize(
    "code, counter, said",
    [
        ("A015", 3, "Mời số A 15 đến quầy 3"),
        ("B000", 1, "Mời số B 0 đến quầy 1"),
        ("C100", 12, "Mời số C 100 đến quầy 12"),
    ],
)
def test_the_display_keeps_inner_zeros_and_reads_zero_as_zero(code, counter, said):
    assert spoken_call(code, counter) == said


@pytest.mark.parametrize(
    "ahead, recent, counters, expected",
    [
        (-1, [600], 1, 0),
        (1, [600], 1, 600),
        (1, [0, -5, 600], 1, 600),  # empty services are left out
        (1, [0], 1, 300),  # nothing usable: five minutes
        (3, [100, 200], 2, 225),  # median 150 x 3 / 2
        (1, [100] * 20 + [10_000] * 30, 1, 100),  # only the 20 most recent count
        (1, [100] * 10 + [10_000] * 11, 1, 5050),  # the 21st is left out: median of the first 20
    ],
)
def test_the_wait_estimate_at_its_edges(ahead, recent, counters, expected):
    assert estimate_wait_seconds(ahead, recent, counters) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("84905123456", "0905123456"),
        ("(0905) 123-456", "0905123456"),
        ("+84 905 123 456", "0905123456"),
        ("  ", ""),
        (None, ""),
    ],
)
def test_more_phone_numbers_are_normalized(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["0905abc456", "090512345x", "+84-90512345a"])
def test_a_phone_number_with_letters_is_refused_with_its_own_message(raw):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(raw)
    assert refused.value.message == "Số điện thoại chỉ được gồm chữ số (ví dụ 0905123456)."


@pytest.mark.parametrize("raw", ["090512345", "09051234567", "8490512345", "1905123456"])
def test_a_phone_number_one_digit_short_or_long_is_refused(raw):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(raw)
    assert refused.value.message == "Số điện thoại phải có 10 chữ số và bắt đầu bằng 0 (ví dụ 0905123456)."


@pytest.mark.parametrize("raw, expected", [("a", "A"), ("Z", "Z"), ("  c", "C")])
def test_group_letters_a_to_z_are_accepted(raw, expected):
    assert normalize_letter(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "AB", "1", "Đ", "A1", " "])
def test_anything_but_one_plain_letter_is_refused(raw):
    with pytest.raises(ValidationError) as refused:
        normalize_letter(raw)
    assert refused.value.message == "Ký hiệu nhóm phải là một chữ cái in hoa không dấu (A, B, C …)."


def test_issuing_opens_at_the_first_minute_and_closes_at_the_last():
    calendar = WorkingCalendar(sessions={1: ((time(7, 30), time(11, 0)), (time(13, 0), time(16, 30)))})
    assert not is_issuing_open(calendar, datetime(2026, 3, 10, 7, 29, 59, tzinfo=LOCAL_TZ))
    assert is_issuing_open(calendar, datetime(2026, 3, 10, 10, 59, 59, tzinfo=LOCAL_TZ))
    assert is_issuing_open(calendar, datetime(2026, 3, 10, 13, 0, tzinfo=LOCAL_TZ))
    assert is_issuing_open(calendar, datetime(2026, 3, 10, 0, 30, tzinfo=UTC))  # 07:30 local
    assert not is_issuing_open(calendar, datetime(2026, 3, 11, 8, 0, tzinfo=LOCAL_TZ))  # Wednesday: closed


def test_the_closed_message_names_the_next_opening():
    calendar = WorkingCalendar(sessions={1: ((time(7, 30), time(11, 0)), (time(13, 0), time(16, 30)))})
    lunch = datetime(2026, 3, 10, 11, 30, tzinfo=LOCAL_TZ)  # Tuesday
    assert next_opening(calendar, lunch) == datetime(2026, 3, 10, 13, 0, tzinfo=LOCAL_TZ)
    assert closed_message(calendar, lunch) == (
        "Hiện ngoài giờ cấp số thứ tự. Trung tâm cấp số trở lại lúc 13:00 Thứ Ba, 10/03/2026."
    )
    evening = datetime(2026, 3, 10, 17, 0, tzinfo=LOCAL_TZ)
    assert next_opening(calendar, evening) == datetime(2026, 3, 17, 7, 30, tzinfo=LOCAL_TZ)
    at_opening = datetime(2026, 3, 10, 7, 30, tzinfo=LOCAL_TZ)
    assert next_opening(calendar, at_opening) == datetime(2026, 3, 10, 13, 0, tzinfo=LOCAL_TZ)  # strictly later


def test_the_next_opening_is_looked_for_fifteen_days_ahead_and_no_further():
    first_day = T0.date()  # Tuesday 10/03/2026
    calendar = WorkingCalendar(extra_days_off=frozenset(first_day + timedelta(days=n) for n in range(14)))
    assert next_opening(calendar, T0) == datetime(2026, 3, 24, 7, 30, tzinfo=LOCAL_TZ)  # the 15th day
    calendar = WorkingCalendar(extra_days_off=frozenset(first_day + timedelta(days=n) for n in range(15)))
    assert next_opening(calendar, T0) is None
    assert closed_message(calendar, T0) == "Hiện ngoài giờ cấp số thứ tự."


def test_the_90th_percentile_of_unsorted_values():
    assert p90([10, 1, 5, 3, 9, 2, 8, 4, 7, 6]) == 9
    assert p90([2.5, 1.5]) == 2.5


def test_a_one_second_service_still_counts_in_the_estimate():
    assert estimate_wait_seconds(1, [1], 1) == 1


def test_issuing_hours_are_read_on_the_local_date_not_the_utc_one():
    calendar = WorkingCalendar(sessions={1: ((time(0, 0), time(8, 0)),)})  # Tuesday only, from midnight
    assert is_issuing_open(calendar, datetime(2026, 3, 9, 17, 30, tzinfo=UTC))  # Tuesday 00:30 in Đà Nẵng


def test_the_fifteen_day_search_starts_on_the_local_date():
    first_local_day = date(2026, 3, 10)  # 2026-03-09 20:00 UTC is Tuesday 10/03 03:00 in Đà Nẵng
    calendar = WorkingCalendar(extra_days_off=frozenset(first_local_day + timedelta(days=n) for n in range(14)))
    assert next_opening(calendar, datetime(2026, 3, 9, 20, 0, tzinfo=UTC)) == datetime(
        2026, 3, 24, 7, 30, tzinfo=LOCAL_TZ
    )
