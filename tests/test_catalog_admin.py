"""The procedure catalog and the working calendar edited in the app: validation, history, permissions, and the
appointment intake computes, on both databases; plus `manage.py due-date`."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from db.engine import read, write
from db.schema import audit_log, calendar_overrides, office_sessions, procedure_history, procedures
from services.catalog import admin as catalog_admin
from services.catalog import procedures as catalog
from services.core.clock import LOCAL_TZ
from services.core.errors import Conflict, PermissionDenied, ValidationError
from tests.builders import actor
from tests.test_manage_commands import manage

FRIDAY_AFTER_CUTOFF = datetime(2026, 6, 19, 15, 30, tzinfo=LOCAL_TZ)
SAMPLE_CODES = {
    "ket_hon",
    "khai_sinh",
    "khai_tu",
    "chung_thuc_ban_sao",
    "xac_nhan_tthn",
    "gpxd_nha_o",
    "bien_dong_dat_dai",
}
WEEKDAY_HOURS = [
    {"weekday": w, "starts": s, "ends": e} for w in range(5) for s, e in (("07:30", "11:30"), ("13:00", "17:00"))
]
NEW_PROCEDURE = dict(
    code="dang_ky_tam_tru",
    name="Đăng ký tạm trú",
    sector="Cư trú",
    deadline_kind="working_days",
    deadline_amount=3,
    mode="at_counter",
    documents=[{"name": "Tờ khai thay đổi thông tin cư trú", "original": True, "copies": 1}],
)


def procedure(engine, code: str) -> dict:
    with read(engine) as conn:
        return catalog.get_procedure(conn, code)


def appointment(engine, code: str, received=FRIDAY_AFTER_CUTOFF, unit_id=None, verification=False) -> datetime:
    with read(engine) as conn:
        return catalog.appointment(
            conn, procedure_code=code, received_at=received, unit_id=unit_id, verification=verification
        )


def refusal(engine, service, *args, **kwargs) -> str:
    """The Vietnamese message a refused write shows; the transaction is rolled back."""
    try:
        with write(engine) as conn:
            service(conn, *args, **kwargs)
    except (ValidationError, Conflict) as exc:
        return exc.message
    return "accepted"


def count(engine, table) -> int:
    with read(engine) as conn:
        return conn.scalar(select(func.count()).select_from(table))


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ)


# --- the sample catalog -----------------------------------------------------------------------------------------


def test_the_sample_catalog_has_exactly_the_seven_codes_of_the_trial_all_marked_as_samples(demo_engine):
    with read(demo_engine) as conn:
        rows = catalog.list_procedures(conn, active_only=False)
    assert {r["code"] for r in rows} == SAMPLE_CODES
    assert all(r["is_sample"] for r in rows)
    by_code = {r["code"]: r for r in rows}
    assert (by_code["ket_hon"]["verification_deadline_kind"], by_code["ket_hon"]["verification_deadline_amount"]) == (
        "working_days",
        5,
    )
    assert by_code["khai_tu"]["verification_deadline_amount"] == 3
    assert (by_code["gpxd_nha_o"]["deadline_amount"], by_code["gpxd_nha_o"]["mode"]) == (15, "department")
    assert (by_code["bien_dong_dat_dai"]["deadline_amount"], by_code["bien_dong_dat_dai"]["mode"]) == (10, "any_point")


def test_a_marriage_received_friday_after_1500_is_due_monday_at_close(demo_engine):
    assert appointment(demo_engine, "ket_hon") == local("2026-06-22T17:00")
    assert appointment(demo_engine, "ket_hon", verification=True) == local("2026-06-26T15:30")


def test_asking_for_a_verification_deadline_the_procedure_lacks_is_refused(demo_engine):
    with pytest.raises(ValidationError, match="không có thời hạn riêng khi cần xác minh"):
        appointment(demo_engine, "khai_sinh", verification=True)


# --- editing procedures -----------------------------------------------------------------------------------------


def test_a_changed_deadline_is_used_by_the_next_appointment_and_kept_in_the_history(demo_engine):
    admin = actor(demo_engine, "admin")
    ket_hon = procedure(demo_engine, "ket_hon")
    with write(demo_engine) as conn:
        changes = catalog_admin.update_procedure(
            conn, admin, procedure_id=ket_hon["id"], deadline_kind="working_days", deadline_amount=2
        )
    assert changes["deadline_amount"] == [0, 2] and changes["is_sample"] == [True, False]
    assert appointment(demo_engine, "ket_hon") == local("2026-06-23T15:30")
    with read(demo_engine) as conn:
        history = catalog_admin.procedure_history_of(conn, admin, procedure_id=ket_hon["id"])
    assert [h["username"] for h in history] == ["admin"]
    assert history[0]["changes"]["deadline_kind"] == ["same_day", "working_days"]
    assert history[0]["changes"]["cutoff"] == ["15:00", None]
    assert "Thời hạn: 0 → 2" in catalog_admin.describe_changes(history[0]["changes"])
    assert procedure(demo_engine, "ket_hon")["is_sample"] is False


def test_confirming_sample_values_clears_the_label_once_and_records_it(demo_engine):
    admin = actor(demo_engine, "admin")
    khai_sinh = procedure(demo_engine, "khai_sinh")
    with write(demo_engine) as conn:
        assert catalog_admin.confirm_procedure(conn, admin, procedure_id=khai_sinh["id"]) == {
            "is_sample": [True, False]
        }
    with write(demo_engine) as conn:
        assert catalog_admin.confirm_procedure(conn, admin, procedure_id=khai_sinh["id"]) == {}
    assert count(demo_engine, procedure_history) == 1
    assert procedure(demo_engine, "khai_sinh")["version"] == khai_sinh["version"] + 1


def test_documents_checklist_is_replaced_whole_and_blank_editor_rows_are_dropped(demo_engine):
    admin = actor(demo_engine, "admin")
    gpxd = procedure(demo_engine, "gpxd_nha_o")
    documents = [
        {"name": " Đơn đề nghị cấp giấy phép xây dựng ", "original": True, "copies": 1.0},
        {"name": None, "original": None, "copies": float("nan")},
        {"name": "Bản vẽ thiết kế", "original": False, "copies": 3},
    ]
    with write(demo_engine) as conn:
        catalog_admin.update_procedure(conn, admin, procedure_id=gpxd["id"], documents=documents)
    assert procedure(demo_engine, "gpxd_nha_o")["documents"] == [
        {"name": "Đơn đề nghị cấp giấy phép xây dựng", "original": True, "copies": 1},
        {"name": "Bản vẽ thiết kế", "original": False, "copies": 3},
    ]


BAD_EDITS = [
    (dict(deadline_kind="working_days", deadline_amount=0), "lớn hơn 0"),
    (dict(deadline_kind="working_days", deadline_amount=-2), "lớn hơn 0"),
    (dict(deadline_kind="calendar_days", deadline_amount="mười"), "lớn hơn 0"),
    (dict(deadline_kind="working_days", deadline_amount=999), "quá lớn"),
    (dict(deadline_kind="tuan"), "Loại thời hạn"),
    (dict(cutoff="12:00"), "ngoài giờ làm việc"),
    (dict(cutoff="18:30"), "ngoài giờ làm việc"),
    (dict(cutoff="06:00"), "ngoài giờ làm việc"),
    (dict(cutoff="15h"), "không hợp lệ"),
    (dict(cutoff="25:00"), "không hợp lệ"),
    (dict(verification_deadline_kind="same_day", verification_deadline_amount=1), "xác minh"),
    (dict(verification_deadline_kind="working_days", verification_deadline_amount=0), "xác minh"),
    (dict(name="  "), "Tên thủ tục"),
    (dict(sector=""), "Lĩnh vực"),
    (dict(mode="online"), "Cách giải quyết"),
    (dict(mode="department", department_kind=None), "phòng chuyên môn"),
    (dict(department_kind="ke_toan"), "Phòng chuyên môn"),
    (dict(documents=[]), "ít nhất một giấy tờ"),
    (dict(documents=[{"name": "Tờ khai", "original": True, "copies": 0}]), "Số bản"),
    (dict(documents=[{"name": "", "original": True, "copies": 1}]), "Tên giấy tờ"),
    (dict(documents=[{"name": "Tờ khai", "copies": 1}, {"name": "tờ khai", "copies": 2}]), "trùng tên"),
    (dict(fee=-1000), "Lệ phí"),
    (dict(parties=3), "Số người nộp"),
    (dict(active="có"), "Đang áp dụng"),
    (dict(code="ket_hon_2"), "Không sửa được"),
]


def test_every_bad_edit_is_refused_with_a_vietnamese_message_and_saves_nothing(demo_engine):
    admin = actor(demo_engine, "admin")
    before = procedure(demo_engine, "ket_hon")
    wrong = [
        (fields, got)
        for fields, message in BAD_EDITS
        if message
        not in (got := refusal(demo_engine, catalog_admin.update_procedure, admin, procedure_id=before["id"], **fields))
    ]
    assert wrong == []
    assert procedure(demo_engine, "ket_hon") == before
    assert count(demo_engine, procedure_history) == 0


def test_a_cutoff_is_checked_against_the_city_default_office_hours(demo_engine):
    admin = actor(demo_engine, "admin")
    with write(demo_engine) as conn:
        catalog_admin.set_office_sessions(
            conn, admin, unit_id=None, sessions=[{"weekday": w, "starts": "07:00", "ends": "16:00"} for w in range(5)]
        )
    with pytest.raises(ValidationError, match="07:00–16:00"), write(demo_engine) as conn:
        catalog_admin.update_procedure(
            conn, admin, procedure_id=procedure(demo_engine, "ket_hon")["id"], cutoff="16:30"
        )


def test_an_edit_made_on_a_stale_form_is_refused(demo_engine):
    admin = actor(demo_engine, "admin")
    seen = procedure(demo_engine, "khai_tu")
    with write(demo_engine) as conn:
        catalog_admin.update_procedure(conn, admin, procedure_id=seen["id"], fee=5000, expected_version=seen["version"])
    with pytest.raises(Conflict, match="người khác sửa"), write(demo_engine) as conn:
        catalog_admin.update_procedure(conn, admin, procedure_id=seen["id"], fee=0, expected_version=seen["version"])
    assert procedure(demo_engine, "khai_tu")["fee"] == 5000


def test_an_admin_creates_a_procedure_usable_at_once(demo_engine):
    admin = actor(demo_engine, "admin")
    with write(demo_engine) as conn:
        new_id = catalog_admin.create_procedure(conn, admin, **NEW_PROCEDURE)
    created = procedure(demo_engine, "dang_ky_tam_tru")
    assert created["id"] == new_id and created["is_sample"] is False and created["parties"] == 1
    assert appointment(demo_engine, "dang_ky_tam_tru") == local("2026-06-24T15:30")
    with read(demo_engine) as conn:
        [entry] = catalog_admin.procedure_history_of(conn, admin, procedure_id=new_id)
    assert entry["changes"]["code"] == [None, "dang_ky_tam_tru"]


BAD_NEW_PROCEDURES = [
    (dict(code="Đăng ký"), "Mã thủ tục"),
    (dict(code="x"), "Mã thủ tục"),
    (dict(code="ket_hon"), "Đã có thủ tục"),
    (dict(deadline_amount=0), "lớn hơn 0"),
    (dict(documents=[{"name": None, "original": None, "copies": None}]), "ít nhất một giấy tờ"),
]


def test_a_bad_new_procedure_saves_nothing(demo_engine):
    admin, before = actor(demo_engine, "admin"), count(demo_engine, procedures)
    wrong = [
        (fields, got)
        for fields, message in BAD_NEW_PROCEDURES
        if message
        not in (got := refusal(demo_engine, catalog_admin.create_procedure, admin, **{**NEW_PROCEDURE, **fields}))
    ]
    assert wrong == []
    assert count(demo_engine, procedures) == before
    assert count(demo_engine, procedure_history) == 0


@pytest.mark.parametrize("username", ["lanhdao.nhs", "motcua.nhs", "lanhdao.tp", "truongphong.nhs"])
def test_only_an_admin_edits_or_creates_procedures(demo_engine, username):
    someone = actor(demo_engine, username)
    ket_hon = procedure(demo_engine, "ket_hon")
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        catalog_admin.update_procedure(conn, someone, procedure_id=ket_hon["id"], fee=1000)
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        catalog_admin.create_procedure(conn, someone, **NEW_PROCEDURE)
    assert procedure(demo_engine, "ket_hon") == ket_hon


# --- office sessions --------------------------------------------------------------------------------------------


def test_a_leader_opens_own_ward_on_saturday_morning_and_only_that_ward_changes(demo_engine):
    leader, other = actor(demo_engine, "lanhdao.nhs"), actor(demo_engine, "lanhdao.hc")
    saturday = [*WEEKDAY_HOURS, {"weekday": 5, "starts": "07:30", "ends": "11:30"}]
    with write(demo_engine) as conn:
        catalog_admin.set_office_sessions(conn, leader, unit_id=leader.unit_id, sessions=saturday)
    assert appointment(demo_engine, "ket_hon", unit_id=leader.unit_id) == local("2026-06-20T11:30")
    assert appointment(demo_engine, "ket_hon", unit_id=other.unit_id) == local("2026-06-22T17:00")
    with read(demo_engine) as conn:
        assert catalog_admin.office_hours(conn, leader, unit_id=leader.unit_id)["source"] == "unit"
    with write(demo_engine) as conn:
        catalog_admin.reset_office_sessions(conn, leader, unit_id=leader.unit_id)
    assert appointment(demo_engine, "ket_hon", unit_id=leader.unit_id) == local("2026-06-22T17:00")


BAD_SESSIONS = [
    ([], "ít nhất một buổi"),
    (
        [{"weekday": 0, "starts": "07:30", "ends": "12:00"}, {"weekday": 0, "starts": "11:00", "ends": "17:00"}],
        "Thứ Hai: các buổi làm việc bị chồng lên nhau",
    ),  # fmt: skip
    ([{"weekday": 1, "starts": "17:00", "ends": "13:00"}], "phải sau giờ bắt đầu"),
    ([{"weekday": 2, "starts": "7h30", "ends": "11:30"}], "Thứ Tư: giờ '7h30' không hợp lệ"),
    ([{"weekday": 3, "starts": "07:30", "ends": ""}], "Thứ Năm: giờ '' không hợp lệ"),
    ([{"weekday": 9, "starts": "07:30", "ends": "11:30"}], "Thứ trong tuần"),
]


def test_bad_office_sessions_are_refused_and_the_old_ones_stay(demo_engine):
    admin = actor(demo_engine, "admin")
    wrong = [
        (sessions, got)
        for sessions, message in BAD_SESSIONS
        if message
        not in (got := refusal(demo_engine, catalog_admin.set_office_sessions, admin, unit_id=None, sessions=sessions))
    ]
    assert wrong == []
    assert count(demo_engine, office_sessions) == 10
    assert appointment(demo_engine, "ket_hon") == local("2026-06-22T17:00")


def test_a_leader_cannot_change_another_ward_or_the_city_default_and_a_clerk_nothing(demo_engine):
    leader, clerk = actor(demo_engine, "lanhdao.nhs"), actor(demo_engine, "motcua.nhs")
    other_unit = actor(demo_engine, "lanhdao.hc").unit_id
    attempts = [
        (leader, other_unit),
        (leader, None),
        (clerk, clerk.unit_id),
        (actor(demo_engine, "lanhdao.tp"), other_unit),
    ]
    for someone, unit_id in attempts:
        with pytest.raises(PermissionDenied), write(demo_engine) as conn:
            catalog_admin.set_office_sessions(conn, someone, unit_id=unit_id, sessions=WEEKDAY_HOURS)
        with pytest.raises(PermissionDenied), write(demo_engine) as conn:
            catalog_admin.add_calendar_override(
                conn, someone, unit_id=unit_id, day=date(2026, 6, 22), kind="day_off", note="Bão"
            )
    with pytest.raises(PermissionDenied), read(demo_engine) as conn:
        catalog_admin.office_hours(conn, leader, unit_id=other_unit)
    assert count(demo_engine, calendar_overrides) == 0
    assert count(demo_engine, office_sessions) == 10


def test_session_changes_are_audited_with_before_and_after(demo_engine):
    admin = actor(demo_engine, "admin")
    with write(demo_engine) as conn:
        catalog_admin.set_office_sessions(conn, admin, unit_id=None, sessions=WEEKDAY_HOURS[:2])
    with read(demo_engine) as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.entity == "office_sessions")).one()
    assert '"after": {"0": [["07:30", "11:30"], ["13:00", "17:00"]]}' in row.detail


# --- calendar overrides -----------------------------------------------------------------------------------------


def test_a_ward_day_off_moves_that_wards_appointments_only(demo_engine):
    leader = actor(demo_engine, "lanhdao.nhs")
    with write(demo_engine) as conn:
        catalog_admin.add_calendar_override(
            conn, leader, unit_id=leader.unit_id, day=date(2026, 6, 22), kind="day_off", note="Bão số 5"
        )
    assert appointment(demo_engine, "ket_hon", unit_id=leader.unit_id) == local("2026-06-23T17:00")
    assert appointment(demo_engine, "ket_hon", unit_id=actor(demo_engine, "lanhdao.hc").unit_id) == local(
        "2026-06-22T17:00"
    )


def test_a_city_day_off_applies_everywhere_and_a_ward_can_work_it_anyway(demo_engine):
    admin, leader = actor(demo_engine, "admin"), actor(demo_engine, "lanhdao.nhs")
    with write(demo_engine) as conn:
        catalog_admin.add_calendar_override(
            conn, admin, unit_id=None, day=date(2026, 6, 22), kind="day_off", note="Nghỉ theo quyết định của UBND TP"
        )
    assert appointment(demo_engine, "ket_hon") == local("2026-06-23T17:00")
    with write(demo_engine) as conn:
        catalog_admin.add_calendar_override(
            conn, leader, unit_id=leader.unit_id, day=date(2026, 6, 22), kind="working_day", note="Trực tiếp nhận"
        )
    assert appointment(demo_engine, "ket_hon", unit_id=leader.unit_id) == local("2026-06-22T17:00")
    with read(demo_engine) as conn:
        listed = catalog_admin.list_calendar_overrides(conn, leader, unit_id=leader.unit_id, year=2026)
    assert [(o["unit_id"], o["kind"]) for o in listed] == [(None, "day_off"), (leader.unit_id, "working_day")]


def test_a_swapped_working_sunday_is_a_working_day_with_weekday_hours(demo_engine):
    admin = actor(demo_engine, "admin")
    with write(demo_engine) as conn:
        catalog_admin.add_calendar_override(
            conn, admin, unit_id=None, day=date(2026, 6, 21), kind="working_day", note="Làm bù"
        )
    assert appointment(demo_engine, "ket_hon") == local("2026-06-21T17:00")


BAD_OVERRIDES = [
    (date(2026, 6, 21), "day_off", "Chủ nhật", "đã là ngày nghỉ"),
    (date(2026, 9, 2), "day_off", "Quốc khánh", "đã là ngày nghỉ"),
    (date(2026, 6, 22), "working_day", "Thứ Hai", "đã là ngày làm việc"),
    (date(2026, 6, 22), "day_off", "  ", "Lý do"),
    (date(2026, 6, 22), "holiday", "x", "Loại ngày"),
    (None, "day_off", "x", "Ngày không hợp lệ"),
    (date(1999, 1, 4), "day_off", "x", "năm quanh năm nay"),
    (date(2026, 6, 23), "day_off", "trùng", "đã có điều chỉnh"),
]


def test_a_bad_or_useless_override_saves_nothing(demo_engine):
    admin = actor(demo_engine, "admin")
    with write(demo_engine) as conn:
        catalog_admin.add_calendar_override(conn, admin, unit_id=None, day=date(2026, 6, 23), kind="day_off", note="a")
    add = catalog_admin.add_calendar_override
    wrong = [
        (day, kind, got)
        for day, kind, note, message in BAD_OVERRIDES
        if message not in (got := refusal(demo_engine, add, admin, unit_id=None, day=day, kind=kind, note=note))
    ]
    assert wrong == []
    assert count(demo_engine, calendar_overrides) == 1


def test_a_leader_removes_own_overrides_but_not_city_ones_and_removals_are_audited(demo_engine):
    admin, leader = actor(demo_engine, "admin"), actor(demo_engine, "lanhdao.nhs")
    with write(demo_engine) as conn:
        city = catalog_admin.add_calendar_override(
            conn, admin, unit_id=None, day=date(2026, 6, 22), kind="day_off", note="TP"
        )
        own = catalog_admin.add_calendar_override(
            conn, leader, unit_id=leader.unit_id, day=date(2026, 6, 23), kind="day_off", note="Phường"
        )
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        catalog_admin.remove_calendar_override(conn, leader, override_id=city)
    with write(demo_engine) as conn:
        catalog_admin.remove_calendar_override(conn, leader, override_id=own)
    with read(demo_engine) as conn:
        actions = conn.execute(
            select(audit_log.c.action, audit_log.c.username).where(audit_log.c.entity == "calendar_override")
        ).all()
    assert sorted(actions) == [("create", "admin"), ("create", "lanhdao.nhs"), ("delete", "lanhdao.nhs")]
    assert count(demo_engine, calendar_overrides) == 1


def test_the_national_calendar_lists_tet_the_days_in_lieu_and_the_swapped_saturday():
    national = catalog_admin.national_calendar(2026)
    days = dict(national["holidays"])
    assert {date(2026, 2, 16), date(2026, 2, 20), date(2026, 4, 27), date(2026, 8, 31), date(2026, 11, 24)} <= set(days)
    assert "nghỉ bù" in days[date(2026, 4, 27)]
    assert national["working_weekends"] == [date(2026, 8, 22)]


# --- manage.py due-date -----------------------------------------------------------------------------------------


def test_due_date_prints_the_appointment_of_the_issue_example(demo):
    result = manage(demo.url, "due-date", "--procedure", "ket_hon", "--received", "2026-06-19T15:30")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2026-06-22T17:00\n"


def test_due_date_uses_the_unit_calendar_and_the_verification_deadline(demo):
    leader = actor(demo.engine, "lanhdao.nhs")
    with write(demo.engine) as conn:
        catalog_admin.add_calendar_override(
            conn, leader, unit_id=leader.unit_id, day=date(2026, 6, 22), kind="day_off", note="Bão"
        )
    args = ["due-date", "--procedure", "ket_hon", "--received", "2026-06-19T15:30", "--unit", "NGUHANHSON"]
    assert manage(demo.url, *args).stdout == "2026-06-23T17:00\n"
    assert manage(demo.url, *args, "--verification").stdout == "2026-06-29T15:30\n"


BAD_COMMANDS = [
    (["--procedure", "khong_co", "--received", "2026-06-19T15:30"], "Không có thủ tục mã 'khong_co'"),
    (["--procedure", "ket_hon", "--received", "19/06/2026 15:30"], "YYYY-MM-DDTHH:MM"),
    (["--procedure", "ket_hon", "--received", "2026-06-19T25:30"], "không hợp lệ"),
    (["--procedure", "ket_hon"], "Thời điểm tiếp nhận"),
    (["--received", "2026-06-19T15:30"], "Thiếu mã thủ tục"),
    (["--procedure", "ket_hon", "--received", "2026-06-19T15:30", "--unit", "XYZ"], "Không có phường/xã"),
    (["--procedure", "khai_sinh", "--received", "2026-06-19T15:30", "--verification"], "xác minh"),
]


def test_due_date_with_bad_input_says_why_in_vietnamese_and_exits_2(demo):
    results = [(args, message, manage(demo.url, "due-date", *args)) for args, message in BAD_COMMANDS]
    wrong = [
        (args, r.returncode, r.stderr) for args, message, r in results if r.returncode != 2 or message not in r.stderr
    ]
    assert wrong == []
    assert all(r.stdout == "" for _, _, r in results)
