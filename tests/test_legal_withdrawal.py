"""Withdrawal at the citizen's request: before the result only, with a reason and a confirmed signature, a printed
slip, and the dossier left out of every on-time and late figure."""

import subprocess
from datetime import date, timedelta

import pytest

from db.engine import read, write
from services.core.errors import PermissionDenied, ValidationError
from services.dossiers.flow import load
from services.ioc import kpi
from services.processing import withdrawal as legal_withdrawal
from tests.apptest import open_app
from tests.builders import actor
from tests.intake_builders import TUESDAY_9AM, receive_marriage, store_in
from tests.processing_builders import assigned_permit, snapshot


def withdraw(engine, dossier_id, *, username="motcua.nhs", **changes):
    with write(engine) as conn:
        arguments = dict(reason="Gia đình đổi kế hoạch", requested_by="Nguyễn Văn An", signature_confirmed=True)
        return legal_withdrawal.withdraw(
            conn, actor(engine, username), dossier_id=dossier_id,
            expected_version=load(conn, dossier_id)["version"], at=TUESDAY_9AM + timedelta(days=2),
            **{**arguments, **changes},
        )  # fmt: skip


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def test_a_withdrawn_dossier_is_closed_with_a_printed_slip(demo_engine, tmp_path):
    dossier = assigned_permit(demo_engine, store_in(tmp_path))
    withdraw(demo_engine, dossier["id"])
    with read(demo_engine) as conn:
        after = load(conn, dossier["id"])
        slip = legal_withdrawal.withdrawal_pdf(conn, actor(demo_engine, "motcua.nhs"), dossier_id=dossier["id"])
    assert (after["status"], after["is_late"], after["finished_at"] is not None) == ("withdrawn", None, True)
    text = pdf_text(slip)
    assert "PHIẾU XÁC NHẬN RÚT HỒ SƠ" in text and dossier["code"] in text and "đổi kế hoạch" in text


def test_a_withdrawn_dossier_counts_in_no_on_time_or_late_figure(demo_engine, tmp_path):
    dossier = assigned_permit(demo_engine, store_in(tmp_path))
    leader = actor(demo_engine, "lanhdao.nhs")

    def figures():
        with read(demo_engine) as conn:
            return kpi.summary(conn, leader, unit_id=leader.unit_id, start=date(2026, 3, 1), end=date(2026, 4, 30),
                               at=TUESDAY_9AM + timedelta(days=60))  # fmt: skip

    before = figures()
    withdraw(demo_engine, dossier["id"])
    after = figures()
    assert (after["processed"], after["late"]) == (before["processed"] - 1, before["late"] - 1)
    assert after["finished"] == before["finished"]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"reason": " "}, "lý do rút hồ sơ"),
        ({"requested_by": ""}, "họ tên người đề nghị"),
        ({"signature_confirmed": False}, "phải ký vào phiếu rút hồ sơ"),
    ],
)
def test_a_withdrawal_needs_a_reason_a_name_and_the_signature(demo_engine, tmp_path, changes, message):
    dossier = assigned_permit(demo_engine, store_in(tmp_path))
    before = snapshot(demo_engine, dossier["id"])
    with pytest.raises(ValidationError, match=message):
        withdraw(demo_engine, dossier["id"], **changes)
    assert snapshot(demo_engine, dossier["id"]) == before


def test_a_withdrawal_after_the_result_is_refused_and_changes_nothing(demo_engine, tmp_path):
    from services.dossiers import counter_results
    from tests.intake_builders import SCAN

    receipt = receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path))
    with write(demo_engine) as conn:
        counter_results.record_decision(
            conn, actor(demo_engine, "motcua.nhs"), dossier_id=receipt.dossier_id, expected_version=1, approve=True,
            result_files=[("gcn.pdf", SCAN)], store=store_in(tmp_path), at=TUESDAY_9AM + timedelta(hours=1),
            marriage=dict(certificate_no="1", book="1", page="1", entry_no="1", both_present_signed=True),
        )  # fmt: skip
    before = snapshot(demo_engine, receipt.dossier_id)
    with pytest.raises(ValidationError, match="chỉ rút được trước khi có kết quả"):
        withdraw(demo_engine, receipt.dossier_id)
    assert snapshot(demo_engine, receipt.dossier_id) == before


def test_only_the_receiving_counter_records_a_withdrawal(demo_engine, tmp_path):
    dossier = assigned_permit(demo_engine, store_in(tmp_path))
    with pytest.raises(PermissionDenied):
        withdraw(demo_engine, dossier["id"], username="motcua.hc")


def test_the_withdrawal_page_records_it_and_offers_the_slip(demo, tmp_path):
    dossier = assigned_permit(demo.engine, store_in(tmp_path))
    at = open_app(demo, "motcua.nhs", page="pages/withdrawal.py")
    at.text_input(key="withdrawal__query").set_value(dossier["code"]).run()
    at.text_area(key="withdrawal__reason").set_value("Đổi kế hoạch")
    at.checkbox(key="withdrawal__signed").check()
    next(b for b in at.button if b.label == "Ghi nhận rút hồ sơ").click().run()
    assert not at.exception and not at.error
    assert any("Đã ghi nhận rút hồ sơ" in s.value for s in at.success)
    with read(demo.engine) as conn:
        assert load(conn, dossier["id"])["status"] == "withdrawn"
