"""The counter page and the queue set-up page in AppTest, for each role that may open them, and not for others."""

import pytest
from sqlalchemy import select

from db.engine import read
from db.schema import queue_groups, queue_tickets
from services.core.units import unit_by_code
from tests.apptest import check, errors, open_app, registered_pages

COUNTER = "pages/counter.py"
ADMIN_QUEUE = "pages/admin_queue.py"


def _button(at, key):
    return next(b for b in at.button if b.key == key)


@pytest.mark.parametrize(
    "username, counter, setup",
    [
        ("motcua.nhs", True, False),
        ("motcua.hc", True, False),
        ("lanhdao.nhs", False, True),
        ("admin", False, True),
        ("lanhdao.tp", False, False),
        ("chuyenvien.nhs", False, False),
        ("truongphong.nhs", False, False),
    ],
)
def test_only_clerks_get_the_counter_and_only_admins_and_leaders_get_the_set_up(demo, username, counter, setup):
    pages = registered_pages(open_app(demo, username))
    assert (COUNTER in pages, ADMIN_QUEUE in pages) == (counter, setup)


def test_a_clerk_calls_the_next_number_and_the_line_is_shown(demo):
    at = open_app(demo, "motcua.nhs", page=COUNTER)
    assert at.selectbox(key="counter__counter").value is not None
    assert any("Đang chờ ở các nhóm của quầy" in s.value for s in at.subheader)
    check(_button(at, "counter__next").click().run())
    assert not at.exception
    assert any(s.value.startswith("Mời số A") for s in at.success)
    assert any("Đang gọi" in m.value for m in at.markdown)


def test_a_clerk_marks_absent_then_calls_a_chosen_number(demo):
    at = open_app(demo, "motcua.nhs", page=COUNTER)
    check(_button(at, "counter__next").click().run())
    check(_button(at, "counter__no_show").click().run())
    assert not at.exception and any("vắng mặt" in s.value for s in at.success)
    check(_button(at, "counter__call_pick").click().run())
    assert not at.exception and any(s.value.startswith("Mời số") for s in at.success)


def test_a_clerk_without_a_counter_is_told_what_to_do(demo):
    at = open_app(demo, "motcua.hc", page=COUNTER)
    assert any("chưa có quầy" in i.value for i in at.info)


def test_tiep_nhan_ho_so_hands_the_served_ticket_to_the_intake_page(demo):
    at = open_app(demo, "motcua.nhs", page=COUNTER)
    check(_button(at, "counter__next").click().run())
    check(_button(at, "counter__intake").click().run())
    assert not at.exception
    ticket_id = at.session_state["intake__ticket_id"]
    with read(demo.engine) as conn:
        assert conn.scalar(select(queue_tickets.c.status).where(queue_tickets.c.id == ticket_id)) == "serving"


def test_a_leader_adds_a_group_and_saves_ticket_hours(demo):
    at = open_app(demo, "lanhdao.nhs", page=ADMIN_QUEUE)
    at.text_input(key="admin_queue__letter").input("D")
    at.text_input(key="admin_queue__group_name").input("Đăng ký kinh doanh")
    check(next(b for b in at.button if b.label == "Thêm nhóm").click().run())
    assert not at.exception
    with read(demo.engine) as conn:
        assert conn.scalar(select(queue_groups.c.name).where(queue_groups.c.letter == "D")) == "Đăng ký kinh doanh"
    at.text_input(key="admin_queue__hours_5").input("07:30-11:00")
    check(next(b for b in at.button if b.label == "Lưu giờ cấp số").click().run())
    assert not at.exception and any("Đã lưu giờ cấp số" in s.value for s in at.success)


def test_bad_ticket_hours_show_a_vietnamese_error(demo):
    at = open_app(demo, "lanhdao.nhs", page=ADMIN_QUEUE)
    at.text_input(key="admin_queue__hours_0").input("sáng")
    check(next(b for b in at.button if b.label == "Lưu giờ cấp số").click().run(), allow_errors=["07:30-11:00"])
    assert errors(at) == ["Thứ Hai: ghi giờ theo dạng 07:30-11:00, 13:30-16:30."]


def test_a_unit_without_a_queue_starts_from_the_sample(demo):
    at = open_app(demo, "lanhdao.hc", page=ADMIN_QUEUE)
    check(_button(at, "admin_queue__sample").click().run())
    assert not at.exception
    with read(demo.engine) as conn:
        unit_id = unit_by_code(conn, "HAICHAU")["id"]
        letters = set(conn.scalars(select(queue_groups.c.letter).where(queue_groups.c.unit_id == unit_id)))
    assert letters == {"A", "B", "C"}


def test_an_admin_downloads_the_poster_of_any_unit(demo):
    at = open_app(demo, "admin", page=ADMIN_QUEUE)
    assert not at.exception
    assert any("lay-so/" in m.value for m in at.markdown)
