"""The trial report counts each scenario's dossiers of the trial days and exports to Excel and PDF."""

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.engine import read, write
from db.schema import dossiers, procedures, units
from services.core.clock import local
from services.core.errors import PermissionDenied, ValidationError
from services.ioc import trial_report
from tests.builders import actor


def nhs(engine) -> int:
    with read(engine) as conn:
        return conn.scalar(select(units.c.id).where(units.c.code == "NGUHANHSON"))


def test_each_scenario_counts_the_dossiers_the_ward_received_on_the_trial_days(demo):
    unit_id = nhs(demo.engine)
    with read(demo.engine) as conn:
        report = trial_report.build(
            conn, actor(demo.engine, "lanhdao.nhs"), unit_id=unit_id, start=date(2025, 6, 21), end=date(2025, 6, 23)
        )
        rows = conn.execute(
            select(
                procedures.c.code, dossiers.c.received_at, dossiers.c.processing_unit_id, dossiers.c.receiving_unit_id
            ).join(procedures, procedures.c.id == dossiers.c.procedure_id)
        ).all()
    for section in report["scenarios"]:
        wanted = sum(
            1
            for r in rows
            if r.code == section["code"]
            and (r.processing_unit_id or r.receiving_unit_id) == unit_id
            and date(2025, 6, 21) <= local(r.received_at).date() <= date(2025, 6, 23)
        )
        assert section["received"] == wanted, section["code"]
    assert report["scenarios"][0]["received"] > 0  # the demo seeds marriages on the trial days
    assert report["scenarios"][1]["statutory"] == "15 ngày làm việc"
    assert len(report["lessons"]) == 2


def test_the_report_downloads_as_an_excel_workbook_and_a_pdf(demo):
    with read(demo.engine) as conn:
        report = trial_report.build(
            conn, actor(demo.engine, "admin"), unit_id=nhs(demo.engine), start=date(2025, 6, 21), end=date(2025, 6, 23)
        )
    book = load_workbook(io.BytesIO(trial_report.to_xlsx(report)))
    assert book.sheetnames[:3] == ["KB1 ket_hon", "KB2 gpxd_nha_o", "KB3 bien_dong_dat_dai"]
    assert "Bài học kinh nghiệm" in book.sheetnames
    assert trial_report.to_pdf(report).startswith(b"%PDF")


def test_a_lesson_needs_a_problem_and_stays_in_ones_own_unit(demo):
    unit_id = nhs(demo.engine)
    with write(demo.engine) as conn, pytest.raises(ValidationError, match="vấn đề"):
        trial_report.add_lesson(
            conn,
            actor(demo.engine, "motcua.nhs"),
            unit_id=unit_id,
            day=date(2025, 6, 21),
            scenario="ket_hon",
            problem="  ",
        )
    with write(demo.engine) as conn, pytest.raises(PermissionDenied):
        trial_report.add_lesson(
            conn,
            actor(demo.engine, "lanhdao.hc"),
            unit_id=unit_id,
            day=date(2025, 6, 21),
            scenario="ket_hon",
            problem="Máy in hỏng",
        )
    with write(demo.engine) as conn:
        trial_report.add_lesson(
            conn,
            actor(demo.engine, "motcua.nhs"),
            unit_id=unit_id,
            day=date(2025, 6, 22),
            scenario="chung",
            problem="Máy in hỏng",
            owner="Văn phòng",
        )
    with read(demo.engine) as conn:
        lessons = trial_report.list_lessons(
            conn, actor(demo.engine, "lanhdao.nhs"), unit_id=unit_id, start=date(2025, 6, 22), end=date(2025, 6, 22)
        )
    assert [lesson["problem"] for lesson in lessons][-1] == "Máy in hỏng"


def test_a_lesson_logged_after_midnight_in_vietnam_may_carry_the_local_date(demo):
    """00:30 on 03/12 in Đà Nẵng is still 02/12 in UTC; the local date is today, the day after is the future."""
    just_after_midnight = datetime(2026, 12, 2, 17, 30, tzinfo=UTC)
    with write(demo.engine) as conn:
        trial_report.add_lesson(
            conn,
            actor(demo.engine, "motcua.nhs"),
            unit_id=nhs(demo.engine),
            day=date(2026, 12, 3),
            scenario="chung",
            problem="Máy quét kẹt giấy",
            at=just_after_midnight,
        )
    with write(demo.engine) as conn, pytest.raises(ValidationError, match="tương lai"):
        trial_report.add_lesson(
            conn,
            actor(demo.engine, "motcua.nhs"),
            unit_id=nhs(demo.engine),
            day=date(2026, 12, 4),
            scenario="chung",
            problem="Máy quét kẹt giấy",
            at=just_after_midnight,
        )
