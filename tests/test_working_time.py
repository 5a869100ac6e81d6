"""Legal deadlines in working time: the 15:00 rule, lunch, weekends, Tết, days off in lieu, swapped Saturdays."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.core.clock import LOCAL_TZ
from services.core.errors import ValidationError
from services.core.working_time import (
    Deadline,
    WorkingCalendar,
    due_at,
    extend_by_pause,
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
