"""Queue services on both databases: taking numbers, the abuse caps, opening hours, calling, the display, stats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, insert, select

from db.engine import read, write
from db.schema import calendar_overrides, dossiers, procedures, queue_calls, queue_tickets
from services.core.clock import LOCAL_TZ, now
from services.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from services.core.units import unit_by_code
from services.queue import setup as queue_config
from services.queue import stats as queue_stats
from services.queue import tickets as queue
from tests.builders import actor

AT = datetime(2026, 3, 10, 9, 0, tzinfo=LOCAL_TZ)  # a Tuesday morning, inside the sample issuing hours
UNIT = "HAICHAU"


@dataclass
class Ward:
    engine: Engine
    unit_id: int
    groups: dict[str, int]
    counters: dict[int, int]

    def take(self, letter: str = "A", *, at: datetime = AT, **kwargs) -> dict:
        with write(self.engine) as conn:
            return queue.issue_ticket(conn, unit_code=UNIT, group_id=self.groups[letter], at=at, **kwargs)

    def clerk(self, service, counter: int = 1, *, at: datetime = AT, **kwargs):
        with write(self.engine) as conn:
            return service(conn, actor(self.engine, "motcua.hc"), counter_id=self.counters[counter], at=at, **kwargs)

    def status(self, ticket: dict, at: datetime = AT) -> dict:
        with read(self.engine) as conn:
            return queue.ticket_status(conn, token=ticket["token"], at=at)


@pytest.fixture
def ward(demo_engine) -> Ward:
    """Hải Châu with the sample set-up: A (counters 1, 2), B (counter 3), C (counters 2, 3)."""
    with write(demo_engine) as conn:
        unit_id = unit_by_code(conn, UNIT)["id"]
        queue_config.seed_sample_queue(conn, None, unit_id=unit_id)
        groups = {g["letter"]: g["id"] for g in queue_config.list_groups(conn, unit_id)}
        counters = {c["number"]: c["id"] for c in queue_config.counters_of(conn, unit_id)}
    return Ward(demo_engine, unit_id, groups, counters)


def _ticket_count(ward: Ward) -> int:
    with read(ward.engine) as conn:
        return conn.scalar(
            select(func.count()).select_from(queue_tickets).where(queue_tickets.c.unit_id == ward.unit_id)
        )


# Taking a number ----------------------------------------------------------------------------------------------


def test_tickets_are_numbered_per_group_and_restart_the_next_day(ward):
    assert [ward.take("A")["code"], ward.take("A")["code"], ward.take("B")["code"]] == ["A001", "A002", "B001"]
    assert ward.take("A", at=AT + timedelta(days=1))["code"] == "A001"


def test_an_unknown_unit_in_the_link_issues_nothing(ward):
    with pytest.raises(NotFound, match="không có phường/xã này"), write(ward.engine) as conn:
        queue.issue_ticket(conn, unit_code="KHONGCO", group_id=ward.groups["A"], at=AT)
    assert _ticket_count(ward) == 0


def test_a_closed_group_issues_nothing(ward):
    admin = actor(ward.engine, "admin")
    with write(ward.engine) as conn:
        queue_config.update_group(conn, admin, group_id=ward.groups["B"], name="Đất đai – Xây dựng", active=False)
    with pytest.raises(ValidationError, match="tạm ngừng cấp số"):
        ward.take("B")
    assert _ticket_count(ward) == 0


def test_a_group_of_another_unit_issues_nothing(ward):
    with write(ward.engine) as conn:
        nhs = unit_by_code(conn, "NGUHANHSON")["id"]
        other = queue_config.list_groups(conn, nhs)[0]["id"]
    with pytest.raises(ValidationError, match="không thuộc trung tâm này"), write(ward.engine) as conn:
        queue.issue_ticket(conn, unit_code=UNIT, group_id=other, at=AT)


@pytest.mark.parametrize("phone", ["09O5123456", "abc", "0905-12a-456"])
def test_a_phone_with_letters_issues_nothing(ward, phone):
    with pytest.raises(ValidationError, match="chỉ được gồm chữ số"):
        ward.take("A", phone=phone)
    assert _ticket_count(ward) == 0


def test_a_phone_is_stored_in_one_shape(ward):
    assert ward.take("A", phone="+84 905 123 456")["phone"] == "0905123456"


def test_an_eleventh_active_ticket_from_one_phone_is_refused(ward):
    for index in range(10):
        ward.take("A", phone="0905123456", browser_id=f"browser-{index}")
    with pytest.raises(ValidationError, match="đã có 10 số thứ tự đang chờ"):
        ward.take("B", phone="0905 123 456", browser_id="another-browser")
    assert _ticket_count(ward) == 10


def test_a_served_ticket_no_longer_counts_toward_the_phone_cap(ward):
    for _ in range(10):
        ward.take("A", phone="0905123456")
    ward.clerk(queue.call_next)
    ward.clerk(queue.finish_service)
    assert ward.take("A", phone="0905123456")["code"] == "A011"


def test_one_browser_may_hold_only_the_configured_number_of_active_tickets(ward):
    for _ in range(5):
        ward.take("A", browser_id="cookie-1")
    with pytest.raises(ValidationError, match="Điện thoại này đã lấy 5 số"):
        ward.take("A", browser_id="cookie-1")
    assert ward.take("A", browser_id="cookie-2")["code"] == "A006"


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 10, 12, 0, tzinfo=LOCAL_TZ),  # lunch break
        datetime(2026, 3, 10, 18, 0, tzinfo=LOCAL_TZ),  # evening
        datetime(2026, 3, 8, 9, 0, tzinfo=LOCAL_TZ),  # Sunday
        datetime(2026, 4, 30, 9, 0, tzinfo=LOCAL_TZ),  # Reunification Day
    ],
)
def test_no_tickets_outside_opening_hours(ward, moment):
    with pytest.raises(ValidationError, match="ngoài giờ cấp số"):
        ward.take("A", at=moment)
    assert _ticket_count(ward) == 0


def test_no_tickets_on_a_local_day_off_of_the_unit(ward):
    with write(ward.engine) as conn:
        conn.execute(
            insert(calendar_overrides).values(unit_id=ward.unit_id, day=AT.date(), kind="day_off", created_at=now())
        )
    with pytest.raises(ValidationError, match="ngoài giờ cấp số"):
        ward.take("A")


def test_the_closed_message_says_when_numbers_are_issued_again(ward):
    with pytest.raises(ValidationError, match="13:30 Thứ Ba, 10/03/2026"):
        ward.take("A", at=datetime(2026, 3, 10, 11, 30, tzinfo=LOCAL_TZ))


# Calling ------------------------------------------------------------------------------------------------------


def test_call_next_takes_priority_first_unless_an_ordinary_ticket_waited_past_the_limit(ward):
    ordinary = ward.take("A", at=AT)
    priority = ward.take("A", at=AT + timedelta(minutes=5), priority_id=_priority_id(ward))
    assert ward.clerk(queue.call_next, at=AT + timedelta(minutes=6))["id"] == priority["id"]
    ward.clerk(queue.finish_service, at=AT + timedelta(minutes=7))

    late_priority = ward.take("A", at=AT + timedelta(minutes=8), priority_id=_priority_id(ward))
    called = ward.clerk(queue.call_next, at=AT + timedelta(minutes=21))  # the ordinary one waited 21 > 20 minutes
    assert called["id"] == ordinary["id"]
    ward.clerk(queue.finish_service, at=AT + timedelta(minutes=22))
    assert ward.clerk(queue.call_next, at=AT + timedelta(minutes=23))["id"] == late_priority["id"]


def test_a_counter_calls_only_its_own_groups(ward):
    ward.take("B")
    assert ward.clerk(queue.call_next, 1) is None
    assert ward.clerk(queue.call_next, 3)["code"] == "B001"


def test_the_citizen_page_says_which_counter_once_called(ward):
    first, second = ward.take("A"), ward.take("A", at=AT + timedelta(minutes=1))
    assert ward.status(second)["ahead"] == 1
    ward.clerk(queue.call_next, 2, at=AT + timedelta(minutes=2))
    status = ward.status(first)
    assert (status["status"], status["counter"], status["message"]) == ("called", 2, "Mời đến quầy 2")
    assert ward.status(second)["ahead"] == 0


def test_the_wait_estimate_uses_recent_service_times(ward):
    for minute in range(3):
        ward.take("A", at=AT + timedelta(minutes=minute))
    ward.clerk(queue.call_next, at=AT + timedelta(minutes=5))
    ward.clerk(queue.start_service, at=AT + timedelta(minutes=5))
    ward.clerk(queue.finish_service, at=AT + timedelta(minutes=15))  # 10 minutes of service
    last = ward.take("A", at=AT + timedelta(minutes=16))
    status = ward.status(last, at=AT + timedelta(minutes=16))
    assert status["ahead"] == 2 and status["wait_minutes"] == 10  # 2 people × 10 min ÷ 2 counters


def test_calling_next_finishes_the_citizen_being_served(ward):
    ward.take("A"), ward.take("A")
    first = ward.clerk(queue.call_next)
    ward.clerk(queue.start_service, at=AT + timedelta(minutes=1))
    ward.clerk(queue.call_next, at=AT + timedelta(minutes=4))
    with read(ward.engine) as conn:
        row = conn.execute(select(queue_tickets).where(queue_tickets.c.id == first["id"])).one()
    assert row.status == "done" and row.service_seconds == 180


def test_a_called_citizen_must_be_served_or_marked_absent_before_the_next_call(ward):
    ward.take("A"), ward.take("A")
    ward.clerk(queue.call_next)
    with pytest.raises(Conflict, match="đang mời số A001"):
        ward.clerk(queue.call_next)
    assert ward.clerk(queue.mark_no_show)["status"] == "no_show"
    assert ward.clerk(queue.call_next)["code"] == "A002"


def test_recall_announces_the_number_again(ward):
    ward.take("A")
    ward.clerk(queue.call_next)
    assert ward.clerk(queue.recall, at=AT + timedelta(minutes=1))["call_count"] == 2
    with read(ward.engine) as conn:
        assert conn.scalar(select(func.count()).where(queue_calls.c.unit_id == ward.unit_id)) == 2


def test_an_absent_citizen_who_comes_back_is_called_out_of_turn(ward):
    absent = ward.take("A")
    ward.take("A")
    ward.clerk(queue.call_next)
    ward.clerk(queue.mark_no_show)
    called = ward.clerk(queue.call_ticket, 2, ticket_id=absent["id"], at=AT + timedelta(minutes=3))
    assert (called["status"], called["call_count"]) == ("called", 2)


def test_a_transferred_citizen_keeps_their_place_in_the_new_group(ward):
    moved = ward.take("A", at=AT)
    ward.take("B", at=AT + timedelta(minutes=1))
    ward.clerk(queue.call_next, 1, at=AT + timedelta(minutes=2))
    ward.clerk(queue.transfer_ticket, 1, group_id=ward.groups["B"], at=AT + timedelta(minutes=3))
    called = ward.clerk(queue.call_next, 3, at=AT + timedelta(minutes=4))
    assert called["id"] == moved["id"] and called["code"] == "A001"


def test_the_hall_display_shows_each_counter_and_speaks_the_last_calls(ward):
    ward.take("A"), ward.take("B")
    ward.clerk(queue.call_next, 1)
    ward.clerk(queue.call_next, 3, at=AT + timedelta(seconds=5))
    with read(ward.engine) as conn:
        board = queue.display_board(conn, unit_code=UNIT, at=AT + timedelta(seconds=6))
    assert {c["number"]: c["code"] for c in board["counters"]} == {1: "A001", 2: "", 3: "B001"}
    assert board["calls"][0]["speech"] == "Mời số B 1 đến quầy 3"
    assert board["calls"][0]["id"] > board["calls"][1]["id"]


def test_a_clerk_of_another_unit_cannot_use_the_counter(ward):
    with pytest.raises(PermissionDenied), write(ward.engine) as conn:
        queue.call_next(conn, actor(ward.engine, "motcua.nhs"), counter_id=ward.counters[1], at=AT)


def test_a_leader_does_not_call_numbers(ward):
    with pytest.raises(PermissionDenied), write(ward.engine) as conn:
        queue.call_next(conn, actor(ward.engine, "lanhdao.hc"), counter_id=ward.counters[1], at=AT)


def test_a_citizen_can_give_up_a_waiting_number(ward):
    ticket = ward.take("A")
    with write(ward.engine) as conn:
        queue.cancel_ticket(conn, token=ticket["token"], at=AT)
    assert ward.status(ticket)["status"] == "cancelled"
    assert ward.clerk(queue.call_next) is None


def test_a_ticket_of_yesterday_is_expired(ward):
    ticket = ward.take("A")
    assert ward.status(ticket, at=AT + timedelta(days=1))["status"] == "expired"


# Linking the served ticket to the dossier received from it ----------------------------------------------------


def _dossier(engine: Engine, unit_id: int) -> int:
    with write(engine) as conn:
        procedure_id = conn.scalar(select(procedures.c.id).limit(1))
        return conn.execute(
            insert(dossiers).values(
                code=f"TEST-{unit_id}",
                procedure_id=procedure_id,
                receiving_unit_id=unit_id,
                status="received",
                applicant_name="Nguyễn Văn A",
                deadline_kind="same_day",
                deadline_amount=0,
                submitted_at=AT,
                received_at=AT,
                due_at=AT,
                original_due_at=AT,
                updated_at=AT,
            )
        ).inserted_primary_key[0]


def test_the_served_ticket_is_linked_to_the_dossier_received_from_it(ward):
    ward.take("A")
    ward.clerk(queue.call_next)
    ticket = ward.clerk(queue.ticket_for_intake)
    assert ticket["status"] == "serving"
    dossier_id = _dossier(ward.engine, ward.unit_id)
    with write(ward.engine) as conn:
        queue.link_ticket_to_dossier(
            conn, actor(ward.engine, "motcua.hc"), ticket_id=ticket["id"], dossier_id=dossier_id
        )
        assert conn.scalar(select(queue_tickets.c.dossier_id).where(queue_tickets.c.id == ticket["id"])) == dossier_id


def test_a_ticket_is_not_linked_to_another_units_dossier(ward):
    ticket = ward.take("A")
    with write(ward.engine) as conn:
        other_unit = unit_by_code(conn, "NGUHANHSON")["id"]
    dossier_id = _dossier(ward.engine, other_unit)
    with pytest.raises(PermissionDenied), write(ward.engine) as conn:
        queue.link_ticket_to_dossier(
            conn, actor(ward.engine, "motcua.hc"), ticket_id=ticket["id"], dossier_id=dossier_id
        )


# Set-up -------------------------------------------------------------------------------------------------------


def test_a_leader_sets_up_only_their_own_unit(ward):
    leader = actor(ward.engine, "lanhdao.hc")
    with write(ward.engine) as conn:
        queue_config.create_group(conn, leader, unit_id=ward.unit_id, letter="d", name="Đăng ký kinh doanh")
        nhs = unit_by_code(conn, "NGUHANHSON")["id"]
    with pytest.raises(PermissionDenied), write(ward.engine) as conn:
        queue_config.create_group(conn, leader, unit_id=nhs, letter="D", name="Khác")
    with pytest.raises(PermissionDenied), write(ward.engine) as conn:
        queue_config.create_group(conn, actor(ward.engine, "motcua.hc"), unit_id=ward.unit_id, letter="E", name="X")


@pytest.mark.parametrize(
    "hours, message",
    [
        ({0: "7:30-11:00, 10:00-12:00"}, "chồng lên nhau"),
        ({0: "11:00-07:30"}, "sau giờ bắt đầu"),
        ({0: "sáng"}, "07:30-11:00"),
        ({0: "", 1: ""}, "ít nhất một buổi"),
    ],
)
def test_bad_issuing_hours_are_refused_and_the_old_ones_kept(ward, hours, message):
    admin = actor(ward.engine, "admin")
    with pytest.raises(ValidationError, match=message), write(ward.engine) as conn:
        queue_config.set_issuing_hours(conn, admin, unit_id=ward.unit_id, hours=hours)
    with read(ward.engine) as conn:
        assert queue_config.issuing_hours_text(conn, ward.unit_id)[0] == "07:30-11:00, 13:30-16:30"


def test_saturday_morning_issuing_can_be_opened(ward):
    saturday = datetime(2026, 3, 14, 8, 0, tzinfo=LOCAL_TZ)
    with write(ward.engine) as conn:
        hours = {day: "07:30-11:00, 13:30-16:30" for day in range(5)} | {5: "07:30-11:00"}
        queue_config.set_issuing_hours(conn, actor(ward.engine, "admin"), unit_id=ward.unit_id, hours=hours)
    assert ward.take("A", at=saturday)["code"] == "A001"


def test_a_counter_number_is_unique_in_a_unit(ward):
    with pytest.raises(Conflict, match="quầy số 1"), write(ward.engine) as conn:
        queue_config.save_counter(
            conn, actor(ward.engine, "admin"), unit_id=ward.unit_id, number=1, name="", group_ids=[ward.groups["A"]]
        )


def test_the_poster_is_an_a4_pdf(ward):
    with read(ward.engine) as conn:
        data = queue_config.poster_pdf(
            conn, actor(ward.engine, "lanhdao.hc"), unit_id=ward.unit_id, base_url="https://motcua.example"
        )
    assert data.startswith(b"%PDF") and len(data) > 5000


# Statistics ---------------------------------------------------------------------------------------------------


def _serve(ward: Ward, letter: str, issued: datetime, wait_minutes: int, service_minutes: int, counter: int = 1):
    ward.take(letter, at=issued)
    called = issued + timedelta(minutes=wait_minutes)
    ward.clerk(queue.call_next, counter, at=called)
    ward.clerk(queue.start_service, counter, at=called)
    ward.clerk(queue.finish_service, counter, at=called + timedelta(minutes=service_minutes))


def test_statistics_give_averages_90th_percentiles_and_the_no_show_rate(ward):
    _serve(ward, "A", AT, 1, 4)
    _serve(ward, "A", AT + timedelta(minutes=10), 2, 6)
    _serve(ward, "A", AT + timedelta(minutes=20), 10, 8)
    ward.take("A", at=AT + timedelta(minutes=40))
    ward.clerk(queue.call_next, at=AT + timedelta(minutes=41))
    ward.clerk(queue.mark_no_show, at=AT + timedelta(minutes=42))
    ward.take("B", at=AT + timedelta(minutes=50))
    with read(ward.engine) as conn:
        stats = queue_stats.queue_stats(
            conn, actor(ward.engine, "lanhdao.hc"), unit_id=ward.unit_id, start=AT.date(), end=AT.date()
        )
    assert (stats["issued"], stats["served"], stats["no_show"]) == (5, 3, 1)
    assert stats["no_show_rate"] == 0.25
    assert stats["avg_service"] == 360.0 and stats["p90_service"] == 480
    group_a = next(g for g in stats["by_group"] if g["key"] == ward.groups["A"])
    assert group_a["p90_wait"] == 600 and group_a["avg_wait"] == pytest.approx((60 + 120 + 600 + 60) / 4, abs=0.1)
    assert [h["label"] for h in stats["by_hour"]] == ["09:00"]
    assert stats["by_counter"][0]["label"].endswith("Quầy 1")
    assert stats["by_clerk"][0]["label"] == "Lý Thị Mai"


def test_a_city_leader_gets_the_whole_city_and_a_ward_leader_only_their_own(ward):
    _serve(ward, "A", AT, 1, 4)
    period = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}
    with read(ward.engine) as conn:
        city = queue_stats.queue_stats(conn, actor(ward.engine, "lanhdao.tp"), unit_id=None, **period)
        nhs = queue_stats.queue_stats(conn, actor(ward.engine, "lanhdao.nhs"), unit_id=None, **period)
    assert city["issued"] == 1 and nhs["issued"] == 0
    with pytest.raises(PermissionDenied), read(ward.engine) as conn:
        queue_stats.queue_stats(conn, actor(ward.engine, "lanhdao.nhs"), unit_id=ward.unit_id, **period)


def _priority_id(ward: Ward) -> int:
    with read(ward.engine) as conn:
        return queue_config.list_priorities(conn, ward.unit_id)[0]["id"]
