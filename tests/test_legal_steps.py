"""Step deadlines and the construction permit as the law has it: steps that sum to the legal limit, each dossier's
step deadlines, a late step flagged while the dossier is on time, one supplement notice, the clock restarted after
the supplement (or paused, the default), and the extension of up to 10 days by written notice."""

import subprocess
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from sqlalchemy import update

from db.engine import read, write
from db.schema import procedures
from services.catalog import admin as catalog_admin
from services.catalog import procedures as catalog
from services.catalog import steps as legal_steps
from services.catalog.procedures import calendar_for_unit
from services.core.clock import LOCAL_TZ
from services.core.errors import ValidationError
from services.core.files import LocalFileStore
from services.core.working_time import WorkingCalendar
from services.ioc import early_warnings
from services.processing import actions as processing
from services.processing import extension as legal_extension
from services.processing import worklist
from services.processing.forms import control_slip_pdf
from tests.builders import actor
from tests.processing_builders import assigned_permit, load, receive_permit, snapshot

GPXD = catalog_admin.DEFAULTS  # noqa: F841 - the module is imported for its validation rules
STEPS = [
    {"name": "Tiếp nhận, kiểm tra và chuyển hồ sơ", "who": "counter", "days": "0.5"},
    {"name": "Phân công chuyên viên thụ lý", "who": "department_head", "days": "0.5"},
    {"name": "Thẩm định hồ sơ, kiểm tra thực địa", "who": "appraisal", "days": "7"},
    {"name": "Tổng hợp, dự thảo giấy phép", "who": "specialist", "days": "4.5"},
    {"name": "Lãnh đạo UBND ký giấy phép", "who": "leader", "days": "2.5"},
]


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=LOCAL_TZ)


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


@pytest.fixture
def store(tmp_path):
    return LocalFileStore(tmp_path / "files")


def run(engine, service, username, *args, **kwargs):
    with write(engine) as conn:
        return service(conn, actor(engine, username), *args, **kwargs)


# --- the catalog's steps (pure) ----------------------------------------------------------------------------------


def test_steps_that_sum_to_the_legal_limit_are_kept():
    assert legal_steps.validate_steps(STEPS, deadline_kind="working_days", deadline_amount=15) == STEPS


@pytest.mark.parametrize(
    "steps, kind, amount, message",
    [
        (
            STEPS[:-1],
            "working_days",
            15,
            r"Tổng thời gian các bước \(12,5 ngày làm việc\) phải bằng thời hạn giải quyết",
        ),
        ([{**STEPS[0], "days": "0,3"}], "working_days", 1, "bội số của 0,25"),
        ([{**STEPS[0], "days": "abc"}], "working_days", 1, "không hợp lệ"),
        ([{**STEPS[0], "who": "nobody", "days": "1"}], "working_days", 1, "chọn người thực hiện"),
        ([{**STEPS[0], "days": "1"}], "same_day", 0, "ngày làm việc"),
    ],
)
def test_steps_that_do_not_sum_to_the_limit_or_are_malformed_are_refused(steps, kind, amount, message):
    with pytest.raises(ValidationError, match=message):
        legal_steps.validate_steps(steps, deadline_kind=kind, deadline_amount=amount)


def test_each_step_is_due_after_the_working_days_allotted_so_far():
    dues = legal_steps.step_due_moments(WorkingCalendar(), at("10/03/2026 09:00"), STEPS)
    assert dues == [
        at("10/03/2026 14:30"), at("11/03/2026 09:00"), at("20/03/2026 09:00"), at("26/03/2026 14:30"),
        at("31/03/2026 09:00"),
    ]  # fmt: skip


def test_half_a_working_day_moves_the_receipts_share_of_its_day():
    calendar = WorkingCalendar()
    assert calendar.add_working_days(at("10/03/2026 15:00"), Fraction(1, 2)) == at("11/03/2026 09:30")
    assert calendar.add_working_days(at("31/03/2026 09:00"), -1) == at("30/03/2026 09:00")


def test_the_catalog_page_service_refuses_steps_that_do_not_sum_to_the_limit_and_changes_nothing(demo_engine):
    with read(demo_engine) as conn:
        permit = catalog.get_procedure(conn, "gpxd_nha_o")
    with pytest.raises(ValidationError, match="phải bằng thời hạn giải quyết"):
        run(demo_engine, catalog_admin.update_procedure, "admin", procedure_id=permit["id"], steps=STEPS[:3])
    with read(demo_engine) as conn:
        assert catalog.get_procedure(conn, "gpxd_nha_o") == permit
    run(demo_engine, catalog_admin.update_procedure, "admin", procedure_id=permit["id"], deadline_amount=16,
        steps=[*STEPS[:-1], {**STEPS[-1], "days": "3.5"}])  # fmt: skip
    with read(demo_engine) as conn:
        assert catalog.get_procedure(conn, "gpxd_nha_o")["steps"][-1]["days"] == "3.5"


# --- a permit's steps ----------------------------------------------------------------------------------------------


def test_a_permit_keeps_each_steps_deadline_and_marks_steps_done_by_their_actions(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    with read(demo_engine) as conn:
        steps = legal_steps.dossier_steps_of(conn, dossier["id"])
    assert [s["due_at"] for s in steps][2:] == [at("20/03/2026 09:00"), at("26/03/2026 14:30"), at("31/03/2026 09:00")]
    assert [s["done_at"] is not None for s in steps] == [True, True, False, False, False]
    run(demo_engine, processing.record_site_appraisal, "chuyenvien.nhs", store, dossier_id=dossier["id"],
        expected_version=dossier["version"], appraised_on=date(2026, 3, 12), participants="Tổ thẩm định",
        findings="Đúng hiện trạng", conclusion="meets", at=at("12/03/2026 10:00"))  # fmt: skip
    with read(demo_engine) as conn:
        steps = legal_steps.dossier_steps_of(conn, dossier["id"])
        text = pdf_text(control_slip_pdf(conn, actor(demo_engine, "lanhdao.nhs"), dossier_id=dossier["id"]))
    assert [legal_steps.step_status(s, at("12/03/2026 11:00")) for s in steps] == [
        "on_time", "on_time", "on_time", "open", "open"
    ]  # fmt: skip
    assert "Thời hạn từng bước" in text and "Thẩm định hồ sơ," in text and "Hạn bước" in text


def test_a_late_appraisal_step_is_flagged_while_the_dossier_is_still_on_time(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    moment = at("23/03/2026 10:00")
    with read(demo_engine) as conn:
        page = worklist.worklist(conn, actor(demo_engine, "chuyenvien.nhs"), at=moment)
        warnings = early_warnings.early_warnings(
            conn, actor(demo_engine, "lanhdao.nhs"), unit_id=dossier["processing_unit_id"], at=moment
        )
    row = next(r for r in page.rows if r["id"] == dossier["id"])
    assert (row["urgency"], row["late_step"]) == ("ok", "Thẩm định hồ sơ, kiểm tra thực địa")
    warning = next(w for w in warnings if w["code"] == dossier["code"])
    assert warning["level"] == "step_late" and "Thẩm định" in warning["level_label"]


# --- construction permit: one supplement, restart or pause ---------------------------------------------------------


def ask(engine, dossier, when):
    return run(engine, processing.request_supplement, "chuyenvien.nhs", dossier_id=dossier["id"],
               expected_version=load(engine, dossier["id"])["version"], items=["Bản vẽ mặt bằng"], at=when)  # fmt: skip


def bring(engine, dossier, when):
    return run(engine, processing.receive_supplement, "motcua.nhs", dossier_id=dossier["id"],
               expected_version=load(engine, dossier["id"])["version"], at=when)  # fmt: skip


def test_a_second_supplement_notice_for_a_construction_permit_is_refused_with_the_reason(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    ask(demo_engine, dossier, at("11/03/2026 10:00"))
    bring(demo_engine, dossier, at("16/03/2026 14:00"))
    before = snapshot(demo_engine, dossier["id"])
    with pytest.raises(ValidationError, match="chỉ được yêu cầu bổ sung, hoàn thiện hồ sơ 1 lần"):
        ask(demo_engine, dossier, at("17/03/2026 10:00"))
    assert snapshot(demo_engine, dossier["id"]) == before


def test_the_permit_clock_restarts_the_legal_limit_and_the_open_steps_when_the_supplement_arrives(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    ask(demo_engine, dossier, at("11/03/2026 10:00"))
    after = bring(demo_engine, dossier, at("16/03/2026 14:00"))
    with read(demo_engine) as conn:
        steps = legal_steps.dossier_steps_of(conn, dossier["id"])
        calendar = calendar_for_unit(conn, dossier["processing_unit_id"])
    assert steps[2]["due_at"] == calendar.add_working_days(at("16/03/2026 14:00"), 7)
    assert after["due_at"] == at("06/04/2026 14:00")  # 15 working days from the supplement's receipt
    assert steps[-1]["due_at"] == after["due_at"]


def test_a_procedure_set_to_pause_moves_the_appointment_by_the_time_paused(demo_engine, store):
    with write(demo_engine) as conn:
        conn.execute(update(procedures).where(procedures.c.code == "gpxd_nha_o").values(supplement_clock="pause"))
    dossier = assigned_permit(demo_engine, store)
    ask(demo_engine, dossier, at("11/03/2026 10:00"))
    after = bring(demo_engine, dossier, at("12/03/2026 10:00"))  # 8 working hours paused
    assert after["due_at"] == at("01/04/2026 09:00")


# --- extension by written notice ------------------------------------------------------------------------------------


def extend(engine, dossier, new_due, username="chuyenvien.nhs", when=None):
    return run(engine, legal_extension.extend, username, dossier_id=dossier["id"],
               expected_version=load(engine, dossier["id"])["version"], reason="Chờ ý kiến cơ quan quản lý đô thị",
               new_due_at=new_due, at=when or at("25/03/2026 10:00"))  # fmt: skip


def test_an_extension_of_up_to_10_days_moves_the_deadline_and_is_not_an_apology(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    extension_id = extend(demo_engine, dossier, at("10/04/2026 09:00"))
    after = load(demo_engine, dossier["id"])
    assert (after["due_at"], after["counted_late"], after["apology_count"], after["extension_count"]) == (
        at("10/04/2026 09:00"),
        False,
        0,
        1,
    )
    with read(demo_engine) as conn:
        steps = legal_steps.dossier_steps_of(conn, dossier["id"])
        notice = legal_extension.extension_pdf(
            conn, actor(demo_engine, "chuyenvien.nhs"), dossier_id=dossier["id"], extension_id=extension_id
        )
    assert steps[-1]["due_at"] == at("10/04/2026 09:00")
    text = pdf_text(notice)
    assert "THÔNG BÁO GIA HẠN" in text and "09:00 10/04/2026" in text and "không phải phiếu xin lỗi" in text


@pytest.mark.parametrize(
    "new_due, when, message",
    [
        ("10/04/2026 09:01", "25/03/2026 10:00", "tối đa 10 ngày"),
        ("30/03/2026 09:00", "25/03/2026 10:00", "phải sau thời hạn hiện tại"),
        ("08/04/2026 09:00", "31/03/2026 10:00", "trước khi hết thời hạn"),
    ],
)
def test_an_extension_past_10_days_or_too_late_is_refused_and_changes_nothing(demo_engine, store, new_due, when,
                                                                              message):  # fmt: skip
    dossier = assigned_permit(demo_engine, store)
    before = snapshot(demo_engine, dossier["id"])
    with pytest.raises(ValidationError, match=message):
        extend(demo_engine, dossier, at(new_due), when=at(when))
    assert snapshot(demo_engine, dossier["id"]) == before


def test_a_procedure_without_an_extension_rule_gets_none(demo_engine, store):
    with write(demo_engine) as conn:
        conn.execute(update(procedures).where(procedures.c.code == "gpxd_nha_o").values(max_extension_days=None))
    dossier = receive_permit(demo_engine, store)
    with pytest.raises(ValidationError, match="không có quy định gia hạn"):
        extend(demo_engine, dossier, at("02/04/2026 09:00"), username="lanhdao.nhs")


def test_two_extensions_together_stay_within_10_days_of_the_first_deadline(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    extend(demo_engine, dossier, at("03/04/2026 09:00"))
    with pytest.raises(ValidationError, match="09:00 10/04/2026"):
        extend(demo_engine, dossier, at("13/04/2026 09:00"), when=at("01/04/2026 09:00"))
    extend(demo_engine, dossier, at("10/04/2026 09:00"), when=at("01/04/2026 09:00"))
    assert load(demo_engine, dossier["id"])["due_at"] == at("10/04/2026 09:00") + timedelta(0)


def test_the_catalog_page_refuses_a_deadline_its_steps_do_not_sum_to_and_saves_nothing(demo):
    from tests.apptest import open_app

    with read(demo.engine) as conn:
        permit = catalog.get_procedure(conn, "gpxd_nha_o")
    at = open_app(demo, "admin", page="pages/admin_procedures.py")
    at.selectbox(key="procedures__edit_id").set_value(permit["id"]).run()
    at.number_input(key=f"procedures__edit_{permit['id']}_amount").set_value(16)
    next(b for b in at.button if b.label == "Lưu thay đổi").click().run()
    assert not at.exception
    assert any("(15 ngày làm việc) phải bằng thời hạn giải quyết (16 ngày làm việc)" in e.value for e in at.error)
    with read(demo.engine) as conn:
        assert catalog.get_procedure(conn, "gpxd_nha_o") == permit
