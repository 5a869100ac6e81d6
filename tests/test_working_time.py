"""Legal deadlines in working time: the 15:00 rule, lunch, weekends, Tết, days off in lieu, swapped Saturdays."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.core.clock import LOCAL_TZ
from services.core.errors import ValidationError
from services.core.working_time import (
    Deadline,
    WorkingCalendar,
    describe_deadline,
    due_at,
    extend_by_pause,
    format_hhmm,
    is_near_due,
    is_overdue,
    parse_hhmm,
    remaining_seconds,
)

SAMPLE = WorkingCalendar()
MORNING, AFTERNOON = (time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))
WEEKDAYS = (MORNING, AFTERNOON)
SATURDAY_MORNING = WorkingCalendar(sessions={**{w: WEEKDAYS for w in range(5)}, 5: (MORNING,)})
SAME_DAY = Deadline("same_day", 0, time(15, 0))


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL_TZ)


def working_days(n: int) -> Deadline:
    return Deadline("working_days", n)


@pytest.mark.parametrize(
    "received, due",
    [
        ("2026-06-19 15:30", "2026-06-22 17:00"),  # Friday after 15:00 → Monday's close (the example)
        ("2026-06-18 15:00", "2026-06-18 17:00"),  # 15:00 itself is not after the cutoff
        ("2026-06-18 15:01", "2026-06-19 17:00"),
        ("2026-06-18 06:45", "2026-06-18 17:00"),  # before opening: still today
        ("2026-06-18 11:30", "2026-06-18 17:00"),
        ("2026-06-18 12:15", "2026-06-18 17:00"),  # lunch
        ("2026-06-18 16:59", "2026-06-19 17:00"),  # after 15:00
        ("2026-06-18 17:01", "2026-06-19 17:00"),  # after close
        ("2026-06-20 09:00", "2026-06-22 17:00"),  # Saturday
        ("2026-02-13 15:30", "2026-02-23 17:00"),  # Friday before Tết 2026 (16–20/02)
        ("2026-02-17 09:00", "2026-02-23 17:00"),  # during Tết
        ("2026-04-24 15:30", "2026-04-28 17:00"),  # Hùng Kings day off in lieu Monday 27/04/2026
        ("2026-08-21 15:30", "2026-08-22 17:00"),  # the swapped working Saturday 22/08/2026 works full hours
        ("2026-08-22 10:00", "2026-08-22 17:00"),
        ("2026-08-28 15:30", "2026-09-03 17:00"),  # 31/08 (day off for 22/08), 01–02/09 National Day
        ("2027-02-03 15:30", "2027-02-11 17:00"),  # Tết 2027 (04–10/02)
    ],
)
def test_same_day_procedures_follow_the_1500_rule_and_the_holiday_calendar(received, due):
    assert due_at(SAMPLE, SAME_DAY, at(received)) == at(due)


@pytest.mark.parametrize(
    "received, due",
    [("2026-06-18 16:59", "2026-06-18 17:00"), ("2026-06-18 17:00", "2026-06-19 17:00")],
)
def test_a_same_day_procedure_without_cutoff_is_due_at_close_until_the_office_closes(received, due):
    assert due_at(SAMPLE, Deadline("same_day", 0), at(received)) == at(due)


def test_the_cutoff_is_compared_by_the_minute_printed_on_the_receipt():
    assert due_at(SAMPLE, SAME_DAY, at("2026-06-18 15:00") + timedelta(seconds=45)) == at("2026-06-18 17:00")


@pytest.mark.parametrize(
    "received, days, due",
    [
        ("2026-06-18 06:45", 1, "2026-06-18 17:00"),  # counting starts at 07:30
        ("2026-06-18 11:30", 1, "2026-06-19 11:30"),  # the earliest moment: 11:30 exactly
        ("2026-06-18 12:15", 1, "2026-06-19 11:30"),  # lunch counts from 13:00
        ("2026-06-18 15:00", 1, "2026-06-19 15:00"),
        ("2026-06-18 15:01", 1, "2026-06-19 15:01"),
        ("2026-06-18 16:59", 1, "2026-06-19 16:59"),
        ("2026-06-18 17:01", 1, "2026-06-19 17:00"),
        ("2026-06-20 09:00", 1, "2026-06-22 17:00"),  # Saturday
        ("2026-06-19 15:30", 3, "2026-06-24 15:30"),
        ("2026-02-12 10:00", 5, "2026-02-26 10:00"),  # across Tết 2026
        ("2026-04-24 09:00", 3, "2026-05-04 09:00"),  # 27/04 in lieu, 30/04 and 01/05
        ("2026-08-21 13:00", 1, "2026-08-22 11:30"),  # the swapped Saturday counts
        ("2026-08-28 13:00", 1, "2026-09-03 11:30"),  # 31/08 and 01–02/09 do not
        ("2027-02-03 09:00", 2, "2027-02-12 09:00"),  # across Tết 2027
    ],
)
def test_working_days_with_eight_hour_days_give_the_same_answers_as_before(received, days, due):
    assert due_at(SAMPLE, working_days(days), at(received)) == at(due)


@pytest.mark.parametrize(
    "deadline, received, due",
    [
        (Deadline("working_hours", 4), "2026-06-18 10:00", "2026-06-18 15:30"),
        (Deadline("working_hours", 4), "2026-06-18 07:30", "2026-06-18 11:30"),
        (Deadline("calendar_days", 3), "2026-06-19 10:00", "2026-06-22 17:00"),
        (Deadline("calendar_days", 15), "2026-02-05 10:00", "2026-02-23 17:00"),  # last day in Tết: next working day
        (Deadline("calendar_days", 1), "2026-08-21 10:00", "2026-08-22 17:00"),
    ],
)
def test_working_hours_and_calendar_days(deadline, received, due):
    assert due_at(SAMPLE, deadline, at(received)) == at(due)


def test_a_unit_open_on_saturday_morning_serves_same_day_procedures_until_saturday_noon():
    assert due_at(SATURDAY_MORNING, SAME_DAY, at("2026-06-19 15:30")) == at("2026-06-20 11:30")


def test_a_saturday_opening_is_not_a_legal_working_day_for_a_working_day_deadline():
    assert due_at(SATURDAY_MORNING, working_days(1), at("2026-06-19 13:00")) == at("2026-06-22 11:30")
    assert due_at(SATURDAY_MORNING, working_days(1), at("2026-06-19 15:00")) == at("2026-06-22 15:00")


def test_a_dossier_received_on_a_saturday_opening_starts_counting_at_monday_opening():
    assert due_at(SATURDAY_MORNING, working_days(1), at("2026-06-20 09:00")) == at("2026-06-22 17:00")
    assert due_at(SATURDAY_MORNING, working_days(2), at("2026-06-20 09:00")) == at("2026-06-23 17:00")


SHORT_AFTERNOON = (time(13, 30), time(17, 0))
SEVEN_AND_A_HALF = WorkingCalendar(sessions={w: (MORNING, SHORT_AFTERNOON) for w in range(5)})
SEVEN_AND_A_HALF_WITH_SATURDAY = WorkingCalendar(
    sessions={**SEVEN_AND_A_HALF.sessions, 5: ((time(7, 30), time(11, 30)),)}
)


def test_fifteen_working_days_of_seven_and_a_half_hours_from_tuesday_0900_end_on_tuesday_31_march_0900():
    assert due_at(SEVEN_AND_A_HALF, working_days(15), at("2026-03-10 09:00")) == at("2026-03-31 09:00")


def test_five_working_days_at_a_unit_open_on_saturday_mornings_end_the_next_monday_at_the_same_hour():
    assert due_at(SEVEN_AND_A_HALF_WITH_SATURDAY, working_days(5), at("2026-03-09 09:00")) == at("2026-03-16 09:00")


@pytest.mark.parametrize(
    "received, days, due",
    [
        ("2026-03-10 11:30", 1, "2026-03-11 11:30"),  # half-way through the morning-heavy day: the earliest moment
        ("2026-03-10 12:30", 1, "2026-03-11 11:30"),  # lunch: the morning is over
        ("2026-03-10 17:00", 1, "2026-03-11 17:00"),  # a count ending at a close is that close, not next opening
        ("2026-03-10 07:00", 1, "2026-03-10 17:00"),  # before opening: today counts whole
    ],
)
def test_the_appointment_keeps_the_receipts_share_of_its_working_day(received, days, due):
    assert due_at(SEVEN_AND_A_HALF, working_days(days), at(received)) == at(due)


def test_a_working_day_deadline_ending_on_a_swapped_saturday_uses_its_weekday_hours():
    assert due_at(SEVEN_AND_A_HALF_WITH_SATURDAY, working_days(1), at("2026-08-21 14:00")) == at("2026-08-22 14:00")


def test_a_government_swapped_saturday_uses_weekday_hours_even_where_saturday_is_a_half_day():
    assert due_at(SATURDAY_MORNING, SAME_DAY, at("2026-08-22 09:00")) == at("2026-08-22 17:00")


def test_local_overrides_add_a_day_off_and_a_working_day():
    calendar = WorkingCalendar(extra_days_off=frozenset({date(2026, 6, 22)}), extra_working_days={date(2026, 6, 21)})
    assert due_at(calendar, SAME_DAY, at("2026-06-19 15:30")) == at("2026-06-21 17:00")
    stormy = WorkingCalendar(extra_days_off=frozenset({date(2026, 6, 22)}))
    assert due_at(stormy, SAME_DAY, at("2026-06-19 15:30")) == at("2026-06-23 17:00")


def test_a_pause_across_tet_moves_the_appointment_by_the_working_time_paused():
    due = at("2026-02-12 17:00")
    # paused Thu 15:00 → Mon 23/02 09:00: 2 h + 8 h + 1.5 h of office time; Tết is not counted
    assert SAMPLE.between(at("2026-02-12 15:00"), at("2026-02-23 09:00")) == 11.5 * 3600
    assert extend_by_pause(SAMPLE, due, at("2026-02-12 15:00"), at("2026-02-23 09:00")) == at("2026-02-23 11:00")


def test_a_pause_outside_office_hours_does_not_move_the_appointment():
    due = at("2026-06-22 17:00")
    assert extend_by_pause(SAMPLE, due, at("2026-06-19 17:30"), at("2026-06-22 07:00")) == due


def test_remaining_time_overdue_and_near_due():
    due = at("2026-06-24 17:00")
    assert remaining_seconds(SAMPLE, due, at("2026-06-22 17:00")) == 16 * 3600
    assert is_near_due(SAMPLE, due, at("2026-06-22 17:00"))
    assert is_near_due(SAMPLE, due, at("2026-06-19 17:00"))  # exactly 24 working hours left
    assert not is_near_due(SAMPLE, due, at("2026-06-19 16:00"))
    assert is_overdue(due, at("2026-06-24 17:01")) and not is_near_due(SAMPLE, due, at("2026-06-24 17:01"))
    assert remaining_seconds(SAMPLE, due, at("2026-06-25 08:30")) == -3600


@pytest.mark.parametrize(
    "sessions, message",
    [
        ({0: ((time(7, 30), time(11, 30)), (time(11, 0), time(17, 0)))}, "chồng lên nhau"),
        ({0: ((time(11, 30), time(7, 30)),)}, "phải sau giờ bắt đầu"),
        ({0: (), 1: ()}, "ít nhất một buổi"),
        ({}, "ít nhất một buổi"),
        ({7: ((time(7, 30), time(11, 30)),)}, "Thứ trong tuần"),
    ],
)
def test_bad_office_sessions_are_refused(sessions, message):
    with pytest.raises(ValidationError, match=message):
        WorkingCalendar(sessions=sessions)


@pytest.mark.parametrize("kind, amount", [("working_days", 0), ("working_days", -1), ("calendar_days", 0), ("x", 1)])
def test_a_deadline_must_have_a_known_kind_and_a_positive_amount(kind, amount):
    with pytest.raises(ValidationError):
        Deadline(kind, amount)


@pytest.mark.parametrize("text", ["24:00", "7:3", "7h30", "", "07:30:00", "ab:cd"])
def test_malformed_times_are_refused_in_vietnamese(text):
    with pytest.raises(ValidationError, match="không hợp lệ"):
        parse_hhmm(text)


# --- properties ---------------------------------------------------------------------------------------------------

CALENDARS = st.sampled_from([SAMPLE, SATURDAY_MORNING])
MOMENTS = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2027, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0, tzinfo=LOCAL_TZ)
)
DEADLINES = st.one_of(
    st.builds(Deadline, st.just("same_day"), st.just(0), st.sampled_from([None, time(15, 0), time(11, 0)])),
    st.builds(Deadline, st.just("working_days"), st.integers(1, 25)),
    st.builds(Deadline, st.just("working_hours"), st.integers(1, 60)),
    st.builds(Deadline, st.just("calendar_days"), st.integers(1, 30)),
)
SPANS = st.integers(min_value=0, max_value=120 * 3600)


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, deadline=DEADLINES, received=MOMENTS)
def test_the_appointment_is_never_before_receipt_and_always_inside_a_session(calendar, deadline, received):
    due = due_at(calendar, deadline, received)
    assert due >= received
    assert any(start <= due <= end for start, end in calendar.sessions_on(due.date()))


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, start=MOMENTS, a=SPANS, b=SPANS)
def test_adding_a_then_b_equals_adding_a_plus_b(calendar, start, a, b):
    assert calendar.add(calendar.add(start, a), b) == calendar.add(start, a + b)


@settings(max_examples=200, deadline=None)
@given(received=MOMENTS, days=st.integers(1, 25))
def test_with_eight_hour_days_working_days_equal_eight_working_hours_each(received, days):
    assert due_at(SAMPLE, working_days(days), received) == SAMPLE.add(received, days * 8 * 3600)


@settings(max_examples=200, deadline=None)
@given(calendar=CALENDARS, start=MOMENTS, span=st.integers(min_value=1, max_value=120 * 3600))
def test_the_working_time_between_receipt_and_the_appointment_is_the_time_added(calendar, start, span):
    assert calendar.between(start, calendar.add(start, span)) == span


# Edges, with literal dates (Monday 09/03/2026 … Sunday 15/03/2026; no holiday that week).
MON, SAT = date(2026, 3, 9), date(2026, 3, 14)


def local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=LOCAL_TZ)


def test_a_span_that_exactly_fills_a_session_ends_at_its_close_not_at_the_next_opening():
    calendar = WorkingCalendar()
    assert calendar.add(local(MON, 7, 30), 4 * 3600) == local(MON, 11, 30)
    assert calendar.add(local(MON, 7, 30), 4 * 3600 + 1) == local(MON, 13, 0, 1)
    assert calendar.add(local(MON, 9), 0) == local(MON, 9) and calendar.add(local(MON, 9), -60) == local(MON, 9)
    assert calendar.add(local(MON, 12), 60) == local(MON, 13, 1)  # from lunch: counting starts at 13:00


def test_working_time_between_two_moments_skips_lunch_and_is_negative_backwards():
    calendar = WorkingCalendar()
    assert calendar.between(local(MON, 10), local(MON, 14)) == 9000
    assert calendar.between(local(MON, 14), local(MON, 10)) == -9000
    assert calendar.between(local(MON, 11, 30), local(MON, 13)) == 0
    assert calendar.between(local(MON, 16), local(MON + timedelta(days=1), 8)) == 3600 + 1800
    assert calendar.between(local(MON, 9), local(MON, 9)) == 0


def test_a_naive_time_is_read_as_vietnam_time():
    calendar = WorkingCalendar()
    assert calendar.add(datetime(2026, 3, 9, 7, 30), 3600) == local(MON, 8, 30)
    assert calendar.between(datetime(2026, 3, 9, 7, 30), local(MON, 8, 30)) == 3600
    assert calendar.add(datetime(2026, 3, 9, 0, 30, tzinfo=UTC), 3600) == local(MON, 8, 30)  # 07:30 local


def test_a_swapped_working_day_takes_the_hours_of_a_weekday_that_has_sessions():
    morning, afternoon = (time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))
    saturday_half = WorkingCalendar(
        sessions={**{d: (morning, afternoon) for d in range(5)}, 5: (morning,)}, extra_working_days=frozenset({SAT})
    )
    assert saturday_half.sessions_on(SAT) == [(local(SAT, 7, 30), local(SAT, 11, 30)), (local(SAT, 13), local(SAT, 17))]
    tuesday_only = WorkingCalendar(sessions={1: ((time(8), time(12)),)}, extra_working_days=frozenset({MON, SAT}))
    assert tuesday_only.sessions_on(MON) == [(local(MON, 8), local(MON, 12))]
    assert tuesday_only.sessions_on(SAT) == [(local(SAT, 8), local(SAT, 12))]
    sunday_only = WorkingCalendar(sessions={6: ((time(9), time(10)),)}, extra_working_days=frozenset({MON}))
    assert sunday_only.sessions_on(MON) == [(local(MON, 9), local(MON, 10))]
    day_off = WorkingCalendar(extra_working_days=frozenset({SAT}), extra_days_off=frozenset({SAT}))
    assert day_off.sessions_on(SAT) == [] and not day_off.is_swapped_working_day(SAT)


def test_the_next_working_day_skips_the_weekend_and_days_off():
    calendar = WorkingCalendar(extra_days_off=frozenset({MON + timedelta(days=7)}))
    assert calendar.next_working_day(MON + timedelta(days=4)) == MON + timedelta(days=8)  # Friday -> Tuesday
    assert calendar.next_working_day(MON) == MON + timedelta(days=1)
    assert calendar.working_day_on_or_after(SAT) == MON + timedelta(days=8)
    assert calendar.working_day_on_or_after(MON) == MON


def test_a_calendar_with_no_working_day_in_three_years_says_so():
    every_day = frozenset(MON + timedelta(days=n) for n in range(3 * 366 + 2))
    calendar = WorkingCalendar(extra_days_off=every_day)
    with pytest.raises(ValidationError, match="ba năm"):
        calendar.next_working_day(MON)
    with pytest.raises(ValidationError, match="ba năm"):
        calendar.add(local(MON, 8), 3600)


@pytest.mark.parametrize(
    "sessions, message",
    [
        ({7: ((time(8), time(9)),)}, "Thứ trong tuần không hợp lệ."),
        ({-1: ((time(8), time(9)),)}, "Thứ trong tuần không hợp lệ."),
        ({0: ((time(9), time(9)),)}, "Thứ Hai: giờ kết thúc phải sau giờ bắt đầu."),
        ({6: ((time(10), time(9)),)}, "Chủ nhật: giờ kết thúc phải sau giờ bắt đầu."),
        ({2: ((time(8), time(10)), (time(9, 59), time(11)))}, "Thứ Tư: các buổi làm việc bị chồng lên nhau."),
        ({0: ()}, "Phải có ít nhất một buổi làm việc trong tuần."),
    ],
)
def test_office_sessions_are_refused_with_their_exact_message(sessions, message):
    with pytest.raises(ValidationError) as refused:
        WorkingCalendar(sessions=sessions)
    assert refused.value.message == message


def test_sessions_that_touch_are_accepted_and_weekdays_0_to_6_are_valid():
    calendar = WorkingCalendar(sessions={0: ((time(8), time(10)), (time(10), time(11))), 6: ((time(8), time(9)),)})
    assert calendar.between(local(MON, 8), local(MON, 11)) == 3 * 3600


@pytest.mark.parametrize(
    "kind, amount, accepted",
    [
        ("working_days", 1, True),
        ("working_days", 0, False),
        ("working_hours", -1, False),
        ("calendar_days", "3", False),
        ("same_day", 0, True),
        ("same_day", None, True),
        ("weeks", 1, False),
    ],
)
def test_a_deadline_accepts_one_and_refuses_zero_with_its_message(kind, amount, accepted):
    if accepted:
        Deadline(kind, amount)
        return
    with pytest.raises(ValidationError) as refused:
        Deadline(kind, amount)
    assert refused.value.message in ("Loại thời hạn không hợp lệ.", "Thời hạn giải quyết phải là số nguyên lớn hơn 0.")
    assert (refused.value.message == "Loại thời hạn không hợp lệ.") is (kind == "weeks")


@pytest.mark.parametrize(
    "kind, amount, cutoff, text",
    [
        ("same_day", 0, "15:00", "Trong ngày (nhận sau 15:00: ngày làm việc tiếp theo)"),
        ("same_day", 0, None, "Trong ngày"),
        ("working_days", 5, None, "5 ngày làm việc"),
        ("working_hours", 8, None, "8 giờ làm việc"),
        ("calendar_days", 30, None, "30 ngày (lịch)"),
        ("other", 2, None, "2 other"),
    ],
)
def test_a_deadline_is_described_as_staff_read_it(kind, amount, cutoff, text):
    assert describe_deadline(kind, amount, cutoff) == text


def test_a_same_day_receipt_at_the_cutoff_minute_is_due_today_and_one_minute_later_tomorrow():
    calendar, rule = WorkingCalendar(), Deadline("same_day", 0, time(15, 0))
    assert due_at(calendar, rule, local(MON, 15, 0, 59)) == local(MON, 17)
    assert due_at(calendar, rule, local(MON, 15, 1)) == local(MON + timedelta(days=1), 17)
    assert due_at(calendar, Deadline("same_day", 0), local(MON, 16, 59, 59)) == local(MON, 17)
    assert due_at(calendar, Deadline("same_day", 0), local(MON, 17)) == local(MON + timedelta(days=1), 17)
    assert due_at(calendar, Deadline("same_day", 0), local(SAT, 9)) == local(MON + timedelta(days=7), 17)


def test_overdue_starts_one_instant_after_the_appointment():
    due = local(MON, 17)
    assert not is_overdue(due, due) and is_overdue(due, due + timedelta(microseconds=1))


@pytest.mark.parametrize(
    "text, parsed",
    [("07:30", time(7, 30)), (" 7:05 ", time(7, 5)), ("23:59", time(23, 59)), ("00:00", time(0, 0))],
)
def test_times_are_read_from_hh_mm(text, parsed):
    assert parse_hhmm(text) == parsed


@pytest.mark.parametrize("text", ["24:00", "07:60", "7h30", "0730", "", None, 730, "07:30:00", "123:00"])
def test_anything_but_hh_mm_is_refused_with_the_value_in_the_message(text):
    with pytest.raises(ValidationError) as refused:
        parse_hhmm(text)
    assert refused.value.message == f"Giờ '{text}' không hợp lệ (định dạng HH:MM, ví dụ 07:30)."


def test_times_are_written_as_hh_mm():
    assert format_hhmm(time(7, 5)) == "07:05" and format_hhmm(time(17, 0)) == "17:00"


def test_a_swapped_weekday_keeps_its_own_hours_and_a_swapped_weekend_day_takes_the_first_open_weekday():
    monday, tuesday, friday = ((time(8), time(12)),), ((time(13), time(17)),), ((time(9), time(10)),)
    calendar = WorkingCalendar(
        sessions={4: friday, 0: monday, 1: tuesday}, extra_working_days=frozenset({MON + timedelta(days=1), SAT})
    )
    tue = MON + timedelta(days=1)
    assert calendar.sessions_on(tue) == [(local(tue, 13), local(tue, 17))]
    assert calendar.sessions_on(SAT) == [(local(SAT, 8), local(SAT, 12))]  # Monday's, the first weekday open
    out_of_order = WorkingCalendar(sessions={4: friday, 1: tuesday}, extra_working_days=frozenset({SAT}))
    assert out_of_order.sessions_on(SAT) == [(local(SAT, 13), local(SAT, 17))]  # Tuesday's, not Friday's


def test_a_swapped_day_of_a_weekend_only_office_takes_the_first_listed_weekend_hours():
    sunday, saturday = ((time(10), time(11)),), ((time(8), time(9)),)
    calendar = WorkingCalendar(sessions={6: sunday, 5: saturday}, extra_working_days=frozenset({MON}))
    assert calendar.sessions_on(MON) == [(local(MON, 10), local(MON, 11))]


def test_the_three_year_limits_say_so_in_full():
    every_day = frozenset(MON + timedelta(days=n) for n in range(3 * 366 + 2))
    calendar = WorkingCalendar(extra_days_off=every_day)
    with pytest.raises(ValidationError) as refused:
        calendar.next_working_day(MON)
    assert refused.value.message == "Lịch làm việc không có ngày làm việc nào trong ba năm tới."
    with pytest.raises(ValidationError) as refused:
        calendar.add(local(MON, 8), 3600)
    assert refused.value.message == "Thời hạn vượt quá ba năm làm việc; kiểm tra lại cấu hình."


def test_a_receipt_within_the_cutoff_minute_is_on_time_whatever_its_fraction_of_a_second():
    received = local(MON, 15).replace(microsecond=500)
    assert due_at(WorkingCalendar(), Deadline("same_day", 0, time(15, 0)), received) == local(MON, 17)
