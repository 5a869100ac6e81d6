"""The apology (Phiếu xin lỗi và hẹn lại ngày trả kết quả) as the law has it: any procedure, no later than one working
day before the due moment (configurable per procedure), the legal due moment kept, the dossier late and overdue."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from db.engine import read, write
from db.schema import procedures
from services.core.clock import LOCAL_TZ
from services.core.errors import ValidationError
from services.core.files import LocalFileStore
from services.dossiers.intake import receive_dossier
from services.ioc import early_warnings
from services.processing import actions as processing
from tests.builders import actor
from tests.intake_builders import TUESDAY_9AM, groom
from tests.processing_builders import assigned_permit, load, snapshot


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=LOCAL_TZ)


@pytest.fixture
def store(tmp_path):
    return LocalFileStore(tmp_path / "files")


def apologize(engine, username, dossier, *, when, new_due=None):
    with write(engine) as conn:
        return processing.apologize(
            conn,
            actor(engine, username),
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
            reason="Chờ ý kiến của cơ quan quản lý đô thị",
            new_due_at=new_due or at("03/04/2026 09:00"),
            at=when,
        )


def test_the_permit_is_due_on_tuesday_31_march_at_0900(demo_engine, store):
    assert assigned_permit(demo_engine, store)["due_at"] == at("31/03/2026 09:00")


def test_an_apology_one_working_day_before_the_due_moment_is_accepted(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    apologize(demo_engine, "chuyenvien.nhs", dossier, when=at("30/03/2026 09:00"))
    after = load(demo_engine, dossier["id"])
    assert (after["due_at"], after["rescheduled_due_at"], after["counted_late"]) == (
        at("31/03/2026 09:00"),
        at("03/04/2026 09:00"),
        True,
    )


@pytest.mark.parametrize("when", ["30/03/2026 09:01", "31/03/2026 08:00", "01/04/2026 10:00"])
def test_an_apology_after_the_limit_is_refused_and_changes_nothing(demo_engine, store, when):
    dossier = assigned_permit(demo_engine, store)
    before = snapshot(demo_engine, dossier["id"])
    with pytest.raises(ValidationError, match="Đã quá thời điểm gửi phiếu xin lỗi.*09:00 30/03/2026"):
        apologize(demo_engine, "chuyenvien.nhs", dossier, when=at(when), new_due=at("10/04/2026 09:00"))
    assert snapshot(demo_engine, dossier["id"]) == before


def test_the_apology_lead_time_is_a_setting_of_the_procedure(demo_engine, store):
    with write(demo_engine) as conn:
        conn.execute(update(procedures).where(procedures.c.code == "gpxd_nha_o").values(apology_lead_days=3))
    dossier = assigned_permit(demo_engine, store)
    with pytest.raises(ValidationError, match="09:00 26/03/2026"):
        apologize(demo_engine, "chuyenvien.nhs", dossier, when=at("27/03/2026 09:00"))
    apologize(demo_engine, "chuyenvien.nhs", dossier, when=at("26/03/2026 09:00"))


def test_an_apologised_dossier_turns_overdue_once_the_original_due_moment_passes(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    apologize(demo_engine, "chuyenvien.nhs", dossier, when=at("20/03/2026 09:00"))
    with read(demo_engine) as conn:
        warnings = early_warnings.early_warnings(
            conn, actor(demo_engine, "lanhdao.nhs"), unit_id=dossier["processing_unit_id"], at=at("31/03/2026 10:00")
        )
    assert {"code": dossier["code"], "level": "overdue"} in [{"code": w["code"], "level": w["level"]} for w in warnings]


def test_a_procedure_decided_at_the_counter_can_get_an_apology_from_its_clerk(demo_engine):
    clerk = actor(demo_engine, "motcua.nhs")
    with write(demo_engine) as conn:
        receipt = receive_dossier(
            conn, clerk, procedure_code="xac_nhan_tthn", applicant=groom(), verification=True,
            received_at=TUESDAY_9AM,
        )  # fmt: skip
    dossier = load(demo_engine, receipt.dossier_id)
    assert "apologize" in processing.available_actions(clerk, dossier)
    apologize(
        demo_engine,
        "motcua.nhs",
        dossier,
        when=TUESDAY_9AM + timedelta(days=1),
        new_due=dossier["due_at"] + timedelta(days=2),
    )
    assert load(demo_engine, receipt.dossier_id)["apology_count"] == 1
