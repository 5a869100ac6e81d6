"""The catalog and calendar screens driven like staff use them (AppTest), and who gets them at all."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from db.engine import read
from db.schema import calendar_overrides, procedure_history, procedures
from services.catalog import admin as catalog_admin
from services.catalog import procedures as catalog
from services.core.clock import LOCAL_TZ
from tests.apptest import check, open_app, registered_pages
from tests.builders import actor

PROCEDURES_PAGE, CALENDAR_PAGE = "pages/admin_procedures.py", "pages/admin_calendar.py"
FRIDAY_AFTER_CUTOFF = datetime(2026, 6, 19, 15, 30, tzinfo=LOCAL_TZ)


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def ket_hon(engine) -> dict:
    with read(engine) as conn:
        return catalog.get_procedure(conn, "ket_hon")


def due(engine, unit_id=None) -> datetime:
    with read(engine) as conn:
        return catalog.appointment(conn, procedure_code="ket_hon", received_at=FRIDAY_AFTER_CUTOFF, unit_id=unit_id)


def count(engine, table) -> int:
    with read(engine) as conn:
        return conn.scalar(select(func.count()).select_from(table))


def table_with(at, column: str):
    """The shown table that has this column (the documents editor is a table too)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


@pytest.mark.parametrize(
    "username, expected",
    [
        ("admin", {PROCEDURES_PAGE, CALENDAR_PAGE}),
        ("lanhdao.nhs", {CALENDAR_PAGE}),
        ("lanhdao.tp", set()),
        ("motcua.nhs", set()),
        ("truongphong.nhs", set()),
        ("hotich.nhs", set()),
    ],
)
def test_only_admins_get_the_catalog_and_only_admins_and_ward_leaders_the_calendar(demo, username, expected):
    assert registered_pages(open_app(demo, username)) & {PROCEDURES_PAGE, CALENDAR_PAGE} == expected


def test_the_catalog_page_flags_sample_values_and_a_changed_deadline_is_used_at_once_and_in_the_history(demo):
    at = open_app(demo, "admin", page=PROCEDURES_PAGE)
    listing = table_with(at, "Kiểm tra")
    assert set(listing["Kiểm tra"]) == {"Giá trị mẫu — cần kiểm tra"} and len(listing) == 7
    assert "7 thủ tục" in texts(at.warning)

    procedure_id = ket_hon(demo.engine)["id"]
    check(at.selectbox(key="procedures__edit_id").set_value(procedure_id).run())
    prefix = f"procedures__edit_{procedure_id}"
    at.selectbox(key=f"{prefix}_kind").set_value("working_days")
    at.number_input(key=f"{prefix}_amount").set_value(2)
    check(button(at, "Lưu thay đổi").click().run())
    assert not at.exception and not at.error, texts(at.error)
    assert "Đã lưu" in texts(at.success)

    assert due(demo.engine) == datetime(2026, 6, 23, 15, 30, tzinfo=LOCAL_TZ)
    history = table_with(at, "Người sửa")
    assert list(history["Người sửa"]) == ["admin"]
    assert "Thời hạn: 0 → 2" in history["Thay đổi"][0]
    assert "Giá trị mẫu — cần kiểm tra" not in set(
        at.dataframe[0].value.loc[lambda f: f["Mã"] == "ket_hon", "Kiểm tra"]
    )


def test_a_zero_deadline_on_the_catalog_page_shows_the_error_and_saves_nothing(demo):
    at = open_app(demo, "admin", page=PROCEDURES_PAGE)
    procedure_id = ket_hon(demo.engine)["id"]
    check(at.selectbox(key="procedures__edit_id").set_value(procedure_id).run())
    at.selectbox(key=f"procedures__edit_{procedure_id}_kind").set_value("working_days")
    check(button(at, "Lưu thay đổi").click().run(), allow_errors=["lớn hơn 0"])
    assert not at.exception
    assert "lớn hơn 0" in texts(at.error)
    assert ket_hon(demo.engine)["deadline_kind"] == "same_day"
    assert count(demo.engine, procedure_history) == 0


def test_a_cutoff_during_lunch_is_refused_on_the_catalog_page(demo):
    at = open_app(demo, "admin", page=PROCEDURES_PAGE)
    procedure_id = ket_hon(demo.engine)["id"]
    check(at.selectbox(key="procedures__edit_id").set_value(procedure_id).run())
    at.text_input(key=f"procedures__edit_{procedure_id}_cutoff").input("12:15")
    check(button(at, "Lưu thay đổi").click().run(), allow_errors=["ngoài giờ làm việc"])
    assert "ngoài giờ làm việc" in texts(at.error)
    assert ket_hon(demo.engine)["cutoff"] == "15:00"


def test_confirming_a_sample_procedure_removes_its_label(demo):
    at = open_app(demo, "admin", page=PROCEDURES_PAGE)
    procedure_id = ket_hon(demo.engine)["id"]
    check(at.selectbox(key="procedures__edit_id").set_value(procedure_id).run())
    check(at.button(key="procedures__confirm").click().run())
    assert not at.exception and "Đã xác nhận" in texts(at.success)
    assert ket_hon(demo.engine)["is_sample"] is False


def test_a_new_procedure_without_documents_is_refused_and_nothing_is_created(demo):
    at = open_app(demo, "admin", page=PROCEDURES_PAGE)
    at.text_input(key="procedures__new_code").input("dang_ky_tam_tru")
    at.text_input(key="procedures__new_name").input("Đăng ký tạm trú")
    at.text_input(key="procedures__new_sector").input("Cư trú")
    at.number_input(key="procedures__new_amount").set_value(3)
    check(button(at, "Thêm thủ tục").click().run(), allow_errors=["ít nhất một giấy tờ"])
    assert not at.exception
    assert "ít nhất một giấy tờ" in texts(at.error)
    assert count(demo.engine, procedures) == 7


def test_a_ward_leader_opens_saturday_morning_and_the_next_appointment_uses_it(demo):
    leader = actor(demo.engine, "lanhdao.nhs")
    at = open_app(demo, "lanhdao.nhs", page=CALENDAR_PAGE)
    assert not [s for s in at.selectbox if s.key == "calendar__scope"]  # a leader has no scope to choose
    at.checkbox(key=f"calendar__{leader.unit_id}_saturday").check()
    check(button(at, "Lưu giờ làm việc").click().run())
    assert not at.exception and not at.error, texts(at.error)
    assert due(demo.engine, leader.unit_id) == datetime(2026, 6, 20, 11, 30, tzinfo=LOCAL_TZ)
    assert due(demo.engine, actor(demo.engine, "lanhdao.hc").unit_id) == datetime(2026, 6, 22, 17, tzinfo=LOCAL_TZ)


def test_overlapping_sessions_on_the_calendar_page_are_refused_and_nothing_changes(demo):
    leader = actor(demo.engine, "lanhdao.nhs")
    at = open_app(demo, "lanhdao.nhs", page=CALENDAR_PAGE)
    at.text_input(key=f"calendar__{leader.unit_id}_0_1").input("14:00")
    check(button(at, "Lưu giờ làm việc").click().run(), allow_errors=["Thứ Hai: các buổi làm việc bị chồng lên nhau"])
    assert not at.exception
    assert "Thứ Hai: các buổi làm việc bị chồng lên nhau" in texts(at.error)
    with read(demo.engine) as conn:
        assert catalog_admin.office_hours(conn, leader, unit_id=leader.unit_id)["source"] == "city"


def test_a_leader_adds_a_day_off_and_the_trial_tool_shows_the_moved_appointment(demo):
    at = open_app(demo, "lanhdao.nhs", page=CALENDAR_PAGE)
    at.date_input(key="calendar__override_day").set_value(date(2026, 6, 22))
    at.text_input(key="calendar__override_note").input("Nghỉ do bão")
    check(button(at, "Thêm ngày").click().run())
    assert not at.exception and not at.error, texts(at.error)
    assert count(demo.engine, calendar_overrides) == 1

    at.selectbox(key="calendar__try_procedure").set_value("ket_hon")
    at.date_input(key="calendar__try_day").set_value(date(2026, 6, 19))
    at.time_input(key="calendar__try_time").set_value(time(15, 30))
    check(button(at, "Tính ngày hẹn").click().run())
    assert not at.exception
    assert "17:00 Thứ Ba 23/06/2026" in texts(at.success)


def test_an_admin_edits_the_city_default_hours_and_sees_the_holidays(demo):
    at = open_app(demo, "admin", page=CALENDAR_PAGE)
    assert at.selectbox(key="calendar__scope").value is None
    at.text_input(key="calendar__city_4_3").input("16:00")
    check(button(at, "Lưu giờ làm việc").click().run())
    assert not at.exception and not at.error, texts(at.error)
    assert due(demo.engine) == datetime(2026, 6, 22, 17, tzinfo=LOCAL_TZ)
    with read(demo.engine) as conn:
        friday = catalog.calendar_for_unit(conn, None).sessions_on(date(2026, 6, 19))
    assert friday[-1][1].time() == time(16, 0)
    check(at.selectbox(key="calendar__holidays_year").set_value(2026).run())
    holidays = table_with(at, "Ngày lễ")
    assert "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)" in set(holidays["Ngày lễ"])
    assert "22/08/2026" in texts(at.markdown)
